"""The layers of the package: `index` (reading, NLP, ingestion, curation storage) imports neither the search
layer, the web nor the CLI; and the NLP stage (`index.nlp`, what cluster workers run) does not import the
ingestion layer that drives it (ingestion imports NLP, never the reverse)."""

from __future__ import annotations

from tests.conftest import ROOT
from tests.test_package import imported_names, modules


def imports_of(folder: str) -> dict[str, set[str]]:
    return {str(path.relative_to(ROOT)): imported_names(path) for path in modules()
            if path.relative_to(ROOT).as_posix().startswith(folder + "/")}


def offending(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {path: sorted(n for n in names if n.startswith(forbidden)) for path, names in imports_of(folder).items()}
    return {path: names for path, names in found.items() if names}


def test_the_index_layer_imports_no_search_web_or_cli():
    assert imports_of("index")
    assert offending("index", ("newsfind.search", "newsfind.web", "newsfind.cli")) == {}


def test_the_nlp_stage_does_not_import_ingestion():
    """Before: index/nlp/enrich.py imported index/ingest/dedup.py for the fingerprint (now index/nlp/fingerprint.py)."""
    assert "index/nlp/enrich.py" in imports_of("index/nlp")
    assert offending("index/nlp", ("newsfind.index.ingest",)) == {}
