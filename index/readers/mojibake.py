"""Text that was decoded with the wrong encoding before it reached newsfind ("mojibake"): UTF-8 read as
Latin-1 or Windows-1252, once or more ('PeÃ±a Nieto', 'todayÃ¢Â\\x80Â\\x99s vote', 'Ã¢â‚¬â„¢'), and
Windows-1252 punctuation left as C1 control characters ('\\x96' for '–'). Scraped archives are full of
it: 312 titles and bodies of the 37,554 allsides articles, 21 of PolNeAR's 924 texts. Left as it is, a name
in it is cut at its broken letter, a quotation loses its marks, and a search for 'Peña' misses it.

`repair_article` gives the article with such fields repaired by `ftfy.fix_encoding` (which changes only what
it recognises as mis-decoded: 'SÃO PAULO', 'naïve café' and '£5' stay) and says so in its provenance
("text"), so the stored article, its snippets and its entities are the repaired text. ftfy is imported and run
only for a field holding a C1 control character or a Latin-1 letter from U+00C2 to U+00F4 (a mis-decoding's
first character is one of them): every article pays one regex search per field, and an article with é, ñ or ü
pays ftfy's check too (about 1 ms; 2,353 of the allsides articles).
"""

from __future__ import annotations

import re
from dataclasses import replace

from newsfind.index.readers.types import SourceArticle

# A mis-decoded UTF-8 sequence starts with a lead byte 0xC2-0xF4 read as the Latin-1 letter of that number
# ('Â', 'Ã', 'â', ...); a stray Windows-1252 character is a C1 control (U+0080-U+009F).
_SUSPECT = re.compile("[\u0080-\u009f\u00c2-\u00f4]")
FIELDS = ("title", "body", "author", "outlet")


def repaired(text: str) -> str:
    """`text` with mis-decoded characters put right; `text` itself when there are none."""
    if not _SUSPECT.search(text):
        return text
    from ftfy import fix_encoding  # imported here: only text that may be mis-decoded needs it

    return fix_encoding(text)


def repair_article(article: SourceArticle) -> SourceArticle:
    """`article`, or a copy with its mis-decoded fields repaired, its provenance saying which, and its content
    hash recomputed (an index built before the repair replaces the article on the next run)."""
    changes = {}
    for name in FIELDS:
        value = getattr(article, name)
        if value:
            fixed = repaired(value)
            if fixed != value:
                changes[name] = fixed
    if not changes:
        return article
    note = "mis-decoded characters repaired (ftfy): " + ", ".join(changes)
    if article.provenance.get("text"):  # a reader's own word on the text comes first
        note = f"{article.provenance['text']}; {note}"
    return replace(article, **changes, provenance=article.provenance | {"text": note}, content_hash="")
