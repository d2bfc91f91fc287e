"""One canonical value per real entity, across the whole index.

`CanonicalTable` maps a matching key to the value shown everywhere:
* persons by `person_key` (first and last name, folded: "Sergey V. Lavrov" and "Sergei Lavrov"
  are both "sergei lavrov"); a lone surname resolves to the one full name with that surname;
* organisations and places by alias tables (U.S. State Department / State Department /
  Department of State; U.S. / United States / America) and a folded form of the name.

The first spelling registered for a key stays the canonical one, so values are stable across
runs and re-indexing. The table is saved as `canonical.json` in the index directory.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from newsfind.index.damage import IndexDamagedError
from newsfind.index.nlp.names import (
    core_tokens,
    is_female_first_name,
    is_first_name,
    is_male_first_name,
    looks_female,
    person_key,
    strip_accents,
    strip_possessive,
    surname_key,
)

TABLE_FILE = "canonical.json"

# alias (lower case, no leading "the") -> canonical value
ORG_ALIASES: dict[str, str] = {}
PLACE_ALIASES: dict[str, str] = {}


def _aliases(target: dict[str, str], canonical: str, *aliases: str) -> None:
    for alias in (canonical, *aliases):
        target[alias.lower()] = canonical
        target[alias.lower().rstrip(".")] = canonical  # "U.S" once a sentence's full stop is cut


_aliases(PLACE_ALIASES, "United States", "U.S.", "US", "U.S.A.", "USA", "United States of America",
         "America", "the States", "Unites States")
_aliases(PLACE_ALIASES, "United Kingdom", "U.K.", "UK", "Britain", "Great Britain")
_aliases(PLACE_ALIASES, "Russia", "Russian Federation")
_aliases(PLACE_ALIASES, "European Union", "EU", "E.U.")
_aliases(PLACE_ALIASES, "Middle East", "Mideast")
_aliases(PLACE_ALIASES, "Syria", "Syrian Arab Republic")
_aliases(PLACE_ALIASES, "Iran", "Islamic Republic of Iran", "Islamic Republic")
_aliases(ORG_ALIASES, "State Department", "U.S. State Department", "US State Department", "Department of State",
         "U.S. Department of State", "the State Department", "State Dept.", "State Dept")
_aliases(ORG_ALIASES, "Pentagon", "Defense Department", "U.S. Defense Department", "Department of Defense",
         "U.S. Department of Defense", "DoD")
_aliases(ORG_ALIASES, "Islamic State", "ISIS", "ISIL", "IS", "Daesh", "Islamic State of Iraq and Syria",
         "Islamic State of Iraq and the Levant", "Islamic State of Iraq and Levant")
_aliases(ORG_ALIASES, "United Nations", "U.N.", "UN")
_aliases(ORG_ALIASES, "United Nations General Assembly", "U.N. General Assembly", "UN General Assembly")
_aliases(ORG_ALIASES, "United Nations Security Council", "U.N. Security Council", "UN Security Council")
_aliases(ORG_ALIASES, "NATO", "North Atlantic Treaty Organization")
_aliases(ORG_ALIASES, "White House", "the White House")
_aliases(ORG_ALIASES, "Kremlin", "the Kremlin")
_aliases(ORG_ALIASES, "FBI", "Federal Bureau of Investigation")
_aliases(ORG_ALIASES, "CIA", "Central Intelligence Agency")
_aliases(ORG_ALIASES, "Congress", "U.S. Congress", "US Congress")
_aliases(ORG_ALIASES, "Al Qaeda", "al Qaeda", "al-Qaeda", "Al-Qaeda", "al-Qaida")
_aliases(ORG_ALIASES, "Russian Foreign Ministry", "Russia's Foreign Ministry", "Foreign Ministry of Russia")
# News outlets and agencies that the model often tags as a person ('Politico reported', 'Xinhua said'); none is
# also a person's name ('Bloomberg', 'Breitbart' and 'Fox' are, so they are left out).
_aliases(ORG_ALIASES, "Politico", "POLITICO", "Politico Magazine")
_aliases(ORG_ALIASES, "Xinhua", "Xinhua News Agency")
_aliases(ORG_ALIASES, "Reuters", "Thomson Reuters")
_aliases(ORG_ALIASES, "Associated Press", "AP", "the Associated Press")
_aliases(ORG_ALIASES, "CNN", "Cable News Network")
_aliases(ORG_ALIASES, "MSNBC")
_aliases(ORG_ALIASES, "Fox News", "Fox News Channel")
_aliases(ORG_ALIASES, "BuzzFeed", "BuzzFeed News", "Buzzfeed")
_aliases(ORG_ALIASES, "Axios")
_aliases(ORG_ALIASES, "Interfax")
_aliases(ORG_ALIASES, "TASS", "Tass", "ITAR-TASS")
_aliases(ORG_ALIASES, "RIA Novosti", "RIA")
_aliases(ORG_ALIASES, "Al Jazeera", "Al-Jazeera", "Aljazeera")
# and more of them, and companies, that the model took for a person who spoke in allsides articles 3,000-4,000
for _org in ("Vox", "Townhall", "Quillette", "Gawker", "Infowars", "Jezebel", "Adweek", "WMUR", "Walgreens", "Adidas",
             "Wonkblog", "Salon", "Vogue", "CNNMoney", "Comcast"):  # and articles 5,000-6,000
    _aliases(ORG_ALIASES, _org)
_aliases(ORG_ALIASES, "SCOTUSblog", "Scotusblog")
_aliases(ORG_ALIASES, "Fox Business Network", "Fox Business", "FBN")
_aliases(ORG_ALIASES, "SANA", "Syrian Arab News Agency")
_aliases(ORG_ALIASES, "NASCAR", "Nascar")
_aliases(ORG_ALIASES, "NPR", "National Public Radio")
# Federal bodies and parties by their full names, short names and initials.
_aliases(ORG_ALIASES, "Justice Department", "Department of Justice", "U.S. Justice Department",
         "U.S. Department of Justice", "DOJ", "Justice Dept.")
_aliases(ORG_ALIASES, "Homeland Security Department", "Department of Homeland Security", "Homeland Security",
         "U.S. Department of Homeland Security", "DHS")
_aliases(ORG_ALIASES, "Health and Human Services Department", "Department of Health and Human Services",
         "Health and Human Services", "HHS")
_aliases(ORG_ALIASES, "Supreme Court", "U.S. Supreme Court", "US Supreme Court", "Supreme Court of the United States")
_aliases(ORG_ALIASES, "Senate", "U.S. Senate", "US Senate")
_aliases(ORG_ALIASES, "Republican Party", "GOP", "Republican party")
_aliases(ORG_ALIASES, "Republican National Committee", "RNC")
_aliases(ORG_ALIASES, "Democratic National Committee", "DNC")
_aliases(ORG_ALIASES, "Congressional Budget Office", "CBO")
_aliases(ORG_ALIASES, "Centers for Disease Control and Prevention", "CDC", "Centers for Disease Control")
_aliases(ORG_ALIASES, "Internal Revenue Service", "IRS")
_aliases(ORG_ALIASES, "Environmental Protection Agency", "EPA")
_aliases(ORG_ALIASES, "National Security Agency", "NSA")
_aliases(ORG_ALIASES, "National Rifle Association", "NRA")
_aliases(ORG_ALIASES, "Federal Reserve", "Fed", "U.S. Federal Reserve", "Federal Reserve Board")
# US states as news style abbreviates them after a city ('Des Moines, Iowa', 'Louisville, Ky.'); 'Miss.'
# (a title), 'Ind.' (a party label), 'Wash.' (Washington the city) and 'Penn' (a surname) are left out.
for _state, *_abbreviations in (
        ("Alabama", "Ala."), ("Arizona", "Ariz."), ("Arkansas", "Ark."), ("California", "Calif."),
        ("Colorado", "Colo."), ("Connecticut", "Conn."), ("Delaware", "Del."), ("Florida", "Fla."), ("Georgia", "Ga."),
        ("Illinois", "Ill."), ("Kansas", "Kan.", "Kans."), ("Kentucky", "Ky."), ("Louisiana", "La."),
        ("Maryland", "Md."), ("Massachusetts", "Mass."), ("Michigan", "Mich."), ("Minnesota", "Minn."),
        ("Missouri", "Mo."), ("Montana", "Mont."), ("Nebraska", "Neb.", "Nebr."), ("Nevada", "Nev."),
        ("New Hampshire", "N.H."), ("New Jersey", "N.J."), ("New Mexico", "N.M."), ("New York", "N.Y."),
        ("North Carolina", "N.C."), ("North Dakota", "N.D."), ("Oklahoma", "Okla."), ("Oregon", "Ore."),
        ("Pennsylvania", "Pa."), ("Rhode Island", "R.I."), ("South Carolina", "S.C."), ("South Dakota", "S.D."),
        ("Tennessee", "Tenn."), ("Vermont", "Vt."), ("Virginia", "Va."), ("West Virginia", "W.Va.", "W. Va."),
        ("Wisconsin", "Wis.", "Wisc."), ("Wyoming", "Wyo.")):
    _aliases(PLACE_ALIASES, _state, *_abbreviations)


_SPACES = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


@lru_cache(maxsize=65536)  # the same names come back in every article
def _plain(name: str) -> str:
    return _LEADING_THE.sub("", strip_possessive(_SPACES.sub(" ", name).strip()))


def alias_of(name: str, kind: str) -> str | None:
    """The canonical value if `name` is a known alias of an organisation or place."""
    table = ORG_ALIASES if kind == "org" else PLACE_ALIASES
    return table.get(_plain(name).lower())


@lru_cache(maxsize=65536)
def known_kind(name: str) -> str | None:
    plain = _plain(name).lower()
    if plain in ORG_ALIASES:
        return "org"
    if plain in PLACE_ALIASES:
        return "place"
    return None


def proper_key(name: str) -> str:
    """Key of an organisation or place: lower case, no accents, no 'the', no punctuation."""
    plain = strip_accents(_plain(name)).lower()
    return re.sub(r"[^\w]+", " ", plain).strip()


def _fragment_ending_in_first_name(name: str, full: str) -> bool:
    """`full`, the one name in the index ending in the lone first name `name`, opens with no first name: a
    fragment the model tagged ('Stop Hillary' for 'Hillary'), not whom `name` means ('Larry David' for
    'David' stays)."""
    first = full.split()[0]
    return (is_female_first_name(name) or is_male_first_name(name)) and not is_first_name(first)


# A lone surname goes to the full name with that surname that the index names in this share of the
# articles naming any of them, once it has been named in this many ('Trump', 'Obama'; not 'Clinton', 'Bush').
DOMINANT_SHARE = 0.8
DOMINANT_MIN_ARTICLES = 5


class CanonicalTable:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.persons: dict[str, str] = {}
        self.orgs: dict[str, str] = {}
        self.places: dict[str, str] = {}
        self._surnames: dict[str, set[str]] = {}
        self._tails: dict[str, set[str]] = {}  # last two words of names of three or more -> their keys
        self.articles: dict[str, int] = {}  # full-name person key -> articles that name the person
        self.dirty = False
        if path is not None and path.exists():
            data = _load(path)
            self.persons = data.get("person", {})
            self.orgs = data.get("org", {})
            self.places = data.get("place", {})
            self.articles = data.get("person_articles", {})
        for key in self.persons:
            self._index_surname(key)

    def _index_surname(self, key: str) -> None:
        """Index a full name under its surname and, with three or more words, under its last two
        ("debbie wasserman schultz" under "wasserman schultz"); a lone word is no full name, even with
        two key parts ("O'Malley": "o malley")."""
        if " " not in key or len(self.persons[key].split()) == 1:
            return
        self._surnames.setdefault(key.rsplit(" ", 1)[1], set()).add(key)
        tokens = core_tokens(self.persons[key])
        if len(tokens) >= 3:
            self._tails.setdefault(" ".join(tokens[-2:]), set()).add(key)

    def knows_person(self, name: str) -> bool:
        """True if this full name (not a lone surname) is a person already in the index."""
        key = person_key(name)
        return " " in key and key in self.persons

    def knows_surname(self, name: str) -> bool:
        """True if this one word is the surname of a full name already in the index."""
        return bool(self._surnames.get(surname_key(name)))

    def person(self, name: str, female: bool | None = None) -> str:
        """Canonical value for a person name as cleaned in its article (full name or surname); `female`
        ('Ms.'/'Mr.' before a lone surname) leaves out full names of the other gender."""
        key = person_key(name)
        if not key:
            return name
        if " " not in key:  # a lone name: the one full name in the index with this surname, or the one
            # the index names far more often than all others ('Obama': Barack, not Michelle; 'Clinton' stays)
            candidates = self._surnames.get(surname_key(name), set())
            if female is not None:  # 'Ms. Trump' is never Donald
                candidates = {k for k in candidates if looks_female(set(), self.persons[k]) in (None, female)}
            owner = next(iter(candidates)) if len(candidates) == 1 else self._dominant(candidates)
            if owner is not None and not _fragment_ending_in_first_name(name, self.persons[owner]):
                return self.persons[owner]
        else:  # a surname of two parts ("O'Malley", "Wasserman Schultz"): the one longer name ending in it
            tokens = core_tokens(name)
            candidates = self._tails.get(" ".join(tokens), set()) if len(tokens) == 2 else set()
            if len(candidates) == 1 and not is_first_name(name.split()[0]):
                return self.persons[next(iter(candidates))]
        if key not in self.persons:
            first, _, last = key.partition(" ")
            if last and " " not in last and f"{last} {first}" in self.persons:
                return self.persons[f"{last} {first}"]  # 'Trump Donald' (a link widget's run-on), 'Jinping Xi'
            self.persons[key] = name
            self._index_surname(key)
            self.dirty = True
        return self.persons[key]

    def _dominant(self, keys: set[str]) -> str | None:
        """Of several full names sharing a surname, the one named in at least DOMINANT_SHARE of the
        articles that name any of them (and in DOMINANT_MIN_ARTICLES at least)."""
        if not keys:
            return None
        counts = {k: self.articles.get(k, 0) for k in keys}
        top = max(sorted(counts), key=counts.__getitem__)
        if counts[top] >= DOMINANT_MIN_ARTICLES and counts[top] >= DOMINANT_SHARE * sum(counts.values()):
            return top
        return None

    def count_article(self, persons: list[str]) -> None:
        """Count one article for each full name among its canonical person values."""
        for value in persons:
            key = person_key(value)
            if " " in key and len(value.split()) > 1:
                self.articles[key] = self.articles.get(key, 0) + 1
                self.dirty = True

    def org(self, name: str) -> str:
        return self._proper(self.orgs, alias_of(name, "org") or _plain(name))

    def place(self, name: str) -> str:
        return self._proper(self.places, alias_of(name, "place") or _plain(name))

    def _proper(self, table: dict[str, str], name: str) -> str:
        key = proper_key(name)
        if not key:
            return name
        if key not in table:
            table[key] = name
            self.dirty = True
        return table[key]

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        data = {"person": self.persons, "org": self.orgs, "place": self.places, "person_articles": self.articles}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".canonical-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=0, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:  # a full disk: the old table stays, no half-written file is left
            Path(tmp).unlink(missing_ok=True)
            raise
        self.dirty = False


def _load(path: Path) -> dict:
    """The saved table; a file that is not one (it is only ever replaced whole, so damaged from
    outside) is one clear error that says how to go on."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        data = exc
    if not isinstance(data, dict):
        reason = f"{type(data).__name__}: {data}" if isinstance(data, Exception) else "not a JSON object"
        raise IndexDamagedError(f"{path} is damaged ({reason}): move it away and run the same command again "
                                "(names in the articles indexed next are then matched afresh)")
    return data
