"""The name an entity's text holds, cleaned: a person's name, or an organisation's or place's.

"the Russian Foreign Ministry" -> "Russian Foreign Ministry", "WASHINGTON" (a dateline) ->
"Washington", "Mr. Lavrov’s" -> "Lavrov"; text that is no name (a pronoun, a fragment of a title such
as "State", page furniture such as "See Also" or "Privacy Policy") gives "".
"""

from __future__ import annotations

import re

from newsfind.index.nlp.names import PRONOUNS, clean_name

# Single words the model tags as organisations but which are only part of a title.
ORG_FRAGMENTS = frozenset(
    """
    state defense defence treasury justice interior energy commerce labor education health
    agriculture transportation foreign homeland security screen photo license reuters/ getty images
    video eastern western northern southern central
    """.split()
)
# Page furniture the model tags as an organisation: footers, newsletter boxes, photo credits.
PAGE_FURNITURE = frozenset({"llc", "copyright", "privacy policy", "terms of service", "terms of use",
                            "daily newsletters manage newsletters", "manage newsletters", "monitor stories",
                            "analysis", "google privacy policy and terms of service", "getty images image",
                            "all rights reserved", "newsletter", "newsletters", "subscribe"})
# Page furniture the model tags as a person: 'See Also', 'Slideshow', 'Replay More Videos'.
NOT_NAMES = frozenset({"see also", "slideshow", "replay more videos", "more videos", "read more", "click here",
                       "advertisement", "related", "watch", "photo gallery", "next slide", "previous slide"})
LEADING_DASHES = "-–—―"
# Characters of a person's name, and of any proper name.
_VALID_NAME_CHARS = re.compile(r"^[^\W\d_][\w .'’-]*$", re.UNICODE)
_VALID_PROPER_CHARS = re.compile(r"^[\w][\w .'’&-]*$", re.UNICODE)


def _strip_the(text: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", text.strip())


def _uncap(text: str) -> str:
    """"WASHINGTON" (a dateline) -> "Washington"; acronyms of up to four letters stay."""
    return " ".join(w.title() if len(w) > 4 and w.isupper() else w for w in text.split())


def person_name(surface: str) -> str:
    """A person's name in the text of a person mention, or "": each word capitalised (or a particle such as
    "al-", "de", "van"), at most five words, no digits, no pronoun and no page furniture. A dash glued to the
    front of a list line's name ("-David Rothschild assesses ...", one token for the model) is no part of it."""
    surface = _uncap(_strip_the(surface.lstrip(LEADING_DASHES)))
    if not _VALID_NAME_CHARS.match(surface.replace("’s", "").replace("'s", "")):
        return ""
    name = clean_name(surface)
    tokens = name.split()
    if not tokens or name.lower() in PRONOUNS:
        return ""
    if any(not (t[0].isupper() or t.lower().split("-")[0] in {"al", "el", "bin", "de", "van", "von", "da"})
           for t in tokens):
        return ""
    if len(tokens) > 5 or (len(tokens) == 1 and len(tokens[0]) < 2):
        return ""
    if any(c.isdigit() for c in name) or name.lower() in NOT_NAMES:  # 'Covid-19', 'See Also', 'Slideshow'
        return ""
    if len(tokens) > 1 and tokens[-1] == "MORE":  # 'impeach Trump MORE': a site's link after a name in its lists
        tokens = tokens[:-1]
        name = " ".join(tokens)
    if len(tokens) > 2 and tokens[-1] in tokens[:-1]:  # 'Donald Trump Donald': an embed's name run into the next
        name = " ".join(tokens[:-1])
    return name


def proper_name(surface: str) -> str:
    """An organisation's or place's name in the text of a mention, or "" for a pronoun, a fragment of a
    title ("State") or page furniture."""
    name = re.sub(r"(?:['’]s|['’])$", "", _uncap(_strip_the(re.sub(r"\s+", " ", surface))))
    name = name.strip(" .,;:-—–")
    if not name or not _VALID_PROPER_CHARS.match(name) or not any(c.isupper() for c in name):
        return ""
    if name.lower() in ORG_FRAGMENTS or name.lower() in PRONOUNS or name.lower() in PAGE_FURNITURE:
        return ""
    return name
