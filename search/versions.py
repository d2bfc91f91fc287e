"""Versions of one story: collapsing a ranking to one hit per syndication group, and listing the
other versions of an article. Group ids come from the `group` column (index/ingest/dedup.py); sizes are
counted from the index when asked, so they always match what the index holds.

Collapsing is done here over the full ranking, not with Whoosh's `collapse=`: its collector
forwards a document to the facet and count collectors before a better-ranked document of the same
group replaces it, so facet counts and totals came out between "one per group" and "every
version". Here facets count every matching version (as without collapsing) and `total` counts
groups, `total_versions` documents.
"""

from __future__ import annotations

import numpy as np
from newsfind.index.schema import split_values
from newsfind.search.facet_counts import FacetTable, column_table
from whoosh import query as wq

GROUP_FIELD = "group"
MAX_LISTED_VERSIONS = 50  # per hit in search results; `show` lists them all


def _group_table(searcher) -> FacetTable:
    """The groups (`values`) and the documents that have one (`owner`, `ords`), read once per index
    generation and saved beside the index with the facet tables (reading the column document by
    document took most of a cold query's time)."""
    cached = getattr(searcher, "_newsfind_group_table", None)
    if cached is None:
        cached = searcher._newsfind_group_table = column_table(searcher, GROUP_FIELD)
    return cached


def group_ordinals(searcher) -> np.ndarray:
    """The group of every document by docnum as a number (-1: no group), once per searcher."""
    cached = getattr(searcher, "_newsfind_group_ords", None)
    if cached is None:
        table = _group_table(searcher)
        cached = np.full(searcher.doc_count_all(), -1, dtype=np.int64)
        cached[table.owner] = table.ords
        searcher._newsfind_group_ords = cached
    return cached


def _group_ordinal_list(searcher) -> list[int]:
    """`group_ordinals` as a list: faster to index one docnum at a time from Python."""
    cached = getattr(searcher, "_newsfind_group_ord_list", None)
    if cached is None:
        cached = searcher._newsfind_group_ord_list = group_ordinals(searcher).tolist()
    return cached


def count_stories(searcher, docs: np.ndarray) -> int:
    """What `collapse` counts as kept for the documents `docs` (docnums): one per group, plus
    every document without a group."""
    ords = group_ordinals(searcher)[docs]
    grouped = ords >= 0
    # not np.unique: in numpy 2 it imports numpy.ma (~35 ms of a cold query) to check for masks
    return int(np.count_nonzero(~grouped)) + int(np.count_nonzero(np.bincount(ords[grouped])))


def collapse(searcher, docnums) -> tuple[list[int], int]:
    """(positions in the ranking of the best-ranked document of each group, in ranking order;
    the number of documents ranked). Documents without a group are never collapsed."""
    kept: list[int] = []
    seen: set[int] = set()
    count = 0
    groups = _group_ordinal_list(searcher)
    for pos, docnum in enumerate(docnums):
        count += 1
        key = groups[docnum]
        if key >= 0:
            if key in seen:
                continue
            seen.add(key)
        kept.append(pos)
    return kept, count


def version_data(stored: dict) -> dict:
    return {
        "id": stored["id"],
        "outlet": (split_values(stored.get("facet_outlet")) or [None])[0],
        "date": stored.get("date_text"),
        "title": stored.get("title", ""),
    }


def _order(version: dict) -> tuple:
    return (version["date"] is None, version["date"] or "", version["outlet"] or "", version["id"])


def group_members(searcher, group: str | None, docnum: int | None = None) -> list[int]:
    """The live documents of `group`. `docnum`, when known, is one of them: its group's number then
    finds the others in `group_ordinals` (a term query per hit cost ~0.2 ms at 37.5k articles)."""
    if not group:
        return []
    ordinals = group_ordinals(searcher) if docnum is not None else None
    if ordinals is None or ordinals[docnum] < 0:  # no docnum, or a group the column does not hold
        return list(searcher.docs_for_query(wq.Term(GROUP_FIELD, group)))
    members = np.flatnonzero(ordinals == ordinals[docnum]).tolist()
    reader = searcher.reader()
    return [d for d in members if not reader.is_deleted(d)] if reader.has_deletions() else members


def other_versions(searcher, group: str | None, article_id: str, limit: int | None = None,
                   docnum: int | None = None) -> tuple[list[dict], int]:
    """(the other articles of `group`, dated ones first by date, then outlet and id; the group's
    size including this article). `docnum`, when known, is the article's own: its stored fields
    (the whole body) are not read again."""
    docnums = group_members(searcher, group, docnum)
    versions = [version_data(searcher.stored_fields(d)) for d in docnums if d != docnum]
    others = sorted((v for v in versions if v["id"] != article_id), key=_order)
    size = max(len(docnums), 1)
    return (others if limit is None else others[:limit]), size


def group_sizes(searcher) -> dict[str, int]:
    """group -> number of articles, for every group in the index (deleted articles not counted)."""
    table = _group_table(searcher)
    reader = searcher.reader()
    live = table.ords
    if reader.has_deletions():
        live = table.ords[np.fromiter((not reader.is_deleted(d) for d in table.owner.tolist()), dtype=bool,
                                      count=len(table.owner))]
    counts = np.bincount(live, minlength=len(table.values))
    return {value: int(n) for value, n in zip(table.values, counts.tolist(), strict=True) if n}


def versions_fields(searcher, stored: dict, limit: int | None = MAX_LISTED_VERSIONS,
                    docnum: int | None = None) -> dict:
    """The keys added to a hit or an article: group, group_size, other_versions."""
    group = stored.get(GROUP_FIELD)
    others, size = other_versions(searcher, group, stored["id"], limit, docnum)
    return {"group": group, "group_size": size, "other_versions": others}
