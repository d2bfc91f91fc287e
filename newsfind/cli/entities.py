"""`newsfind entity …`: corrections of extracted entities (rename, merge, split, not-entity,
not-speaker, retype) and the list of those in force.

A correction is a rule kept in the curation database: it applies to the whole index now and to
everything indexed later. Values are canonical names, as the facets show them.
"""

from __future__ import annotations

import click

from newsfind.cli.changes import apply_saved, curation_failures, require_article
from newsfind.cli.common import Settings, UsageFailure, emit_json, json_option, opened_searcher, who_option
from newsfind.index.curation.rules import KINDS, EntityRule
from newsfind.index.curation.store import CurationStore

kind_argument = click.argument("kind", type=click.Choice(KINDS), metavar="KIND")


def _require_value(searcher, kind: str, value: str, article_id: str | None = None) -> None:
    from whoosh import query as wq

    from newsfind.index.curation.apply import fields_of

    q = wq.Or([wq.Term(f, value) for f in fields_of(kind)])
    if article_id is not None:
        require_article(searcher, article_id)
        q = wq.And([q, wq.Term("id", article_id)])
    if not any(True for _ in searcher.docs_for_query(q)):
        where = f" {article_id}" if article_id else " any article"
        raise UsageFailure(f"{kind} {value!r} is not in{where} (values are canonical names, as in the facets: "
                           f"`newsfind query '*' --facet {kind}`)")


def _add_rules(settings: Settings, rules: list[EntityRule], who: str, as_json: bool) -> None:
    store = CurationStore(settings.index_dir)
    with opened_searcher(settings) as searcher:
        for rule in rules:
            _require_value(searcher, rule.kind, rule.value, rule.article_id)
    with curation_failures():
        changes = store.add_rules(rules, who)  # one transaction: a merge of A and B is never half made
    documents = apply_saved(settings, store, changes[-1])
    if as_json:
        emit_json({"changes": [c.as_dict() for c in changes], "documents_updated": documents})
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
def entity_rename(settings: Settings, kind: str, value: str, new_name: str, who: str, as_json: bool) -> None:
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
def entity_merge(settings: Settings, kind: str, values: tuple[str, ...], target: str, who: str, as_json: bool) -> None:
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
def entity_split(settings: Settings, kind: str, value: str, new_name: str, spellings: tuple[str, ...],
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
def entity_not_entity(settings: Settings, kind: str, value: str, article_id: str | None, who: str,
                      as_json: bool) -> None:
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
def entity_not_speaker(settings: Settings, kind: str, value: str, article_id: str | None, who: str,
                       as_json: bool) -> None:
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
def entity_retype(settings: Settings, kind: str, value: str, new_kind: str, who: str, as_json: bool) -> None:
    """Change an entity's type (person, org, place) everywhere.

    \b
    Example:
        newsfind entity retype org Tartus place
    """
    _add_rules(settings, [EntityRule("retype", kind, value, new_kind)], who, as_json)


@entity_group.command("rules")
@json_option
@click.pass_obj
def entity_rules(settings: Settings, as_json: bool) -> None:
    """The entity corrections in force, in the order they apply (each numbered by its change)."""
    rules = CurationStore(settings.index_dir).rules()
    if as_json:
        emit_json([r.as_dict() for r in rules])
        return
    if not rules:
        click.echo("no entity corrections")
    for rule in rules:
        click.echo(f"#{rule.id:<4} {rule.describe()}")


COMMANDS = [entity_group]
