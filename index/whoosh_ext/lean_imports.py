"""Importing Whoosh without the three modules it pulls in but newsfind never uses.

`whoosh.compat` imports `urllib.request` (for `urlretrieve`, which Whoosh only offers, never
calls), and `whoosh.reading` imports the `cached_property` package, which imports `asyncio` for
coroutine support Whoosh does not need. Together they were ~85 ms of CPU in every cold
`newsfind query` (of ~450 ms). `whoosh.query.terms` imports `whoosh.lang.morph_en`, which compiles
~1,100 regular expressions at import (~15 ms) for the `Variations` query newsfind never builds.
While Whoosh's modules are first imported, stand-ins take their place in `sys.modules`: a
`urlretrieve` and a `variations` that import the real ones when called, and the package's own
`cached_property` behaviour for plain methods. The stand-ins are removed afterwards, so anything
that imports those modules later gets the real ones.
"""

from __future__ import annotations

import sys
import types


class cached_property:  # noqa: N801 - the name Whoosh imports
    """`cached_property.cached_property` for plain (non-coroutine) methods: computed on first
    access, then stored in the instance's `__dict__` (which shadows this non-data descriptor)."""

    def __init__(self, func) -> None:
        self.__doc__ = func.__doc__
        self.func = func

    def __get__(self, obj, cls):
        if obj is None:
            return self
        value = obj.__dict__[self.func.__name__] = self.func(obj)
        return value


def urlretrieve(*args, **kwargs):
    from urllib.request import urlretrieve as real

    return real(*args, **kwargs)


def variations(word):
    from whoosh.lang.morph_en import variations as real

    return real(word)


def import_whoosh() -> None:
    """Import Whoosh's core modules with the stand-ins in place (a no-op once Whoosh is imported)."""
    if "whoosh.reading" in sys.modules:
        return
    stubs = {}
    if "urllib.request" not in sys.modules:
        stubs["urllib.request"] = types.ModuleType("urllib.request")
        stubs["urllib.request"].urlretrieve = urlretrieve
    if "cached_property" not in sys.modules:
        stubs["cached_property"] = types.ModuleType("cached_property")
        stubs["cached_property"].cached_property = cached_property
    if "whoosh.lang.morph_en" not in sys.modules:
        stubs["whoosh.lang.morph_en"] = types.ModuleType("whoosh.lang.morph_en")
        stubs["whoosh.lang.morph_en"].variations = variations
    sys.modules.update(stubs)
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.index  # noqa: F401
        import whoosh.query  # noqa: F401 - imports whoosh.query.terms, the user of morph_en
        import whoosh.reading  # noqa: F401
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]
