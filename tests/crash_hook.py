"""Fault injection for tests/test_cluster.py: the enrichment of one article (id `CRASHING`) raises once it has
asked the name table its questions, wherever it runs. Cluster workers load this file with Dask's own
`dask worker --preload tests/crash_hook.py` (`dask_setup` runs at worker start); a local run gets the same
wrapper from `install` through pytest's monkeypatch. Nothing in the package knows about it."""

from __future__ import annotations

CRASHING = "crash-hook-article"
REASON = f"test fault injected into the enrichment of {CRASHING}"


def crashing(enrich_article):
    def wrapper(article, *args, **kwargs):
        result = enrich_article(article, *args, **kwargs)  # the table has seen the article's calls
        if article.id == CRASHING:
            raise RuntimeError(REASON)
        return result

    wrapper.__wrapped__ = enrich_article
    return wrapper


def install(setattr_=setattr) -> None:
    """Wrap `enrich_article` where it is called: enrich_many (local runs) and the cluster workers' task."""
    from newsfind.index.nlp import cluster, enrich

    setattr_(enrich, "enrich_article", crashing(enrich.enrich_article))
    setattr_(cluster, "enrich_article", crashing(cluster.enrich_article))


def dask_setup(worker) -> None:  # Dask's preload entry point
    install()
