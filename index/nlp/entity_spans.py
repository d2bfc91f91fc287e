"""Entity spans repaired before their names are read.

The model runs one entity across a line break ("Title\n\nSergey Lavrov") or a dateline into a name
('CLEVELAND - Donald Trump'), takes epithets and verbs into a PERSON span ("Crooked Hillary
Clinton", "Maria Hinojosa Explained Why"), capitalised descriptors that the article uses as common words
('Billionaire Donald Trump') and, in a headline, capitalised words before a name ('Miss Universe Alicia
Machado'). Each is cut or split here; a span that names nobody becomes None.
"""

from __future__ import annotations

import re

from newsfind.index.nlp.lower_words import CommonWords, LazyLowerWords
from newsfind.index.nlp.names import PARTICLES, ROLE_NOUNS, TITLE_WORDS, is_first_name, is_initial
from newsfind.index.nlp.speakers.lexicon import CUE_FORMS

# Insults and epithets that the model takes into a PERSON span when capitalised ("Crooked Hillary
# Clinton", "Fascist Trump", "Lyin' Ted"): tagged NNP, so only a word list tells them from a first name.
EPITHETS = frozenset(
    """
    crooked fascist lyin lyin' lyin’ lying little crazy sleepy goofy nasty racist dictator comrade
    low-energy liddle pocahontas
    """.split()
)
# Tags that never begin a name: adjectives, adverbs and verbs ("Injecting Clinton", "Conceding Obama").
_NOT_NAME_START = frozenset({"JJ", "JJR", "JJS", "RB", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
# Finite verbs that end a headline's name run ("Maria Hinojosa Explained Why ...", "Bush Says ...").
_NOT_NAME_END = frozenset({"VBD", "VBZ", "VBP"})
# A speech verb's finite forms end a name run whatever their tag ('Travis VanderZanden Tweeted on Monday').
_FINITE_CUES = frozenset(f for f in CUE_FORMS if f.endswith(("ed", "s")) and not f.endswith("ss"))  # not "Express"
# Name prefixes before an inner capital ("McCain", "DeSantis", "LaHood", "MacArthur", "O'Rourke",
# "VandeHei", "D’Allesandro").
_CAMEL_PREFIXES = frozenset({"mc", "mac", "de", "di", "du", "la", "le", "van", "von", "o'", "o’", "st", "da",
                             "jo", "fitz", "vande", "vander", "d'", "d’"})
# Second parts of double first names written as one ("RoseAnn", "KellyAnne", "MaryAnn").
_CAMEL_SUFFIXES = frozenset({"ann", "anne"})
_CAMEL = re.compile(r"[a-z’'](?=[A-Z])")
# Dashes with spaces around them, between a dateline and a name.
_SPACED_DASHES = frozenset({"-", "--", "—", "–", "―"})


def _glued_words(token: str) -> bool:
    """Words run together without a space, as live-blog UI text glued to names is
    ("CarterFlagShareLikeReplySara", "EgyptAir"): an inner capital not after a name prefix nor
    opening the second part of a double first name."""
    return any(token[:m.end()].lower() not in _CAMEL_PREFIXES and token[m.end():].lower() not in _CAMEL_SUFFIXES
               for m in _CAMEL.finditer(token))


def person_span(doc, ent):
    """The part of a PERSON entity that is a name, or None: epithets, adjectives and verbs before
    the name go ("Crooked Hillary Clinton", "Injecting Clinton"); a finite verb ends it ("Maria
    Hinojosa Explained Why"); a span opening with a present-tense verb ("Wants Girl Scout") or
    holding words glued together ("FlagShareLikeReplySara Bondioli") names nobody."""
    first, end = ent.start, ent.end
    if doc[first].tag_ in ("VBZ", "VBP"):
        return None
    if any(_glued_words(doc[i].text) for i in range(first, end)):
        return None
    while first < end - 1 and (doc[first].tag_ in _NOT_NAME_START or doc[first].lower_ in EPITHETS):
        first += 1
    for i in range(first + 1, end):
        if doc[i].tag_ in _NOT_NAME_END or doc[i].lower_ in _FINITE_CUES:
            end = i
            break
    if (first, end) == (ent.start, ent.end):
        return ent
    span = doc[first:end]
    span.label_ = "PERSON"
    return span


# Particles that open names ('Del Quentin Wilber', 'De La Cruz'), however the article writes them elsewhere.
_NAME_PARTICLES = PARTICLES | {"del", "della", "dos", "das", "st"}


def _descriptor(tok, common: CommonWords) -> bool:
    """A capitalised word that is no first name, initial nor name particle and that the article uses as a common
    word, or a role noun ('Billionaire', 'Rapper'; a page's 'CLOSE' button before a caption; not the 'A.' of 'A.
    Philip Randolph' nor the 'Del' of 'Del Quentin Wilber')."""
    low = tok.lower_.rstrip(".")
    if not (tok.is_title or tok.is_upper and len(low) > 3) or is_first_name(tok.text) or is_initial(tok.text):
        return False
    return low not in _NAME_PARTICLES and (low in common or low in ROLE_NOUNS and low not in common.surnames)


def _person_like(doc, ent, first: int) -> bool:
    """The words of `ent` from `first` on look like a person's name: they open with a first name ('Martha
    Raddatz'), or end in the surname of another person the model found in the article ('Julianne Moore' where
    'Moore said' comes later); not 'Missile Alarm' nor 'Schools USA'."""
    words = doc[first:ent.end].text.split()
    words = [w for w in words if w.lower().rstrip(".") not in TITLE_WORDS] or words  # 'Senator John Smith'
    if is_first_name(words[0]):
        return True
    return any(e.label_ == "PERSON" and (e.start, e.end) != (ent.start, ent.end) and e.text.split()[-1] == words[-1]
               for e in doc.ents)


def without_descriptor_words(doc, ent, common: CommonWords):
    """A PERSON span without the capitalised descriptors before the name ('Billionaire Donald Trump',
    'Moderator Martha Raddatz' -> 'Donald Trump', 'Martha Raddatz'): leading words that the article uses as
    common words (`_descriptor`) go, with the title words among them, as long as what is left looks like a
    person's name of two words at least that opens with no initial ('Rich Lowry', 'Young Kim', 'Will Hurd' and
    'Grant M. Woods' keep their first word, whatever the article says about the rich, the young or a grant). A
    span of such words alone, right before a person's name on its line, names nobody: the model cut the
    descriptor off ('Title\n\nBillionaire' run across a line break, then 'Donald Trump')."""
    after = doc[ent.end] if ent.end < len(doc) else None
    if (after is not None and after.ent_iob_ == "B" and after.ent_type_ == "PERSON"
            and "\n" not in doc[ent.end - 1].whitespace_ and all(_descriptor(t, common) for t in ent)
            and any(t.lower_.rstrip(".") not in TITLE_WORDS for t in ent)):
        return None
    i = cut = ent.start
    while i < ent.end - 1 and (doc[i].is_title or doc[i].is_upper) and not is_first_name(doc[i].text):
        if doc[i].lower_.rstrip(".") not in TITLE_WORDS:
            rest = doc[i + 1:ent.end].text.split()
            if not _descriptor(doc[i], common) or len(rest) < 2 or not rest[0][:1].isupper() or is_initial(rest[0]):
                break
            cut = i + 1
        i += 1
    if cut == ent.start or not _person_like(doc, ent, cut):
        return ent
    span = doc[cut:ent.end]
    span.label_ = "PERSON"
    return span


def common_word_opening_sentences(doc, ent, body_words: LazyLowerWords) -> bool:
    """A one-word PERSON span that is a word the body writes in lower case, and that is capitalised only where a
    sentence or line opens ('Jubilation erupted at party headquarters ... The jubilation lasted'): a common word
    the model took for a name. A surname the article also writes in lower case ('Trump', 'a trump card') is
    capitalised in mid-sentence too."""
    if len(ent) != 1 or not ent[0].is_title or is_first_name(ent[0].text) or ent[0].lower_ not in body_words:
        return False
    word = ent[0].text
    return all(t.is_sent_start or t.i == 0 or doc[t.i - 1].is_punct and doc[t.i - 1].text not in (",", ";")
               or "\n" in doc[t.i - 1].text for t in doc if t.text == word)


def without_headline_words(doc, ent, body_words: LazyLowerWords):
    """A headline's PERSON span without the capitalised words before the name that the body writes in
    lower case and that are no first names ('Miss Universe Alicia Machado' -> 'Alicia Machado', 'Rip
    Donald Trump' -> 'Donald Trump', 'Hacker Guccifer' -> 'Guccifer')."""
    first = ent.start
    while first < ent.end - 1 and doc[first].is_title and doc[first].lower_ in body_words \
            and not is_first_name(doc[first].text):
        first += 1
    if first == ent.start or doc[first].lower_ in body_words:  # 'Bellwether County' names no person 'County'
        return ent
    span = doc[first:ent.end]
    span.label_ = "PERSON"
    return span


def _dash_parts(doc, ent):
    """An entity split at a dash with spaces around it, where the model ran a dateline into the name after
    it ('CLEVELAND - Donald Trump' tagged ORG): the dateline in capitals is a place, and a part that opens
    with a first name and has a surname is a person, whatever the label of the whole."""
    dashes = [i for i in range(ent.start + 1, ent.end - 1) if doc[i].text in _SPACED_DASHES
              and doc[i - 1].whitespace_ and doc[i].whitespace_]
    if not dashes:
        yield ent
        return
    for lo, hi in zip([ent.start, *(i + 1 for i in dashes)], [*dashes, ent.end], strict=True):
        part = doc[lo:hi]
        label = ent.label_
        if lo == ent.start and part.text.isupper() and part.text[:1].isalpha():
            label = "GPE"
        elif lo > ent.start and len(part) >= 2 and is_first_name(part[0].text) and part[-1].text[:1].isupper():
            label = "PERSON"
        yield doc.char_span(part.start_char, part.end_char, label=label)


def line_parts(doc):
    """Entities, split where the model ran one across a line break ("Title\n\nSergey Lavrov") or ran a
    dateline into a name ('CLEVELAND - Donald Trump')."""
    for ent in doc.ents:
        if "\n" not in ent.text:
            yield from _dash_parts(doc, ent)
            continue
        start = ent.start
        for i in range(ent.start, ent.end + 1):
            if i == ent.end or "\n" in doc[i].text or "\n" in doc[i].whitespace_:
                end = i if i == ent.end or doc[i].is_space else i + 1
                if end > start and not doc[start:end].text.isspace():
                    yield doc.char_span(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), label=ent.label_)
                start = i + 1
