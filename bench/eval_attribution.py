"""Score newsfind's speaker attribution against PolNeAR (Newell, Margolin & Ruths, LREC 2018).

    .venv/bin/python bench/eval_attribution.py --split dev          # the reported figures
    .venv/bin/python bench/eval_attribution.py --split train --errors 20   # develop here
    .venv/bin/python bench/eval_attribution.py --split train --folds 5     # k-fold CV (bench/attribution_folds.py)

With the learned model (index/nlp/speakers/model.py; NEWSFIND_ATTRIBUTION=rules scores the rules alone),
`--folds` scores each fold with a model trained on the other folds only (bench/train_attribution.py), and
every run prints the calibration of the speaker probabilities: Brier score and a reliability table over
the candidates, labelled from this gold.

Develop on train, report on dev; never tune on what you report.

Gold, built from the annotations (PolNeAR sources are mention spans, not resolved people):
* a source span names a person when it holds a capitalised name (titles, determiners and
  possessives removed) that is not an organisation or place (alias tables, organisation words) and
  that either stands after a person title in the span or is tagged PERSON by the model somewhere in
  the article (the NER is shared with the system; the attribution is not). Since GOLD_VERSION 2
  (bench/gold-v2-changes.tsv lists what it changed on train): a word that only qualifies ("The",
  "American", "former", "his") is no person title ("The Hill", "THE BERN", "The American Legion");
  a social network the model tags as a person ("Twitter") is none; a possessive inside the name run
  names an owner and the source is what follows ("Dan Loeb's Third Point": nobody; "Breitbart
  London’s Raheem Kassam": Raheem Kassam); a lone first name, or a name the article writes after
  "Mr."/"Ms.", is the one full name of the article opening with it ("Hillary" -> "Hillary Clinton",
  "Mr. Xi" -> "Xi Jinping"); a name in mojibake ("FranA\u0303\xa7ois") is read whole, not cut
  at its broken letter. Since GOLD_VERSION 3 (bench/gold-v3-changes.tsv): a name set off alone after a
  phrase that runs on is the source ("the director of the FBI, James B. Comey,"; not after a plural head,
  "Supporters of her opponent, Sen. Bernie Sanders,"), and a two-word name opening with a known first name
  counts as tagged though the model tags it otherwise or not at all ("Carly Fiorina", tagged ORG; a
  transcript's "JAKE TAPPER"), unless it is over a place or an organisation. Since GOLD_VERSION 4
  (bench/gold-v4-changes.tsv): a name is read without a word opening a coordination ("Both Bolton and
  Gorka"), lower-case words after it, a possessive mark after a final s ("Sanders’") or a full stop
  ("Heidi Heitkamp."), `tidy_gold_name`;
* a pronoun source (he/she/him/her) counts for, in this order (`--pronoun-gold v2`, the default):
  1. the one person of a fitting gender the model tags in the pronoun's own sentence before it
     ("Clinton caught flak when she said"), when exactly one is named there;
  2. else the person named by the nearest preceding attribution source within 1,000 characters
     that names exactly one person of a fitting gender (the only rule of `v1`);
  3. else the one person of a fitting gender tagged in the two sentences before;
  otherwise it is left out of the named-speaker gold (and counted as unresolvable). Names in the
  title, inside quotation marks or inside the attribution's own content ("If Clinton is elected, he said") are
  no antecedents. A gender fits unless the article tells the other one: the name's first name, else
  "Mr."/"Mrs."/"Ms." before its surname, else the first names of the article's full names with
  that surname when they agree (v1 used the name's own first name or ending only). Read on train
  pronoun sources where v1 and v2 differ, v2 was right in 24 of 30 sampled, v1 in 3;
* "Attribution-no-source" records and unnamed sources ("officials", "the source") are left out.

Scores:
1. article level: gold = named persons who are the source of at least one attribution; predicted =
   the article's `speaker` facet values; micro P/R/F1 over (article, person) pairs. A predicted value
   matches a gold person with the same first+last key, or the same surname when either is one word;
2. quote level: for every gold attribution with a named-person source, the content counts as found
   when a stored quote overlaps at least half of its content span (or half of the quote); speaker-match
   accuracy = found with the right person / found (the Gender Gap Tracker's definition), and
   end-to-end = found with the right person / all such attributions;
3. errors by kind, with examples.
The figure to beat (Gender Gap Tracker quote extractor): speaker-match 86.5 %, speakers P 0.807 / R 0.976 / F1 0.883.

Parse cache: spaCy's parse of a split takes minutes, newsfind's extraction seconds. The parsed Docs
are saved (a `DocBin`) under ~/.cache/newsfind-eval/, named by the split, the model's name and version
and a hash of the enabled pipeline components, of the corpus file's size and mtime, of the `--limit`
and of the exact texts handed to spaCy (so a change in newsfind's boilerplate masking re-parses too).
Only spaCy's output is cached, never newsfind's extraction: entities, speakers and quotes are computed
afresh from the Docs on every run. `--no-cache` parses afresh and leaves the cache alone. With the
cache, the spaCy time printed is the one measured when the cache was written.
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from corpora import CORPORA  # noqa: E402  (bench/ is this script's first path entry)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from attribution_folds import DEFAULT_SEED, assign_folds, fold_rows, print_folds  # noqa: E402
from newsfind.index.nlp.canonical import CanonicalTable, known_kind  # noqa: E402
from newsfind.index.nlp.enrich import Analysed, analysed, enrich_doc  # noqa: E402
from newsfind.index.nlp.entities import ORG_WORDS  # noqa: E402
from newsfind.index.nlp.names import (  # noqa: E402
    LEADING_WORDS,
    MEDIA_NAMES,
    PRONOUNS,
    TITLE_WORDS,
    core_tokens,
    is_first_name,
    looks_female,
    person_key,
    surname_key,
)
from newsfind.index.nlp.pipeline import TITLE_ABBREVIATIONS, load_pipeline  # noqa: E402
from newsfind.index.nlp.quote_spacing import glued, spaced  # noqa: E402
from newsfind.index.nlp.speakers.model import current_model, using  # noqa: E402
from newsfind.index.readers.types import SourceArticle  # noqa: E402

DEFAULT_CORPUS = CORPORA / "polnear_traindev.jsonl.gz"
CACHE_DIR = Path.home() / ".cache" / "newsfind-eval"
PERSON_PRONOUNS = {"he", "she", "him", "her"}
# The gold rules in force, frozen: `names_in_span` and `gold_persons` as they are at this version (pronoun
# gold v2). Any change to them bumps GOLD_VERSION in a commit of its own that gives the train figures before
# and after on unchanged extraction code; figures are only comparable under the same GOLD_VERSION.
GOLD_VERSION = "4"
GOLD_RULES = "frozen"  # or "issue": issue 17's experiment's gold, to compare with its figures (`--gold issue`)
PRONOUN_GOLD = "v2"  # how pronoun sources are resolved in the gold; "v1" is the rule of PIPELINE_VERSION <= 8
GROUP_WORDS = re.compile(r"\b(Democrats?|Republicans?|Americans?|Officials?|Congress|Senate|House|Administration|"
                         r"Campaign|Committee|Court|Police|Party|Government|GOP|Media|Press|Times|News|Post|"
                         r"Journal|Network|Group|Foundation|Institute|University|Center|Council)\b")
# a UTF-8 letter read as Latin-1 ("FranÃ§ois", "TrÃ©vidic") is part of its word (gold 2; gold 1 cut the name there)
_MOJIBAKE = r"(?:[ÃÂ]|A[\u0302\u0303])[\u0080-\u00bf]"  # PolNeAR writes "TrA\u0303\xa9vidic" (decomposed)
_WORD = rf"[A-Z](?:{_MOJIBAKE}|[\w’'.\-\u0300-\u036f])*\.?"
_NAME_RUN = re.compile(rf"(?:{_WORD})(?:\s+(?:{_WORD}|al-|(?:bin|de|van|von|da)\b))*")
# Title words that only qualify what follows, naming no office: "The Hill", "THE BERN", "his wife", "American
# Legion" (gold 2: before it, any of them made the next capitalised word a titled person)
QUALIFIERS = frozenset(
    """
    the of his her former late acting interim elect then top senior junior federal national russian american
    u.s. us syrian british french german chinese iranian israeli ukrainian turkish bulgarian saudi iraqi afghan
    egyptian white house pentagon kremlin state foreign defense defence under interior treasury energy health
    labor education homeland security commerce agriculture transportation veterans affairs ministry department
    office party majority minority cabinet crown member first presidential deputy assistant vice
    """.split()
)
_POSSESSIVE_END = re.compile(r"(?:['’]s|s['’])$")
_END_ABBREVIATION = re.compile(r"\b(?:[A-Z]|Jr|Sr|St)\.$")


def tidy_gold_name(name: str) -> str:
    """A gold name without what only surrounds it (gold 4, bench/gold-v4-changes.tsv): a word opening a
    coordination ("Both Bolton", "Neither Cruz"), lower-case words after it ("Juan Manriquez of"), a possessive
    mark after a final s ("Francis'", "Sanders’") and a sentence's full stop ("Heidi Heitkamp."; not an
    initial's or "Jr."'s)."""
    tokens = name.split()
    while len(tokens) > 1 and tokens[0].lower() in LEADING_WORDS:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1][:1].islower():
        tokens.pop()
    name = " ".join(tokens)
    if len(name) > 2 and name[-1] in "'’" and name[-2] == "s":
        name = name[:-1]
    if name.endswith(".") and not _END_ABBREVIATION.search(name):
        name = name[:-1]
    return name


@dataclass
class DocScore:
    doc_id: str
    outlet: str
    gold: set[str] = field(default_factory=set)  # gold person display names
    predicted: list[str] = field(default_factory=list)
    tp: int = 0
    fp: list[tuple[str, str]] = field(default_factory=list)  # (value, kind)
    fn: list[tuple[str, str]] = field(default_factory=list)
    quotes_gold: int = 0
    quotes_found: int = 0
    quotes_matched: int = 0
    quote_errors: list[dict] = field(default_factory=list)


def load(corpus: Path, split: str, limit: int | None) -> list[dict]:
    if not corpus.exists():
        sys.exit(f"PolNeAR annotations not found at {corpus}: this evaluation needs "
                 "polnear_traindev.jsonl.gz in ../shared/corpora beside the checkout, or in $NEWSFIND_CORPORA")
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        docs = [spaced_record(d) for d in map(json.loads, fh) if d["compartment"] == split]
    return docs[:limit] if limit else docs


def spaced_record(doc: dict) -> dict:
    """The record with its text as newsfind analyses it, glued curly quotation marks spaced
    (`quote_spacing`: 'paranoia,”Clinton said'), and its annotations' offsets moved with the text, so that
    offsets in the analysed text are offsets in the record (4 train articles have such marks)."""
    cuts = glued(doc["text"])
    if not cuts:
        return doc

    def moved(o: int, end: bool = False) -> int:  # an end offset moves with the character before it
        return o + bisect.bisect_right(cuts, o - 1 if end else o)

    quotes = [{**q, **{k: [[moved(s), moved(e, True)] for s, e in q[k]] for k in SPAN_KEYS if q.get(k)}}
              for q in doc["quotes"]]
    return {**doc, "text": spaced(doc["text"], None)[0], "quotes": quotes}


SPAN_KEYS = ("speaker_span", "cue_span", "quote_span")


def cache_path(nlp, split: str, corpus: Path, limit: int | None, texts: list[str]) -> Path:
    """Where the parse of these texts by this pipeline is cached; any change in the model, its
    enabled components, its tokenizer's added abbreviations, the corpus file or the texts gives another name."""
    stat = corpus.stat()
    digest = hashlib.sha256()
    for part in (",".join(nlp.pipe_names), str(stat.st_size), str(stat.st_mtime_ns), str(limit),
                 ",".join(TITLE_ABBREVIATIONS)):
        digest.update(part.encode() + b"\0")
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0")
    model = f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'model')}-{nlp.meta.get('version', '0')}"
    return CACHE_DIR / f"{split}-{model}-{digest.hexdigest()[:16]}.spacy"


