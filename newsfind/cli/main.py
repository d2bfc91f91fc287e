"""The `newsfind` command line: index, query, show, export, serve; the curation commands (tag, tags,
history, undo, correct, entity, user, check) are in `search/curate_cli.py`.

Exit codes: 0 success (also with no hits), 1 runtime failure (missing index, a file that could
not be indexed), 2 usage or query-syntax error. spaCy is imported only by `index`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import click

from newsfind.cli.faults import FaultReportingGroup
from newsfind.index import whoosh_ext
from newsfind.index.store import IndexNotFoundError, open_index, resolve_index_dir
from newsfind.search import highlight
from newsfind.search.facets import DEFAULT_FACETS, FACETS_BY_NAME
from newsfind.search.query import HELP as QUERY_HELP
from newsfind.search.query import QueryError
from newsfind.search.searcher import SORTS, SearchRequest, get_article, iter_articles, public_data, search


class UsageFailure(click.ClickException):
    """A bad query or argument: exit code 2, with a message that says what is wrong."""

    exit_code = 2


@dataclass
class Settings:
    index_dir: Path


@contextmanager
def opened_searcher(settings: Settings):
    try:
        ix = open_index(settings.index_dir)
    except IndexNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    with ix.searcher() as searcher:
        yield searcher


def use_color(option: bool | None) -> bool:
    if option is not None:
        return option
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# The curation commands (search/curate_cli.py) load only when one of them runs or the command list is
# shown: their modules (curation database, rules, documents) cost a `newsfind query` ~0.1 s to import.
CURATION_COMMAND_NAMES = ("tag", "tags", "history", "undo", "correct", "entity", "user", "check")


class NewsfindGroup(FaultReportingGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *CURATION_COMMAND_NAMES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in CURATION_COMMAND_NAMES and cmd_name not in self.commands:
            from newsfind.cli.curation import CURATION_COMMANDS

            for command in CURATION_COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, cmd_name)


@click.group(cls=NewsfindGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--index", "index_dir", metavar="DIR",
              help="Index directory (default: $NEWSFIND_INDEX, else ~/.local/share/newsfind/index).")
@click.version_option(package_name="newsfind", prog_name="newsfind")
@click.pass_context
def cli(ctx: click.Context, index_dir: str | None) -> None:
    """Full-text search and faceted browse for news archives.

    \b
    Example:
        newsfind index seeds/
        newsfind query 'Syria speaker:Lavrov'
    """
    whoosh_ext.install()  # before any command opens an index: Whoosh's patches (index/whoosh_ext)
    ctx.obj = Settings(index_dir=resolve_index_dir(index_dir))


# -- index ---------------------------------------------------------------------------------------


class ByteSize(click.ParamType):
    """A size in bytes: 50000000, 50MB, 2GB, 512KiB."""

    name = "size"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        from newsfind.index.readers import parse_size

        try:
            return parse_size(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@cli.command("index")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--jobs", "-j", default=os.cpu_count() or 1, show_default="all cores", type=click.IntRange(1, 64),
              help="Processes for the NLP pipeline (1: parse in this process).")
@click.option("--prune", is_flag=True,
              help="Delete indexed articles whose file lies under one of the PATHs but that this run did not see.")
@click.option("--commit-every", type=click.IntRange(1), metavar="N",
              help="Commit after every N new or replaced articles (default 200); an interrupted run keeps them.")
@click.option("--map", "field_map", multiple=True, metavar="FIELD=COLUMN,...",
              help="Read article fields from other columns/keys of CSV, JSON and JSON Lines records "
                   "(repeatable), e.g. body=text,outlet=source. Fields: id, title, body, outlet, date, url, author.")
@click.option("--max-bytes", type=ByteSize(), default="50MB", show_default=True,
              help="Refuse larger files (for WARC: larger record payloads; for stdin: larger lines).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def index_command(settings: Settings, paths: tuple[str, ...], jobs: int, prune: bool, commit_every: int | None,
                  field_map: tuple[str, ...], max_bytes: int, as_json: bool) -> None:
    """Index articles from files and directories, recursively: .txt, .json, .jsonl, .csv, .tsv,
    saved web pages (.html, .htm) and web crawls (.warc, .warc.gz); `-` reads JSON Lines from
    standard input.

    Unchanged articles are skipped, changed ones replaced, and with --prune articles whose file
    under PATH is gone are deleted. Copies of one story (exact, or near: another headline, byline
    or paragraph) join one group. A file that cannot be read is reported with its reason and the
    rest are indexed; the exit code is then 1. Files of other types in directories, and WARC
    records that are not HTML pages, are listed as skipped. Ctrl-C stops after the current
    article and keeps everything done (exit code 130); run the same command again to go on.

    \b
    Example:
        newsfind --index ./my-index index seeds/ extra/articles.jsonl crawl.warc.gz
        newsfind index export.csv --map body=text,outlet=source
        newsfind index --prune archive/          # also delete what vanished from archive/
        cat records.jsonl | newsfind index -
    """
    from newsfind.index.ingest.progress import progress_for
    from newsfind.index.ingest.writer import COMMIT_EVERY, IndexBusyError, index_paths
    from newsfind.index.nlp.pipeline import ModelMissingError
    from newsfind.index.readers import ReadOptions
    from newsfind.index.readers.fields import FieldMap, FieldMapError

    try:
        fields = FieldMap.parse(field_map)
    except FieldMapError as exc:
        raise UsageFailure(str(exc)) from None
    read_options = ReadOptions(fields=fields, max_bytes=max_bytes)  # `-` reads sys.stdin.buffer
    progress = progress_for(sys.stderr if sys.stderr.isatty() and not as_json else None, paths)
    started = time.monotonic()
    try:
        summary = index_paths(list(paths), settings.index_dir, progress=progress, n_process=jobs,
                              commit_every=commit_every or COMMIT_EVERY, read_options=read_options, prune=prune)
    except (ModelMissingError, IndexBusyError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # unwritable index directory, disk full: say so, no traceback
        raise click.ClickException(f"cannot write the index at {settings.index_dir}: {exc}") from None
    finally:
        progress.close()
    elapsed = time.monotonic() - started
    rate = summary.indexed / elapsed if elapsed > 0 else 0.0
    if as_json:
        emit_json({"index": str(settings.index_dir), "seconds": round(elapsed, 2),
                   "docs_per_second": round(rate, 2), **summary.as_dict()})
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
        for failure in summary.failed:
            click.echo(f"  failed: {failure.path}: {failure.reason}")
        for skipped in summary.skipped:
            click.echo(f"  skipped: {skipped.path}: {skipped.reason}")
        if summary.interrupted:
            click.echo("  interrupted: everything above is committed; run the same command again to go on")
    if summary.interrupted:
        sys.exit(130)
    if summary.failed:
        sys.exit(1)


# -- query ---------------------------------------------------------------------------------------


def parse_filters(values: tuple[str, ...]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not value:
            raise UsageFailure(f"--filter takes FACET=VALUE (e.g. speaker='Sergei Lavrov'), not {item!r}")
        filters.setdefault(name.strip(), []).append(value.strip())
    return filters


def render_results(data: dict, color: bool) -> None:
    echo = partial(click.echo, color=color)  # click strips ANSI off a terminal unless told
    total, page, per_page = data["total"], data["page"], data["per_page"]
    pages = max(1, -(-total // per_page))
    if data["expand"] or data["total_versions"] == total:
        verb = "article matches" if total == 1 else "articles match"
        head = f"{total} {verb} {data['query']!r}"
    else:
        head = (f"{total} {'story matches' if total == 1 else 'stories match'} {data['query']!r} "
                f"({data['total_versions']} articles; --expand lists every version)")
    echo(head + (f"  (page {page} of {pages})" if total else ""))
    first = (page - 1) * per_page
    for n, hit in enumerate(data["hits"], start=first + 1):
        echo()
        title = click.style(hit["title"], bold=True) if color else hit["title"]
        echo(f"{n}. {title}")
        meta = [hit["id"], hit["outlet"] or "outlet unknown", hit["date"] or "date unknown"]
        if hit["score"] is not None:
            meta.append(f"score {hit['score']:.2f}")
        echo("   " + " · ".join(meta))
        if hit["speakers"]:
            echo("   speakers: " + ", ".join(hit["speakers"]))
        if hit["snippet"]:
            echo("   " + highlight.html_to_terminal(hit["snippet"], color))
        if hit["group_size"] > 1:
            echo("   " + versions_line(hit))
    shown = {name: values for name, values in data["facets"].items() if values}
    if shown:
        echo()
        echo(click.style("Facets", bold=True) if color else "Facets")
        for name, values in shown.items():
            listed = ", ".join(f"{v['value']} ({v['count']})" for v in values)
            more = " …" if data.get("facets_truncated", {}).get(name) else ""
            echo(f"  {name}: {listed}{more}")


def versions_line(hit: dict) -> str:
    """"2 other versions: Reuters, Fox News" (outlets once each, in date order)."""
    n = hit["group_size"] - 1
    outlets = list(dict.fromkeys(v["outlet"] or "outlet unknown" for v in hit["other_versions"]))
    listed = ", ".join(outlets) + (", …" if n > len(hit["other_versions"]) else "")
    return f"{n} other version{'s' if n != 1 else ''}: {listed}"


@cli.command("query")
@click.argument("query_text", metavar="QUERY")
@click.option("--limit", "-n", default=10, show_default=True, type=int, help="Hits per page.")
@click.option("--page", "-p", default=1, show_default=True, type=int, help="Page of hits to show.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
              help="relevance, date (oldest first) or -date (newest first).")
@click.option("--facet", "facets", multiple=True, metavar="F",
              help=f"Facet to count (repeatable; default: {', '.join(DEFAULT_FACETS)}; 'none' for none). "
                   f"Known: {', '.join(FACETS_BY_NAME)}.")
@click.option("--filter", "filters", multiple=True, metavar="FACET=VALUE",
              help="Keep hits with this exact facet value (repeatable; one facet's values OR, facets AND).")
@click.option("--expand", is_flag=True,
              help="List every version of a syndicated story (default: its best hit, with the others named).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (hits with <mark> snippets, facets).")
@click.option("--color/--no-color", default=None, help="Colour the matches (default: on a terminal).")
@click.pass_obj
def query_command(settings: Settings, query_text: str, limit: int, page: int, sort: str, facets: tuple[str, ...],
                  filters: tuple[str, ...], expand: bool, as_json: bool, color: bool | None) -> None:
    """Search the index: hits with highlighted snippets, then facet counts. Copies of one story
    show once, as the best-ranked version, with the number of other versions and their outlets;
    facet counts count every version."""
    chosen = None if not facets else [] if facets == ("none",) else list(facets)
    request = SearchRequest(query=query_text, filters=parse_filters(filters), page=page, per_page=limit,
                            sort=sort, facets=chosen, expand=expand)
    with opened_searcher(settings) as searcher:
        try:
            data = search(searcher, request)
        except QueryError as exc:
            raise UsageFailure(f"bad query {query_text!r}: {exc}") from None
    if as_json:
        emit_json(public_data(data))
    else:
        render_results(data, use_color(color))


query_command.help = (query_command.help or "") + "\n\b\n" + QUERY_HELP


# -- show / export -------------------------------------------------------------------------------


def render_article(article: dict, color: bool) -> None:
    echo = partial(click.echo, color=color)
    bold = (lambda s: click.style(s, bold=True)) if color else (lambda s: s)
    echo(bold(article["title"]))
    date = article["date"] or "unknown"
    if article.get("date_precision") == "month-day":
        date += " (year not stated)"
    for label, value in [("id", article["id"]), ("outlet", article["outlet"] or "unknown"), ("date", date),
                         ("author", article["author"] or "unknown"), ("url", article["url"]),
                         ("source", article["source"])]:
        if value:
            echo(f"{label:>8}: {value}")
    for label, key in [("people", "persons"), ("orgs", "orgs"), ("places", "places"), ("tags", "tags")]:
        if article[key]:
            echo(f"{label:>8}: {', '.join(article[key])}")
    by_speaker: dict[str, list[dict]] = {}
    for q in article["quotes"]:
        if q["speaker"]:
            by_speaker.setdefault(q["speaker"], []).append(q)
    if by_speaker:
        echo()
        echo(bold("Speakers and quotes"))
        for speaker, quotes in by_speaker.items():
            kind = " (organisation)" if quotes[0]["speaker_type"] == "org" else ""
            echo(f"  {speaker}{kind}")
            for q in quotes:
                text = " ".join(q["text"].split())
                mark = "“" + text + "”" if q["kind"] == "direct" else text
                echo(f"    - {mark}  [{q['cue']}; {q['rule']}; {q['confidence']:.2f}]")
    if article.get("other_versions"):
        echo()
        n = len(article["other_versions"])
        echo(bold(f"Other versions ({n})"))
        for v in article["other_versions"]:
            echo(f"  {v['id']} · {v['outlet'] or 'outlet unknown'} · {v['date'] or 'date unknown'} · {v['title']}")
    echo()
    echo(article["body"])


@cli.command("show")
@click.argument("article_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.option("--color/--no-color", default=None)
@click.pass_obj
def show_command(settings: Settings, article_id: str, as_json: bool, color: bool | None) -> None:
    """Show one article: metadata, entities, speakers with their quotes, the other versions of
    the story (syndicated copies), full text.

    \b
    Example:
        newsfind show 002_a2b3b58d53712aaf --json
    """
    with opened_searcher(settings) as searcher:
        article = get_article(searcher, article_id)
    if article is None:
        raise click.ClickException(f"no article with id {article_id!r} in {settings.index_dir}")
    if as_json:
        emit_json(article)
    else:
        render_article(article, use_color(color))


@cli.command("export")
@click.argument("query_text", metavar="[QUERY]", default="")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="Write to a file instead of standard output.")
@click.pass_obj
def export_command(settings: Settings, query_text: str, output) -> None:
    """Export matching articles (all by default) as JSON Lines, one object per article,
    with metadata, entities, speakers and quotes, and its syndication `group` and `group_size`.

    \b
    Example:
        newsfind export 'speaker:Lavrov' -o lavrov.jsonl
    """
    with opened_searcher(settings) as searcher:
        try:
            for article in iter_articles(searcher, query_text):
                output.write(json.dumps(article, ensure_ascii=False, default=str) + "\n")
        except QueryError as exc:
            raise UsageFailure(f"bad query {query_text!r}: {exc}") from None


# -- serve ---------------------------------------------------------------------------------------


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port; the URL is printed).")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads per process.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Server processes sharing the port (default: one per core, at most 8). Searches are "
                   "CPU-bound Python, so the threads of one process use one core.")
@click.pass_obj
def serve_command(settings: Settings, host: str, port: int, threads: int, workers: int | None) -> None:
    """Serve the web UI and the JSON API (/api/openapi.json) with waitress.

    Each worker process keeps its own searchers; they follow the index when another run indexes
    into it.

    \b
    Example:
        newsfind --index ./my-index serve --port 8080
    """
    from newsfind.web import create_app  # the web stack loads only here: `query` stays light
    from newsfind.web.serving import default_workers, serve

    try:
        app = create_app({"NEWSFIND_INDEX": str(settings.index_dir), "NEWSFIND_SEARCHERS": threads})
    except IndexNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    shown = f"[{host}]" if ":" in host else host

    def announce(effective_port: int) -> None:
        click.echo(f"newsfind: serving {settings.index_dir} at http://{shown}:{effective_port}/ (Ctrl-C to stop)")

    if not serve(app, host, port, threads, workers or default_workers(), announce):
        sys.exit(1)


def main() -> None:
    cli(prog_name="newsfind")
