"""Whoosh's boolean matchers (AND NOT, NOT, ANDMAYBE) match and score what they should.

`AndNotMatcher._find_first` (whoosh/matching/binary.py) moves past the first positive document
only when the excluded matcher already sits on that very document. When the excluded matcher
starts on an earlier document, the first positive document is kept even if the excluded part
holds it too: `"health care" -Obama` kept, in each segment, the first article with "health care"
if it named Obama and an article naming Obama came before it (the date sorts, `export` and bulk
tagging listed articles naming Obama that the relevance ranking, evaluated with numpy, left out).

`InverseMatcher._find_next` (whoosh/matching/wrappers.py, the matcher of `NOT x`) skips deleted
documents only before it looks at the child matcher: when the child's last match is followed by a
deleted document, that document is matched. `NOT x` listed the old version of a replaced article
next to the new one.

`AndMaybeMatcher.skip_to` moves the optional matcher to the target, not to where the required one
landed (past the target when it does not hold it): the optional part's score was then left out
of the document landed on. An AND around an ANDMAYBE skips, so Whoosh's score of
`health (date:2016^2 ANDMAYBE health)` for a document depended on which other documents it was
asked about: the search page and the download ranked some articles differently.

Membership no longer depends on Whoosh's boolean matchers (`newsfind.search.engine` decides it),
but Whoosh still scores and ranks a given set where fastscore does not model a query part (`NOT x`
inside a query, a phrase with slop, a boosted date range): there a wrong inclusion became a wrong
exclusion or a wrong score. `whoosh_ext.install()` puts these three functions in place of Whoosh's
(rows of `GUARDS`).
"""

from __future__ import annotations

from whoosh.matching import ReadTooFar


def _and_not_find_first(self) -> None:
    """Whoosh's `_find_first` without its `a.id() == b.id()` condition: `_find_next` itself moves
    the excluded matcher up to the positive one before comparing them."""
    if self.a.is_active() and self.b.is_active():
        self._find_next()


def _inverse_find_next(self) -> None:
    """From the current document on, the first that is neither deleted (`missing`) nor matched by
    the child matcher."""
    child, missing = self.child, self.missing
    while self._id < self.limit:
        if missing(self._id):
            self._id += 1
            continue
        if child.is_active() and child.id() < self._id:
            child.skip_to(self._id)
        if child.is_active() and child.id() == self._id:
            self._id += 1
            continue
        return


def _and_maybe_skip_to(self, id: int) -> bool:
    """Whoosh's `skip_to` with the optional matcher moved to where the required one landed."""
    if not self.a.is_active():
        raise ReadTooFar
    ra = self.a.skip_to(id)
    rb = False
    if self.a.is_active() and self.b.is_active():
        rb = self.b.skip_to(self.a.id())
    return ra or rb