def parse_texts(nlp, texts: list[str], cache: Path | None) -> tuple[list, float]:
    """The parsed Docs and the CPU seconds spaCy took (measured now, or when the cache was written).
    CPU time, not wall time: on a shared machine the ratio of extraction to spaCy stays meaningful."""
    from spacy.tokens import DocBin

    seconds_file = cache.with_suffix(".cpu-seconds") if cache else None
    if cache is not None and cache.exists() and seconds_file.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(texts):
            return docs, float(seconds_file.read_text())
    t0 = time.process_time()
    docs = list(nlp.pipe(texts, batch_size=16))
    seconds = time.process_time() - t0
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")  # two runs parsing at once must not share one file
        DocBin(docs=docs, store_user_data=False).to_disk(tmp)
        tmp.replace(cache)
        seconds_file.write_text(f"{seconds:.3f}\n")
    return docs, seconds


def split_title(text: str) -> tuple[str, str, int]:
    title, sep, body = text.partition("\n\n")
    return title, body, len(title) + len(sep)


# Where a source span stops naming its source: a restrictive relative clause ("Sen. Jim Whelan who
# represents ..."), a dash or colon aside, an unclosed bracket.
_SPAN_END = re.compile(r"(?<!,)\s(?:who|which|whose|that)\s|\(|\)|—|–|:|;")
# A prepositional phrase: it qualifies the word before it ("Ted Cruz of Texas", "the governor of Maryland").
_PREPOSITION = re.compile(r"\s(?:of|for|at|from|with|in|on|to|by|after|before|during|like|under)(?=\s+\S)")
# A title that a prepositional phrase completes before the name: "Secretary of State John Kerry".
_TITLE_BEFORE_OF = re.compile(r"\b(?:Secretary|Speaker|Chief|Director|Supervisor|Chairman|Chairwoman|Minister|"
                              r"Commissioner|President|Head)\s*$")
