"""A learned contextual source tagger for the attribution model (issue 17, "CRF over source/cue/content tags").

    .venv/bin/python bench/source_tagger.py --kind mlp:64 --width 2 --heads   # (a), token scores on 5-fold CV
    .venv/bin/python bench/source_tagger.py --kind own:64 --iters 6            # (b), 6 epochs

Each token of a PolNeAR train article is tagged SOURCE / CUE / CONTENT / O from the annotated spans of its
attributions (`speaker_span`, `cue_span`, `quote_span`; a source inside another's content is SOURCE).
(a) reads the pipeline's own, frozen `tok2vec` vectors (96 numbers per token, no second embedding): a softmax
over them (`--kind softmax`, what a spaCy `tagger` listening to that tok2vec learns), or one hidden layer
(`mlp:N`), over a window of `--width` tokens each side, with `--heads` also the vectors of the token's head
and its head's head and its dependency. (b) is a spaCy `tagger` with its own small Tok2Vec. Train only,
never dev; folds by document as bench/attribution_folds.py deals them, seeded and single-threaded: each
train article is tagged by a tagger trained on the other folds, and these out-of-fold probabilities are
cached (~/.cache/newsfind-eval/r3tagger-oof-*.pkl) for bench/tagger_cv.py. Measured, not kept (README
"Speaker attribution model", round 3).
"""

from __future__ import annotations

from single_thread import single_threaded  # bench/ is a script's first path entry

if __name__ == "__main__":  # a rerun gives the same numbers; before numpy is imported
    single_threaded()

import argparse  # noqa: E402
import pickle  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_attribution as harness  # noqa: E402
from attribution_folds import DEFAULT_SEED, assign_folds  # noqa: E402

LABELS = ("O", "SOURCE", "CUE", "CONTENT")
ITERS = 8
CACHE = Path.home() / ".cache" / "newsfind-eval"


def token_labels(d: dict, nlp_doc, body_offset: int, positions) -> list[int]:
    """The gold tag of each token (by its first character, mapped back to the record's text)."""
    text = d["text"]
    chars = bytearray(len(text) + 1)
    atts = [a for a in d["quotes"] if a["type"].startswith("Attribution")]
    for key, tag in (("quote_span", 3), ("cue_span", 2), ("speaker_span", 1)):
        for a in atts:
            for s, e in a.get(key) or []:
                chars[s:e] = bytes([tag]) * (e - s)
    out = []
    for tok in nlp_doc:
        j = tok.idx
        if j >= body_offset:
            k = j - body_offset
            j = body_offset + (positions[k] if positions is not None and k < len(positions) else k)
        out.append(chars[j] if j < len(text) else 0)
    return out


def tensors(nlp, parsed: list) -> list:
    """The frozen tok2vec's vectors of each Doc (the parse cache does not keep doc.tensor)."""
    import numpy as np

    tok2vec = nlp.get_pipe("tok2vec")
    out = []
    for doc in tok2vec.pipe(parsed, batch_size=16):
        out.append(np.asarray(doc.tensor, dtype=np.float32))
    return out


def windowed(x, width: int = 2):
    """Each row with its neighbours' rows (zeros past the ends), `width` each side."""
    import numpy as np

    n, d = x.shape
    pad = np.zeros((width, d), dtype=x.dtype)
    xp = np.vstack([pad, x, pad])
    return np.hstack([xp[width + k:width + k + n] for k in range(-width, width + 1)])


def load_train(limit=None):
    import train_attribution as ta

    docs, parsed, items, _ = ta.prepared(harness.DEFAULT_CORPUS, "train", limit)
    from newsfind.index.nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    return docs, parsed, items, nlp


def prepare(limit=None):
    path = CACHE / f"r3tagger-train2-{limit}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    docs, parsed, items, nlp = load_train(limit)
    t0 = time.process_time()
    vecs = tensors(nlp, parsed)
    print(f"tok2vec over train: {time.process_time() - t0:.1f} CPU-s", flush=True)
    labels = [token_labels(d, doc, seen.body_offset, seen.positions)
              for d, doc, (_, seen) in zip(docs, parsed, items, strict=True)]
    data = {"ids": [d["doc_id"] for d in docs], "vecs": vecs, "labels": labels, "syntax": syntax(parsed)}
    path.write_bytes(pickle.dumps(data))
    return data


