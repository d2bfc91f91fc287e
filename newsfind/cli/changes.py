"""What the curation, entity and user commands share: how curation errors map to exit codes, and
applying a saved change to the index.

Changes are saved in the curation database of the index directory first, then applied to the
index; every change is logged with who made it (`--user NAME`, default $USER) and can be undone.
Access from the command line is trusted: who can write the index directory can change it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from newsfind.cli.common import Settings, UsageFailure, index_of
from newsfind.index.curation.apply import apply_changes
from newsfind.index.curation.changes import Change, CurationError
from newsfind.index.curation.store import CurationStore, UndoError
from newsfind.index.store import IndexBusyError


@contextmanager
def curation_failures() -> Iterator[None]:
    """Curation errors are usage errors (exit 2); undo conflicts are runtime failures (exit 1)."""
    try:
        yield
    except CurationError as exc:
        raise UsageFailure(str(exc)) from None
    except UndoError as exc:
        raise click.ClickException(str(exc)) from None


def apply_saved(settings: Settings, store: CurationStore, change: Change | None) -> int:
    """Apply pending changes to the index; the number of documents re-written. A busy index is a
    runtime failure that says the change is saved and what will apply it."""
    try:
        return apply_changes(index_of(settings), store).documents
    except IndexBusyError:
        saved = f"change #{change.id} is saved" if change else "the change is saved"
        raise click.ClickException(
            f"{saved}, but the index is busy (another newsfind run is writing to it): it will be applied "
            "by the next change, the next index run or `newsfind check --repair`") from None


def require_article(searcher, article_id: str) -> None:
    """A usage error unless the index has an article with this id."""
    if searcher.document_number(id=article_id) is None:
        raise UsageFailure(f"no article with id {article_id!r} in this index")