# A chunk that carries on a coordination after an apposition: ", and Mitch McConnell", ", and former Gov. ..."
_COORDINATION = re.compile(r"(?:and|or)\s+(?:[A-Z]|(?:former|retired|state|then|the|his|her)\b)")


def names_in_span(span_text: str, persons_text: set[str], person_keys: set[str], person_surnames: set[str]
                  ) -> list[str]:
    """Person names that are the source in a source span: "Sen. Ted Cruz", "President Obama, Hillary
    Clinton, and other Democrats" (two), "Carter’s press secretary, Peter Cook" (Peter Cook, not Carter),
    "Mukasey, the attorney general under former President George W. Bush" (Mukasey only), "Sens. Ted Cruz
    of Texas and Marco Rubio of Florida" (two), "Martin O’Malley, the former governor of Maryland, and
    Bernie Sanders" (two).

    The span is read comma-chunk by comma-chunk, each chunk split at and/or into parts; a short bracket
    ("(R-Texas)") is dropped. A chunk after a person's name that opens with a lower-case word is an
    apposition ("the former governor of Maryland", "55", "who is seeking reelection") and names nobody; so is
    every chunk after it until one carries the coordination on (", and Mitch McConnell"). In a part, a
    prepositional phrase after a name ("of Texas") is a modifier that ends with the part; one after a
    capitalised title completes it ("Secretary of State John Kerry"); one after anything else ("the
    campaigns of Hillary Clinton and Bernie Sanders", "Aides to Clinton") owns the rest of the span."""
    text = re.sub(r"\s*\([^()]{0,40}\)", "", span_text.replace("\xa0", " "))
    end = _SPAN_END.search(text)
    if end:
        text = text[:end.start()]
    out: list[str] = []
    after_name = in_apposition = False
    chunks = [c.strip() for c in text.split(",") if c.strip()]
    for k, chunk in enumerate(chunks):
        coordination = bool(_COORDINATION.match(chunk))
        if in_apposition and not coordination or re.match(r"(?:who|which|whose)\b", chunk) \
                or after_name and (chunk[:1].islower() or chunk[:1].isdigit()) and not coordination:
            in_apposition = True
            continue
        in_apposition = False
        named = False
        for part in re.split(r"\band\b|\bor\b|&", chunk):
            cut = _PREPOSITION.search(part)
            head = part[:cut.start()] if cut else part
            names = _names_in_part(head, persons_text, person_keys, person_surnames)
            out.extend(names)
            named |= bool(names)
            if cut and not names:
                if not _TITLE_BEFORE_OF.search(head):
                    # "the campaigns of Hillary Clinton and Bernie Sanders": the phrase runs on; but a name set off
                    # after it alone is the source (gold 3): "the director of the FBI, James B. Comey,", unless
                    # the head is a common plural ("supporters of her opponent, Sen. Bernie Sanders")
                    if re.search(r"\b[A-Za-z][a-z]+s$", head.strip()):
                        return out
                    return out + _apposition_name(chunks[k + 1:], persons_text, person_keys, person_surnames)
                more = _names_in_part(part[cut.end():], persons_text, person_keys, person_surnames, titled_only=True)
                out.extend(more)
                named |= bool(more)
        after_name = named
    return out


def _apposition_name(rest: list[str], persons_text: set[str], person_keys: set[str], person_surnames: set[str]
                     ) -> list[str]:
    """[the name] when the chunks after a phrase that runs on open with a chunk that is one name and nothing else,
    not carried on by a coordination ("Supporters of Trump, Cruz, and Rubio" names no source); else []."""
    if not rest or _COORDINATION.match(rest[0]) or re.search(r"\b(?:and|or)\b|&", rest[0]) \
            or len(rest) > 1 and _COORDINATION.match(rest[1]):
        return []
    runs = list(_NAME_RUN.finditer(rest[0]))
    if len(runs) != 1 or runs[0].group(0).rstrip(".") != rest[0].rstrip("."):
        return []
    return _names_in_part(rest[0], persons_text, person_keys, person_surnames)


