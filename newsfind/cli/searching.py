"""The reading commands: `newsfind query` (hits, snippets, facet counts), `show` (one article)
and `export` (matching articles as JSON Lines), for a terminal or as JSON.

What a cold `newsfind query` imports is kept to the search layer (tests/test_lean_imports.py):
nothing here loads spaCy, the web stack, the readers or the curation database.
"""

from __future__ import annotations

import json
import os
import sys
from functools import partial

import click

from newsfind.cli.common import Settings, UsageFailure, bad_query, emit_json, opened_searcher
from newsfind.search import highlight
from newsfind.search.facets import DEFAULT_FACETS, FACETS_BY_NAME
from newsfind.search.query import HELP as QUERY_HELP
from newsfind.search.query import QueryError
from newsfind.search.searcher import (
    MAX_PER_PAGE,
    SORTS,
    SearchRequest,
    get_article,
    iter_articles,
    public_data,
    quotes_by_speaker,
    search,
)


def use_color(option: bool | None) -> bool:
    """`--color/--no-color` if given, else colour on a terminal unless $NO_COLOR is set."""
    if option is not None:
        return option
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


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


@click.command("query")
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
    if not 1 <= limit <= MAX_PER_PAGE:
        raise UsageFailure(f"--limit must be between 1 and {MAX_PER_PAGE}, not {limit}")
    if page < 1:
        raise UsageFailure(f"--page must be 1 or more, not {page}")
    request = SearchRequest(query=query_text, filters=parse_filters(filters), page=page, per_page=limit,
                            sort=sort, facets=chosen, expand=expand)
    try:
        request.validate()  # an unknown --facet or --filter name: not the query's fault
    except QueryError as exc:
        raise UsageFailure(str(exc)) from None
    with opened_searcher(settings) as searcher:
        try:
            data = search(searcher, request)
        except QueryError as exc:
            raise bad_query(query_text, exc) from None
    if as_json:
        emit_json(public_data(data))
    else:
        render_results(data, use_color(color))


query_command.help = (query_command.help or "") + "\n\b\n" + QUERY_HELP


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
    by_speaker = quotes_by_speaker(article["quotes"])
    by_speaker.pop(None, None)  # quotes with no speaker found are not listed here
    if by_speaker:
        echo()
        echo(bold("Speakers and quotes"))
        for speaker, quotes in by_speaker.items():
            kind = " (organisation)" if quotes[0]["speaker_type"] == "org" else ""
            echo(f"  {speaker}{kind}")
            for q in quotes:
                text = " ".join(q["text"].split())
                mark = "“" + text + "”" if q["kind"] == "direct" else text
                probability = "" if q.get("probability") is None else f"; p={q['probability']:.2f}"
                together = f" (with {', '.join(q['with'])})" if q["with"] else ""
                echo(f"    - {mark}{together}  [{q['cue']}; {q['rule']}; {q['confidence']:.2f}{probability}]")
    if article.get("other_versions"):
        echo()
        n = len(article["other_versions"])
        echo(bold(f"Other versions ({n})"))
        for v in article["other_versions"]:
            echo(f"  {v['id']} · {v['outlet'] or 'outlet unknown'} · {v['date'] or 'date unknown'} · {v['title']}")
    echo()
    echo(article["body"])


@click.command("show")
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
        raise UsageFailure(f"no article with id {article_id!r} in {settings.index_dir}")
    if as_json:
        emit_json(article)
    else:
        render_article(article, use_color(color))


@click.command("export")
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
            raise bad_query(query_text, exc) from None


COMMANDS = [query_command, show_command, export_command]
