"""Entity mentions of one article: persons, organisations and places, cleaned and canonicalised.

The small English model mislabels names ("Lavrov" as ORG, "Betina Zhoteva" as GPE) and cuts
fragments ("State" out of "Secretary of State"). So labels are only a start:
1. spaCy entities are cleaned (titles, possessives, "the" removed) and fragments dropped;
2. an ORG/GPE right after a person title ("spokeswoman Betina Zhoteva") becomes a person;
3. any mention whose name is a known person's surname or full name becomes that person;
4. every person mention takes its article's fullest form ("Mr. Lavrov" -> "Sergei Lavrov") and then
   the index-wide canonical value (`CanonicalTable`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsfind.index.nlp.canonical import CanonicalTable, known_kind
from newsfind.index.nlp.names import (
    MEDIA_NAMES,
    PRONOUNS,
    TITLE_WORDS,
    clean_name,
    core_tokens,
    display_name,
    is_first_name,
    looks_female,
    names_no_person,
    person_key,
    surname_key,
)
from newsfind.index.nlp.postags import is_verb_aux_or_preposition
from newsfind.index.nlp.sentences import Sentences
from newsfind.index.nlp.speakers.lexicon import CUE_FORMS

# Nouns that, right before a name, say the name is a person's.
PERSON_TITLE_NOUNS = frozenset(
    """
    spokeswoman spokesman spokesperson minister secretary president senator sen. rep. representative
    gov. governor mr. mrs. ms. dr. ambassador envoy chairman chairwoman director chief premier
    chancellor mayor general gen. adviser advisor aide official diplomat lawmaker judge prosecutor
    attorney commander king queen prince pope professor analyst economist reporter correspondent ceo
    """.split()
)
# Single words the model tags as organisations but which are only part of a title.
ORG_FRAGMENTS = frozenset(
    """
    state defense defence treasury justice interior energy commerce labor education health
    agriculture transportation foreign homeland security screen photo license reuters/ getty images
    video eastern western northern southern central
    """.split()
)
ORG_WORDS = re.compile(
    r"\b(Ministry|Department|Party|Council|Agency|Committee|Commission|Office|Bureau|Service|Force|Army|"
    r"Navy|Court|Bank|University|Institute|Association|Union|Organization|Organisation|Group|Company|"
    r"Corporation|Inc|Ltd|Times|Post|News|Journal|Agency|Assembly|Parliament|Senate|House)\b"
)
# Last words of a name that make it an organisation's, whatever the model's label, and that are no
# surnames (unlike 'Post', 'House' or 'Times': 'Marjorie Merriweather Post', 'Edward House').
ORG_ENDING = re.compile(
    r"(?:\bWhite House|\b(?:Foundation|Party|Company|Corporation|Department|Ministry|Committee|Commission|"
    r"Council|Agency|Institute|Association|Organization|Organisation|University|Administration|Campaign|"
    r"Caucus|Patrol|Examiner|Inc|Ltd))\.?$"
)
_VALID_NAME_CHARS = re.compile(r"^[^\W\d_][\w .'’-]*$", re.UNICODE)
_VALID_PROPER_CHARS = re.compile(r"^[\w][\w .'’&-]*$", re.UNICODE)
LABEL_KINDS = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "NORP": None}


@dataclass
class Mention:
    kind: str  # person | org | place
    name: str  # the cleaned name as written ("Lavrov", "Sergei V. Lavrov", "State Department")
    start: int  # character offsets in the analysed text
    end: int
    token_start: int
    token_end: int
    label: str  # the spaCy label it came from
    titles: set[str] = field(default_factory=set)
    canonical: str = ""


def _strip_the(text: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", text.strip())


def _titles_before(doc, start: int, sentences: Sentences, adjacent_only: bool = False) -> set[str]:
    """Title words in the (up to four) tokens right before a mention, within its sentence; with
    `adjacent_only`, only the run of title words that ends right before it."""
    out: set[str] = set()
    i = start - 1
    sent_start = sentences.of(start).start
    while i >= max(sent_start, start - 4):
        tok = doc[i]
        low = tok.lower_
        if adjacent_only and low == "of":  # 'governor of New Jersey': the title is the governor's
            break
        if low in TITLE_WORDS or low.rstrip(".") in TITLE_WORDS or low in PERSON_TITLE_NOUNS:
            out.add(low.rstrip("."))
        elif tok.is_punct or is_verb_aux_or_preposition(tok) and low != "of" or adjacent_only:
            break
        i -= 1
    return out


def _uncap(text: str) -> str:
    """"WASHINGTON" (a dateline) -> "Washington"; acronyms of up to four letters stay."""
    return " ".join(w.title() if len(w) > 4 and w.isupper() else w for w in text.split())


def _person_name(surface: str) -> str:
    surface = _uncap(_strip_the(surface))
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
    if len(tokens) > 2 and tokens[-1] in tokens[:-1]:  # 'Donald Trump Donald': an embed's name run into the next
        name = " ".join(tokens[:-1])
    return name


# Page furniture the model tags as an organisation: footers, newsletter boxes, photo credits.
PAGE_FURNITURE = frozenset({"llc", "copyright", "privacy policy", "terms of service", "terms of use",
                            "daily newsletters manage newsletters", "manage newsletters", "monitor stories",
                            "analysis", "google privacy policy and terms of service", "getty images image",
                            "all rights reserved", "newsletter", "newsletters", "subscribe"})
# Page furniture the model tags as a person: 'See Also', 'Slideshow', 'Replay More Videos'.
NOT_NAMES = frozenset({"see also", "slideshow", "replay more videos", "more videos", "read more", "click here",
                       "advertisement", "related", "watch", "photo gallery", "next slide", "previous slide"})


def _proper_name(surface: str) -> str:
    name = re.sub(r"(?:['’]s|['’])$", "", _uncap(_strip_the(re.sub(r"\s+", " ", surface))))
    name = name.strip(" .,;:-—–")
    if not name or not _VALID_PROPER_CHARS.match(name) or not any(c.isupper() for c in name):
        return ""
    if name.lower() in ORG_FRAGMENTS or name.lower() in PRONOUNS or name.lower() in PAGE_FURNITURE:
        return ""
    return name


def _has_proper_noun(span) -> bool:
    """A name has a proper noun in it; "Conceding" (VBG) or "Trumps" at a sentence start do not count."""
    return any(t.tag_ == "NNP" for t in span)


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
# Name prefixes before an inner capital ("McCain", "DeSantis", "LaHood", "MacArthur", "O'Rourke",
# "VandeHei", "D’Allesandro").
_CAMEL_PREFIXES = frozenset({"mc", "mac", "de", "di", "du", "la", "le", "van", "von", "o'", "o’", "st", "da",
                             "jo", "fitz", "vande", "vander", "d'", "d’"})
# Second parts of double first names written as one ("RoseAnn", "KellyAnne", "MaryAnn").
_CAMEL_SUFFIXES = frozenset({"ann", "anne"})
_CAMEL = re.compile(r"[a-z’'](?=[A-Z])")


def _glued_words(token: str) -> bool:
    """Words run together without a space, as live-blog UI text glued to names is
    ("CarterFlagShareLikeReplySara", "EgyptAir"): an inner capital not after a name prefix nor
    opening the second part of a double first name."""
    return any(token[:m.end()].lower() not in _CAMEL_PREFIXES and token[m.end():].lower() not in _CAMEL_SUFFIXES
               for m in _CAMEL.finditer(token))


def _person_span(doc, ent):
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
        if doc[i].tag_ in _NOT_NAME_END:
            end = i
            break
    if (first, end) == (ent.start, ent.end):
        return ent
    span = doc[first:end]
    span.label_ = "PERSON"
    return span


class LazyLowerWords:
    """The words written in lower case in the body (after `start`), collected on first use; and whether the
    body writes a word capitalised."""

    def __init__(self, text: str, start: int) -> None:
        self.text, self.start = text, start
        self._words: set[str] | None = None

    def __contains__(self, word: str) -> bool:
        if self._words is None:
            self._words = set(re.findall(r"\b[a-z]+\b", self.text[self.start:]))
        return word in self._words

    def written_capitalised(self, word: str) -> bool:
        """The body (after `start`) writes `word` as it is written here, capitalised."""
        return re.search(rf"\b{re.escape(word)}\b", self.text[self.start:]) is not None


def _without_headline_words(doc, ent, body_words: LazyLowerWords):
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


_SPACED_DASHES = frozenset({"-", "--", "—", "–", "―"})


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


def _line_parts(doc):
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


def extract_mentions(doc, ignore: bytearray, sentences: Sentences | None = None,
                     title_end: int = 0, text: str | None = None) -> list[Mention]:
    """Entity mentions from a parsed doc; characters flagged in `ignore` (credits, boilerplate)
    contribute nothing. The first `title_end` characters are the headline. `text`: the doc's text
    when the caller has it (`doc.text` joins every token each time)."""
    sentences = sentences or Sentences(doc)
    mentions: list[Mention] = []
    body_words = LazyLowerWords(doc.text if text is None else text, title_end)
    for ent in _line_parts(doc):
        if ent is None or ent.label_ not in LABEL_KINDS or any(ignore[ent.start_char:ent.end_char]):
            continue
        if ent.label_ == "PERSON":
            ent = _person_span(doc, ent)
            if ent is not None and ent.start_char < title_end:
                ent = _without_headline_words(doc, ent, body_words)
            if ent is None:
                continue
        kind = known_kind(ent.text) or LABEL_KINDS[ent.label_]
        if kind is None:
            continue
        titles = _titles_before(doc, ent.start, sentences)
        if kind == "person" and ORG_ENDING.search(ent.text):  # 'the Obama White House', 'Peterson Foundation'
            kind = "org"
        if kind == "person" and names_no_person(ent.text):
            if ent.text.lower() not in MEDIA_NAMES:
                continue  # 'Mona Iraqi’s Twitter', 'Trump Tower': no person, and no name to keep
            kind = "org"  # 'Twitter' tagged PERSON is the medium
        if kind == "person":
            name = _person_name(ent.text) if _has_proper_noun(ent) else ""
            # title words before the last word: 'King' ends 'Billie Jean King' as her surname
            titles |= {w.lower().rstrip(".") for w in ent.text.split()[:-1]
                       if w.lower().rstrip(".") in TITLE_WORDS}
        else:
            name = _proper_name(ent.text)
            # "Spokeswoman Haley Morris" tagged ORG: the title inside the span tells
            leading = []
            for word in name.split():
                if word.lower().rstrip(".") not in TITLE_WORDS:
                    break
                leading.append(word.lower().rstrip("."))
            titles |= set(leading)
            # "spokeswoman Betina Zhoteva" tagged GPE: a title right before a name-like span (or leading it)
            # makes it a person, not one before another name ("Senator Chuck Schumer of New York")
            # "Sergey V. Lavrov" tagged ORG: a middle initial is a person's
            if (kind != "person" and not known_kind(ent.text) and not ORG_WORDS.search(name)
                    and not ORG_ENDING.search(name)
                    and _person_name(name)
                    and ((set(leading) | _titles_before(doc, ent.start, sentences, adjacent_only=True))
                         & PERSON_TITLE_NOUNS or re.search(r"\w \w\. \w", name))):
                kind, name = "person", _person_name(name)
        if name:
            mentions.append(Mention(kind, name, ent.start_char, ent.end_char, ent.start, ent.end,
                                    ent.label_, titles))
    _cut_headline_names_to_body_persons(doc, mentions, title_end, body_words)
    return _without_pairings(mentions)


def _headline_word(tok, body_words: LazyLowerWords) -> bool:
    """A word of a headline that is no part of a name: a possessive, a form of a speech verb ('Slams',
    'Tells', 'Says') or a word the body writes in lower case that is no first name ('Email', 'Should')."""
    if is_first_name(tok.text):
        return False
    if tok.lower_.endswith("ing") and not body_words.written_capitalised(tok.text):
        return True  # 'Bill Revoking Hillary’s Clearance'; a surname ('Manning') is capitalised in the body too
    return tok.tag_ == "POS" or tok.lower_ in CUE_FORMS or tok.lower_ in body_words


def _cut_headline_names_to_body_persons(doc, mentions: list[Mention], title_end: int,
                                        body_words: LazyLowerWords) -> None:
    """A headline's person run that the body never names, cut to its longest start (else end) that the body
    names as a person, when what is cut holds a headline word: the model runs a title-case headline's verb or
    noun into a name ('Ben Carson Slams Hillary', 'Donald Trump’s Speech', 'Clinton Email Story' -> 'Ben
    Carson', 'Donald Trump', 'Clinton'; 'Maher Tells Guest' -> 'Maher' where the body has Bill Maher)."""
    body = [m for m in mentions if m.kind == "person" and m.start >= title_end]
    full_keys = {person_key(m.name) for m in body if len(core_tokens(m.name)) >= 2}
    single_keys = {surname_key(m.name) for m in body} | {key.split()[0] for key in full_keys}

    def known(name: str) -> bool:
        return person_key(name) in full_keys if len(core_tokens(name)) >= 2 else person_key(name) in single_keys

    for m in mentions:
        if m.kind != "person" or m.start >= title_end or m.token_end - m.token_start < 2 or known(m.name):
            continue
        # the longest start first, then the longest end ('Bill Revoking Hillary’s' -> 'Hillary')
        spans = [(m.token_start, end) for end in range(m.token_end - 1, m.token_start, -1)]
        spans += [(start, m.token_end) for start in range(m.token_start + 1, m.token_end)]
        for start, end in spans:
            span = doc[start:end]
            name = _person_name(span.text)
            cut = [doc[i] for i in range(m.token_start, m.token_end) if not start <= i < end]
            if name and known(name) and any(_headline_word(t, body_words) for t in cut):
                m.name, m.start, m.end, m.token_start, m.token_end = name, span.start_char, span.end_char, start, end
                break


def _without_pairings(mentions: list[Mention]) -> list[Mention]:
    """Mentions without the hyphenated pairs of the article's people that the model calls a person or
    organisation ('the Trump-Clinton race', 'Obama-Clinton foreign policy'): each part is the last word of
    another person's name here. A double-barrelled surname ('Wasserman-Schultz') has no such parts."""
    last_words = {m.name.split()[-1] for m in mentions if m.kind == "person" and "-" not in m.name.split()[-1]}

    def pairing(m: Mention) -> bool:
        parts = m.name.split("-")
        return m.kind != "place" and " " not in m.name and len(parts) == 2 and all(p in last_words for p in parts)

    return [m for m in mentions if not pairing(m)]


class ArticlePersons:
    """The persons of one article: each mention resolved to the article's fullest form.

    A lone surname goes to the full name with that surname; when two people share it (Bill and
    Hillary Clinton), to the one named most recently before the mention; a surname with a gendered
    title ("Mrs. Clinton") means one person throughout. A lone first name goes to the one full name
    that starts with it ("Hillary" -> "Hillary Clinton")."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.full_names: dict[str, str] = {}  # person_key -> longest display form in the article
        self.by_surname: dict[str, list[str]] = {}  # surname key -> person keys
        self.positions: list[tuple[int, str]] = []  # (character offset, person key) of full mentions
        self.female: dict[str, bool] = {}  # person key -> gender evidence, where titles or names give it
        self._titled: dict[tuple[str, bool], str] = {}  # (surname key, female) -> the person key it means
        for m in mentions:
            if m.kind == "person" and len(core_tokens(m.name)) >= 2:
                self.add(m.name, m.start)
        self._merge_name_tails()
        for m in mentions:  # "Mrs. Trump" says something about the Trump it resolves to
            if m.kind == "person" and self._names_one_person(m.name):
                full = self.resolve(m.name, m.start, looks_female(m.titles, m.name))
                evidence = looks_female(m.titles, full or m.name)
                if full is not None and evidence is not None:
                    self.female.setdefault(person_key(full), evidence)
        for m in mentions:  # in reading order: the first "Mrs. Clinton" decides who every later one is
            if m.kind == "person":
                self.resolve(m.name, m.start, looks_female(m.titles, m.name))

    def _merge_name_tails(self) -> None:
        """'Jessica Parker' where the article names 'Sarah Jessica Parker', "O'Malley" (key 'o malley') beside
        "Martin O'Malley": a two-part name that ends a longer name of the same article, one that opens with a
        first name, is that person (the model tagged the name without its first word)."""
        for key, shown in list(self.full_names.items()):
            tokens = core_tokens(shown)
            if len(tokens) < 3 or not is_first_name(shown.split()[0]):
                continue  # 'Stop Hillary Clinton', a headline fragment, is nobody's full name
            tail = f"{tokens[-2]} {tokens[-1]}"
            if tail == key or tail not in self.full_names or core_tokens(self.full_names[tail]) != tokens[-2:]:
                continue
            self.full_names[tail] = shown
            keys = self.by_surname.get(tokens[-1], [])
            if tail in keys:
                keys.remove(tail)
            self.positions = [(pos, key if k == tail else k) for pos, k in self.positions]

    def _names_one_person(self, name: str) -> bool:
        """`name` is a full name of the article or a surname only one of its people has: what its title
        says ("Mr. Khan") is evidence about that person, not a guess between the Khans."""
        key = person_key(name)
        return key in self.full_names or " " not in key and len(self.by_surname.get(surname_key(name), [])) == 1

    def add(self, name: str, position: int | None = None) -> str:
        key = person_key(name)
        shown = display_name(name)
        if key not in self.full_names or len(shown) > len(self.full_names[key]):
            self.full_names[key] = shown
        keys = self.by_surname.setdefault(surname_key(name), [])
        if key not in keys:
            keys.append(key)
        if position is not None:
            self.positions.append((position, key))
            self.positions.sort()
        return key

    def resolve(self, name: str, position: int | None = None, female: bool | None = None) -> str | None:
        """The article's full form of `name` if it names a known person, else None. `female` (from
        "Mr."/"Mrs." before the mention) excludes people of the other gender when a surname is shared."""
        key = person_key(name)
        if key in self.full_names:
            return self.full_names[key]
        if " " in key:
            return None
        keys = self.by_surname.get(surname_key(name), []) or self._plural_of_surname(key)
        if len(keys) == 1:
            return self.full_names[keys[0]]
        if keys and female is not None:
            keys = [k for k in keys if self.female.get(k, female) == female] or keys
        if len(keys) == 1:
            return self.full_names[keys[0]]
        if keys and female is not None:  # 'Mrs. Clinton' is one person all through an article
            titled = (surname_key(name), female)
            if titled not in self._titled:
                self._titled[titled] = self._shared_surname_owner(keys, position)
            return self.full_names[self._titled[titled]]
        if keys:
            return self.full_names[self._shared_surname_owner(keys, position)]
        firsts = [k for k in self.full_names if k.split()[0] == key]
        if len(firsts) == 1:
            return self.full_names[firsts[0]]
        return None


    def _shared_surname_owner(self, keys: list[str], position: int | None) -> str:
        """Which of several people with one surname a lone surname means: the one named in full
        shortly before (the last 300 characters: 'Bill Clinton said ... Clinton added'), else the one the
        article introduced first, its main person ('Mr. Bush' is Jeb in a story that mentions his
        father George Bush in passing)."""
        if position is not None:
            near = [k for pos, k in self.positions if k in keys and position - 300 <= pos <= position]
            if near:
                return near[-1]
        first = [k for _, k in self.positions if k in keys]
        return first[0] if first else keys[0]

    def _plural_of_surname(self, key: str) -> list[str]:
        """'Trumps' ("the Trumps", "Trumps business ventures") is the known surname Trump, never a person of
        its own; only surnames count ('Williams' is not the first name William)."""
        if len(key) > 3 and key.endswith("s"):
            return self.by_surname.get(key[:-1], [])
        return []


def canonicalise(mentions: list[Mention], persons: ArticlePersons, table: CanonicalTable) -> None:
    """Fill `canonical` of every mention; relabel ORG/GPE mentions that name a known person."""
    for m in mentions:
        if m.kind != "person" and not known_kind(m.name):
            if persons.resolve(m.name, m.start, looks_female(m.titles, m.name)) is not None:
                m.kind = "person"
            elif m.kind == "org" and table.knows_person(m.name) and _person_name(m.name):
                # a place only by evidence in its own article: one 'New York' the model called a person
                # somewhere in the index must not make every 'New York' a person
                m.kind, m.name = "person", _person_name(m.name)
                persons.add(m.name, m.start)
        if m.kind == "person":
            female = looks_female(m.titles, m.name)
            full = persons.resolve(m.name, m.start, female) or m.name
            m.canonical = table.person(full, female)
        elif m.kind == "org":
            m.canonical = table.org(m.name)
        else:
            m.canonical = table.place(m.name)


def values_by_kind(mentions: list[Mention]) -> dict[str, list[str]]:
    """Distinct canonical values per kind, in order of first mention."""
    out: dict[str, list[str]] = {"person": [], "org": [], "place": []}
    for m in mentions:
        if m.canonical and m.canonical not in out[m.kind]:
            out[m.kind].append(m.canonical)
    return out
