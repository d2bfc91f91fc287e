"""The curation commands of `newsfind`: tag, tags, history, undo, correct, check (the entity and
user commands are in `entities.py` and `users.py`).

Exit codes as for every command: 0 success, 1 runtime failure (the index is busy, a change
that cannot be undone), 2 usage errors (bad tag, unknown article, unknown field).
"""

from __future__ import annotations

import sys

import click

from newsfind.cli.changes import apply_saved, curation_failures, require_article
from newsfind.cli.common import (
    Settings,
    UsageFailure,
    bad_query,
    emit_json,
    index_of,
    json_option,
    opened_searcher,
    who_option,
)
from newsfind.index.curation.apply import check
from newsfind.index.curation.changes import Change
from newsfind.index.curation.document import CORRECTABLE
from newsfind.index.curation.store import CurationStore
from newsfind.index.curation.tags import search_context
from newsfind.index.store import IndexBusyError, IndexNotFoundError, open_index


def _report(change: Change | None, documents: int, as_json: bool, nothing: str) -> None:
    if as_json:
        emit_json({"change": change.as_dict() if change else None, "documents_updated": documents})
    elif change is None:
        click.echo(nothing)
    else:
        click.echo(f"change #{change.id}: {change.summary()}")


def _matching_ids(searcher, query_text: str) -> list[str]:
    from newsfind.search.browse import matching_ids
    from newsfind.search.query import QueryError, parse_query

    try:
        q = parse_query(query_text, searcher.schema)
    except QueryError as exc:
        raise bad_query(query_text, exc) from None
    return matching_ids(searcher, q)


# -- tags ------------------------------------------------------------------------------------------


@click.command("tag")
@click.argument("args", nargs=-1, required=True, metavar="ID TAG...")
@click.option("--query", "-q", "query_text", metavar="QUERY",
              help="Tag every article matching QUERY (then every argument is a tag).")
@click.option("--remove", is_flag=True, help="Remove the tags instead of adding them.")
@click.option("--yes", "-y", is_flag=True, help="With --query: do not ask before changing the articles.")
@who_option
@json_option
@click.pass_obj
def tag_command(settings: Settings, args: tuple[str, ...], query_text: str | None, remove: bool, yes: bool, who: str,
                as_json: bool) -> None:
    """Tag an article, or every article matching a query. Tags are free text: matching ignores case
    and extra spaces, the first spelling given is shown. Search them with tag:NAME.

    \b
    Example:
        newsfind tag 002_a2b3b58d53712aaf lavrov-talks "military aid"
        newsfind tag 002_a2b3b58d53712aaf lavrov-talks --remove
        newsfind tag --query 'speaker:Lavrov' lavrov-talks --yes --user alice
    """
    store = CurationStore(settings.index_dir)
    with opened_searcher(settings) as searcher:
        if query_text is None:
            if len(args) < 2:
                raise UsageFailure("give an article ID and at least one tag, or --query QUERY and tags")
            ids, tags = [args[0]], list(args[1:])
            require_article(searcher, ids[0])
            context = None
        else:
            tags = list(args)
            ids = _matching_ids(searcher, query_text)
            context = search_context(query_text)
    if query_text is not None:
        verb = "Remove" if remove else "Add"
        click.echo(f"{len(ids)} {'article matches' if len(ids) == 1 else 'articles match'} {query_text!r}.",
                   err=as_json)
        if not ids:
            return
        if not yes:
            click.confirm(f"{verb} {', '.join(repr(t) for t in tags)} {'from' if remove else 'to'} "
                          f"{len(ids)} article{'s' if len(ids) != 1 else ''}?", abort=True, err=True)
    with curation_failures():
        change = store.change_tags(ids, tags, who, remove=remove, context=context)
    documents = apply_saved(settings, store, change)
    _report(change, documents, as_json, "nothing to change: " + (
        "none of these articles has these tags" if remove else "the articles have these tags already"))


@click.command("tags")
@json_option
@click.pass_obj
def tags_command(settings: Settings, as_json: bool) -> None:
    """List the tags in use, with the number of articles of each (articles in the index: a deleted
    article's tags do not count).

    \b
    Example:
        newsfind tags --json
    """
    store = CurationStore(settings.index_dir)
    try:
        index = open_index(settings.index_dir)
    except IndexNotFoundError:  # no index, no articles: nothing is in use
        counts = store.tag_counts(lambda _id: False)
    else:
        with index.searcher() as searcher:
            counts = store.tag_counts(lambda article_id: searcher.document_number(id=article_id) is not None)
    if as_json:
        emit_json([{"tag": label, "count": count} for label, count in counts])
        return
    if not counts:
        click.echo("no tags yet: add some with `newsfind tag ID TAG...`")
    width = max((len(label) for label, _ in counts), default=0)
    for label, count in counts:
        click.echo(f"{label:<{width}}  {count}")


# -- history and undo ------------------------------------------------------------------------------


def history_line(change: Change) -> str:
    line = f"#{change.id:<4} {change.at}  {change.who:<10} {change.action:<16} {change.summary()}"
    return line + (f"  [undone by #{change.undone_by}]" if change.undone_by else "")