def _person_in_run(tokens: list[str], is_title: list[bool], persons_text: set[str], person_keys: set[str],
                   person_surnames: set[str], titled_only: bool, tagged_only: bool = False) -> str | None:
    """The person a capitalised run names, after its last title word, if any; with `tagged_only`, only
    a name the model tags as a person, as written."""
    # the name starts after the last title word: "former Florida Gov. Jeb Bush" -> "Jeb Bush"
    last_title = max((i for i, title in enumerate(is_title) if title), default=-1)
    # a title right before the name: "Sen. Ted Cruz"; a qualifier alone is none ("The Hill", "American Legion")
    # ("State John Kerry" after "Secretary of" keeps its title: `titled_only`)
    titled = last_title >= 0 if titled_only else any(
        title and _plain(tokens[i]) not in QUALIFIERS for i, title in enumerate(is_title))
    name = re.sub(r"['’]s$", "", " ".join(tokens[last_title + 1:])).strip(" .,")
    # trim to the model's PERSON entity inside the run: "Celebrities Julianne Moore" -> "Julianne Moore"
    inside = [p for p in persons_text if p in name and len(core_tokens(p)) > 1]
    if inside and not tagged_only:  # "Jeb Bush Super PAC Chief" is no Jeb Bush
        best = max(inside, key=len)
        at = name.find(best)
        end = at + len(best)
        while end < len(name) and not name[end].isspace():  # a word the model cut short (gold 2):
            end += 1  # "Marc TrÃ" is "Marc TrÃ©vidic"
        name = re.sub(r"['’]s$", "", name[at:end])
    if not name or name.lower() in PRONOUNS or known_kind(name) or ORG_WORDS.search(name) \
            or GROUP_WORDS.search(name) or not core_tokens(name):
        return None
    if titled_only and not titled:
        return None
    if name.lower() in MEDIA_NAMES:
        return None  # "Twitter", which the model tags as a person (gold 2)
    tagged = person_key(name) in person_keys or surname_key(name) in person_surnames or inside and not tagged_only \
        or _continues_cut_name(name, persons_text)
    return name if tagged or titled and not tagged_only else None


def _plain(token: str) -> str:
    return re.sub(r"['’]s$", "", token).lower().rstrip(".")


def _continues_cut_name(name: str, persons_text: set[str]) -> bool:
    """`name` opens with a word in mojibake that ends a PERSON of the model, cut there: "PeÃ±a Nieto" after
    "Enrique PeÃ±a" (gold 2)."""
    first = name.split()[0]
    return bool(re.search(_MOJIBAKE, first)) and any(p.split()[-1] == first for p in persons_text if " " in p)


def _names_in_part(part: str, persons_text: set[str], person_keys: set[str], person_surnames: set[str],
                   titled_only: bool = False) -> list[str]:
    """The person names in `part`; with `titled_only`, only those after a title word ("State John Kerry")."""
    out = []
    for m in _NAME_RUN.finditer(part):
        # a capitalised word qualifying a common noun names no source: "The Florida senator",
        # "Democratic candidates", "Clinton aides", "the Trump campaign", "Carter’s press secretary"
        # (a word broken by mojibake goes on in lower case: "Stefan KA\u0303\x83 rner" is a name, gold 2)
        after = part[m.end():]
        if re.match(r"\s+[a-z]", after) and not re.match(r"\s+(?:al-|bin|de|van|von|da)\b", after) \
                and not re.search(r"[\u0080-\u00bf]$", m.group(0)):
            continue
        tokens = m.group(0).split()
        # a possessive inside the run names an owner, not the source: "Dan Loeb's Third Point",
        # "President Barack Obama’s DOJ", "Breitbart London’s Raheem Kassam" (the source is what follows)
        owner = max((i for i, t in enumerate(tokens[:-1]) if _POSSESSIVE_END.search(t)), default=-1)
        tokens = tokens[owner + 1:]
        is_title = [re.sub(r"['’]s$", "", t).lower().rstrip(".") in TITLE_WORDS or t.lower() in TITLE_WORDS
                    for t in tokens]
        name = _person_in_run(tokens, is_title, persons_text, person_keys, person_surnames, titled_only)
        # a title word ending the run after a non-title word may be a surname: "Representative Peter T.
        # King" (only when the model tags that person: "The Sunshine State" is no name)
        if name is None and len(tokens) > 1 and is_title[-1] and not is_title[-2]:
            name = _person_in_run(tokens, [*is_title[:-1], False], persons_text, person_keys, person_surnames,
                                  titled_only, tagged_only=True)
        if name is not None:
            out.append(name)
    return out


_CAPITALISED_RUN = re.compile(r"(?<![\w’'-])[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*")
_FIRST_LAST = re.compile(r"([A-Z][a-z]+|[A-Z]{2,}) ((?:Mc|Mac|O')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]{2,})")
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP", "PERSON"})


def _untagged_first_name_persons(nlp_doc, tagged: set[str]) -> list[str]:
    """Two-word names the model does not tag as a person but a first name opens (gold 3): "Carly Fiorina" (tagged
    ORG), "Guy Cecil", a transcript's "JAKE TAPPER"; not over a place, nationality or a tagged person, and not an
    organisation, group or place by newsfind's tables ("Virginia Democrats", "Chase Bank")."""
    labels = [""] * len(nlp_doc.text)
    for e in nlp_doc.ents:
        if e.label_ in _PLACE_LABELS:
            labels[e.start_char:e.end_char] = [e.label_] * (e.end_char - e.start_char)
    out = []
    for run in _CAPITALISED_RUN.finditer(nlp_doc.text):
        # the name is the whole run, after an owner ("The Post's Greg Sargent") and title words ("Gov.")
        words = run.group(0).split()
        owner = max((i for i, w in enumerate(words[:-1]) if _POSSESSIVE_END.search(w)), default=-1)
        words = words[owner + 1:]
        while words and _plain(words[0]) in TITLE_WORDS:
            words = words[1:]
        m = _FIRST_LAST.fullmatch(" ".join(words))
        if m is None:
            continue
        name, first, last = m.group(0), m.group(1), m.group(2)
        at = run.end() - len(name)
        if any(labels[at:run.end()]) or name in tagged or not is_first_name(first) \
                or first.lower() in TITLE_WORDS or last.lower() in TITLE_WORDS or known_kind(name) \
                or ORG_WORDS.search(name) or GROUP_WORDS.search(name) or name.lower() in MEDIA_NAMES:
            continue
        out.append(name)
    return out


