"""Quotes after a glued curly quotation mark ('paranoia,”Clinton said'), before and after `quote_spacing`, on the
benchmark articles that have such a mark:

    nice -n 10 .venv/bin/python bench/glued_quotes.py 5000    # among the first 5,000 articles

Each such article is enriched twice, with the marks spaced (as newsfind does) and as written (the spacing
replaced by the identity, in this script only), and the direct quotes with a speaker, the quotes, the speakers
and the person values are counted for each.
"""

from __future__ import annotations

import gzip
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import newsfind.index.nlp.enrich as enrich  # noqa: E402
from corpora import CORPORA  # noqa: E402  (bench/ is this script's first path entry)
from newsfind.index.nlp.canonical import CanonicalTable  # noqa: E402
from newsfind.index.nlp.pipeline import load_pipeline  # noqa: E402
from newsfind.index.nlp.quote_spacing import glued, spaced  # noqa: E402
from newsfind.index.readers.types import SourceArticle  # noqa: E402


def counts(articles: list[SourceArticle], spacing) -> dict:
    enrich.spaced = spacing
    nlp, table = load_pipeline(), CanonicalTable()
    out = {"direct quotes with a speaker": 0, "direct quotes": 0, "speakers": 0, "person values": 0}
    for a in articles:
        seen = enrich.analysed(a)
        e = enrich.enrich_doc(a, nlp(seen.text), seen.body_offset, table, seen.text, positions=seen.positions)
        direct = [q for q in e.quotes if q["kind"] == "direct"]
        out["direct quotes"] += len(direct)
        out["direct quotes with a speaker"] += sum(1 for q in direct if q["speaker"])
        out["speakers"] += len(e.speakers)
        out["person values"] += len(set(e.persons))
    return out


def main(n: int) -> dict:
    with gzip.open(CORPORA / "allsides.jsonl.gz", "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in itertools.islice(fh, n)]
    articles = [SourceArticle(id=r["id"], title=r["title"], body=r["body"], source=r["id"]) for r in records
                if glued(r["body"])]
    return {"articles read": len(records), "with a glued mark": len(articles),
            "marks": sum(len(glued(a.body)) for a in articles),
            "as written": counts(articles, lambda text, positions: (text, positions)),
            "spaced": counts(articles, spaced)}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000), indent=1))
