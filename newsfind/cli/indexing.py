"""`newsfind index`: read files, directories and standard input, enrich the articles with spaCy,
write them to the index, and report what was indexed, skipped or failed.

The readers, the NLP pipeline and the indexing run are imported inside the command: spaCy takes
seconds to import, and no other command needs it.
"""

from __future__ import annotations

import os
import sys
import time

import click

from newsfind.cli.common import Settings, UsageFailure, emit_json, index_of
from newsfind.index.damage import damage_message
from newsfind.index.store import IndexBusyError


class ByteSize(click.ParamType):
    """A size in bytes: 50000000, 50MB, 2GB, 512KiB."""

    name = "size"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        from newsfind.index.readers.types import parse_size

        try:
            return parse_size(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@click.command("index")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--jobs", "-j", default=os.cpu_count() or 1, show_default="all cores", type=click.IntRange(1, 64),
              help="Processes for the NLP pipeline (1: parse in this process; not used with --cluster).")
@click.option("--prune", is_flag=True,
              help="Delete indexed articles whose file lies under one of the PATHs but that this run did not see.")
@click.option("--commit-every", type=click.IntRange(1), metavar="N",
              help="Commit after every N new or replaced articles (default 200, with --cluster 2000); an "
                   "interrupted run keeps them.")
@click.option("--map", "field_map", multiple=True, metavar="FIELD=COLUMN,...",
              help="Read article fields from other columns/keys of CSV, JSON and JSON Lines records "
                   "(repeatable), e.g. body=text,outlet=source. Fields: id, title, body, outlet, date, url, author.")
@click.option("--max-bytes", type=ByteSize(), default="50MB", show_default=True,
              help="Refuse larger files (for WARC: larger record payloads; for stdin: larger lines).")
@click.option("--cluster", metavar="ADDRESS", envvar="NEWSFIND_CLUSTER",
              help="Do the NLP on the Dask cluster whose scheduler is at tls://HOST:PORT (or tcp:// on this "
                   "machine); also $NEWSFIND_CLUSTER. See README, \"Big archives\".")
