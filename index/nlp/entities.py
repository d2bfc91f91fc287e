"""Entity mentions of one article: persons, organisations and places, as the text names them.

The small English model mislabels names ("Lavrov" as ORG, "Betina Zhoteva" as GPE) and cuts
fragments ("State" out of "Secretary of State"). So labels are only a start:
1. spaCy's entity spans are repaired (`entity_spans`) and their names cleaned (`entity_names`):
   titles, possessives, "the" removed, fragments dropped;
2. an ORG/GPE right after a person title ("spokeswoman Betina Zhoteva") becomes a person;
3. `article_persons` then resolves every mention to the article's persons and canonical values.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from newsfind.index.nlp.canonical import known_kind
from newsfind.index.nlp.entity_names import LEADING_DASHES, person_name, proper_name
from newsfind.index.nlp.entity_spans import (
    common_word_opening_sentences,
    line_parts,
    person_span,
    without_descriptor_words,
    without_headline_words,
)
from newsfind.index.nlp.lower_words import CommonWords, LazyLowerWords
from newsfind.index.nlp.names import (
    MEDIA_NAMES,
    NON_PERSON_HEADS,
    TITLE_WORDS,
    core_tokens,
    is_first_name,
    names_no_person,
    person_key,
    surname_key,
)
from newsfind.index.nlp.postags import is_verb_aux_or_preposition
from newsfind.index.nlp.run_on_names import join_cut_names, split_run_on_names
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
# Words of an organisation's name
ORG_WORD_ALTERNATIVES = (
    r"Ministry|Department|Party|Council|Agency|Committee|Commission|Office|Bureau|Service|Force|Army|"
    r"Navy|Court|Bank|University|Institute|Association|Union|Organization|Organisation|Group|Company|"
    r"Corporation|Inc|Ltd|Times|Post|News|Journal|Agency|Assembly|Parliament|Senate|House"
)
ORG_WORDS = re.compile(rf"\b(?:{ORG_WORD_ALTERNATIVES})\b")
# Last words of a name that make it an organisation's, whatever the model's label, and that are no
# surnames (unlike 'Post', 'House' or 'Times': 'Marjorie Merriweather Post', 'Edward House').
ORG_ENDING = re.compile(
    r"(?:\bWhite House|\b(?:Foundation|Party|Company|Corporation|Department|Ministry|Committee|Commission|"
    r"Council|Agency|Institute|Association|Organization|Organisation|University|Administration|Campaign|"
    r"Caucus|Patrol|Examiner|School|College|Academy|Inc|Ltd))\.?$"
)
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


def _has_proper_noun(span) -> bool:
    """A name has a proper noun in it; "Conceding" (VBG) or "Trumps" at a sentence start do not count."""
    return any(t.tag_ == "NNP" for t in span)


def extract_mentions(doc, ignore: bytearray, sentences: Sentences | None = None,
                     title_end: int = 0, text: str | None = None) -> list[Mention]:
    """Entity mentions from a parsed doc; characters flagged in `ignore` (credits, boilerplate)
    contribute nothing. The first `title_end` characters are the headline. `text`: the doc's text
    when the caller has it (`doc.text` joins every token each time)."""
    sentences = sentences or Sentences(doc)
    mentions: list[Mention] = []
    text = doc.text if text is None else text
    body_words = LazyLowerWords(text, title_end)
    common_words = CommonWords(doc, text, title_end)
    descriptors: set[str] = set()  # words cut off the front of a person's name here ('Billionaire', 'Baker')
    for ent in line_parts(doc):
        if ent is None or ent.label_ not in LABEL_KINDS or any(ignore[ent.start_char:ent.end_char]):
            continue
        if ent.label_ == "PERSON":
            ent = person_span(doc, ent)
            if ent is not None:  # 'Billionaire Donald Trump' where the article writes 'billionaire'
                named = without_descriptor_words(doc, ent, common_words)
                if named is not None and named.start > ent.start:
                    descriptors.update(t.lower_ for t in doc[ent.start:named.start])
                ent = named
            if ent is not None and ent.start_char < title_end:
                ent = without_headline_words(doc, ent, body_words)
            if ent is None or _word_label(doc, ent, text, common_words) \
                    or common_word_opening_sentences(doc, ent, body_words):
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
            name = person_name(ent.text) if _has_proper_noun(ent) else ""
            # title words before the last word: 'King' ends 'Billie Jean King' as her surname
            titles |= {w.lower().rstrip(".") for w in ent.text.split()[:-1]
                       if w.lower().rstrip(".") in TITLE_WORDS}
        else:
            name = proper_name(ent.text)
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
            # "Carly Fiorina" tagged ORG: a first name and a surname the article also writes alone
            if (kind != "person" and not known_kind(ent.text) and not ORG_WORDS.search(name)
                    and not ORG_ENDING.search(name)
                    and person_name(name)
                    and ((set(leading) | _titles_before(doc, ent.start, sentences, adjacent_only=True))
                         & PERSON_TITLE_NOUNS or re.search(r"\w \w\. \w", name)
                         or _first_name_and_lone_surname(name, text))):
                kind, name = "person", person_name(name)
        if name:
            start = ent.start_char + len(ent.text) - len(ent.text.lstrip(LEADING_DASHES)) if kind == "person" else \
                ent.start_char  # '-David Rothschild' in a list: the name starts after the dash
            mentions.append(Mention(kind, name, start, ent.end_char, ent.start, ent.end, ent.label_, titles))
    _cut_headline_names_to_body_persons(doc, mentions, title_end, body_words)
    _cut_descriptors(doc, mentions, descriptors)
    split_run_on_names(doc, mentions, functools.partial(_part, doc))  # 'Trump Krystal Ball' -> two persons
    join_cut_names(doc, mentions, functools.partial(_part, doc))  # 'Sheila Jackson' 'Lee' -> one person
    return _without_pairings(mentions)


def kinds_by_article(text: str, mentions: list[Mention], known_surname: Callable[[str], bool]) -> None:
    """What the whole article says a one-word PERSON is, once all its mentions are known: a place
    (`places_tagged_person`) or an organisation (`things_tagged_person`). `known_surname`: the index's
    (`CanonicalTable.knows_surname`)."""
    places_tagged_person(mentions, known_surname)
    things_tagged_person(text, mentions, known_surname)


def _titled_persons(mentions: list[Mention]) -> set[str]:
    """Names with a person's title before one of their person mentions ('Mr. Washington')."""
    return {m.name for m in mentions if m.kind == "person" and m.titles - {"the"}}


