"""Where the index lives and how it is opened. No spaCy here: queries import this too.

Location: `--index DIR`, else `$NEWSFIND_INDEX`, else `$XDG_DATA_HOME/newsfind/index`
(`~/.local/share/newsfind/index`).
"""

from __future__ import annotations

import os
from pathlib import Path

from newsfind.index.whoosh_ext import blockdecode, boolean_matchers, columnread, zerocopy
from whoosh import index as whoosh_index

zerocopy.install()  # segments are read from their mmap, not copied whole on every open (index/zerocopy.py)
blockdecode.install()  # posting blocks decoded without positions unless asked (index/blockdecode.py)
columnread.install()  # stored fields' offsets accumulated in C (index/columnread.py)
boolean_matchers.install()  # AND NOT, NOT and ANDMAYBE fixed (index/whoosh_ext/boolean_matchers.py)
ENV_VAR = "NEWSFIND_INDEX"


class IndexNotFoundError(RuntimeError):
    pass


def default_index_dir() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "newsfind" / "index"


def resolve_index_dir(option: str | os.PathLike | None = None) -> Path:
    if option:
        return Path(option)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return default_index_dir()


def open_index(index_dir: Path):
    """Open an existing index for searching; a clear error if there is none."""
    if not index_dir.is_dir() or not whoosh_index.exists_in(str(index_dir)):
        raise IndexNotFoundError(
            f"no newsfind index at {index_dir}: create one with `newsfind --index {index_dir} index PATH...` "
            f"(or set {ENV_VAR})"
        )
    return whoosh_index.open_dir(str(index_dir))