DEPS = ("ROOT", "acl", "acomp", "advcl", "advmod", "agent", "amod", "appos", "attr", "aux", "auxpass", "case",
        "cc", "ccomp", "compound", "conj", "csubj", "dative", "dep", "det", "dobj", "expl", "intj", "mark", "meta",
        "neg", "nmod", "npadvmod", "nsubj", "nsubjpass", "nummod", "oprd", "parataxis", "pcomp", "pobj", "poss",
        "preconj", "predet", "prep", "prt", "punct", "quantmod", "relcl", "xcomp")


def syntax(parsed: list) -> list:
    """(head index, head's head index, dependency number) of every token of each Doc."""
    index = {d: k for k, d in enumerate(DEPS)}
    return [[(t.head.i, t.head.head.i, index.get(t.dep_, len(DEPS))) for t in doc] for doc in parsed]


def fit(X, y, kind: str, seed: int):
    if kind == "softmax":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=1.0, max_iter=300, random_state=seed).fit(X, y)
    from sklearn.neural_network import MLPClassifier

    hidden = int(kind.split(":")[1]) if ":" in kind else 64
    return MLPClassifier(hidden_layer_sizes=(hidden,), alpha=1e-4, batch_size=256, learning_rate_init=1e-3,
                         max_iter=ITERS, random_state=seed, shuffle=True, early_stopping=False).fit(X, y)


def with_syntax(v, syn, width: int):
    """The window of `v`, the vectors of the token's head and head's head, and its dependency (one-hot)."""
    import numpy as np

    heads = np.array([h for h, _, _ in syn], dtype=np.int64)
    heads2 = np.array([h for _, h, _ in syn], dtype=np.int64)
    dep = np.zeros((len(syn), len(DEPS) + 1), dtype=np.float32)
    dep[np.arange(len(syn)), [d for _, _, d in syn]] = 1.0
    return np.hstack([windowed(v, width) if width else v, v[heads], v[heads2], dep])


def own_tok2vec_oof(data, width: int, epochs: int, folds: int = 5, seed: int = DEFAULT_SEED):
    """Option (b): a spaCy `tagger` with its own small Tok2Vec (MultiHashEmbed of NORM/PREFIX/SUFFIX/SHAPE,
    a MaxoutWindowEncoder of depth 4, window 1), trained per fold on the others' tokens; seeded."""
    import random

    import numpy as np
    import spacy
    from spacy.tokens import Doc
    from spacy.training import Example
    from thinc.api import fix_random_seed

    docs, parsed, items, _ = load_train(None)
    words = {d["doc_id"]: ([t.text for t in doc], [bool(t.whitespace_) for t in doc])
             for d, doc in zip(docs, parsed, strict=True)}
    fold_of = assign_folds(data["ids"], folds, seed)
    probs = [None] * len(data["ids"])
    predict_s: list[float] = []
    for k in range(folds):
        t0 = time.process_time()
        fix_random_seed(seed)
        nlp = spacy.blank("en")
        tok2vec = {"@architectures": "spacy.Tok2Vec.v2",
                   "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": width,
                             "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"], "rows": [5000, 1000, 2500, 2500],
                             "include_static_vectors": False},
                   "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": width, "depth": 4,
                              "window_size": 1, "maxout_pieces": 3}}
        tagger = nlp.add_pipe("tagger", config={"model": {"@architectures": "spacy.Tagger.v2", "nO": None,
                                                          "normalize": False, "tok2vec": tok2vec}})

        def doc_of(i, vocab=nlp.vocab):
            w, sp = words[data["ids"][i]]
            return Doc(vocab, words=w, spaces=sp)

        tr = [i for i, d in enumerate(data["ids"]) if fold_of[d] != k]
        te = [i for i, d in enumerate(data["ids"]) if fold_of[d] == k]
        examples = [Example.from_dict(doc_of(i), {"tags": [LABELS[t] for t in data["labels"][i]]}) for i in tr]
        optimizer = nlp.initialize(lambda examples=examples: examples[:50])
        rng = random.Random(seed)
        for _ in range(epochs):
            rng.shuffle(examples)
            for b in range(0, len(examples), 8):
                nlp.update(examples[b:b + 8], sgd=optimizer, drop=0.1)
        order = [list(tagger.labels).index(name) for name in LABELS]
        t1 = time.process_time()
        for i in te:
            probs[i] = np.asarray(tagger.model.predict([doc_of(i)])[0])[:, order].astype(np.float32)
        predict_s.append((time.process_time() - t1) / len(te))
        print(f"  fold {k + 1}: {time.process_time() - t0:.0f} CPU-s", flush=True)
    print(f"  tagging: {1000 * sum(predict_s) / len(predict_s):.1f} CPU-ms per article")
    y = np.concatenate([np.array(v) for v in data["labels"]])
    pred = np.concatenate([p.argmax(1) for p in probs])
    return probs, token_scores(y, pred)