def places_tagged_person(mentions: list[Mention], known_surname: Callable[[str], bool]) -> None:
    """A one-word person the article mostly names as a place is that place ('Baltimore riots: Looting, fires
    engulf city' tagged PERSON, and 'Baltimore' GPE twenty times in the body): at least two place mentions of
    the word and twice as many as person ones, no title before it ('the Baltimore vandalism' has none), no
    name here of more words that holds it, a person's or one opening with a first name ('Washington' stays Zeke
    Washington's where the article names him), and no surname of a person the index knows (`known_surname`:
    the small model tags 'Pelosi' GPE too)."""
    counts: dict[str, list[int]] = {}
    in_names: set[str] = set()
    for m in mentions:
        if " " in m.name and (m.kind == "person" or is_first_name(m.name.split()[0])):
            in_names.update(m.name.split())  # 'Bharat Ramamurti' tagged GPE is a person's name too
        elif m.kind in ("person", "place") and " " not in m.name:
            counts.setdefault(m.name, [0, 0])[m.kind == "place"] += 1
    titled = _titled_persons(mentions)
    for m in mentions:
        if m.kind != "person" or " " in m.name or m.name in in_names or m.name in titled:
            continue
        persons, places = counts[m.name]
        if places >= 2 and places >= 2 * persons and not known_surname(m.name):
            m.kind = "place"


# Words an organisation's name ends on ('the Syrian Observatory for Human Rights ... the Observatory said')
ORG_HEADS = re.compile(rf"{ORG_WORD_ALTERNATIVES}|Herald|Chronicle|Bee|Tribune|Gazette|Observer|Inquirer|Examiner|"
                       r"Telegraph|Memorial|Embassy|Consulate|Observatory|Foundation|Institution|Center|Centre|Network")
