"""Person names the model cuts in two ('Sheila Jackson' 'Lee') that `run_on_names.join_cut_names` joins again,
counted and listed on the allsides sample:

    nice -n 10 .venv/bin/python bench/cut_names.py 2000

Uses descriptor_names.py's parse cache. Every join made while the articles are enriched is recorded (the
function is wrapped here, in the benchmark only) with the two mentions' names and the joined one.
"""

from __future__ import annotations

import collections
import json
import sys

import newsfind.index.nlp.entities as entities
from descriptor_names import enriched  # noqa: E402  (bench/ is this script's first path entry)

joins: collections.Counter = collections.Counter()


def recording(join):
    def wrapped(doc, mentions, make):
        before = {id(m): m.name for m in mentions}
        join(doc, mentions, make)
        for m in mentions:
            if id(m) not in before:
                joins[m.name] += 1
    return wrapped


def main(n: int) -> dict:
    entities.join_cut_names = recording(entities.join_cut_names)
    articles = speakers = 0
    joined_articles: collections.Counter = collections.Counter()
    before = collections.Counter()
    for _, _, _, e in enriched(n):
        articles += 1
        for name in set(e.persons) & set(joins - before):
            joined_articles[name] += 1
            speakers += name in e.speakers
        before = joins.copy()
    return {"articles": articles, "joins (mentions)": sum(joins.values()), "distinct joined names": len(joins),
            "joined names that are person values (article x value)": sum(joined_articles.values()),
            "of them speakers": speakers, "names": sorted(joins, key=lambda v: (-joins[v], v))}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000), indent=1, ensure_ascii=False))
