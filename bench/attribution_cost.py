"""What the learned attribution costs and changes on the benchmark articles (allsides, ../shared/corpora):

    .venv/bin/python bench/attribution_cost.py 300

spaCy's CPU time over the first N articles, then newsfind's extraction (`enrich_doc`) with the rules alone
and with rules, features and model, each as a share of spaCy's; and an audit of the speaker facet under
each: values, distinct values, and suspicious ones (one word, a pronoun, an organisation word, a title).
"""

from __future__ import annotations

import gzip
import itertools
import json
import sys
import time
from pathlib import Path

from corpora import CORPORA  # noqa: E402  (bench/ is this script's first path entry)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsfind.index.nlp.canonical import CanonicalTable  # noqa: E402
from newsfind.index.nlp.enrich import analysed, enrich_doc  # noqa: E402
from newsfind.index.nlp.entities import ORG_WORDS  # noqa: E402
from newsfind.index.nlp.names import PRONOUNS, TITLE_WORDS  # noqa: E402
from newsfind.index.nlp.pipeline import load_pipeline  # noqa: E402
from newsfind.index.nlp.speakers.model import current_model, using  # noqa: E402
from newsfind.index.readers.types import SourceArticle  # noqa: E402

CORPUS = CORPORA / "allsides.jsonl.gz"


def suspicious(value: str) -> bool:
    first = value.split()[0].lower().rstrip(".")
    return (" " not in value.strip() or value.lower() in PRONOUNS or bool(ORG_WORDS.search(value))
            or first in TITLE_WORDS or not value[:1].isupper())


def main(n: int) -> dict:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in itertools.islice(fh, n)]
    articles = [SourceArticle(id=r["id"], title=r["title"], body=r["body"], source=r["id"]) for r in records]
    seen = [analysed(a) for a in articles]
    nlp = load_pipeline()
    t = time.process_time()
    docs = list(nlp.pipe([s.text for s in seen], batch_size=16))
    spacy_seconds = time.process_time() - t
    out: dict = {"articles": len(articles), "spacy_cpu_s": round(spacy_seconds, 2)}
    for mode, model in (("rules", None), ("model", current_model())):
        table, results = CanonicalTable(), []
        t = time.process_time()
        with using(model):
            for a, s, d in zip(articles, seen, docs, strict=True):
                results.append(enrich_doc(a, d, s.body_offset, table, s.text, positions=s.positions))
        seconds = time.process_time() - t
        speakers = [v for e in results for v in e.speakers]
        odd = sorted(v for v in set(speakers) if suspicious(v))
        out[mode] = {"cpu_s": round(seconds, 3), "pct_of_spacy": round(100 * seconds / spacy_seconds, 2),
                     "speaker_values": len(speakers), "distinct": len(set(speakers)), "suspicious": len(odd),
                     "persons": len({v for e in results for v in e.persons}),
                     "quotes": sum(len(e.quotes) for e in results), "suspicious_values": odd}
    return out


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 300), indent=1))