_NAME = r"(?<![\w'’-])([A-Z][\w'’.-]*)"  # a one-word name, as the text writes it
# ', which' after a name ('Dorchester, which runs 10 hotels world-wide')
_WHICH = re.compile(rf"{_NAME}, which\b")
# An apposition whose head noun says organisation or publication, the apposition's last word or before a clause or
# a phrase about it ('Norsar, a Norway-based group that monitors'; 'Burisma, the company linked to'; 'Douyin, an app
# closely resembling TikTok'), never a modifier of a person's role ('Jones, a union steward'; 'Carlson, a Fox
# network host')
_THING_NOUNS = (
    "company|firm|corporation|conglomerate|agency|group|movement|organi[sz]ation|institute|foundation|think tank|"
    "network|broadcaster|website|newspaper|tabloid|magazine|publication|retailer|bank|lender|insurer|airline|"
    "automaker|carmaker|drugmaker|manufacturer|startup|start-up|nonprofit|charity|coalition|militia|app|platform"
)
_APPOSITION = re.compile(
    rf"{_NAME}, (?:the|a|an) (?:(?!of\b)[\w-]+ ){{0,3}}?(?:{_THING_NOUNS})"
    r"(?=[,.;:)]| (?:that|which|whose|run|known|behind|in|with|for|of)\b| (?:\w+ly )?(?!raising)\w+(?:ing|ed)\b)")
# A compound that names the kind of business before the name, with a word before the noun and no determiner or
# possessive ('ratings agency Fitch warned', 'office supply retailer Staples'; not 'the startup Musk founded')
_KIND_BEFORE = re.compile(
    r"(?<![\w-])(?!(?i:the|a|an|this|that|his|her|its|their|our|my|your|whose)\b)[A-Za-z][\w-]* "
    rf"(?:agency|retailer|automaker|carmaker|drugmaker|airline|broadcaster|insurer|lender|conglomerate) {_NAME}\b")
# A name that says something ('Manchin said', 'said Guzman'): a ', which' after it is about what happened
_SPEAKS = re.compile(rf"{_NAME} (?:has |had )?(?:said|says|told|tells)\b|\b(?:said|says|told) {_NAME}\b")


def things_tagged_person(text: str, mentions: list[Mention], known_surname: Callable[[str], bool]) -> None:
    """A one-word person the article describes as a thing is an organisation: every mention of the word becomes
    one. The article calls it a company, group or publication in an apposition ('Norsar, a Norway-based group
    that monitors nuclear tests') or names its business before it ('ratings agency Fitch warned'), names an
    organisation that ends in the word ('the Syrian Observatory for Human Rights ... the Observatory said'), or
    goes on about it with ', which' ('Dorchester, which runs 10 hotels world-wide', tagged PERSON throughout its
    article) and never has it say anything ('the bill passed with Manchin, which gave Democrats a win ... Manchin
    said'). Not when a title goes before one of its mentions, a person's name here of more words holds it, or the
    index knows it as a surname."""
    in_names = {w for m in mentions if " " in m.name and m.kind == "person" for w in m.name.split()}
    titled = _titled_persons(mentions)
    names = {m.name for m in mentions if m.kind == "person" and " " not in m.name} - in_names - titled
    if not names:
        return
    org_heads = {head for m in mentions if m.kind == "org" and " " in m.name
                 for head in [_head_word(m.name)] if ORG_HEADS.fullmatch(head)}
    speaking = {g for m in _SPEAKS.finditer(text) for g in m.groups() if g}
    called_a_thing = {m.group(1) for pattern in (_APPOSITION, _KIND_BEFORE) for m in pattern.finditer(text)}
    which_and_silent = {m.group(1) for m in _WHICH.finditer(text)} - speaking
    described = org_heads | called_a_thing | which_and_silent
    things = {name for name in names & described if not known_surname(name)}
    for m in mentions:
        if m.kind == "person" and m.name in things:
            m.kind = "org"


def _head_word(org_name: str) -> str:
    """The word an organisation's name ends on before any 'for'/'of' part ('Syrian Observatory for Human Rights'
    -> 'Observatory'); "" for a name without one."""
    words = re.split(r" (?:for|of|on|in) ", org_name.strip(), maxsplit=1)[0].split()
    return words[-1] if words else ""


def _word_label(doc, ent, text: str, common_words: CommonWords) -> bool:
    """A one-word PERSON span that opens its line before a colon and is a common word of the article, or no
    first name, no title and no word of another person name the model found here: a line's label ('Loser: Joe
    Donnelly', 'Agenda: ...', 'PICTURES: ...'), not a transcript's speaker ('PENCE:' where Mike Pence is named)."""
    if len(ent) != 1 or ent.end >= len(doc) or doc[ent.end].text != ":":
        return False
    if text[:ent.start_char].rstrip(" \t\u00a0-—–•*")[-1:] not in ("", "\n"):
        return False
    word = ent[0].text.strip(".").lower()
    if word in common_words:
        return True
    if is_first_name(ent[0].text) or word in TITLE_WORDS:
        return False
    return not any(word in (t.lower_ for t in e) for e in doc.ents if e.label_ == "PERSON" and len(e) > 1)


