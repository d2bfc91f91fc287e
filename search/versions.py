"""Versions of one story: collapsing a ranking to one hit per syndication group, and listing the
other versions of an article. Group ids come from the `group` column (index/dedup.py); sizes are
counted from the index when asked, so they always match what the index holds.

Collapsing is done here over the full ranking, not with Whoosh's `collapse=`: its collector
forwards a document to the facet and count collectors before a better-ranked document of the same
group replaces it, so facet counts and totals came out between "one per group" and "every
version". Here facets count every matching version (as without collapsing) and `total` counts
groups, `total_versions` documents.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from index.schema import split_values
from search.facet_counts import raw_column

GROUP_FIELD = "group"
MAX_LISTED_VERSIONS = 50  # per hit in search results; `show` lists them all


def group_column(searcher) -> list[str]:
    """The group of every document by docnum, read once per searcher (a long-lived searcher, as in
    the web server, pays for it once; reading it per hit cost ~3 µs a document)."""
    cached = getattr(searcher, "_newsfind_groups", None)
    if cached is None:
        reader = searcher.reader()
        # an empty reader has no columns
        # segment by segment: a segment written before the field existed has no column (or a short
        # one), and its documents have no group
        if GROUP_FIELD not in reader.schema:  # an index from before groups, not yet re-indexed
            cached = [""] * reader.doc_count_all()
        else:
            cached = [(raw.decode("utf-8") if isinstance(raw, bytes) else raw) or ""
                      for raw in raw_column(reader, GROUP_FIELD)]
        searcher._newsfind_groups = cached
    return cached


def group_ordinals(searcher) -> np.ndarray:
    """The group of every document by docnum as a number (-1: no group), once per searcher."""
    cached = getattr(searcher, "_newsfind_group_ords", None)
    if cached is None:
        ordinal: dict[str, int] = {"": -1}
        cached = np.fromiter((ordinal.setdefault(g, len(ordinal) - 1) for g in group_column(searcher)),
                             dtype=np.int64, count=len(group_column(searcher)))
        searcher._newsfind_group_ords = cached
    return cached


def count_stories(searcher, matched: np.ndarray) -> int:
    """What `collapse` counts as kept for the `matched` documents (a boolean array over docnums):
    one per group, plus every document without a group."""
    ords = group_ordinals(searcher)[matched]
    ungrouped = int(np.count_nonzero(ords < 0))
    return ungrouped + len(np.unique(ords[ords >= 0]))


def collapse(searcher, docnums) -> tuple[list[int], int]:
    """(positions in the ranking of the best-ranked document of each group, in ranking order;
    the number of documents ranked). Documents without a group are never collapsed."""
    kept: list[int] = []
    seen: set[str] = set()
    count = 0
    groups = group_column(searcher)
    for pos, docnum in enumerate(docnums):
        count += 1
        key = groups[docnum]
        if key:
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


def group_members(searcher, group: str | None) -> list[int]:
    if not group:
        return []
    return list(searcher.docs_for_query(wq.Term(GROUP_FIELD, group)))


def other_versions(searcher, group: str | None, article_id: str, limit: int | None = None,
                   docnum: int | None = None) -> tuple[list[dict], int]:
    """(the other articles of `group`, dated ones first by date, then outlet and id; the group's
    size including this article). `docnum`, when known, is the article's own: its stored fields
    (the whole body) are not read again."""
    docnums = group_members(searcher, group)
    versions = [version_data(searcher.stored_fields(d)) for d in docnums if d != docnum]
    others = sorted((v for v in versions if v["id"] != article_id), key=_order)
    size = max(len(docnums), 1)
    return (others if limit is None else others[:limit]), size


def group_sizes(searcher) -> dict[str, int]:
    """group -> number of articles, for every group in the index (one pass over the column)."""
    sizes: dict[str, int] = {}
    column = group_column(searcher)
    for docnum in searcher.reader().all_doc_ids():
        key = column[docnum]
        if key:
            sizes[key] = sizes.get(key, 0) + 1
    return sizes


def versions_fields(searcher, stored: dict, limit: int | None = MAX_LISTED_VERSIONS,
                    docnum: int | None = None) -> dict:
    """The keys added to a hit or an article: group, group_size, other_versions."""
    group = stored.get(GROUP_FIELD)
    others, size = other_versions(searcher, group, stored["id"], limit, docnum)
    return {"group": group, "group_size": size, "other_versions": others}
