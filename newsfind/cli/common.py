"""What the commands share: the group's settings, the usage error (exit code 2), JSON output,
opening the index, and the options of every curation command.

Light on purpose: every command, also a cold `newsfind query`, imports this module, so it imports
nothing beyond click and the index store.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from newsfind.index.store import IndexNotFoundError, open_index


class UsageFailure(click.ClickException):
    """A bad query or argument: exit code 2, with a message that says what is wrong."""

    exit_code = 2


def bad_query(query_text: str, exc: Exception) -> UsageFailure:
    """The usage error for a query that does not parse, quoting it."""
    return UsageFailure(f"bad query {query_text!r}: {exc}")


@dataclass
class Settings:
    """The group's options, handed to every command (`@click.pass_obj`)."""

    index_dir: Path


def index_of(settings: Settings):
    """The Whoosh index of `--index`; no index there is a runtime failure (exit 1) that says how
    to create one."""
    try:
        return open_index(settings.index_dir)
    except IndexNotFoundError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def opened_searcher(settings: Settings) -> Iterator:
    """A searcher of the index of `--index`, closed when the block ends."""
    with index_of(settings).searcher() as searcher:
        yield searcher


def emit_json(data) -> None:
    """Print `data` as indented JSON, non-ASCII kept (dates and other objects as their str)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def default_user() -> str:
    """Who makes a change when `--user` is not given: the login name."""
    return os.environ.get("USER") or os.environ.get("USERNAME") or "cli"


who_option = click.option("--user", "who", metavar="NAME", default=default_user, show_default="$USER",
                          help="Who makes the change, for the audit log.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