def _first_name_and_lone_surname(name: str, text: str) -> bool:
    """`name` is a first name and a surname, and the article also writes the surname alone, not after the first
    name or "the" ("Vanessa Iampaglia ... said Iampaglia", both tagged as places or organisations by the model);
    not 'Scott County' or 'Whitney Museum'."""
    words = name.split()
    if len(words) != 2 or not is_first_name(words[0]) or not all(w[:1].isupper() and w[1:].islower() for w in words):
        return False
    first, surname = words
    if surname.lower() in NON_PERSON_HEADS or surname.lower() == "museum":
        return False
    for m in re.finditer(rf"\b{re.escape(surname)}\b", text):
        before = text[max(0, m.start() - len(first) - 8):m.start()].split()
        if not before or before[-1] not in (first, "the", "The"):
            return True
    return False


def _part(doc, m: Mention, start: int, end: int, titled: bool) -> Mention | None:
    """A person mention over tokens start..end of `m`, with `m`'s titles if `titled`."""
    name = person_name(doc[start:end].text)
    if not name:
        return None
    return Mention("person", name, doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), start, end, m.label,
                   set(m.titles) if titled else set())


def _cut_descriptors(doc, mentions: list[Mention], descriptors: set[str]) -> None:
    """Mentions without the words that the article puts before a full name as descriptors (`descriptors`, from
    `without_descriptor_words`), where that name is shorter: 'Billionaire Donald Trump ... Billionaire Trump said'
    -> 'Trump'. Such a word alone names nobody ('Baker Jack Phillips' in the body: the headline's 'Christian
    Baker' is no person 'Baker')."""
    for m in mentions:
        if m.kind != "person" or not descriptors:
            continue
        start = m.token_start
        while start < m.token_end - 1 and doc[start].lower_ in descriptors:
            start += 1
        name = person_name(doc[start:m.token_end].text) if start > m.token_start else ""
        if name:
            m.name, m.start, m.token_start = name, doc[start].idx, start
    mentions[:] = [m for m in mentions if not (m.kind == "person" and m.name.lower() in descriptors)]


def _headline_word(tok, body_words: LazyLowerWords) -> bool:
    """A word of a headline that is no part of a name: a possessive, a form of a speech verb ('Slams',
    'Tells', 'Says') or a word the body writes in lower case that is no first name ('Email', 'Should')."""
    if is_first_name(tok.text):
        return False
    if tok.lower_.endswith("ing") and not body_words.written_capitalised(tok.text):
        return True  # 'Bill Revoking Hillary’s Clearance'; a surname ('Manning') is capitalised in the body too
    return tok.tag_ == "POS" or tok.lower_ in CUE_FORMS or tok.lower_ in body_words


def _unwritten_in_body(tok, body_words: LazyLowerWords) -> bool:
    """A word the body never writes, in any case, and no first name: run onto the end of a name the body
    does write, it is the headline's verb ('Donald Trump Rampages to Lead', 'Clinton Wades In')."""
    return not is_first_name(tok.text) and tok.is_alpha and tok.lower_ not in body_words \
        and not body_words.written_capitalised(tok.text) and not body_words.written_capitalised(tok.text.title())


def _cut_headline_names_to_body_persons(doc, mentions: list[Mention], title_end: int,
                                        body_words: LazyLowerWords) -> None:
    """A headline's person run that the body never names, cut to its longest start (else end) that the body
    names as a person, when what is cut holds a headline word: the model runs a title-case headline's verb or
    noun into a name ('Ben Carson Slams Hillary', 'Donald Trump’s Speech', 'Clinton Email Story' -> 'Ben
    Carson', 'Donald Trump', 'Clinton'; 'Maher Tells Guest' -> 'Maher' where the body has Bill Maher). A word cut
    from the end may also be one the body never writes ('Donald Trump Rampages')."""
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
            name = person_name(span.text)
            cut = [doc[i] for i in range(m.token_start, m.token_end) if not start <= i < end]
            if name and known(name) and any(_headline_word(t, body_words) or start == m.token_start
                                            and _unwritten_in_body(t, body_words) for t in cut):
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


def values_by_kind(mentions: list[Mention]) -> dict[str, list[str]]:
    """Distinct canonical values per kind, in order of first mention."""
    out: dict[str, list[str]] = {"person": [], "org": [], "place": []}
    for m in mentions:
        if m.canonical and m.canonical not in out[m.kind]:
            out[m.kind].append(m.canonical)
    return out