@click.command("history")
@click.argument("article_id", metavar="[ID]", required=False)
@click.option("--limit", "-n", type=click.IntRange(1), default=None, help="Only the last N changes.")
@json_option
@click.pass_obj
def history_command(settings: Settings, article_id: str | None, limit: int | None, as_json: bool) -> None:
    """The audit log, oldest first: who changed what, when; with ID only the changes of that article
    (its tags and corrections, and the entity corrections that changed it).

    \b
    Example:
        newsfind history
        newsfind history 002_a2b3b58d53712aaf --json
    """
    changes = CurationStore(settings.index_dir).history(article_id, limit)
    if as_json:
        emit_json([c.as_dict() for c in changes])
        return
    if not changes:
        click.echo("no changes yet" + (f" to {article_id}" if article_id else ""))
    for change in changes:
        click.echo(history_line(change))


@click.command("undo")
@click.argument("change_id", metavar="CHANGE_ID", type=int)
@who_option
@json_option
@click.pass_obj
def undo_command(settings: Settings, change_id: int, who: str, as_json: bool) -> None:
    """Undo a change of the history (the undo is a change too: undo it to redo).

    \b
    Example:
        newsfind undo 12 --user alice
    """
    store = CurationStore(settings.index_dir)
    if store.change(change_id) is None:
        raise UsageFailure(f"there is no change #{change_id}; see `newsfind history`")
    with curation_failures():
        change = store.undo(change_id, who)
    documents = apply_saved(settings, store, change)
    _report(change, documents, as_json, "")


# -- metadata corrections --------------------------------------------------------------------------


@click.command("correct")
@click.argument("article_id", metavar="ID")
@click.option("--outlet", help="The outlet ('' for none).")
@click.option("--date", help="The date: YYYY-MM-DD, YYYY-MM, YYYY or --MM-DD ('' for none).")
@click.option("--author", help="The author(s), separated by commas or 'and' ('' for none).")
@click.option("--title", help="The title.")
@click.option("--clear", "clear", multiple=True, type=click.Choice(CORRECTABLE), metavar="FIELD",
              help="Remove the correction of FIELD: back to what extraction says (repeatable).")
@who_option
@json_option
@click.pass_obj
def correct_command(settings: Settings, article_id: str, outlet: str | None, date: str | None, author: str | None,
                    title: str | None, clear: tuple[str, ...], who: str, as_json: bool) -> None:
    """Correct an article's outlet, date, author or title. A correction is kept over what extraction
    says, through every re-index, until it is cleared (or undone).

    \b
    Example:
        newsfind correct 001_4381e5166d85121b --date 2015-09-18 --outlet UPI
        newsfind correct 001_4381e5166d85121b --clear outlet
    """
    values: dict[str, str | None] = {name: value for name, value in
                                     (("outlet", outlet), ("date", date), ("author", author), ("title", title))
                                     if value is not None}
    for name in clear:
        if name in values:
            raise UsageFailure(f"--{name} and --clear {name} contradict each other")
        values[name] = None
    if not values:
        raise UsageFailure("say what to correct: --outlet, --date, --author, --title or --clear FIELD")
    store = CurationStore(settings.index_dir)
    with opened_searcher(settings) as searcher:
        require_article(searcher, article_id)
    with curation_failures():
        change = store.correct(article_id, values, who)
    documents = apply_saved(settings, store, change)
    _report(change, documents, as_json, "nothing to change: the article has these corrections already")


# -- check -----------------------------------------------------------------------------------------


@click.command("check")
@click.option("--repair", is_flag=True, help="Re-apply curation where the index differs, and apply pending changes.")
@json_option
@click.pass_obj
def check_command(settings: Settings, repair: bool, as_json: bool) -> None:
    """Compare every article of the index with its curation (tags, corrections, entity rules), and
    the curation database with itself. Exit 1 when they disagree (after --repair: if they still do).

    \b
    Example:
        newsfind check --repair
    """
    store = CurationStore(settings.index_dir)
    try:
        report = check(index_of(settings), store, repair=repair)
    except IndexBusyError as exc:
        raise click.ClickException(f"{exc}; try again when it has finished") from None
    if as_json:
        emit_json(report.as_dict())
    else:
        click.echo(f"{report.documents} articles checked; {len(report.mismatched)} differ from their curation, "
                   f"{report.pending} changes pending" + (f", {report.repaired} repaired" if repair else ""))
        for article_id in report.mismatched[:50]:
            click.echo(f"  differs: {article_id}")
        for problem in report.problems:
            click.echo(f"  database: {problem}")
        if report.missing:
            click.echo(f"  {len(report.missing)} curated articles are not in the index (kept for when they are): "
                       + ", ".join(report.missing[:10]))
        click.echo("ok" if report.ok else "NOT OK" + ("" if repair else ": run `newsfind check --repair`"))
    if not report.ok:
        sys.exit(1)


COMMANDS = [tag_command, tags_command, history_command, undo_command, correct_command, check_command]
