"""The `newsfind` command line: the group `cli`, its global options, and where each command lives.

Exit codes: 0 success (also with no hits), 1 runtime failure (missing index, a file that could
not be indexed), 2 usage or query-syntax error. spaCy is imported only by `index`.

Each command's module is imported only when that command runs (or the command list is shown):
the curation database, the readers, the web stack each cost a cold `newsfind query` time to import
that it does not need (tests/test_lean_imports.py).
"""

from __future__ import annotations

from importlib import import_module

import click

from newsfind.cli.common import Settings
from newsfind.cli.faults import FaultReportingGroup
from newsfind.index import whoosh_ext
from newsfind.index.store import resolve_index_dir

# Every command, and the module of newsfind.cli that defines it (in that module's COMMANDS).
COMMAND_MODULES = {
    "index": "indexing",
    "query": "searching",
    "show": "searching",
    "export": "searching",
    "serve": "serving",
    "tag": "curation",
    "tags": "curation",
    "history": "curation",
    "undo": "curation",
    "correct": "curation",
    "check": "curation",
    "entity": "entities",
    "user": "users",
    "watch": "watches",
}


class NewsfindGroup(FaultReportingGroup):
    """Lists every command, and imports a command's module the first time it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMAND_MODULES and cmd_name not in self.commands:
            for command in import_module(f"newsfind.cli.{COMMAND_MODULES[cmd_name]}").COMMANDS:
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
    # Start-up of a newsfind process: whatever must happen before any command runs goes here, once.
    whoosh_ext.install()  # before any command opens an index: Whoosh's patches (index/whoosh_ext)
    ctx.obj = Settings(index_dir=resolve_index_dir(index_dir))


def main() -> None:
    """The `newsfind` console script."""
    cli(prog_name="newsfind")
