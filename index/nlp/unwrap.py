"""Hard-wrapped text read as the same text unwrapped, for analysis only.

Wire archives and old `.txt` files break lines at ~65 characters and indent paragraphs; spaCy
reads such a line break as a boundary ("Secretary Richard\\nLyng said" gives the persons "Richard"
and "Richard Lyng"). `unwrap` turns each soft line break, with the spaces that end its line, into
one space. The article page and `show` keep the text as written: `unwrapped` also gives, for every
character of the unwrapped text, its offset in the body as stored, to which quote and mention
offsets are mapped back (None when no line ended in spaces: then the offsets are the same).

Detection is conservative, by the shape of the lines alone (no sentence punctuation needed): the
body's longest line is 40 to 100 characters, and at 80 % or more of the line breaks inside a
paragraph the next line's first word would not have fitted on the line before (within a few
characters of that longest line), which is what a program filling lines to a width does. Only
those breaks are joined. A blank line, or a line that starts with a space or tab, starts a
paragraph and is kept. A body with one paragraph per line (lines far over 100 characters), and
one of short lines of any length (a list, a poem, a table), is left untouched.
"""

from __future__ import annotations

MIN_WIDTH, MAX_WIDTH = 40, 100  # the longest line of a hard-wrapped body
SLACK = 8  # a break counts as a wrap when the next word would have ended within this of the width
MIN_BREAKS = 2  # fewer line breaks inside paragraphs than this: nothing to judge by
SHARE = 0.8  # of the breaks inside paragraphs that must look like wraps


def soft_breaks(body: str) -> list[int]:
    """Offsets of the line breaks of `body` that are wraps inside a paragraph; [] when the body
    does not look hard-wrapped."""
    lines = body.split("\n")
    widths = [len(line.rstrip()) for line in lines]
    width = max((w for line, w in zip(lines, widths, strict=True) if line.strip()), default=0)
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        return []
    inside, wraps, offset = 0, [], 0
    for i, line in enumerate(lines[:-1]):
        newline, after = offset + len(line), lines[i + 1]
        offset = newline + 1
        if not line.strip() or not after.strip() or after[0].isspace():
            continue  # a paragraph ends here
        inside += 1
        if widths[i] + 1 + len(after.split(None, 1)[0]) > width - SLACK:
            wraps.append(newline)
    if inside < MIN_BREAKS or len(wraps) < SHARE * inside:
        return []
    return wraps


def unwrapped(body: str, text: str | None = None) -> tuple[str, list[int] | None]:
    """`text` (the body itself, or a same-length copy of it such as the body with boilerplate
    masked) with the soft line breaks of `body` and the spaces before them made one space; and the
    offset in `body` of each character of the result, or None when every offset is its own."""
    text = body if text is None else text
    breaks = soft_breaks(body)
    if not breaks:
        return text, None
    parts, positions, done = [], [], 0
    for newline in breaks:
        end = done + len(body[done:newline].rstrip())  # the spaces that end the line go with its break
        parts += [text[done:end], " "]
        positions += [*range(done, end), newline]
        done = newline + 1
    parts.append(text[done:])
    positions += range(done, len(text))
    result = "".join(parts)
    return result, (None if len(result) == len(text) else positions)


def unwrap(body: str, text: str | None = None) -> str:
    """The text of `unwrapped`."""
    return unwrapped(body, text)[0]