@click.option("--insecure-cluster", is_flag=True,
              help="Allow a tcp:// --cluster on another machine: article text then crosses the network unencrypted.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def index_command(settings: Settings, paths: tuple[str, ...], jobs: int, prune: bool, commit_every: int | None,
                  field_map: tuple[str, ...], max_bytes: int, cluster: str | None, insecure_cluster: bool,
                  as_json: bool) -> None:
    """Index articles from files and directories, recursively: .txt, .json, .jsonl, .csv, .tsv,
    saved web pages (.html, .htm) and web crawls (.warc, .warc.gz); `-` reads JSON Lines from
    standard input.

    Unchanged articles are skipped, changed ones replaced, and with --prune articles whose file
    under PATH is gone are deleted. Copies of one story (exact, or near: another headline, byline
    or paragraph) join one group. A file that cannot be read is reported with its reason and the
    rest are indexed; the exit code is then 1. Files of other types in directories, and WARC
    records that are not HTML pages, are listed as skipped. Ctrl-C stops after the current
    article and keeps everything done (exit code 130); run the same command again to go on.
    With --cluster, a cluster that cannot go on (no worker, the scheduler gone) is exit code 1,
    with what was committed kept. Then the saved searches (`newsfind watch`) look at what the run
    wrote, and the summary lists those with new matches.

    \b
    Example:
        newsfind --index ./my-index index seeds/ extra/articles.jsonl crawl.warc.gz
        newsfind index export.csv --map body=text,outlet=source
        newsfind index --prune archive/          # also delete what vanished from archive/
        newsfind index archive/ --cluster tls://nlp-head:8786   # NLP on a Dask cluster
        cat records.jsonl | newsfind index -
    """
    from newsfind.index.ingest.merging import CLUSTER_COMMIT_EVERY
    from newsfind.index.ingest.progress import progress_for
    from newsfind.index.ingest.writer import COMMIT_EVERY, index_paths
    from newsfind.index.nlp.pipeline import ModelMissingError
    from newsfind.index.readers.fields import FieldMap, FieldMapError
    from newsfind.index.readers.types import ReadOptions

    try:
        fields = FieldMap.parse(field_map)
    except FieldMapError as exc:
        raise UsageFailure(str(exc)) from None
    from newsfind.index.nlp.speakers.model import current_model

    try:  # NEWSFIND_ATTRIBUTION and the packaged attribution model, before any article is read
        current_model()
    except ValueError as exc:
        raise UsageFailure(str(exc)) from None
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    read_options = ReadOptions(fields=fields, max_bytes=max_bytes)  # `-` reads sys.stdin.buffer
    if cluster:
        from newsfind.index.nlp.cluster import check_address

        try:
            cluster = check_address(cluster, insecure_cluster)
        except ValueError as exc:
            raise UsageFailure(str(exc)) from None
    progress = progress_for(sys.stderr if sys.stderr.isatty() and not as_json else None, paths)
    started = time.monotonic()
    try:
        summary = index_paths(list(paths), settings.index_dir, progress=progress, n_process=jobs,
                              commit_every=commit_every or (CLUSTER_COMMIT_EVERY if cluster else COMMIT_EVERY),
                              read_options=read_options, prune=prune, cluster=cluster or None,
                              on_workers=progress.set_workers, deferred_merges=bool(cluster))
    except (ModelMissingError, IndexBusyError) as exc:
        raise click.ClickException(str(exc)) from None
    except RuntimeError as exc:
        if type(exc).__name__ != "ClusterError":  # index/nlp/cluster.py, imported only with --cluster
            raise
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # unwritable index directory, disk full: say so, no traceback
        damage = damage_message(exc, settings.index_dir)  # a segment file deleted: how to rebuild
        if damage:
            raise click.ClickException(damage) from None
        raise click.ClickException(f"cannot write the index at {settings.index_dir}: {exc}") from None
    finally:
        progress.close()
    elapsed = time.monotonic() - started
    watched = _after_run(settings)
    rate = summary.indexed / elapsed if elapsed > 0 else 0.0
    if as_json:
        emit_json({"index": str(settings.index_dir), "seconds": round(elapsed, 2),
                   "docs_per_second": round(rate, 2), **summary.as_dict(),
                   "watches": [{"owner": w.owner, "name": w.name, "query": w.query, "new": n}
                               for w, n in (watched.matching.with_new() if watched else [])]})
    else:
        click.echo(f"indexed {summary.indexed} ({len(summary.added)} new, {len(summary.replaced)} replaced), "
                   f"unchanged {summary.unchanged}, failed {len(summary.failed)} "
                   f"in {elapsed:.1f}s -> {settings.index_dir}")
        extra = [f"{summary.grouped} joined a group of copies"] if summary.grouped else []
        if prune:
            extra.append(f"pruned {len(summary.pruned)}")
        if summary.indexed:
            extra.append(f"{rate:.1f} docs/s")
        if extra:
            click.echo("  " + ", ".join(extra))
        if summary.cluster is not None:
            c = summary.cluster
            click.echo(f"  cluster {c.address}: {c.workers} workers, {c.batches} batches, {c.retried} retried "
                       f"after a lost worker, {c.recomputed} articles recomputed for index-wide names")
        for failure in summary.failed:
            click.echo(f"  failed: {failure.path}: {failure.reason}")
        for skipped in summary.skipped:
            click.echo(f"  skipped: {skipped.path}: {skipped.reason}")
        for watch, n in watched.matching.with_new() if watched else []:
            from newsfind.index.curation.watches import printable

            click.echo(f"  watch {printable(watch.name)} ({printable(watch.owner)}): {n} new  {watch.query!r}")
        if summary.interrupted:
            click.echo("  interrupted: everything above is committed; run the same command again to go on")
    if summary.interrupted:
        sys.exit(130)
    if summary.failed:
        sys.exit(1)


def _after_run(settings: Settings):
    """Watches look at what the run wrote and notify (search/watch_runs.py). Whatever goes wrong there
    is one line on stderr and never fails the run: what the run wrote stays journaled for the next look."""
    from newsfind.search.watch_runs import after_index_run

    try:
        report = after_index_run(index_of(settings), settings.index_dir)
    except Exception as exc:  # noqa: BLE001 - the index run itself succeeded
        click.echo(f"warning: watches were not matched ({exc}); the next index run or `newsfind watch new` "
                   "will match them", err=True)
        return None
    for line in report.failures:
        click.echo(f"warning: {line}", err=True)
    from newsfind.index.curation.watches import printable

    for watch in report.matching.watches:
        if watch.id in report.matching.errors:
            click.echo(f"warning: watch {watch.name!r} ({printable(watch.owner)}) was not matched: its query no "
                       f"longer runs ({report.matching.errors[watch.id]}); remove it and add it again", err=True)
    return report


COMMANDS = [index_command]
