"""The curation commands of `newsfind`: tag, tags, history, undo, correct, entity, user, check.

Changes are saved in the curation database of the index directory first, then applied to the
index; every change is logged with who made it (`--user NAME`, default $USER) and can be undone.
Access from the command line is trusted: who can write the index directory can change it.

Exit codes as for every command: 0 success, 1 runtime failure (the index is busy, a change
that cannot be undone), 2 usage errors (bad tag, unknown article, unknown field).
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager

import click

from newsfind.index.curation.accounts import MIN_PASSWORD, ROLES, hash_password
from newsfind.index.curation.apply import IndexBusyError, apply_changes, check
from newsfind.index.curation.changes import Change, CurationError
from newsfind.index.curation.document import CORRECTABLE
from newsfind.index.curation.rules import KINDS, EntityRule
from newsfind.index.curation.store import CurationStore, UndoError
from newsfind.index.curation.tags import search_context
from newsfind.index.store import IndexNotFoundError, open_index


class UsageFailure(click.ClickException):
    exit_code = 2


def default_user() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "cli"


who_option = click.option("--user", "who", metavar="NAME", default=default_user, show_default="$USER",
                          help="Who makes the change, for the audit log.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _index(settings):
    try:
        return open_index(settings.index_dir)
    except IndexNotFoundError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def _failures():
    """Curation errors are usage errors (exit 2); undo conflicts are runtime failures (exit 1)."""
    try:
        yield
    except CurationError as exc:
        raise UsageFailure(str(exc)) from None
    except UndoError as exc:
        raise click.ClickException(str(exc)) from None


def _apply(settings, store: CurationStore, change: Change | None) -> int:
    """Apply pending changes to the index; the number of documents re-written."""
    try:
        return apply_changes(_index(settings), store).documents
    except IndexBusyError:
        saved = f"change #{change.id} is saved" if change else "the change is saved"
        raise click.ClickException(
            f"{saved}, but the index is busy (another newsfind run is writing to it): it will be applied "
            "by the next change, the next index run or `newsfind check --repair`") from None


def _report(change: Change | None, documents: int, as_json: bool, nothing: str) -> None:
    if as_json:
        _echo_json({"change": change.as_dict() if change else None, "documents_updated": documents})
    elif change is None:
        click.echo(nothing)
    else:
        click.echo(f"change #{change.id}: {change.summary()}")


def _require_article(searcher, article_id: str) -> None:
    if searcher.document_number(id=article_id) is None:
        raise UsageFailure(f"no article with id {article_id!r} in this index")


def _matching_ids(searcher, query_text: str) -> list[str]:
    from newsfind.search.browse import matching_ids
    from newsfind.search.query import QueryError, parse_query

    try:
        q = parse_query(query_text, searcher.schema)
    except QueryError as exc:
        raise UsageFailure(f"bad query {query_text!r}: {exc}") from None
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
def tag_command(settings, args: tuple[str, ...], query_text: str | None, remove: bool, yes: bool, who: str,
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
    with _index(settings).searcher() as searcher:
        if query_text is None:
            if len(args) < 2:
                raise UsageFailure("give an article ID and at least one tag, or --query QUERY and tags")
            ids, tags = [args[0]], list(args[1:])
            _require_article(searcher, ids[0])
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
    with _failures():
        change = store.change_tags(ids, tags, who, remove=remove, context=context)
    documents = _apply(settings, store, change)
    _report(change, documents, as_json, "nothing to change: " + (
        "none of these articles has these tags" if remove else "the articles have these tags already"))


@click.command("tags")
@json_option
@click.pass_obj
def tags_command(settings, as_json: bool) -> None:
    """List the tags in use, with the number of articles of each.

    \b
    Example:
        newsfind tags --json
    """
    counts = CurationStore(settings.index_dir).tag_counts()
    if as_json:
        _echo_json([{"tag": label, "count": count} for label, count in counts])
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
def history_command(settings, article_id: str | None, limit: int | None, as_json: bool) -> None:
    """The audit log, oldest first: who changed what, when; with ID only the changes of that article
    (its tags and corrections, and the entity corrections that changed it).

    \b
    Example:
        newsfind history
        newsfind history 002_a2b3b58d53712aaf --json
    """
    changes = CurationStore(settings.index_dir).history(article_id, limit)
    if as_json:
        _echo_json([c.as_dict() for c in changes])
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
def undo_command(settings, change_id: int, who: str, as_json: bool) -> None:
    """Undo a change of the history (the undo is a change too: undo it to redo).

    \b
    Example:
        newsfind undo 12 --user alice
    """
    store = CurationStore(settings.index_dir)
    if store.change(change_id) is None:
        raise UsageFailure(f"there is no change #{change_id}; see `newsfind history`")
    with _failures():
        change = store.undo(change_id, who)
    documents = _apply(settings, store, change)
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
def correct_command(settings, article_id: str, outlet: str | None, date: str | None, author: str | None,
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
    with _index(settings).searcher() as searcher:
        _require_article(searcher, article_id)
    with _failures():
        change = store.correct(article_id, values, who)
    documents = _apply(settings, store, change)
    _report(change, documents, as_json, "nothing to change: the article has these corrections already")


# -- entity corrections ----------------------------------------------------------------------------


kind_argument = click.argument("kind", type=click.Choice(KINDS), metavar="KIND")


def _require_value(searcher, kind: str, value: str, article_id: str | None = None) -> None:
    from whoosh import query as wq

    from newsfind.index.curation.apply import fields_of

    q = wq.Or([wq.Term(f, value) for f in fields_of(kind)])
    if article_id is not None:
        _require_article(searcher, article_id)
        q = wq.And([q, wq.Term("id", article_id)])
    if not any(True for _ in searcher.docs_for_query(q)):
        where = f" {article_id}" if article_id else " any article"
        raise UsageFailure(f"{kind} {value!r} is not in{where} (values are canonical names, as in the facets: "
                           f"`newsfind query '*' --facet {kind}`)")


def _add_rules(settings, rules: list[EntityRule], who: str, as_json: bool) -> None:
    store = CurationStore(settings.index_dir)
    with _index(settings).searcher() as searcher:
        for rule in rules:
            _require_value(searcher, rule.kind, rule.value, rule.article_id)
    with _failures():
        changes = store.add_rules(rules, who)  # one transaction: a merge of A and B is never half made
    documents = _apply(settings, store, changes[-1])
    if as_json:
        _echo_json({"changes": [c.as_dict() for c in changes], "documents_updated": documents})
        return
    for change in changes:
        click.echo(f"change #{change.id}: {change.summary()}")
    click.echo(f"{documents} article{'s' if documents != 1 else ''} changed")


@click.group("entity")
def entity_group() -> None:
    """Correct extracted entities: rename, merge, split, not-entity, not-speaker, retype; `rules`
    lists the corrections in force. KIND is person, org or place; names are canonical values, as
    the facets show them. Corrections apply to the whole index and to everything indexed later.
    """


@entity_group.command("rename")
@kind_argument
@click.argument("value")
@click.argument("new_name", metavar="NEW")
@who_option
@json_option
@click.pass_obj
def entity_rename(settings, kind: str, value: str, new_name: str, who: str, as_json: bool) -> None:
    """Rename an entity everywhere.

    \b
    Example:
        newsfind entity rename place "North Caucus" "North Caucasus"
    """
    _add_rules(settings, [EntityRule("rename", kind, value, new_name)], who, as_json)


@entity_group.command("merge")
@kind_argument
@click.argument("values", nargs=-1, required=True, metavar="VALUE...")
@click.option("--into", "target", required=True, metavar="NAME", help="The entity they all are.")
@who_option
@json_option
@click.pass_obj
def entity_merge(settings, kind: str, values: tuple[str, ...], target: str, who: str, as_json: bool) -> None:
    """Merge entities that are one (e.g. two spellings of a person) into NAME.

    \b
    Example:
        newsfind entity merge org "Foreign Ministry" --into "Russian Foreign Ministry"
    """
    _add_rules(settings, [EntityRule("merge", kind, v, target) for v in values], who, as_json)


@entity_group.command("split")
@kind_argument
@click.argument("value")
@click.argument("new_name", metavar="NEW")
@click.option("--spelling", "spellings", multiple=True, metavar="TEXT",
              help="Mentions written like this are NEW (repeatable).")
@click.option("--article", "article_id", metavar="ID", help="Only in this article (without --spelling: all of it).")
@who_option
@json_option
@click.pass_obj
def entity_split(settings, kind: str, value: str, new_name: str, spellings: tuple[str, ...],
                 article_id: str | None, who: str, as_json: bool) -> None:
    """Split a wrongly merged entity: the mentions of VALUE spelled as given (or all of it in one
    article) are the entity NEW.

    \b
    Example:
        newsfind entity split person "Bashar al-Assad" "Hafez al-Assad" --spelling "Hafez al-Assad"
        newsfind entity split person "John Kerry" "John Kirby" --article 003_f379e9a848eb2c6b
    """
    if not spellings and not article_id:
        raise UsageFailure("say which mentions are NEW: --spelling TEXT (repeatable) or --article ID")
    _add_rules(settings, [EntityRule("split", kind, value, new_name, article_id, tuple(spellings))], who, as_json)


@entity_group.command("not-entity")
@kind_argument
@click.argument("value")
@click.option("--article", "article_id", metavar="ID", help="Only in this article (default: everywhere).")
@who_option
@json_option
@click.pass_obj
def entity_not_entity(settings, kind: str, value: str, article_id: str | None, who: str, as_json: bool) -> None:
    """Mark a value as not an entity (everywhere, or in one article): it leaves the facets and marks,
    and its quotes lose their speaker.

    \b
    Example:
        newsfind entity not-entity org Tartus
    """
    _add_rules(settings, [EntityRule("not-entity", kind, value, None, article_id)], who, as_json)


@entity_group.command("not-speaker")
@click.argument("kind", type=click.Choice(("person", "org")), metavar="KIND")
@click.argument("value")
@click.option("--article", "article_id", metavar="ID", help="Only in this article (default: everywhere).")
@who_option
@json_option
@click.pass_obj
def entity_not_speaker(settings, kind: str, value: str, article_id: str | None, who: str, as_json: bool) -> None:
    """Mark a person or organisation as not speaking in an article (or anywhere): it stays named,
    but is no speaker there and its quotes lose their speaker.

    \b
    Example:
        newsfind entity not-speaker person "Vladimir Putin" --article 000_cc762b55518d5dfc
    """
    _add_rules(settings, [EntityRule("not-speaker", kind, value, None, article_id)], who, as_json)


@entity_group.command("retype")
@kind_argument
@click.argument("value")
@click.argument("new_kind", type=click.Choice(KINDS), metavar="NEW_KIND")
@who_option
@json_option
@click.pass_obj
def entity_retype(settings, kind: str, value: str, new_kind: str, who: str, as_json: bool) -> None:
    """Change an entity's type (person, org, place) everywhere.

    \b
    Example:
        newsfind entity retype org Tartus place
    """
    _add_rules(settings, [EntityRule("retype", kind, value, new_kind)], who, as_json)


@entity_group.command("rules")
@json_option
@click.pass_obj
def entity_rules(settings, as_json: bool) -> None:
    """The entity corrections in force, in the order they apply (each numbered by its change)."""
    rules = CurationStore(settings.index_dir).rules()
    if as_json:
        _echo_json([r.as_dict() for r in rules])
        return
    if not rules:
        click.echo("no entity corrections")
    for rule in rules:
        click.echo(f"#{rule.id:<4} {rule.describe()}")


# -- accounts --------------------------------------------------------------------------------------


def _password(password_stdin: bool, name: str) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True, err=True)
    if len(password) < MIN_PASSWORD:
        raise UsageFailure(f"a password has at least {MIN_PASSWORD} characters")
    return password


@click.group("user")
def user_group() -> None:
    """Accounts for the web UI and API: reader (reads a private archive), archivist (tags and
    corrects), admin (also manages accounts)."""


password_stdin_option = click.option("--password-stdin", is_flag=True,
                                     help="Read the password from the first line of standard input.")


@user_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@password_stdin_option
@who_option
@click.pass_obj
def user_add(settings, name: str, role: str, password_stdin: bool, who: str) -> None:
    """Create an account; the password is asked for (never given on the command line).

    \b
    Example:
        newsfind user add alice --role archivist
    """
    store = CurationStore(settings.index_dir)
    with _failures():
        store.check_user_name(name)
        if store.user(name):
            raise CurationError(f"there is already a user {name!r}")
        user = store.add_user(name, role, hash_password(_password(password_stdin, name)), who)
    click.echo(f"user {user.name} ({user.role}) added")


@user_group.command("list")
@json_option
@click.pass_obj
def user_list(settings, as_json: bool) -> None:
    """List the accounts."""
    store = CurationStore(settings.index_dir)
    users = store.users()
    if as_json:
        _echo_json([{**u.public(), "tokens": store.token_count(u.name)} for u in users])
        return
    if not users:
        click.echo("no users yet: add one with `newsfind user add NAME --role admin`")
    for user in users:
        click.echo(f"{user.name:<20} {user.role:<10} since {user.created_at}")


@user_group.command("remove")
@click.argument("name")
@who_option
@click.pass_obj
def user_remove(settings, name: str, who: str) -> None:
    """Delete an account (its changes stay in the history)."""
    with _failures():
        CurationStore(settings.index_dir).remove_user(name, who)
    click.echo(f"user {name} removed")


@user_group.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@who_option
@click.pass_obj
def user_role(settings, name: str, role: str, who: str) -> None:
    """Change a user's role (their sessions end)."""
    with _failures():
        CurationStore(settings.index_dir).set_role(name, role, who)
    click.echo(f"user {name} is now {role}")


