"""Names of the article's persons that the model left untagged, as candidate speakers (`features`).

The small English model tags a person once and misses them the next time ("Yellen said" with no
entity on "Yellen"). A run of capitalised proper nouns outside every entity mention, titles and a
possessive dropped, is a candidate when it is the full name of a person the article names, or the
surname of exactly one of them; its value is that person's canonical value, so the facet never gets a
new name from here. A run that resolves to nobody ("Trump Tower", "Wall Street") is left alone.
"""

from __future__ import annotations

from newsfind.index.nlp.names import clean_name, core_tokens, person_key, surname_key
from newsfind.index.nlp.postags import is_proper_noun

MAX_RUN = 4  # tokens: longer runs of proper nouns are titles of works or headlines, not names


def known_names(persons) -> tuple[dict[str, str], dict[str, set[str]]]:
    """The article's persons by full-name key, and by surname (those named in full somewhere)."""
    full: dict[str, str] = {}
    by_surname: dict[str, set[str]] = {}
    for m in persons:
        if len(core_tokens(m.name)) >= 2:
            full.setdefault(person_key(m.name), m.canonical)
            by_surname.setdefault(surname_key(m.name), set()).add(m.canonical)
    return full, by_surname


def runs(doc, mentions, persons) -> list[tuple[int, int, str, bool]]:
    """(first token, end token, canonical value, titled) of each untagged name of a known person."""
    covered = bytearray(len(doc))
    for m in mentions:
        covered[m.token_start:m.token_end] = b"\1" * (m.token_end - m.token_start)
    full, by_surname = known_names(persons)
    if not full:
        return []
    out = []
    i = 0
    while i < len(doc):
        if covered[i] or not _name_word(doc[i]):
            i += 1
            continue
        j = i
        while j < len(doc) and not covered[j] and _name_word(doc[j]):
            j += 1
        if j - i <= MAX_RUN and not (j < len(doc) and covered[j] and doc[j].text[:1].isupper()):
            value = _resolve(doc[i:j].text, full, by_surname)
            if value is not None:
                titled = clean_name(doc[i:j].text) != doc[i:j].text.strip()
                out.append((i, j, value, titled))
        i = j
    return out


def _name_word(tok) -> bool:
    return is_proper_noun(tok) and tok.text[:1].isupper() and tok.text.replace(".", "").replace("-", "").isalpha()


def _resolve(text: str, full: dict[str, str], by_surname: dict[str, set[str]]) -> str | None:
    name = clean_name(text)
    tokens = core_tokens(name)
    if not tokens:
        return None
    if len(tokens) >= 2:
        return full.get(person_key(name))
    owners = by_surname.get(tokens[0], set())
    return next(iter(owners)) if len(owners) == 1 else None
