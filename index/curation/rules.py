"""Entity corrections as rules on canonical values.

Extraction (spaCy, then `CanonicalTable`) is left alone: a rule is applied to a document's
entities *after* canonicalisation, whenever the document is written, so it holds for every article
already in the index (the rule's change re-writes them) and for every article indexed later. Rules
apply in the order they were made, so "rename A to B" then "rename B to C" turns A into C.

* rename, merge: `value` becomes `target` everywhere: entity lists, speakers, quotes' speakers and
  co-speakers, and mentions (a merge's `target` exists already; the two names end up as one).
* split: mentions of `value` written as one of `spellings` become `target` (with `article_id` and
  no spellings: all of `value` in that article); an article left with no mention of `value` gives
  its quotes to `target` too.
* not-entity: `value` is no entity: dropped from the lists and marks; its quotes lose their speaker.
* not-speaker: `value` stays named but is no speaker: dropped from speakers; its quotes lose their
  speaker.
* retype: `value` is a `target` (person, org or place): it moves list, marks and speaker list;
  quotes of what becomes a place lose their speaker.

A quote of a coordinated source ('Cruz and Rubio said') has a speaker and co-speakers: a person who
loses a quote is taken off its co-speakers, and a quote whose speaker loses it goes to its first
co-speaker when it has one. Each applies to every article, or with `article_id` to that article only.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from newsfind.index.schema import FACETS, join_values, split_values

KINDS = ("person", "org", "place")
KIND_NOUNS = {"person": "person", "org": "organisation", "place": "place"}
# Words whose first letter does not say which article they take.
_SOUNDS_CONSONANT = ("one", "once", "uni", "use", "usu", "uti", "eu", "ewe")
_SOUNDS_VOWEL = ("hour", "honest", "honou", "heir")


def indefinite(noun: str) -> str:
    """The noun with "a" or "an" by how it sounds: "a person", "an organisation", "an archivist",
    "a user", "an hour"."""
    word = noun.strip().lower()
    vowel = word[:1] in "aeiou" and not word.startswith(_SOUNDS_CONSONANT) or word.startswith(_SOUNDS_VOWEL)
    return f"{'an' if vowel else 'a'} {noun}"


def kind_noun(kind: str) -> str:
    return KIND_NOUNS.get(kind, kind)
ACTIONS = ("rename", "merge", "split", "not-entity", "not-speaker", "retype")
SPEAKER_FIELDS = {"person": FACETS["speaker"][1], "org": FACETS["speaker_org"][1]}
LIST_FIELDS = {kind: FACETS[kind][1] for kind in KINDS}
MAX_NAME_CHARS = 200


class RuleError(ValueError):
    pass


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class EntityRule:
    action: str
    kind: str
    value: str
    target: str | None = None
    article_id: str | None = None
    spellings: tuple[str, ...] = field(default_factory=tuple)
    id: int = 0  # the change that made the rule

    def validate(self) -> EntityRule:
        """The rule with names tidied; `RuleError` if it cannot be applied."""
        if self.action not in ACTIONS:
            raise RuleError(f"unknown entity action {self.action!r}; actions are {', '.join(ACTIONS)}")
        if self.kind not in KINDS:
            raise RuleError(f"unknown entity kind {self.kind!r}; kinds are {', '.join(KINDS)}")
        value = " ".join(self.value.split())
        target = " ".join(self.target.split()) if self.target is not None else None
        if not value or "," in value or len(value) > MAX_NAME_CHARS:
            raise RuleError(f"{self.value!r} is not an entity value (empty, too long or with a comma)")
        if self.action in ("rename", "merge", "split"):
            if not target or "," in target or len(target) > MAX_NAME_CHARS:
                raise RuleError(f"{self.action} needs a new name without commas, not {self.target!r}")
            if target == value:
                raise RuleError(f"{self.action}: the new name is the same as the old one ({value!r})")
        elif self.action == "retype":
            if target not in KINDS or target == self.kind:
                raise RuleError(f"retype needs another kind ({', '.join(k for k in KINDS if k != self.kind)}), "
                                f"not {self.target!r}")
        elif target is not None:
            raise RuleError(f"{self.action} takes no new name")
        if self.action == "not-speaker" and self.kind == "place":
            raise RuleError("not-speaker is for persons and organisations: places are never speakers")
        if self.action == "split" and not self.spellings and not self.article_id:
            raise RuleError("split needs the spellings that are the other entity, or the article where it is meant")
        if self.spellings and self.action != "split":
            raise RuleError("only split takes spellings")
        if self.article_id is not None and self.action in ("rename", "merge", "retype"):
            raise RuleError(f"{self.action} applies to every article; for one article use split")
        spellings = tuple(dict.fromkeys(" ".join(s.split()) for s in self.spellings if s.strip()))
        return EntityRule(self.action, self.kind, value, target, self.article_id, spellings, self.id)

    def applies_to(self, article_id: str) -> bool:
        return self.article_id is None or self.article_id == article_id

    def as_dict(self) -> dict:
        data = asdict(self)
        data["spellings"] = list(self.spellings)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> EntityRule:
        return cls(action=data["action"], kind=data["kind"], value=data["value"], target=data.get("target"),
                   article_id=data.get("article_id"), spellings=tuple(data.get("spellings") or ()),
                   id=int(data.get("id") or 0))

    @classmethod
    def from_row(cls, row) -> EntityRule:
        return cls(action=row["action"], kind=row["kind"], value=row["value"], target=row["target"],
                   article_id=row["article_id"], spellings=tuple(json.loads(row["spellings"] or "[]")),
                   id=row["id"])

    def describe(self) -> str:
        where = f" in {self.article_id}" if self.article_id else ""
        if self.action == "rename":
            text = f"rename {self.kind} {self.value!r} to {self.target!r}"
        elif self.action == "merge":
            text = f"merge {self.kind} {self.value!r} into {self.target!r}"
        elif self.action == "split":
            spelled = f" (spelled {', '.join(repr(s) for s in self.spellings)})" if self.spellings else ""
            text = f"split {self.target!r}{spelled} off {self.kind} {self.value!r}"
        elif self.action == "retype":
            text = f"{self.value!r} is {indefinite(kind_noun(self.target))}, not {indefinite(kind_noun(self.kind))}"
        elif self.action == "not-entity":
            text = f"{self.value!r} is not {indefinite(kind_noun(self.kind))}"
        else:
            text = f"{self.value!r} is not a speaker"
        return text + where


class EntityState:
    """One document's entities, speakers, quotes and mentions, as rules change them."""

    def __init__(self, base: dict) -> None:
        self.lists = {kind: split_values(base.get(LIST_FIELDS[kind])) for kind in KINDS}
        self.speakers = {kind: split_values(base.get(f)) for kind, f in SPEAKER_FIELDS.items()}
        self.quotes = [dict(q) for q in base.get("quotes") or []]
        self.mentions = [dict(m) for m in base.get("mentions") or []]

    def store(self, base: dict) -> None:
        for kind in KINDS:
            base[LIST_FIELDS[kind]] = join_values(self.lists[kind])
        for kind, f in SPEAKER_FIELDS.items():
            base[f] = join_values(self.speakers[kind])
        base["quotes"] = self.quotes
        base["mentions"] = self.mentions

    def _snapshot(self):
        return json.dumps([self.lists, self.speakers, self.quotes, self.mentions], sort_keys=True, default=str)

    def apply(self, rule: EntityRule) -> bool:
        """Apply one rule; True if it changed anything."""
        before = self._snapshot()
        getattr(self, "_" + rule.action.replace("-", "_"))(rule)
        return self._snapshot() != before

    # -- actions ----------------------------------------------------------------------------------

    @staticmethod
    def _replaced(values: list[str], old: str, new: str) -> list[str]:
        return list(dict.fromkeys(new if v == old else v for v in values))

    def _quotes_of(self, kind: str, value: str):
        return [q for q in self.quotes if q.get("speaker") == value and q.get("speaker_type") == kind]

    def _rename_everywhere(self, kind: str, value: str, target: str) -> None:
        self.lists[kind] = self._replaced(self.lists[kind], value, target)
        if kind in self.speakers:
            self.speakers[kind] = self._replaced(self.speakers[kind], value, target)
        for m in self.mentions:
            if m.get("kind") == kind and m.get("value") == value:
                m["value"] = target
        for q in self._quotes_of(kind, value):
            q["speaker"] = target
        if kind == "person":
            for q in self.quotes:
                if q.get("co_speakers"):
                    self._keep_co_speakers(q, lambda v: target if v == value else v)

    @staticmethod
    def _keep_co_speakers(q: dict, rename=lambda v: v, drop: str | None = None) -> None:
        """The quote's co-speakers renamed by `rename`, without `drop`, its speaker or a repeat (a merge may make
        two one), each with its probability."""
        probabilities = q.get("co_probabilities") or [None] * len(q["co_speakers"])
        kept: dict[str, float | None] = {}
        for value, p in zip(map(rename, q["co_speakers"]), probabilities, strict=True):
            if value not in (drop, q["speaker"]) and value not in kept:
                kept[value] = p
        q["co_speakers"], q["co_probabilities"] = list(kept), list(kept.values())

    def _drop_co_speaker(self, q: dict, value: str) -> None:
        """Take `value` off the quote's co-speakers, with its probability."""
        if value in q.get("co_speakers", ()):
            self._keep_co_speakers(q, drop=value)

    def _unattribute(self, kind: str, value: str) -> None:
        """`value` says none of the quotes: off their co-speakers; a quote of theirs goes to its first
        co-speaker, if any, else to nobody."""
        if kind == "person":
            for q in self.quotes:
                self._drop_co_speaker(q, value)
        for q in self._quotes_of(kind, value):
            if q.get("co_speakers"):
                q["speaker"], q["speaker_type"] = q["co_speakers"][0], "person"
                q["probability"] = (q.get("co_probabilities") or [None])[0]
                self._drop_co_speaker(q, q["speaker"])
            else:
                q["speaker"] = None
                q["speaker_type"] = None

    def _rename(self, rule: EntityRule) -> None:
        self._rename_everywhere(rule.kind, rule.value, rule.target)

    _merge = _rename

    def _split(self, rule: EntityRule) -> None:
        if not rule.spellings:  # one article, all of it
            self._rename_everywhere(rule.kind, rule.value, rule.target)
            return
        spellings = {_fold(s) for s in rule.spellings}
        moved = False
        for m in self.mentions:
            if m.get("kind") == rule.kind and m.get("value") == rule.value and _fold(m.get("text", "")) in spellings:
                m["value"] = rule.target
                moved = True
        if not moved:
            return
        if any(m.get("kind") == rule.kind and m.get("value") == rule.value for m in self.mentions):
            values = self.lists[rule.kind]
            if rule.target not in values:
                at = values.index(rule.value) + 1 if rule.value in values else len(values)
                values.insert(at, rule.target)
        else:
            self._rename_everywhere(rule.kind, rule.value, rule.target)

    def _not_entity(self, rule: EntityRule) -> None:
        self.lists[rule.kind] = [v for v in self.lists[rule.kind] if v != rule.value]
        if rule.kind in self.speakers:
            self.speakers[rule.kind] = [v for v in self.speakers[rule.kind] if v != rule.value]
        self.mentions = [m for m in self.mentions if not (m.get("kind") == rule.kind and m.get("value") == rule.value)]
        self._unattribute(rule.kind, rule.value)

    def _not_speaker(self, rule: EntityRule) -> None:
        self.speakers[rule.kind] = [v for v in self.speakers[rule.kind] if v != rule.value]
        self._unattribute(rule.kind, rule.value)

    def _retype(self, rule: EntityRule) -> None:
        old, new, value = rule.kind, rule.target, rule.value
        if value not in self.lists[old] and not any(m.get("kind") == old and m.get("value") == value
                                                    for m in self.mentions):
            return
        self.lists[old] = [v for v in self.lists[old] if v != value]
        if value not in self.lists[new]:
            self.lists[new].append(value)
        for m in self.mentions:
            if m.get("kind") == old and m.get("value") == value:
                m["kind"] = new
        was_speaker = value in self.speakers.get(old, [])
        if was_speaker:
            self.speakers[old] = [v for v in self.speakers[old] if v != value]
            if new in self.speakers and value not in self.speakers[new]:
                self.speakers[new].append(value)
        if old == "person":  # a co-speaker is a person
            for q in self.quotes:
                self._drop_co_speaker(q, value)
        if new not in self.speakers:  # a place says nothing
            self._unattribute(old, value)
            return
        for q in self._quotes_of(old, value):
            q["speaker_type"] = new


def apply_rules(base: dict, article_id: str, rules: list[EntityRule]) -> set[int]:
    """Apply `rules` in order to `base` (stored field values, changed in place); the ids of the
    rules that changed something."""
    relevant = [r for r in rules if r.applies_to(article_id)]
    if not relevant:
        return set()
    state = EntityState(base)
    applied = {rule.id for rule in relevant if state.apply(rule)}
    if applied:
        state.store(base)
    return applied
