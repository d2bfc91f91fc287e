"""Faults of the machine rather than of the user: a full disk, a read-only or unwritable index
directory, a curation database that cannot be written. `newsfind` reports them as one line and exit
code 1, without a traceback. Nothing is lost by them: Whoosh commits and SQLite transactions are
all or nothing, so what was committed before stays, and what failed can simply be run again."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

import click

from newsfind.index.curation.db import CurationDatabaseError
from newsfind.index.damage import DAMAGE, damage_message

FULL = "no space left on the device"
READ_ONLY = "the file system is read-only"
DENIED = "permission denied"
AFTER = {
    FULL: "nothing committed before was lost; free some space and run the command again",
    READ_ONLY: "reading (query, show, export, serve) still works; to index or curate, make it writable",
    DENIED: "reading may still work; to index or curate, run as a user who may write there",
}


LOW_SPACE = 256 * 1024  # bytes free below which an I/O error is put down to a full disk


def _disk_full(index_dir: Path | None) -> bool:
    for folder in (index_dir, *(index_dir.parents if index_dir else ())):
        if folder is not None and folder.exists():
            return shutil.disk_usage(folder).free < LOW_SPACE
    return False


def _not_writable(index_dir: Path | None) -> str | None:
    if index_dir is None or not index_dir.is_dir() or os.access(index_dir, os.W_OK):
        return None
    return READ_ONLY if os.statvfs(index_dir).f_flag & os.ST_RDONLY else DENIED


def _cause(exc: BaseException, index_dir: Path | None) -> str:
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return FULL
        if exc.errno == errno.EROFS:
            return READ_ONLY
        if exc.errno in (errno.EACCES, errno.EPERM):
            return DENIED
        return exc.strerror or str(exc)
    text = str(exc).lower()
    # SQLite says "disk I/O error" when it cannot grow the WAL's shared-memory file on a full disk
    if "full" in text or ("i/o error" in text and _disk_full(index_dir)):
        return FULL
    if "readonly" in text or "read-only" in text:
        return READ_ONLY
    return _not_writable(index_dir) or str(exc)  # e.g. "unable to open database file"


def fault_message(exc: BaseException, index_dir: Path | None = None) -> str:
    """One line: what could not be written, why, and what that means for the user's data."""
    cause = _cause(exc, index_dir)
    where = getattr(exc, "filename", None)
    if where:
        subject = f"cannot write {where}"
    elif isinstance(exc, sqlite3.Error):
        subject = "cannot use the curation database" + (f" in {index_dir}" if index_dir else "")
    else:
        subject = "cannot write" + (f" to {index_dir}" if index_dir else "")
    return f"{subject}: {cause}" + (f" ({AFTER[cause]})" if cause in AFTER else "")


FAULTS = (OSError, sqlite3.OperationalError)


class FaultReportingGroup(click.Group):
    """The `newsfind` group: a fault met by any command becomes a `ClickException` (exit 1, one
    line, no traceback) naming the index directory; so does a damaged file (index/damage.py)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DAMAGE as exc:  # a damaged file of the index directory: which, and how to repair it
            index_dir = getattr(ctx.obj, "index_dir", None)
            message = damage_message(exc, index_dir)
            if message is None and not isinstance(exc, FAULTS):
                raise
            raise click.ClickException(message or fault_message(exc, index_dir)) from None
        except CurationDatabaseError as exc:  # its message says what to do (upgrade newsfind; make it writable)
            raise click.ClickException(str(exc)) from None
        except FAULTS as exc:
            if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
                raise  # `newsfind query ... | head`: click ends quietly
            index_dir = getattr(ctx.obj, "index_dir", None)
            raise click.ClickException(fault_message(exc, index_dir)) from None
