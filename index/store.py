"""Where the index lives and how it is opened. No spaCy here: queries import this too.

Location: `--index DIR`, else `$NEWSFIND_INDEX`, else `$XDG_DATA_HOME/newsfind/index`
(`~/.local/share/newsfind/index`).
"""

from __future__ import annotations

import os
from pathlib import Path

from newsfind.index.schema import build_schema
from whoosh import index as whoosh_index
from whoosh.index import EmptyIndexError

ENV_VAR = "NEWSFIND_INDEX"


class IndexNotFoundError(RuntimeError):
    pass


class IndexBusyError(RuntimeError):
    """Another writer holds the index's write lock (an indexing run, a curation change, another
    thread of `newsfind serve`). Defined here, below both the indexing run and curation, so that
    either can raise it and every caller catches one class."""


def default_index_dir() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "newsfind" / "index"


def resolve_index_dir(option: str | os.PathLike | None = None) -> Path:
    if option:
        return Path(option)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return default_index_dir()


def open_whoosh_index(index_dir: Path):
    """The Whoosh index in `index_dir`, read with newsfind's schema rather than the one pickled in its
    table of contents. That pickle names the analyzers' classes by module path, and those paths
    changed when newsfind became one package (`index.analysis` → `newsfind.index.analysis`): every
    index built before could no longer be opened. The schema is newsfind's in any case: it adds the
    fields an index from an older newsfind lacks (their columns read as defaults until documents are
    re-enriched, which a new PIPELINE_VERSION forces), and the next commit writes it to disk.
    Raises whoosh's EmptyIndexError where there is no index."""
    return whoosh_index.open_dir(str(index_dir), schema=build_schema())


def index_exists(index_dir: Path) -> bool:
    """Whether `index_dir` holds a Whoosh index (`whoosh.index.exists_in`, with newsfind's schema)."""
    if not index_dir.is_dir():
        return False
    try:
        return open_whoosh_index(index_dir).latest_generation() > -1
    except EmptyIndexError:
        return False


def open_index(index_dir: Path):
    """Open an existing index for searching; a clear error if there is none."""
    if not index_exists(index_dir):
        raise IndexNotFoundError(
            f"no newsfind index at {index_dir}: create one with `newsfind --index {index_dir} index PATH...` "
            f"(or set {ENV_VAR})"
        )
    return open_whoosh_index(index_dir)
