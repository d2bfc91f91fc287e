"""The persons of one article, and every mention's canonical value.

Any mention whose name is a known person's surname or full name becomes that person; every person
mention takes its article's fullest form ("Mr. Lavrov" -> "Sergei Lavrov") and then the index-wide
canonical value (`CanonicalTable`).
"""

from __future__ import annotations

from newsfind.index.nlp.canonical import CanonicalTable, known_kind
from newsfind.index.nlp.entities import Mention
from newsfind.index.nlp.entity_names import person_name
from newsfind.index.nlp.names import core_tokens, display_name, is_first_name, looks_female, person_key, surname_key


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
            elif m.kind == "org" and table.knows_person(m.name) and person_name(m.name):
                # a place only by evidence in its own article: one 'New York' the model called a person
                # somewhere in the index must not make every 'New York' a person
                m.kind, m.name = "person", person_name(m.name)
                persons.add(m.name, m.start)
        if m.kind == "person":
            female = looks_female(m.titles, m.name)
            full = persons.resolve(m.name, m.start, female) or m.name
            m.canonical = table.person(full, female)
        elif m.kind == "org":
            m.canonical = table.org(m.name)
        else:
            m.canonical = table.place(m.name)
