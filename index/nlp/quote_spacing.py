"""Curly quotation marks glued to a word, read with a space between, for analysis only.

Pages and feeds lose the space or the paragraph break at a quotation mark: '... and paranoia,”Clinton said.',
'Ryan said,“Look, ...', '... in America.”In an exclusive interview'. spaCy then reads '”Clinton' as one token
(tagged ORG with the words before it) and no rule sees the name after the quote, so a plain direct quote goes
unattributed. `spaced` puts a space after a closing mark glued to a letter or digit and before an opening mark
glued to one (or to a comma, colon, full stop and the like). Only the curly marks, whose direction is written:
a straight '"' between two words may open or close. As with `unwrap`, the text as stored is kept; every
character of the result comes with its offset in the body, and an added space with the offset of the
character before it.
"""

from __future__ import annotations

import re

# a closing mark after a letter, digit or stop and before a letter or digit; an opening mark the other way round
# ('the world“ and', '“Frozen“ and' are closing marks written the wrong way, '\u202a”Sorry' an opening one: the
# marks' neighbours say so, nothing is added)
_GLUED = re.compile(r"(?<=[^\W_]”|[,.:;!?]”)(?=[^\W_])|(?<=[^\W_]|[,.:;!?])(?=“[^\W_])")


def glued(text: str) -> list[int]:
    """The offsets in `text` where `spaced` puts a space (before the character there)."""
    return [m.start() for m in _GLUED.finditer(text)]


def spaced(text: str, positions: list[int] | None) -> tuple[str, list[int] | None]:
    """`text` with a space at every glued curly quotation mark, and each character's offset in the body
    (`positions` gives those of `text`; None: each character's own)."""
    cuts = glued(text)
    if not cuts:
        return text, positions
    offsets = positions if positions is not None else range(len(text))
    parts: list[str] = []
    out: list[int] = []
    done = 0
    for cut in cuts:
        parts += [text[done:cut], " "]
        out += [*offsets[done:cut], offsets[cut - 1]]
        done = cut
    parts.append(text[done:])
    out += offsets[done:]
    return "".join(parts), out
