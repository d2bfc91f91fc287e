"""Indexing runs: read, skip what is unchanged, enrich the rest, write to Whoosh.

Incremental by content hash: an article whose id and hash are already in the index is skipped;
a changed one replaces its document; with `prune`, articles whose input vanished are deleted.
Commits happen every `commit_every` documents (in a thread, while parsing goes on: index/ingest/commits.py),
so an interrupted run keeps what it finished.
One bad file or record is reported and never stops the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsfind.index.curation.apply import IndexCuration
from newsfind.index.curation.watches import WrittenJournal
from newsfind.index.ingest.commits import BackgroundWriter
from newsfind.index.ingest.dedup import STORE_FILE, GroupStore, fingerprint
from newsfind.index.ingest.incremental import StopRequests, prune_roots, source_file, vanished
from newsfind.index.ingest.merging import deferred, merge_down
from newsfind.index.nlp.canonical import TABLE_FILE, CanonicalTable
from newsfind.index.nlp.metadata import split_authors
from newsfind.index.readers.files import read_articles
from newsfind.index.readers.types import ReadFailure, ReadOptions, ReadReport, SourceArticle
from newsfind.index.schema import FACETS, build_schema, join_searchable, join_values
from newsfind.index.store import IndexBusyError, index_exists, open_whoosh_index
from whoosh import index as whoosh_index
from whoosh.index import LockError

COMMIT_EVERY = 200
WRITER_TIMEOUT = 10.0  # seconds to wait for another run's lock
# Seconds to wait, between two commits of a run, for a writer that took the lock in between (a curation
# change applying itself, a bulk tag committing batch after batch): the run has started, so it waits
# for the change rather than end half-way.
REOPEN_TIMEOUT = 600.0


@dataclass
class IndexSummary:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[ReadFailure] = field(default_factory=list)
    skipped: list[ReadFailure] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)  # ids deleted by --prune
    grouped: int = 0  # indexed articles that joined an existing group (a copy of another)
    interrupted: bool = False  # stopped by Ctrl-C/SIGTERM after committing what was done
    cluster: Any = None  # ClusterStats of a run on a Dask cluster (index/nlp/cluster.py)

    @property
    def indexed(self) -> int:
        return len(self.added) + len(self.replaced)

    def as_dict(self) -> dict:
        return {
            "indexed": self.indexed,
            "added": len(self.added),
            "replaced": len(self.replaced),
            "unchanged": self.unchanged,
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
            "skipped": [{"path": f.path, "reason": f.reason} for f in self.skipped],
            "pruned": len(self.pruned),
            "pruned_ids": self.pruned,
            "grouped": self.grouped,
            "interrupted": self.interrupted,
            **({"cluster": self.cluster.as_dict()} if self.cluster is not None else {}),
        }


def open_or_create(index_dir: Path):
    """The index in `index_dir`, created when there is none. An index from an older newsfind opens
    with this newsfind's schema (`open_whoosh_index`): its new fields are there at once, and the
    first commit writes them to disk."""
    index_dir.mkdir(parents=True, exist_ok=True)
    if index_exists(index_dir):
        return open_whoosh_index(index_dir)
    return whoosh_index.create_in(str(index_dir), build_schema())


def reopen_writer(ix, index_dir: Path):
    """The run's writer again after a commit. Another writer may have taken the lock in between:
    wait for it (REOPEN_TIMEOUT), else say the index is busy (what the run committed is kept)."""
    try:
        return ix.writer(timeout=REOPEN_TIMEOUT, limitmb=128)
    except LockError:
        raise IndexBusyError(
            f"another newsfind run is writing to {index_dir} and held it for {REOPEN_TIMEOUT:.0f} s; what this "
            "run committed is kept: run the same command again to index the rest") from None


def existing_hashes(ix) -> dict[str, str]:
    """id -> content hash of every live document, read from columns (no stored-field unpickling)."""
    out: dict[str, str] = {}
    with ix.reader() as reader:
        if reader.doc_count() == 0:
            return out
        ids = reader.column_reader("id")
        hashes = reader.column_reader("content_hash")
        for docnum in reader.all_doc_ids():
            out[ids[docnum]] = hashes[docnum]
    return out


def metadata_sources(article: SourceArticle, meta) -> dict[str, str]:
    """Where each value came from: what inference says, with "record" made precise where the reader
    knows more (e.g. "page: site name", "WARC-Date (capture date; ...)")."""
    sources = dict(meta.sources)
    for name, origin in article.provenance.items():
        if sources.get(name, "record") == "record":
            sources[name] = origin
    return sources


def document_fields(article: SourceArticle, enrichment) -> dict:
    meta = enrichment.metadata
    values = {
        "speaker": enrichment.speakers,
        "speaker_org": enrichment.speaker_orgs,
        "person": enrichment.persons,
        "org": enrichment.orgs,
        "place": enrichment.places,
        "outlet": [meta.outlet] if meta.outlet else [],
        "author": split_authors(meta.author),
        "tag": [],
    }
    doc = {
        "id": article.id,
        "source": article.source,
        "content_hash": article.content_hash,
        "title": article.title,
        "body": article.body,
        "url": article.url,
        "dated": 1 if meta.date and meta.date.when else 0,
        "date_text": meta.date.text if meta.date else None,
        "date_precision": meta.date.precision if meta.date else None,
        "metadata_sources": metadata_sources(article, meta),
        "quotes": enrichment.quotes,
        "mentions": enrichment.mentions,
        "quote": join_searchable(q["text"] for q in enrichment.quotes if q["speaker"]),
    }
    if meta.date and meta.date.when:
        doc["date"] = meta.date.when
    if meta.date and meta.date.year:
        doc["year"] = f"{meta.date.year:04d}"
    if meta.date and meta.date.month_key:
        doc["month"] = meta.date.month_key
    # Search fields also hold the spellings seen in this article, so `person:"Mr. Lavrov"` or
    # `org:"U.S. State Department"` find it; facet fields hold canonical values only.
    surfaces: dict[str, list[str]] = {}
    for m in enrichment.mentions:
        surfaces.setdefault(m["value"], []).append(m["text"])
    for facet, (search_field, facet_field) in FACETS.items():
        vals = values[facet]
        if facet == "tag":
            doc[search_field] = join_values(vals)
        else:
            searchable = []
            for v in vals:
                searchable.append(v)
                if facet in ("person", "org", "place"):
                    searchable.extend(s for s in dict.fromkeys(surfaces.get(v, [])) if s != v)
            doc[search_field] = join_searchable(searchable)
        doc[facet_field] = join_values(vals)
    return {k: v for k, v in doc.items() if v is not None}


def index_paths(paths: list[str], index_dir: Path, progress: Callable[[str], None] | None = None,
                n_process: int = 1, commit_every: int = COMMIT_EVERY,
                read_options: ReadOptions | None = None, prune: bool = False, cluster: str | None = None,
                on_workers: Callable[[int], None] | None = None, deferred_merges: bool = False) -> IndexSummary:
    """Index every article under `paths` into `index_dir`. `progress` is called once per input
    article with its outcome ("added", "replaced", "unchanged", "failed"). `read_options`: field
    mapping, size limit and stdin for the readers. `prune`: delete stored articles whose input
    file lies under one of `paths` but that this run did not see (index/ingest/incremental.py).

    Every article joins its syndication group (index/ingest/dedup.py) before it is written. Commits every
    `commit_every` documents (groups, canonical names, then Whoosh); a first Ctrl-C or SIGTERM
    stops between two documents and commits what is done (`summary.interrupted`); a second one,
    or SIGKILL, loses only the uncommitted documents: the next run skips what was committed.
    `cluster`: the address of a Dask scheduler that does the per-article work (index/nlp/cluster.py);
    `on_workers` is told how many workers are connected. `deferred_merges`: no segment merges until the
    run's last commit (index/ingest/merging.py)."""
    from newsfind.index.nlp.enrich import enrich_many  # spaCy only loads when there is something to enrich

    summary = IndexSummary()
    ix = open_or_create(index_dir)
    known = existing_hashes(ix)
    table = CanonicalTable(index_dir / TABLE_FILE)
    groups = GroupStore(index_dir / STORE_FILE)
    with ix.searcher() as searcher:  # after an interrupted run the index is the truth
        groups.sync_with_index(known, lambda doc_id: searcher.document(id=doc_id), source_file)
    report = ReadReport()
    seen: dict[str, str] = {}
    tick = progress or (lambda outcome: None)
    curation = IndexCuration(index_dir)  # tags and corrections go into every document written
    journal = WrittenJournal(index_dir)  # what watches must look at: journaled before each commit

    def to_enrich() -> Iterator[SourceArticle]:
        for item in read_articles(paths, report, read_options):
            if isinstance(item, ReadFailure):
                summary.failed.append(item)
                tick("failed")
                continue
            if item.id in seen:
                summary.failed.append(ReadFailure(item.source, f"duplicate id {item.id!r} (also in {seen[item.id]})"))
                tick("failed")
                continue
            seen[item.id] = item.source
            if known.get(item.id) == item.content_hash:
                summary.unchanged += 1
                groups.set_file(item.id, source_file(item.source))
                tick("unchanged")
                continue
            yield item

    try:
        # commits (and Whoosh's segment merges) run in a thread while parsing goes on (index/ingest/commits.py)
        policy = deferred if deferred_merges else (lambda w: w)
        writer = BackgroundWriter(lambda: policy(ix.writer(timeout=WRITER_TIMEOUT, limitmb=128)),
                                  lambda: policy(reopen_writer(ix, index_dir)))
    except LockError:
        groups.close()
        raise IndexBusyError(
            f"another newsfind run is writing to {index_dir}; try again when it has finished") from None

    def commit() -> None:
        groups.commit()  # first: a row without its document is dropped by the next sync
        table.save()
        writer.commit(before=journal.flush)  # under the write lock, before the commit

    pending = 0
    stop = StopRequests()
    try:
        if cluster:
            from newsfind.index.nlp.cluster import ClusterStats, enrich_on_cluster

            summary.cluster = ClusterStats()
            enriching = enrich_on_cluster(to_enrich(), table, cluster, summary.cluster, on_workers,
                                          stopped=lambda: stop.requested)
        else:
            enriching = enrich_many(to_enrich(), table, n_process=n_process)
        with stop, closing(enriching) as enriched:
            for article, enrichment in enriched:
                if isinstance(enrichment, Exception):
                    summary.failed.append(ReadFailure(article.source, f"enrichment failed: {enrichment!r}"))
                    tick("failed")
                else:
                    fp = enrichment.fingerprint or fingerprint(article.title, article.body)
                    assignment = groups.assign(article.id, article.content_hash, fp, source_file(article.source))
                    fields = {**document_fields(article, enrichment), "group": assignment.group}
                    writer.update_document(**curation.curate(fields))
                    journal.add(article.id)
                    outcome = "replaced" if article.id in known else "added"
                    (summary.replaced if outcome == "replaced" else summary.added).append(article.id)
                    if assignment.match is not None:
                        summary.grouped += 1
                    tick(outcome)
                    pending += 1
                    if pending >= commit_every:
                        commit()
                        pending = 0
                if stop.requested:
                    summary.interrupted = True
                    break
            summary.interrupted = summary.interrupted or stop.requested  # a cluster run stopped while it waited
            if prune and not summary.interrupted:
                members = ((m.id, m.file) for m in groups.iter_members())
                for doc_id in vanished(list(members), set(seen), prune_roots(paths), summary.failed):
                    writer.delete_by_term("id", doc_id)
                    journal.add(doc_id)
                    groups.remove(doc_id)
                    summary.pruned.append(doc_id)
        groups.commit()
        table.save()
        writer.finish(before=journal.flush, mergetype=merge_down if deferred_merges else None)
    except BaseException:
        writer.cancel()
        groups.rollback()
        table.save()
        raise
    finally:
        groups.close()
    curation.finish(ix)  # curation changed during the run, or still pending
    summary.skipped = report.skipped
    return summary
