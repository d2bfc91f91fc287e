"""`newsfind watch …`: saved searches that watch the archive (add, list, remove, new).

A watch belongs to `--user` (default $USER), as every curation command's changes do. Its query is
checked as `newsfind query` checks it (exit 2 with the parser's message). `watch new` first looks at
what was written since the last look (index runs look after every run, but a curation change does
not), then lists what is new; with the index busy it lists what was recorded and says that the rest
waits. The storage and matching are `newsfind.index.curation.watches` and `newsfind.search.watches`.
"""

from __future__ import annotations

from functools import partial

import click

from newsfind.cli.changes import curation_failures
from newsfind.cli.common import Settings, UsageFailure, bad_query, emit_json, index_of, json_option, who_option
from newsfind.cli.searching import parse_filters, use_color
from newsfind.index.curation.watches import SORTS, Watch, WatchStore, printable
from newsfind.search import highlight
from newsfind.search.query import QueryError
from newsfind.search.watches import MAX_SHOWN, MatchReport, add_watch, match_pending, new_matches, validate

LOOK_TIMEOUT = 2.0  # seconds `watch new` / `watch list` wait for a busy index before listing what is recorded


@click.group("watch")
def watch_group() -> None:
    """Saved searches that watch the archive: after every `newsfind index` run, the articles that
    began to match each watch (new ones, or changed so that they now match) are recorded; `watch new`
    lists them, collapsed by syndication group, newest first."""


def _watch(store: WatchStore, owner: str, name: str) -> Watch:
    watch = store.get(owner, " ".join(name.split()))
    if watch is None:
        raise UsageFailure(f"{owner} has no watch named {name!r}; see `newsfind watch list`")
    return watch


def filters_text(watch: Watch) -> str:
    return printable(" ".join(f"--filter {k}={v!r}" if " " in v else f"--filter {k}={v}"
                              for k, values in watch.filters.items() for v in values))


@watch_group.command("add")
@click.argument("name")
@click.argument("query_text", metavar="QUERY")
@click.option("--filter", "filters", multiple=True, metavar="FACET=VALUE",
              help="Only articles with this facet value (repeatable; as `newsfind query --filter`).")
@click.option("--sort", type=click.Choice(SORTS), default="-date", show_default=True,
              help="Order of `watch new`: -date (newest first), date, relevance.")
@click.option("--notify", "notify_url", metavar="URL",
              help="POST a JSON message to URL after every index run that brings new matches.")
@who_option
@json_option
@click.pass_obj
def watch_add(settings: Settings, name: str, query_text: str, filters: tuple[str, ...], sort: str,
              notify_url: str | None, who: str, as_json: bool) -> None:
    """Watch the archive for QUERY: what matches it now counts as seen, what starts to match later is new.

    \b
    Example:
        newsfind watch add lavrov-syria 'speaker:Lavrov Syria'
        newsfind watch add trial 'trial OR court' --filter outlet=Reuters --notify http://localhost:9000/hook
    """
    store = WatchStore(settings.index_dir)
    ix = index_of(settings)
    with curation_failures():
        try:
            watch, change = add_watch(ix, store, who, name, query_text, parse_filters(filters), sort, notify_url, who)
        except QueryError as exc:
            raise bad_query(query_text, exc) from None
    if as_json:
        emit_json({"watch": watch.public(), "change": change.as_dict()})
    else:
        click.echo(f"change #{change.id}: watch {watch.name!r} added for {watch.owner}: {watch.query!r}"
                   + (f" {filters_text(watch)}" if watch.filters else "")
                   + "; what matches now counts as seen")


@watch_group.command("remove")
@click.argument("name")
@who_option
@json_option
@click.pass_obj
def watch_remove(settings: Settings, name: str, who: str, as_json: bool) -> None:
    """Remove one of your watches (and what it recorded)."""
    store = WatchStore(settings.index_dir)
    watch = _watch(store, who, name)
    with curation_failures():
        change = store.remove(watch.owner, watch.name, who)
    if as_json:
        emit_json({"change": change.as_dict()})
    else:
        click.echo(f"change #{change.id}: watch {watch.name!r} of {watch.owner} removed")


def _look(settings: Settings, store: WatchStore) -> MatchReport | None:
    """Look at what was written since the last look; None when there is no index to look in."""
    if not store.exists():
        return None
    report = match_pending(index_of(settings), store, LOOK_TIMEOUT)
    waiting = store.journal_size() if report.busy else 0
    if waiting:
        what = "1 article written since the last look is" if waiting == 1 else \
            f"{waiting} articles written since the last look are"
        click.echo(f"note: {what} not matched yet ({report.busy}); the next index run or `watch new` "
                   "will match them", err=True)
    return report