@user_group.command("password")
@click.argument("name")
@password_stdin_option
@who_option
@click.pass_obj
def user_password(settings, name: str, password_stdin: bool, who: str) -> None:
    """Set a new password (their sessions end and their API tokens are revoked)."""
    store = CurationStore(settings.index_dir)
    with _failures():
        if store.user(name) is None:
            raise CurationError(f"there is no user {name!r}")
        store.set_password(name, hash_password(_password(password_stdin, name)), who)
    click.echo(f"password of {name} changed")


@user_group.command("token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for.")
@click.option("--revoke", is_flag=True, help="Revoke all of the user's tokens instead.")
@who_option
@click.pass_obj
def user_token(settings, name: str, label: str, revoke: bool, who: str) -> None:
    """Create an API token for scripts (`Authorization: Bearer TOKEN`), printed once, or revoke
    every token of the user.

    \b
    Example:
        newsfind user token alice --label nightly-tagger
    """
    store = CurationStore(settings.index_dir)
    with _failures():
        if revoke:
            click.echo(f"{store.revoke_tokens(name, who)} token(s) of {name} revoked")
            return
        click.echo(store.create_token(name, label, who))


# -- check -----------------------------------------------------------------------------------------


@click.command("check")
@click.option("--repair", is_flag=True, help="Re-apply curation where the index differs, and apply pending changes.")
@json_option
@click.pass_obj
def check_command(settings, repair: bool, as_json: bool) -> None:
    """Compare every article of the index with its curation (tags, corrections, entity rules), and
    the curation database with itself. Exit 1 when they disagree (after --repair: if they still do).

    \b
    Example:
        newsfind check --repair
    """
    store = CurationStore(settings.index_dir)
    try:
        report = check(_index(settings), store, repair=repair)
    except IndexBusyError as exc:
        raise click.ClickException(f"{exc}; try again when it has finished") from None
    if as_json:
        _echo_json(report.as_dict())
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


CURATION_COMMANDS = [tag_command, tags_command, history_command, undo_command, correct_command, entity_group,
                     user_group, check_command]
