"""`newsfind user …`: the accounts of the web UI and API (add, list, remove, role, password, token).

Passwords are read from a prompt or standard input, never from the command line, so they stay out
of the shell history and the process list.
"""

from __future__ import annotations

import sys

import click

from newsfind.cli.changes import curation_failures
from newsfind.cli.common import Settings, UsageFailure, emit_json, json_option, who_option
from newsfind.index.curation.accounts import MIN_PASSWORD, ROLES, hash_password
from newsfind.index.curation.changes import CurationError
from newsfind.index.curation.store import CurationStore


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
def user_add(settings: Settings, name: str, role: str, password_stdin: bool, who: str) -> None:
    """Create an account; the password is asked for (never given on the command line).

    \b
    Example:
        newsfind user add alice --role archivist
    """
    store = CurationStore(settings.index_dir)
    with curation_failures():
        store.check_user_name(name)
        if store.user(name):
            raise CurationError(f"there is already a user {name!r}")
        user = store.add_user(name, role, hash_password(_password(password_stdin, name)), who)
    click.echo(f"user {user.name} ({user.role}) added")


@user_group.command("list")
@json_option
@click.pass_obj
def user_list(settings: Settings, as_json: bool) -> None:
    """List the accounts."""
    store = CurationStore(settings.index_dir)
    users = store.users()
    if as_json:
        emit_json([{**u.public(), "tokens": store.token_count(u.name)} for u in users])
        return
    if not users:
        click.echo("no users yet: add one with `newsfind user add NAME --role admin`")
    for user in users:
        click.echo(f"{user.name:<20} {user.role:<10} since {user.created_at}")


@user_group.command("remove")
@click.argument("name")
@who_option
@click.pass_obj
def user_remove(settings: Settings, name: str, who: str) -> None:
    """Delete an account (its changes stay in the history)."""
    with curation_failures():
        CurationStore(settings.index_dir).remove_user(name, who)
    click.echo(f"user {name} removed")


@user_group.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@who_option
@click.pass_obj
def user_role(settings: Settings, name: str, role: str, who: str) -> None:
    """Change a user's role (their sessions end)."""
    with curation_failures():
        CurationStore(settings.index_dir).set_role(name, role, who)
    click.echo(f"user {name} is now {role}")


@user_group.command("password")
@click.argument("name")
@password_stdin_option
@who_option
@click.pass_obj
def user_password(settings: Settings, name: str, password_stdin: bool, who: str) -> None:
    """Set a new password (their sessions end and their API tokens are revoked)."""
    store = CurationStore(settings.index_dir)
    with curation_failures():
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
def user_token(settings: Settings, name: str, label: str, revoke: bool, who: str) -> None:
    """Create an API token for scripts (`Authorization: Bearer TOKEN`), printed once, or revoke
    every token of the user.

    \b
    Example:
        newsfind user token alice --label nightly-tagger
    """
    store = CurationStore(settings.index_dir)
    with curation_failures():
        if revoke:
            click.echo(f"{store.revoke_tokens(name, who)} token(s) of {name} revoked")
            return
        click.echo(store.create_token(name, label, who))


COMMANDS = [user_group]