@watch_group.command("list")
@click.option("--all", "everyone", is_flag=True, help="Every user's watches, not only yours.")
@who_option
@json_option
@click.pass_obj
def watch_list(settings: Settings, everyone: bool, who: str, as_json: bool) -> None:
    """Your watches, each with its number of new matches."""
    store = WatchStore(settings.index_dir)
    _look(settings, store)
    watches = store.watches(None if everyone else who)
    if as_json:
        emit_json([w.public() for w in watches])
        return
    if not watches:
        click.echo(("no watches yet" if everyone else f"{who} has no watches yet")
                   + "; add one with `newsfind watch add NAME QUERY`")
    for w in watches:
        extra = [filters_text(w)] if w.filters else []
        if w.sort != "-date":
            extra.append(f"--sort {w.sort}")
        if w.notify_url:
            extra.append(f"--notify {printable(w.notify_url)}")
        owner = f" ({printable(w.owner)})" if everyone else ""
        click.echo(f"{printable(w.name)}{owner}: {w.new} new  {w.query!r}" + (" " + " ".join(extra) if extra else ""))


@watch_group.command("new")
@click.argument("name")
@click.option("--mark-seen", is_flag=True, help="Afterwards, count everything listed as seen.")
@click.option("--limit", "-n", default=100, show_default=True, type=click.IntRange(1, MAX_SHOWN),
              help="Stories to list (--mark-seen marks every new one seen, listed or not).")
@click.option("--color/--no-color", default=None, help="Colour the matches (default: on a terminal).")
@who_option
@json_option
@click.pass_obj
def watch_new(settings: Settings, name: str, mark_seen: bool, limit: int, color: bool | None, who: str,
              as_json: bool) -> None:
    """The articles that began to match watch NAME since it was last marked seen: new articles, and
    articles changed so that they now match (a tag, a corrected outlet). One line per story, the
    other new versions of a syndicated story named under it; newest first (the watch's --sort).

    \b
    Example:
        newsfind watch new lavrov-syria
        newsfind watch new lavrov-syria --json --mark-seen
    """
    store = WatchStore(settings.index_dir)
    watch = _watch(store, who, name)
    _look(settings, store)
    watch = _watch(store, who, name)
    ix = index_of(settings)
    try:
        with ix.searcher() as searcher:  # a query that no longer runs says so, not "nothing new"
            validate(searcher, watch.query, watch.filters, watch.sort)
        data = new_matches(ix, store, watch, limit)
    except QueryError as exc:
        raise bad_query(watch.query, exc) from None
    # up_to also covers hits whose article is no longer in the index (sources gone from a rebuilt index):
    # they count in `watch list` until marked seen, though nothing is listed for them
    marking = mark_seen and data["up_to"] > watch.seen_up_to
    if marking:
        with curation_failures():
            store.mark_seen(watch, data["up_to"])
    data["marked_seen"] = marking
    if as_json:
        emit_json(data)
    else:
        render_new(data, use_color(color))


def render_new(data: dict, color: bool) -> None:
    echo = partial(click.echo, color=color)
    watch = data["watch"]
    if not data["new_articles"]:
        echo(f"nothing new for watch {watch['name']!r} ({watch['query']!r}) since it was last marked seen")
        return
    stories, articles = data["new"], data["new_articles"]
    head = f"{stories} new {'story' if stories == 1 else 'stories'}"
    if articles != stories:
        head += f" ({articles} articles)"
    echo(f"{head} for watch {watch['name']!r} ({watch['query']!r})")
    for n, hit in enumerate(data["hits"], start=1):
        echo()
        echo(f"{n}. " + (click.style(hit["title"], bold=True) if color else hit["title"]))
        echo("   " + " · ".join([hit["id"], hit["outlet"] or "outlet unknown", hit["date"] or "date unknown"]))
        if hit["speakers"]:
            echo("   speakers: " + ", ".join(hit["speakers"]))
        if hit["snippet"]:
            echo("   " + highlight.html_to_terminal(hit["snippet"], color))
        if hit["new_versions"]:
            k = len(hit["new_versions"])
            outlets = ", ".join(dict.fromkeys(v["outlet"] or "outlet unknown" for v in hit["new_versions"]))
            echo(f"   +{k} other version{'s' if k != 1 else ''}: {outlets}")
    if data["shown"] < stories:
        echo(f"\n... and {stories - data['shown']} more (--limit)")
    if data["marked_seen"]:
        echo("\nmarked seen")


COMMANDS = [watch_group]