def features_of(data, width, heads=False):
    if heads:
        return [with_syntax(v, s, width) for v, s in zip(data["vecs"], data["syntax"], strict=True)]
    return [windowed(v, width) if width else v for v in data["vecs"]]


def token_scores(y, pred):
    out = {}
    for k, name in enumerate(LABELS[1:], 1):
        tp = int(((pred == k) & (y == k)).sum())
        fp = int(((pred == k) & (y != k)).sum())
        fn = int(((pred != k) & (y == k)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[name] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return out


def oof(data, kind: str, width: int, heads: bool = False, folds: int = 5, seed: int = DEFAULT_SEED):
    import numpy as np

    fold_of = assign_folds(data["ids"], folds, seed)
    feats = features_of(data, width, heads)
    probs = [None] * len(feats)
    predict_s: list[float] = []
    for k in range(folds):
        t0 = time.process_time()
        tr = [i for i, d in enumerate(data["ids"]) if fold_of[d] != k]
        te = [i for i, d in enumerate(data["ids"]) if fold_of[d] == k]
        X = np.vstack([feats[i] for i in tr])
        y = np.concatenate([np.array(data["labels"][i]) for i in tr])
        est = fit(X, y, kind, seed)
        t1 = time.process_time()
        for i in te:  # at run time: the features of one article from its Doc's tensor, then the tagger
            one = with_syntax(data["vecs"][i], data["syntax"][i], width) if heads else feats[i]
            probs[i] = est.predict_proba(one).astype(np.float32)
        predict_s.append((time.process_time() - t1) / len(te))
        print(f"  fold {k + 1}: {time.process_time() - t0:.0f} CPU-s", flush=True)
    y = np.concatenate([np.array(v) for v in data["labels"]])
    pred = np.concatenate([p.argmax(1) for p in probs])
    print(f"  tagging: {1000 * sum(predict_s) / len(predict_s):.1f} CPU-ms per article")
    return probs, token_scores(y, pred)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", default="softmax")
    ap.add_argument("--width", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--heads", action="store_true", help="add the head's and head's head's vectors, the dependency")
    ap.add_argument("--iters", type=int, default=8)
    args = ap.parse_args(argv)
    data = prepare(args.limit)
    n = sum(len(v) for v in data["labels"])
    print(f"{len(data['ids'])} articles, {n} tokens", flush=True)
    t0 = time.process_time()
    global ITERS
    ITERS = args.iters
    if args.kind.startswith("own"):  # own:WIDTH, --iters epochs
        probs, scores = own_tok2vec_oof(data, int(args.kind.split(":")[1]), args.iters)
    else:
        probs, scores = oof(data, args.kind, args.width, args.heads)
    for name, (p, r, f) in scores.items():
        print(f"{args.kind} w{args.width} heads={args.heads} iters={args.iters} {name:<8} "
              f"P {p:.3f} R {r:.3f} F1 {f:.3f}")
    print(f"CV in {time.process_time() - t0:.0f} CPU-s")
    tag = f"{args.kind.replace(':', '')}-w{args.width}{'h' if args.heads else ''}-i{args.iters}"
    out = CACHE / f"r3tagger-oof-{tag}.pkl"
    out.write_bytes(pickle.dumps({"ids": data["ids"], "probs": probs}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
