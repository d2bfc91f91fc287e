"""Bytes -> text for every reader: BOMs, UTF-8, then charset-normalizer; binary and empty input refused.

The order matters:
1. a byte-order mark decides (UTF-8, UTF-16 or UTF-32), and is dropped;
2. NUL bytes mean binary, unless they fall as in BOM-less UTF-16 text (`bomless_utf16`);
3. strict UTF-8;
4. charset-normalizer's best guess. Western single-byte code pages are hard to tell apart on
   a few accented letters (it may call cp1252 text cp1257), so when cp1252 reads as coherently
   as the best guess (and hardly more chaotic), cp1252 is used: it is what Windows, and HTML for
   "latin-1", mean by default;
5. nothing plausible: `DecodeError("undecodable text ...")`.
Windows and old Mac line ends become "\\n" (`normalise_newlines`).
"""

from __future__ import annotations

import codecs

SAMPLE = 8192  # bytes looked at for NUL and control characters
CONTROL_SHARE = 0.05  # more control characters than this (in the sample) means binary
MIN_UTF16_SAMPLE = 32  # bytes: fewer are too few to tell UTF-16 text from binary
WESTERN_MARGIN = 0.1  # how much more chaos cp1252 may have and still be preferred (if as coherent)

BOMS = [  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f", "\v", "\x1b"}


class DecodeError(ValueError):
    """The bytes are not usable text; the message is the reason shown to the user."""


def bom_encoding(raw: bytes) -> tuple[str, int] | None:
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            return encoding, len(bom)
    return None


def decode_bytes(raw: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding used). `declared` is an encoding the container states (an HTTP header,
    an HTML meta tag); it is tried after a BOM and before any guessing."""
    if not raw.strip():
        raise DecodeError("empty file")
    if found := bom_encoding(raw):
        encoding, skip = found
        try:
            return _checked(raw[skip:].decode(encoding), encoding), encoding
        except UnicodeDecodeError:
            raise DecodeError(f"undecodable text: starts with a {encoding} byte-order mark but is not {encoding}"
                              ) from None
    if b"\x00" in raw[:SAMPLE]:
        encoding = bomless_utf16(raw)
        if encoding:
            try:
                return _checked(raw.decode(encoding), encoding), encoding
            except (UnicodeDecodeError, DecodeError):
                pass
        raise DecodeError("binary file (contains NUL bytes)")
    if declared and (encoding := _known_encoding(declared)):
        try:
            return _checked(raw.decode(encoding), encoding), encoding
        except UnicodeDecodeError:
            pass  # the declaration is wrong; find out
    try:
        return _checked(raw.decode("utf-8"), "utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = _guess(raw)
    if guess is None:
        raise DecodeError("undecodable text: not UTF-8, and no other encoding fits")
    return _checked(*guess), guess[1]


def decode_text(raw: bytes, declared: str | None = None) -> str:
    """Text with "\\n" line ends; DecodeError (a ValueError) with the reason otherwise."""
    text, _ = decode_bytes(raw, declared)
    if not text.strip():
        raise DecodeError("empty file")
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def bomless_utf16(raw: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the NUL bytes fall as in UTF-16 text without a BOM: on one side
    of each byte pair only (the high byte of ASCII characters: spaces, digits, punctuation), and
    often enough; None otherwise (binary data has NULs anywhere)."""
    sample = raw[:SAMPLE]
    if len(sample) < MIN_UTF16_SAMPLE or len(raw) % 2:
        return None
    even = sample[0::2].count(0) / (len(sample) // 2)
    odd = sample[1::2].count(0) / (len(sample) // 2)
    if min(even, odd) > 0.01 or max(even, odd) < 0.1:
        return None
    return "utf-16-le" if odd > even else "utf-16-be"


def _known_encoding(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().strip("'\"")).name
    except LookupError:
        return None


def _checked(text: str, encoding: str) -> str:
    sample = text[:SAMPLE]
    controls = sum(1 for c in sample if c < " " and c not in _TEXT_CONTROLS)
    if sample and controls / len(sample) > CONTROL_SHARE:
        raise DecodeError(f"binary file ({controls} control characters in the first {len(sample)} "
                          f"read as {encoding})")
    return text


def _guess(raw: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes  # imported here: only reading text files needs it

    results = from_bytes(raw)
    best = results.best()
    if best is None:
        return None
    encoding = best.encoding
    if "cp1252" in best.could_be_from_charset or any(
            "cp1252" in match.could_be_from_charset and match.chaos <= best.chaos + WESTERN_MARGIN
            and match.coherence >= best.coherence for match in results):
        encoding = "cp1252"
    try:
        return raw.decode(encoding), encoding
    except UnicodeDecodeError:
        return str(best), best.encoding