def gold_persons(doc: dict, body_offset: int, nlp_doc) -> tuple[list[tuple[str, dict]], int]:
    """[(person name, attribution)] for attributions whose source names a person; and how many
    pronoun sources could not be resolved."""
    persons = [e.text for e in nlp_doc.ents if e.label_ == "PERSON"]
    persons += _untagged_first_name_persons(nlp_doc, set(persons))
    persons_text = set(persons)
    person_keys = {person_key(p) for p in persons if len(core_tokens(p)) > 1}
    person_surnames = {surname_key(p) for p in persons}
    out: list[tuple[str, dict]] = []
    unresolved = 0
    gender = _article_genders(nlp_doc) if PRONOUN_GOLD == "v2" else (lambda n: looks_female(set(), n))
    recent: list[tuple[int, str]] = []  # (char offset, name) of single-person sources so far
    def full(name: str) -> str:
        return _full_name(name, persons, doc["text"])
    for att in sorted((a for a in doc["quotes"] if a["type"] == "Attribution" and a["speaker_span"]),
                      key=lambda a: a["speaker_span"][0][0]):
        start = att["speaker_span"][0][0]
        span_text = " ".join(doc["text"][s:e] for s, e in att["speaker_span"])
        if span_text.strip().lower() in PERSON_PRONOUNS:
            want_female = span_text.strip().lower() in ("she", "her")
            content = att.get("quote_span") or []
            fits = [n for n in _persons_before(nlp_doc, start, 0, content, body_offset)
                    if gender(n) in (None, want_female)]
            if _one_person(fits) and PRONOUN_GOLD == "v2":
                out.append((tidy_gold_name(full(fits[-1])), att))  # the one person of that gender before it there
                continue
            earlier = [n for pos, n in recent if start - pos <= 1000 and gender(n) in (None, want_female)]
            if earlier:
                out.append((earlier[-1], att))
                continue
            fits = [n for n in _persons_before(nlp_doc, start, 2, content, body_offset)
                    if gender(n) in (None, want_female)]
            if _one_person(fits) and PRONOUN_GOLD == "v2":
                # the one person of that gender named in the two sentences before
                out.append((tidy_gold_name(full(fits[-1])), att))
            else:
                unresolved += 1
            continue
        # a lone first name is the article's full name (gold 2), unless it shares the surname of the next name:
        # "David and Jeanne Heidler"
        names = [tidy_gold_name(n if re.search(rf"\b{re.escape(n)}\s+(?:and|&)\s+[A-Z][\w.]*\s+[A-Z]", span_text)
                                else full(n))
                 for n in names_in_span(span_text, persons_text, person_keys, person_surnames)]
        for name in names:
            out.append((name, att))
        if len(names) == 1:
            recent.append((start, names[0]))
    return out, unresolved


ISSUE_LINKS = {"conj", "appos", "compound", "flat"}


def issue_gold_persons(doc: dict, nlp_doc) -> tuple[list[tuple[str, dict]], int]:
    """The gold of issue 17's one-hour experiment, for comparison only (`--gold issue`; never training labels):
    the PERSON entities whose root is the root of an annotated source span or joined to it by
    conj/appos/compound/flat. No pronoun resolution, no names the model does not tag, no surname rules."""
    return [(re.sub(r"['’]s$", "", ent.text).strip(), att) for ent, att in issue_gold_entities(doc, nlp_doc)], 0


def issue_gold_entities(doc: dict, nlp_doc) -> list[tuple[object, dict]]:
    """[(PERSON entity, attribution)] of issue 17's gold (`issue_gold_persons`)."""
    out: list[tuple[object, dict]] = []
    for att in sorted((a for a in doc["quotes"] if a["type"] == "Attribution" and a["speaker_span"]),
                      key=lambda a: a["speaker_span"][0][0]):
        pieces = [nlp_doc.char_span(s, e, alignment_mode="expand") for s, e in att["speaker_span"]]
        tokens = {t.i for span in pieces if span is not None for t in span}
        if not tokens:
            continue
        roots = [i for i in sorted(tokens) if nlp_doc[i].head.i == i or nlp_doc[i].head.i not in tokens]
        joined = set(roots)
        frontier = list(roots)
        while frontier:  # down and up the links, inside the span
            t = nlp_doc[frontier.pop()]
            near = [c for c in t.children if c.dep_ in ISSUE_LINKS]
            if t.dep_ in ISSUE_LINKS:
                near.append(t.head)
            for n in near:
                if n.i in tokens and n.i not in joined:
                    joined.add(n.i)
                    frontier.append(n.i)
        out += [(ent, att) for ent in nlp_doc.ents if ent.label_ == "PERSON" and ent.root.i in joined]
    return out


def _full_name(name: str, persons: list[str], text: str) -> str:
    """A lone first name is the one full name of the article that opens with it ("Hillary" -> "Hillary
    Clinton", "Clinton and husband Bill" -> "Bill Clinton"), and so is a name the article writes after
    "Mr."/"Ms." when a full name opens with it ("Mr. Xi" -> "Xi Jinping"); not when it is also the surname of
    a full name there, or opens two people's names ("Bill Clinton", "Bill de Blasio") (gold 2)."""
    core = core_tokens(name)
    if len(core) != 1 or re.search(r"\b(?:Jr|Sr|II|III|IV)\.?$", name):  # "Donald Jr." is not Donald
        return name
    if not is_first_name(core[0]) and not re.search(rf"\b(?:Mr|Mrs|Ms|Miss)\.?\s+{re.escape(name)}\b", text):
        return name  # "Trump" is no first name of "Trump Turnberry"
    full = [re.sub(r"['’]s?$", "", p).strip() for p in persons if len(core_tokens(p)) > 1]
    if any(surname_key(p) == core[0] for p in full):
        return name
    opening = [p for p in full if core_tokens(p)[0] == core[0] and re.fullmatch(r"[^\W\d_][\w.'’ -]*", p)]
    return opening[0] if opening and len({person_key(p) for p in opening}) == 1 else name


