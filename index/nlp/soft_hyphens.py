"""Soft hyphens (U+00AD) left out of the text the parser reads, for analysis only.

A soft hyphen marks where a renderer may break a word; pages keep it inside names ('Peter \\xadNewsham said'),
and spaCy then reads '\\xadNewsham' as a word of its own that no name ends in, so 'D.C. Police Chief Peter' speaks.
As with `unwrap` and `quote_spacing`, the text as stored is kept: every character of the result comes with its
offset in the body.
"""

from __future__ import annotations

SOFT_HYPHEN = "\u00ad"


def without_soft_hyphens(text: str, positions: list[int] | None) -> tuple[str, list[int] | None]:
    """`text` without its soft hyphens, and each remaining character's offset in the body (`positions` gives
    those of `text`; None: each character's own)."""
    if SOFT_HYPHEN not in text:
        return text, positions
    offsets = positions if positions is not None else range(len(text))
    kept = [i for i, ch in enumerate(text) if ch != SOFT_HYPHEN]
    return "".join(text[i] for i in kept), [offsets[i] for i in kept]
