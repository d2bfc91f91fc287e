"""The merge policy of runs that feed many cluster workers: no segment merges during the run, a few at its end.

Whoosh's default (MERGE_SMALL at every commit) merges each article about 1.5 times over a 37,554-article run,
and a merged article costs about as much client CPU as writing it in the first place: on a cluster, where the
NLP costs the client nothing, those merges are most of what one index can take per second. Here commits write
their segment and merge nothing (`deferred`); the last commit of the run merges the smallest segments into
one until at most `MAX_SEGMENTS` remain (`merge_down`), so an article is merged at most once, and not at all
while the segments are few. Larger commits (`CLUSTER_COMMIT_EVERY`) make fewer, larger segments.
"""

from __future__ import annotations

from whoosh.writing import NO_MERGE

MAX_SEGMENTS = 24
CLUSTER_COMMIT_EVERY = 2000  # the default --commit-every of a --cluster run


def deferred(writer):
    """`writer`, set to merge no segments when it commits."""
    writer.mergetype = NO_MERGE
    return writer


def merge_down(writer, segments):
    """A Whoosh merge policy: the smallest segments merged into this writer's new one until at most
    MAX_SEGMENTS remain; the others kept as they are."""
    if len(segments) < MAX_SEGMENTS:
        return segments
    from whoosh.reading import SegmentReader

    ordered = sorted(segments, key=lambda s: s.doc_count_all())
    merged, kept = ordered[:len(segments) - MAX_SEGMENTS + 1], ordered[len(segments) - MAX_SEGMENTS + 1:]
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return kept