def _article_genders(nlp_doc):
    """A name's gender as the article tells it: its own first name, else "Mr."/"Mrs."/"Ms." before its
    surname anywhere in the article, else the first name of the article's full names with that surname
    (when they agree: "Clinton" after "Hillary Clinton" and "Bill Clinton" tells nothing)."""
    by_surname: dict[str, set] = defaultdict(set)
    for ent in nlp_doc.ents:
        if ent.label_ != "PERSON":
            continue
        key = surname_key(ent.text)
        before = nlp_doc[ent.start - 1].lower_.rstrip(".") if ent.start else ""
        if before in ("mrs", "ms", "miss"):
            by_surname[key].add(True)
        elif before == "mr":
            by_surname[key].add(False)
        elif len(core_tokens(ent.text)) > 1:
            by_surname[key].add(looks_female(set(), ent.text))

    def gender(name: str) -> bool | None:
        own = looks_female(set(), name)
        if own is not None:
            return own
        told = by_surname.get(surname_key(name), set()) - {None}
        return next(iter(told)) if len(told) == 1 else None
    return gender


def _one_person(names: list[str]) -> bool:
    """`names` (at least one) all name one person ("Hillary Clinton", "Clinton")."""
    return bool(names) and all(same_person(n, names[0]) for n in names[1:])


_SENTS: list = [None, []]  # the last Doc asked about and its sentences


def _persons_before(nlp_doc, pos: int, sentences_back: int, content: list, body_offset: int) -> list[str]:
    """The model's PERSON names (possessive dropped) outside quotation marks and outside the
    attribution's own content spans (`content`: 'If Clinton is elected, he said'), from
    `sentences_back` sentences before the one holding character `pos` up to `pos`."""
    token = nlp_doc.char_span(pos, pos + 1, alignment_mode="expand")
    if token is None:
        return []
    if _SENTS[0] is not nlp_doc:
        _SENTS[:] = [nlp_doc, list(nlp_doc.sents)]
    sents = _SENTS[1]
    here = next((k for k, sent in enumerate(sents) if sent.start <= token.start < sent.end), None)
    if here is None:
        return []
    text = nlp_doc.text
    lo = max(sents[max(0, here - sentences_back)].start_char, body_offset)  # never in the title
    out = []
    for ent in nlp_doc.ents:
        if ent.label_ != "PERSON" or not lo <= ent.start_char or ent.end_char > pos:
            continue
        if any(a <= ent.start_char < b for a, b in content):
            continue
        para = text[text.rfind("\n", 0, ent.start_char) + 1:ent.start_char]
        opened = para.count("``") > para.count("''") if "``" in para else para.count("''") % 2  # NYT: '' both ways
        if para.count("“") > para.count("”") or para.count('"') % 2 or opened:
            continue  # inside a quotation: a name the quoted speaker uses
        name = re.sub(r"['’]s$", "", ent.text).strip()
        if core_tokens(name) and not known_kind(name) and not ORG_WORDS.search(name) and not GROUP_WORDS.search(name):
            out.append(name)
    return out


def same_person(a: str, b: str) -> bool:
    """Same first and last name; or the same surname when either is a surname only ("Clinton", "de
    Blasio"); or one ends the other by two or more parts ("O'Malley" in "Martin O'Malley", "Wasserman
    Schultz" in "Debbie Wasserman Schultz"; not "O'Malley" and "Kevin Malley")."""
    ka, kb = person_key(a), person_key(b)
    if ka == kb:
        return True
    if (" " not in ka or " " not in kb) and surname_key(a) == surname_key(b):
        return True
    ta, tb = core_tokens(a), core_tokens(b)
    short, long_ = sorted((ta, tb), key=len)
    return 2 <= len(short) < len(long_) and long_[-len(short):] == short


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score_doc(doc: dict, enrichment, nlp_doc, body_offset: int) -> tuple[DocScore, int]:
    s = DocScore(doc["doc_id"], doc["outlet"])
    gold_pairs, unresolved = (issue_gold_persons(doc, nlp_doc) if GOLD_RULES == "issue"
                              else gold_persons(doc, body_offset, nlp_doc))
    gold_names: list[str] = []
    for name, _ in gold_pairs:
        if not any(same_person(name, g) for g in gold_names):
            gold_names.append(name)
    # prefer the fullest spelling of each gold person for display
    s.gold = set(gold_names)
    s.predicted = list(enrichment.speakers)
    gold_left = list(gold_names)
    all_sources = " ".join(doc["text"][a["speaker_span"][0][0]:a["speaker_span"][-1][1]]
                           for a in doc["quotes"] if a["speaker_span"])
    for p in s.predicted:
        match = next((g for g in gold_left if same_person(p, g)), None)
        if match is not None:
            s.tp += 1
            gold_left.remove(match)
        elif surname_key(p) and re.search(rf"\b{re.escape(p.split()[-1])}\b", all_sources):
            is_person = any(same_person(p, e.text) for e in nlp_doc.ents if e.label_ == "PERSON")
            s.fp.append((p, "source not named as person" if is_person else "org or group taken for person"))
        else:
            s.fp.append((p, "mentioned-not-speaking"))
    pronoun_only = {n for n, a in gold_pairs
                    if doc["text"][a["speaker_span"][0][0]:a["speaker_span"][0][1]].lower() in PERSON_PRONOUNS}
    named_somewhere = {n for n, a in gold_pairs
                       if doc["text"][a["speaker_span"][0][0]:a["speaker_span"][0][1]].lower() not in PERSON_PRONOUNS}
    for g in gold_left:
        kind = "missed pronoun speaker" if g in pronoun_only and not any(
            same_person(g, n) for n in named_somewhere) else "missed named speaker"
        s.fn.append((g, kind))

    # quote level, in text coordinates (the stored quotes are relative to the body)
    # a quote says who speaks it: its speaker, and the other persons of a coordinated source (its co-speakers)
    predicted_quotes = [(q["start"] + body_offset, q["end"] + body_offset, q["speaker"], q.get("co_speakers", ()))
                        for q in enrichment.quotes]
    for name, att in gold_pairs:
        if not att.get("quote_span"):
            continue
        spans = att["quote_span"]
        gspan = (spans[0][0], spans[-1][1])
        s.quotes_gold += 1
        best = None
        for qs, qe, speaker, co_speakers in predicted_quotes:
            ov = overlap((qs, qe), gspan)
            big_enough = ov >= 0.5 * (gspan[1] - gspan[0]) or ov >= 0.5 * (qe - qs)
            if ov and big_enough and (best is None or ov > best[0]):
                best = (ov, speaker, co_speakers)
        if best is None:
            continue
        s.quotes_found += 1
        if best[1] and any(same_person(p, name) for p in (best[1], *best[2])):
            s.quotes_matched += 1
        else:
            source = doc["text"][att["speaker_span"][0][0]:att["speaker_span"][-1][1]]
            s.quote_errors.append({"gold": name, "source": source, "predicted": best[1], "cue": att["cue"],
                                   "quote": doc["text"][gspan[0]:gspan[1]][:100]})
    return s, unresolved


