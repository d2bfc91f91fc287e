"""Whoosh's AND NOT matcher excludes from its first document too.

`AndNotMatcher._find_first` (whoosh/matching/binary.py) moves past the first positive document
only when the excluded matcher already sits on that very document. When the excluded matcher
starts on an earlier document, the first positive document is kept even if the excluded part
holds it too: `"health care" -Obama` kept, in each segment, the first article with "health care"
if it named Obama and an article naming Obama came before it (the date sorts, `export` and bulk
tagging listed articles naming Obama that the relevance ranking, evaluated with numpy, left out).

Membership no longer depends on Whoosh's boolean matchers (`newsfind.search.engine` decides it),
but Whoosh still scores and ranks a given set: a query such as `NOT ("health care" -Obama)` or a
part of a query that fastscore does not model is scored by Whoosh's matchers, and there the wrong
inclusion became a wrong exclusion. `install()` gives the matcher a `_find_first` that skips
excluded documents from the start, as `_find_next` does after every step. Idempotent; applied by
`newsfind.index.store` on import.
"""

from __future__ import annotations

from whoosh.matching.binary import AndNotMatcher

_whoosh_find_first = AndNotMatcher._find_first


def _find_first(self) -> None:
    """Whoosh's `_find_first` without its `a.id() == b.id()` condition: `_find_next` itself moves
    the excluded matcher up to the positive one before comparing them."""
    if self.a.is_active() and self.b.is_active():
        self._find_next()


def uninstall() -> None:
    AndNotMatcher._find_first = _whoosh_find_first


def install() -> None:
    AndNotMatcher._find_first = _find_first
