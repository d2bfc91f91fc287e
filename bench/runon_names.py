"""Person values that are two people's names run together ('Trump Krystal Ball', 'Sanders Elizabeth Warren'),
counted on the allsides sample:

    nice -n 10 .venv/bin/python bench/runon_names.py 2000

Uses descriptor_names.py's parse cache. A value is *run together* when its front is the last word (surname) of
another person value of the article ('Trump Krystal Ball') or a full name that is such a value or ends in such
a surname ('Joe Biden Hillary Clinton'), and the rest is a person value of the article or opens with a first
name and has two words at least. Values whose first word is itself a first name ('Lee Harvey Oswald' where the
article has Mike Lee) are counted apart: a rule splitting them would break real names. So are two-word values
whose second word is a person value or surname of the article ('Carter Page' beside Jimmy Carter, 'Rand Paul'
beside Paul Ryan): a looser rule would split real names there.
"""

from __future__ import annotations

import collections
import json
import sys

from descriptor_names import enriched  # noqa: E402  (bench/ is this script's first path entry)
from newsfind.index.nlp.names import is_first_name  # noqa: E402


def kind(value: str, persons: list[str]) -> str | None:
    """Which group a person value falls in, or None: 'surname + name' ('Trump Krystal Ball'), 'full name + name'
    ('Joe Biden Hillary Clinton'), 'first word a first name' (a real name the rule keeps: 'Lee Harvey Oswald'),
    'two words' (what a looser rule would split: 'Carter Page', 'Trump Warren')."""
    words = value.split()
    others = [p for p in persons if p != value]
    surnames = {p.split()[-1] for p in others if len(p.split()) >= 2}
    if len(words) < 2 or any(value in p for p in others):
        return None
    if len(words) == 2:
        return "two words" if words[0] in surnames and (words[1] in others or words[1] in surnames) else None
    for k in [*range(2, len(words) - 1), 1]:  # a full name first: 'Paul Ryan Paul Davis' beside Rand Paul
        front, back = words[:k], words[k:]
        if not (" ".join(back) in others or is_first_name(back[0])):
            continue
        if k == 1 and front[0] in surnames:
            return "first word a first name" if is_first_name(front[0]) else "surname + name"
        if k > 1 and (" ".join(front) in others or is_first_name(front[0]) and front[-1] in surnames):
            return "full name + name"
    return None


def main(n: int) -> dict:
    found: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    speakers: dict[str, set[str]] = collections.defaultdict(set)
    persons_total = articles = 0
    for _, _, _, e in enriched(n):
        articles += 1
        persons_total += len(set(e.persons))
        for value in set(e.persons):
            group = kind(value, e.persons)
            if group:
                found[group][value] += 1
                if value in e.speakers:
                    speakers[group].add(value)
    out: dict = {"articles": articles, "person values (article x value)": persons_total}
    for group in ("surname + name", "full name + name", "first word a first name", "two words"):
        c = found[group]
        out[group] = {"distinct": len(c), "article values": sum(c.values()), "speaker values": len(speakers[group]),
                      "examples": sorted(c, key=lambda v: (-c[v], v))[:40]}
    return out


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000), indent=1, ensure_ascii=False))