def speakers_prf(pairs) -> tuple[float, float, float]:
    """Micro P/R/F1 over (gold speakers, predicted speakers) of each article: a predicted value matches one
    gold person left (`same_person`)."""
    tp = fp = fn = 0
    for gold, predicted in pairs:
        left = list(gold)
        for v in predicted:
            match = next((g for g in left if same_person(v, g)), None)
            if match is None:
                fp += 1
            else:
                tp += 1
                left.remove(match)
        fn += len(left)
    return prf(tp, fp, fn)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def table(scores: list[DocScore]) -> list[dict]:
    groups: dict[str, list[DocScore]] = defaultdict(list)
    for s in scores:
        groups[s.outlet].append(s)
    rows = []
    for name, group in [("ALL", scores), *sorted(groups.items())]:
        tp = sum(s.tp for s in group)
        fp = sum(len(s.fp) for s in group)
        fn = sum(len(s.fn) for s in group)
        p, r, f = prf(tp, fp, fn)
        found = sum(s.quotes_found for s in group)
        matched = sum(s.quotes_matched for s in group)
        gold_q = sum(s.quotes_gold for s in group)
        rows.append({"group": name, "docs": len(group), "gold_speakers": tp + fn, "P": p, "R": r, "F1": f,
                     "gold_quotes": gold_q, "found": found / gold_q if gold_q else 0.0,
                     "speaker_match": matched / found if found else 0.0,
                     "end_to_end": matched / gold_q if gold_q else 0.0})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="dev", choices=["train", "dev"])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--errors", type=int, default=None,
                    help="examples to print per error kind (default 8 on train, none on dev: dev is scored, "
                         "never read for what to change)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    ap.add_argument("--per-article", type=Path, default=None,
                    help="also write each article's gold and predicted speakers to this file (JSON Lines)")
    ap.add_argument("--pronoun-gold", choices=["v1", "v2"], default="v2",
                    help="v1: a pronoun source is the nearest earlier named source only (the rule to version 8)")
    ap.add_argument("--gold", choices=["frozen", "issue"], default="frozen",
                    help="issue: issue 17's experiment's gold (PERSON roots of source spans), for comparison only")
    ap.add_argument("--folds", type=int, default=0,
                    help="k-fold cross-validation by document (train only): score each fold, print the mean")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the fold assignment")
    ap.add_argument("--folds-by", choices=["month"], default=None,
                    help="train only: one fold per calendar month (Aug. and Sept. 2016 joined), each scored by a "
                         "model of the other months (bench/protocol-round9.md)")
    ap.add_argument("--after", metavar="YYYY-MM", default=None,
                    help="train only, forward in time: score the articles dated from this month on, each by a "
                         "model trained on the earlier ones (dev is later than all of train: Sept.-Oct. 2016)")
    ap.add_argument("--no-cache", action="store_true", help="parse afresh; neither read nor write the parse cache")
    args = ap.parse_args(argv)
    if (args.folds or args.after) and args.split != "train":
        ap.error("--folds and --after are for --split train: cross-validate on train, report dev once")
    if args.folds_by and args.split != "train":
        ap.error("--folds-by is for --split train")
    if (args.folds or args.folds_by) and args.after:
        ap.error("--folds or --after, not both")
    global PRONOUN_GOLD, GOLD_RULES
    PRONOUN_GOLD = args.pronoun_gold
    GOLD_RULES = args.gold

    docs = load(args.corpus, args.split, args.limit)
    nlp = load_pipeline()
    table_ = CanonicalTable()
    articles, offsets, positions = [], [], []
    for d in docs:
        title, body, _ = split_title(d["text"])
        article = SourceArticle(id=d["doc_id"], title=title, body=body, source=d["doc_id"])
        text, off, where = analysed(article)
        articles.append((article, text))
        offsets.append(off)
        positions.append(where)

    texts = [t for _, t in articles]
    cache = None if args.no_cache else cache_path(nlp, args.split, args.corpus, args.limit, texts)
    parsed, t_nlp = parse_texts(nlp, texts, cache)
    fold_of = assign_folds([d["doc_id"] for d in docs], args.folds, args.seed) if args.folds else {}
    if args.folds_by == "month":  # Sept. 2016 (20 train articles) joins Aug.
        months = sorted({min(d["date"][:7], "2016-08") for d in docs})
        fold_of = {d["doc_id"]: months.index(min(d["date"][:7], "2016-08")) for d in docs}
        args.folds = len(months)
    if args.after:  # fold 1: the later articles, scored; fold 0: the earlier ones, trained on
        fold_of = {d["doc_id"]: int(d["date"] >= args.after) for d in docs}
    models, labelled = {}, []
    if current_model() is not None:  # candidates with their labels, for the calibration of the probabilities
        import train_attribution as training

        items = [(a, Analysed(t, off, where)) for (a, t), off, where in zip(articles, offsets, positions, strict=True)]
        labelled = training.collect(docs, parsed, items, CanonicalTable)
        if args.folds:  # each fold scored by a model trained on the others only
            models = training.fold_models(labelled, fold_of, args.folds, args.seed,
                                          inner=5 if args.folds_by else None)
        elif args.after:  # threshold, drop level and Platt fit by 5-fold CV inside the earlier articles
            models = {1: training.fold_models(labelled, fold_of, 2, args.seed, inner=5, only=1)[1]}
            labelled = [a for a in labelled if fold_of[a.doc_id] == 1]
    t_attr = 0.0
    scores: list[DocScore] = []
    unresolved = 0
    for (article, _text), nlp_doc, off, where, d in zip(articles, parsed, offsets, positions, docs, strict=True):
        if args.after and not fold_of[d["doc_id"]]:
            continue
        t1 = time.process_time()
        with using(models[fold_of[d["doc_id"]]]) if models else nullcontext():
            enrichment = enrich_doc(article, nlp_doc, off, table_, positions=where)
        t_attr += time.process_time() - t1
        s, u = score_doc(d, enrichment, nlp_doc, off)
        unresolved += u
        scores.append(s)

    rows = table(scores)
    gold_version = GOLD_VERSION if PRONOUN_GOLD == "v2" else f"{GOLD_VERSION}/pronoun-{PRONOUN_GOLD}"
    if GOLD_RULES == "issue":
        gold_version = "issue-17 (PERSON roots of source spans; training labels still gold " + GOLD_VERSION + ")"
    mode = "rules only" if current_model() is None else (
        f"learned model, {args.folds}-fold (each fold by a model of the others)" if args.folds
        else f"learned model {current_model().meta.get('articles', '?')} train articles")
    print(f"gold version {gold_version}; attribution: {mode}")
    print(f"PolNeAR {args.split}: {len(docs)} articles; spaCy {t_nlp:.1f} CPU-s ({len(docs) / t_nlp:.1f} art/s), "
          f"newsfind extraction {t_attr:.1f} CPU-s = {100 * t_attr / t_nlp:.1f} % of the spaCy time; "
          f"{unresolved} pronoun sources without a named antecedent left out of the gold")
    print()
    print(f"{'group':<20}{'docs':>5}{'gold':>6}{'P':>7}{'R':>7}{'F1':>7}{'quotes':>8}{'found':>7}"
          f"{'spk-match':>10}{'end2end':>9}")
    for r in rows:
        print(f"{r['group']:<20}{r['docs']:>5}{r['gold_speakers']:>6}{r['P']:>7.3f}{r['R']:>7.3f}{r['F1']:>7.3f}"
              f"{r['gold_quotes']:>8}{r['found']:>7.3f}{r['speaker_match']:>10.3f}{r['end_to_end']:>9.3f}")
    print()
    folds = None
    if args.folds:
        print(f"{args.folds}-fold cross-validation by " + ("calendar month:" if args.folds_by else
                                                            f"document (seed {args.seed}):"))
        folds = {"rows": fold_rows(scores, fold_of, args.folds, table)}
        folds["mean"] = print_folds(folds["rows"])
        print()
    calibration = None
    if labelled:
        brier, reliability, n = training.calibration(
            labelled, (lambda a: models[fold_of[a.doc_id]]) if models else (lambda a: current_model()))
        calibration = {"brier": brier, "candidates": n, "reliability": reliability}
        print(f"calibration of the speaker probabilities over {n} candidate mentions: Brier {brier:.4f}")
        print(f"  {'bin':<10}{'cands':>7}{'predicted':>10}{'observed':>9}")
        for lo, count, pred, obs in reliability:
            print(f"  {lo:.1f}-{lo + 0.1:.1f}   {count:>7}{pred:>10.3f}{obs:>9.3f}")
        print()
    kinds: dict[str, list[str]] = defaultdict(list)
    for s in scores:
        for value, kind in s.fp:
            kinds[f"FP {kind}"].append(f"{s.doc_id}: {value}")
        for value, kind in s.fn:
            kinds[f"FN {kind}"].append(f"{s.doc_id}: {value}")
        for e in s.quote_errors:
            kinds["quote: wrong person" if e["predicted"] else "quote: no speaker"].append(
                f"{s.doc_id}: gold {e['gold']!r} (source {e['source'][:40]!r}), got {e['predicted']!r}, "
                f"cue {e['cue']!r}: {e['quote']!r}")
    counts = Counter({k: len(v) for k, v in kinds.items()})
    print("errors by kind:")
    for kind, n in counts.most_common():
        print(f"  {n:>5}  {kind}")
        for example in kinds[kind][: args.errors if args.errors is not None else 8 if args.split == "train" else 0]:
            print(f"           {example}")
    if args.per_article:
        with args.per_article.open("w") as out:
            for s in scores:
                out.write(json.dumps({"doc_id": s.doc_id, "outlet": s.outlet, "gold": sorted(s.gold),
                                      "predicted": s.predicted, "tp": s.tp, "fp": s.fp, "fn": s.fn,
                                      "quote_errors": s.quote_errors}) + "\n")
    if args.json:
        args.json.write_text(json.dumps({"split": args.split, "gold_version": gold_version, "folds": folds,
                                         "calibration": calibration,
                                         "articles": len(docs), "spacy_seconds": t_nlp,
                                         "extraction_seconds": t_attr, "rows": rows,
                                         "errors": dict(counts)}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
