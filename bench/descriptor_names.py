"""Person values that open with a descriptor word ('Billionaire Donald Trump'), counted on the allsides sample:

    nice -n 10 .venv/bin/python bench/descriptor_names.py 2000 [/tmp/values.json]   # counts [and every value]
    .venv/bin/python bench/descriptor_names.py --diff /tmp/before.json /tmp/after.json     # what changed

Parses the first N articles once (cached as a DocBin in /tmp, keyed by the texts and the spaCy model), enriches each
with the current code and counts the person and speaker values whose first word is a common word here by one
of three kinds of evidence: the article writes it in lower case, the tagger calls another of its occurrences
a noun or adjective (outside a person), or it is a role noun of the small list below (for counting only). Values
whose first word is also a first name ('Will Hurd', 'Hope Hicks') or that are only two words ('Rich Lowry',
'Young Kim') are what a naive rule would break; they are counted apart.
"""

from __future__ import annotations

import collections
import functools
import gzip
import hashlib
import itertools
import json
import re
import sys
from pathlib import Path

from corpora import CORPORA  # noqa: E402  (bench/ is this script's first path entry)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsfind.index.nlp.canonical import CanonicalTable  # noqa: E402
from newsfind.index.nlp.enrich import analysed, enrich_doc  # noqa: E402
from newsfind.index.nlp.names import is_first_name  # noqa: E402
from newsfind.index.nlp.pipeline import load_pipeline  # noqa: E402
from newsfind.index.readers.types import SourceArticle  # noqa: E402

CORPUS = CORPORA / "allsides.jsonl.gz"
ROLE_NOUNS = frozenset("""billionaire businessman businesswoman mogul celebrity celebrities actor actress singer
    rapper comedian host pundit columnist commentator activist author writer journalist reporter editor blogger
    investor entrepreneur developer tycoon magnate lawyer billionaires candidate veteran officer""".split())
_NOUNISH = frozenset({"NN", "NNS", "JJ", "JJR", "JJS"})
# Lower-case words of running text, not of an address or handle ('kristina.peterson@', '@realdonaldtrump'): the
# same as index/nlp/lower_words.py's, written out so that the script counts the code before the fix alike.
_RUNNING_LOWER_WORD = re.compile(r"(?<![\w@#./_-])[a-z]+(?![\w@/_-]|\.\w)")


@functools.lru_cache(maxsize=4)
def _running_lower_words(text: str) -> frozenset[str]:
    return frozenset(_RUNNING_LOWER_WORD.findall(text))


def _docs(nlp, texts: list[str], n: int):
    from spacy.tokens import DocBin

    # the pipeline's order and components change the parse too (round 11 put NER before the parser)
    digest = hashlib.sha256("\0".join([*nlp.pipe_names, *texts]).encode()).hexdigest()[:16]
    cache = Path(f"/tmp/newsfind-descriptor-docs-{n}-{nlp.meta['name']}-{nlp.meta['version']}-{digest}.spacy")
    if cache.exists():
        return list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    docs = list(nlp.pipe(texts, batch_size=16))
    DocBin(docs=docs).to_disk(cache)
    return docs


def evidence(word: str, text: str, doc) -> list[str]:
    """Why `word` (capitalised at the head of a person value) is a common word in this article."""
    low = word.lower()
    out = []
    if low in _running_lower_words(text):
        out.append("lower")
    if any(t.lower_ == low and t.tag_ in _NOUNISH and t.ent_type_ != "PERSON" for t in doc):
        out.append("tag")
    if low in ROLE_NOUNS:
        out.append("role")
    return out


def enriched(n: int):
    """(article, analysed text, doc, enrichment) of the first `n` benchmark articles, one name table across them (as an
    index run), the parses cached (`_docs`)."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in itertools.islice(fh, n)]
    articles = [SourceArticle(id=r["id"], title=r["title"], body=r["body"], source=r["id"]) for r in records]
    seen = [analysed(a) for a in articles]
    docs = _docs(load_pipeline(), [s.text for s in seen], n)
    table = CanonicalTable()
    for a, s, d in zip(articles, seen, docs, strict=True):
        yield a, s.text, d, enrich_doc(a, d, s.body_offset, table, s.text, positions=s.positions)


def main(n: int, dump: Path | None = None) -> dict:
    dumped: dict[str, dict] = {}
    persons, speakers = collections.Counter(), collections.Counter()
    flagged: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    examples: dict[str, dict[str, list[str]]] = collections.defaultdict(dict)
    articles = 0
    for a, text, d, e in enriched(n):
        articles += 1
        persons.update(set(e.persons))
        if dump is not None:
            dumped[a.id] = {"persons": e.persons, "speakers": e.speakers}
        speakers.update(set(e.speakers))
        for value in set(e.persons):
            words = value.split()
            if len(words) < 2 or not words[0][:1].isupper():
                continue
            why = evidence(words[0], text, d)
            if not why:
                continue
            group = ("first-name word" if is_first_name(words[0]) else
                     "two words" if len(words) == 2 else "descriptor + name")
            for w in why:
                flagged[f"{group} / {w}"][value] += 1
            flagged[f"{group} / any"][value] += 1
            examples[group].setdefault(value, why)
    out: dict = {"articles": articles, "distinct persons": len(persons), "distinct speakers": len(speakers),
                 "person values (article x value)": sum(persons.values())}
    for key in sorted(flagged):
        c = flagged[key]
        out[key] = {"distinct": len(c), "article values": sum(c.values()),
                    "speaker values": sum(1 for v in c if v in speakers)}
    for group, values in sorted(examples.items()):
        out[f"examples: {group}"] = [f"{v} ({','.join(values[v])}; {persons[v]} art.)"
                                     for v in sorted(values, key=lambda v: (-persons[v], v))[:60]]
    if dump is not None:
        dump.write_text(json.dumps(dumped, ensure_ascii=False, indent=0), "utf-8")
    return out


def diff(before: Path, after: Path) -> None:
    """Person and speaker values that one dump has and the other has not, article by article."""
    a, b = json.loads(before.read_text("utf-8")), json.loads(after.read_text("utf-8"))
    for doc_id in a:
        for facet in ("persons", "speakers"):
            gone = [v for v in a[doc_id][facet] if v not in b[doc_id][facet]]
            new = [v for v in b[doc_id][facet] if v not in a[doc_id][facet]]
            if gone or new:
                print(f"{doc_id}\t{facet}\t-{gone}\t+{new}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--diff"]:
        diff(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000,
                              Path(sys.argv[2]) if len(sys.argv) > 2 else None), indent=1))
