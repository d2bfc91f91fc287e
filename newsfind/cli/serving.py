"""`newsfind serve`: the web UI and the JSON API, served by waitress in one or more processes.

Flask and the web package are imported inside the command, so no other command pays for them.
"""

from __future__ import annotations

import sys

import click

from newsfind.cli.common import Settings
from newsfind.index.store import IndexNotFoundError


@click.command("serve")
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


COMMANDS = [serve_command]
