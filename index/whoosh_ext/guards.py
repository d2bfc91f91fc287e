"""What tells whether the installed Whoosh is the one newsfind's extensions were written for: the
version of its distribution, and a fingerprint of each function they replace or read.

A fingerprint is the sha256 of the function's source text as installed: its lines from the `def` (or
its first decorator) to the last line of its code. Source, not bytecode: bytecode changes with every
Python release (3.11 to 3.12 would flag every function), while a change of the source is a change of
the function, whichever Python runs it. It is strict on purpose: an edited comment inside a function
also counts, which costs a look at the new code, never a wrong result. The lines are read with
`linecache` and the end is taken from the code's own line table (`co_positions`) instead of
`inspect.getsource`, whose tokenizing took ~8 ms for 14 functions, in every cold `newsfind query`;
this takes ~0.1 ms each. A function without readable source (a `.pyc`-only install) has no
fingerprint, so it never matches.

Nothing here imports Whoosh at module level (see the package's `__init__`).
"""

from __future__ import annotations

import hashlib
import importlib
import linecache
import os
import types
from operator import itemgetter
from pathlib import Path


def resolve(target: str) -> tuple[object, str]:
    """`"whoosh.codec.whoosh3:W3LeafMatcher._read_data"` -> (the class W3LeafMatcher, "_read_data")."""
    module_name, _, path = target.partition(":")
    *owners, name = path.split(".")
    owner: object = importlib.import_module(module_name)
    for part in owners:
        owner = getattr(owner, part)
    return owner, name


def fingerprint(obj: object) -> str | None:
    """The fingerprint of a function, method, property or cached property (16 hex digits of the
    sha256 of its source); None when it is none of these or its source cannot be read."""
    for unwrap in ("__func__", "fget", "func", "__wrapped__"):  # methods, properties, cached properties, caches
        obj = getattr(obj, unwrap, obj)
    if not isinstance(obj, types.FunctionType):
        return None
    code = obj.__code__
    lines = linecache.getlines(code.co_filename)
    last = _last_line(code)
    if not lines or last > len(lines):
        return None
    text = "".join(lines[code.co_firstlineno - 1:last])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _last_line(code: types.CodeType) -> int:
    """The last source line of a code object and the functions, lambdas and comprehensions in it."""
    last = max(filter(None, map(itemgetter(1), code.co_positions())), default=code.co_firstlineno)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            last = max(last, _last_line(const))
    return last


def distribution_version(package: str, distribution: str) -> str | None:
    """The version of the `distribution` that installed the importable `package`: the `Version:` of the
    METADATA in its `.dist-info` folder beside the package, which is what `importlib.metadata.version`
    reads (tested to agree) without importing importlib.metadata, whose email parser and socket
    imports cost a cold `newsfind query` ~20 ms. None when there is no such folder, or several that
    disagree."""
    site = Path(importlib.import_module(package).__file__).parent.parent
    prefix = distribution.lower().replace("-", "_") + "-"
    with os.scandir(site) as entries:
        folders = [e.path for e in entries if e.name.lower().startswith(prefix) and e.name.endswith(".dist-info")]
    versions = {_metadata_version(Path(folder) / "METADATA") for folder in folders}
    return versions.pop() if len(versions) == 1 else None


def _metadata_version(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8") as metadata:
            for line in metadata:
                if line.startswith("Version:"):
                    return line.partition(":")[2].strip()
                if not line.strip():  # the end of the headers
                    break
    except OSError:
        pass
    return None
