"""Vocabulary-based sources and features for the derivation verdict, measured against the
shipped features (docs/reuse.md, eighth round). Nothing here changes what a scan reports;
each variant is computed from the scan's result and scored as ``benchmarks/reuse.py`` scores
dedupe (logistic regression, stratified 10-fold CV, mean over repeats; the gain over the
word-containment baseline in brackets), and held out: a model fitted as
``scripts/train_derivation.py`` fits it on the train halves of (b) and (b') (seeds 1-3, C
chosen by CV), applied to the test halves (seeds 1-3; three-way / binary macro-F1, errors)
and to Clough (a).

- ``vocab src``: a document with no source (no passage or telling run with any document)
  gets its nearest document by TF-IDF cosine of words (idf over the corpus; on Clough among
  the five sources, elsewhere among all earlier or undated documents) as a source: its
  containment_1..5 are read against it and ``sources`` counts it;
- ``cos``: TF-IDF cosine with its most similar source;
- ``flag``: 1 when its only source is the vocabulary one;
- ``rare``: its words found in its sources taken together, each weighted by its idf in the
  corpus; ``zrare``: the same weighted by -log10 of its English frequency (9 - Zipf), the
  ``informative`` feature the eighth round built into the verdict, measured and took back.

Scans are cached in ``--cache`` (pickles of features and word hashes; research text is not
stored).

    python benchmarks/reuse_vocabulary.py [--repeats 3] [--cache DIR] [--only NAME ...]
"""

import argparse
import os
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "benchmarks", ROOT / "scripts"):
    sys.path.insert(0, str(p))
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.metrics import f1_score
from dedupe.derivation import FEATURES, _shared, when
from dedupe.derivation.features import NGRAMS
from dedupe.passages import SEED_NGRAM
from dedupe.passages.tokens import words_of
from dedupe.near.shingles import combine_ngrams
from reuse import THREE_WAY, _binary, clough_data, cross_validated, containment
from reuse_corpus import featured
from train_derivation import fit
from dedupe.derivation.model import arrays, probabilities
from dedupe.derivation import LABELS
COL = {f: i for i, f in enumerate(FEATURES)}

def load(key):
    path = os.path.join(CACHE_DIR, f"{key}.pkl")
    if os.path.exists(path):
        return pickle.load(open(path, "rb"))
    if key == "a":
        docs, ids, X, reuse, b, y4 = clough_data()
        drafts = set(ids); y = y4
    else:
        split, seed, sp = key.split("-"); arts, judged, X, reuse, _ = featured(split, int(seed), sp == "s")
        texts = {a.id: a.text for a in arts}
        docs = [{"id": a.id, "text": a.text, "date": a.date} for a in arts]; ids = [a.id for a in judged]; drafts = None
        y = np.array([a.label for a in judged], dtype=object)
        b = np.array([containment(a.text, [texts[s] for s in a.sources]) for a in judged])
    shared = _shared(reuse)
    srcs = {}
    order = {d["id"]: i for i, d in enumerate(docs)}
    dates = {d["id"]: when(d.get("date")) for d in docs}
    for doc in ids:
        out = []
        for o in sorted(shared.get(doc, {}), key=order.get):
            if drafts is not None and o in drafts: continue
            if dates[doc] and dates[o] and dates[o] > dates[doc]: continue
            out.append(o)
        srcs[doc] = out
    from dedupe.rules._lex import zipf_en
    words, zw = {}, {}
    for d in docs:
        w = words_of(d["text"], SEED_NGRAM); words[d["id"]] = w.hashes
        zw[d["id"]] = {int(h): max(0.0, 9.0 - zipf_en(t)) for h, t in zip(w.hashes, w.tokens)}
    z = dict(docs=[{"id": d["id"], "date": d.get("date")} for d in docs], ids=ids, X=X, y=y, b=b, srcs=srcs, words=words, zw=zw, drafts=drafts)
    pickle.dump(z, open(path, "wb"))
    return z

def extra(z, mode):
    """X with vocab-source features."""
    ids, X, docs, words = z["ids"], z["X"].copy(), z["docs"], z["words"]
    allids = [d["id"] for d in docs]
    pos = {d: i for i, d in enumerate(allids)}
    vocab = {}
    rows, cols = [], []
    for i, d in enumerate(allids):
        u = np.unique(words[d])
        for h in u:
            cols.append(vocab.setdefault(int(h), len(vocab))); rows.append(i)
    # tf counts
    rr, cc, vv = [], [], []
    for i, d in enumerate(allids):
        u, cnt = np.unique(words[d], return_counts=True)
        rr += [i] * len(u); cc += [vocab[int(h)] for h in u]; vv += cnt.tolist()
    M = sparse.csr_matrix((vv, (rr, cc)), shape=(len(allids), len(vocab)), dtype=float)
    T = TfidfTransformer(sublinear_tf=True).fit(M)
    V = T.transform(M)
    idf = T.idf_
    dates = {d["id"]: when(d.get("date")) for d in docs}
    drafts = z["drafts"]
    judged_rows = [pos[d] for d in ids]
    S = (V[judged_rows] @ V.T).toarray()
    cosf, flag, rare, zr = np.zeros(len(ids)), np.zeros(len(ids)), np.zeros(len(ids)), np.zeros(len(ids))
    for k, d in enumerate(ids):
        srcs = z["srcs"][d]
        sims = S[k]
        if srcs:
            j = max(srcs, key=lambda o: sims[pos[o]]); cosf[k] = sims[pos[j]]
            best = [j]
        elif mode != "cosonly":
            ok = [o for o in allids if o != d and (drafts is None or o not in drafts)
                  and not (dates[d] and dates[o] and dates[o] > dates[d])]
            if not ok: continue
            j = max(ok, key=lambda o: sims[pos[o]])
            cosf[k] = sims[pos[j]]; best = [j]; flag[k] = 1
            # containment_n against it
            for c, n in enumerate(NGRAMS, start=1):
                mine = np.unique(combine_ngrams(words[d], n)) if len(words[d]) >= n else np.zeros(0, np.uint64)
                theirs = np.unique(combine_ngrams(words[j], n)) if len(words[j]) >= n else np.zeros(0, np.uint64)
                X[k, c] = np.isin(mine, theirs).mean() if mine.size else 0
            X[k, COL["sources"]] = np.log1p(1)
        else:
            continue
        mine = np.unique(words[d]); theirs = np.unique(np.concatenate([words[o] for o in (srcs or best)]))
        if mine.size:
            w = idf[[vocab[int(h)] for h in mine]]
            rare[k] = (w * np.isin(mine, theirs)).sum() / w.sum()
            wz = np.array([z["zw"][d][int(h)] for h in mine])
            zr[k] = (wz * np.isin(mine, theirs)).sum() / wz.sum() if wz.sum() else 0.0
    cols = {"cos": cosf, "flag": flag, "rare": rare, "zrare": zr}
    return X, cols

CACHE = {}
def build(z, mode, add, drop=()):
    if mode != "shipped" and (id(z), mode) not in CACHE:
        CACHE[id(z), mode] = extra(z, mode)
    X, cols = CACHE[id(z), mode] if mode != "shipped" else (z["X"], {})
    X = X[:, [i for i, f in enumerate(FEATURES) if f not in drop]]
    return np.column_stack([X] + [cols[c] for c in add]) if add else X

# name -> (how sources are found, columns added, features of the scan's ``FEATURES`` left out)
VARIANTS = {
  "shipped": ("shipped", []),
  "cos (run sources)": ("cosonly", ["cos"]),
  "vocab src": ("vocab", []),
  "vocab src + cos": ("vocab", ["cos"]),
  "vocab src + cos + flag": ("vocab", ["cos", "flag"]),
  "vocab src + cos + rare": ("vocab", ["cos", "rare"]),
  "vocab src + flag": ("vocab", ["flag"]),
  "rare (run sources)": ("cosonly", ["rare"]),
  "zrare (run sources)": ("cosonly", ["zrare"]),
  "zrare + rare": ("cosonly", ["zrare", "rare"]),
  "vocab src + rare": ("vocab", ["rare"]),
  "vocab src + rare + flag": ("vocab", ["rare", "flag"]),
}
CACHE_DIR = "/tmp/reuse_vocabulary_cache"


def main() -> None:
    global CACHE_DIR
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cache", default=CACHE_DIR)
    ap.add_argument("--only", nargs="+", choices=list(VARIANTS))
    args = ap.parse_args()
    CACHE_DIR = args.cache
    os.makedirs(CACHE_DIR, exist_ok=True)
    reps, only = args.repeats, args.only or list(VARIANTS)
    t = time.time()
    A = load("a"); Bt = load("test-1-d"); Bs = load("test-1-s")
    trains = [load(f"train-{s}-{v}") for v in "ds" for s in (1, 2, 3)]
    tests = {f"b{s}": load(f"test-{s}-d") for s in (1, 2, 3)}
    tests.update({f"b's{s}": load(f"test-{s}-s") for s in (1, 2, 3)})
    print("loaded", time.time() - t, flush=True)
    y3a = np.array([THREE_WAY[v] for v in A["y"]], dtype=object)
    tasks = [("a4", A, A["y"], ["non", "heavy", "light", "cut"]), ("a3", A, y3a, ["none", "partially", "wholly"]),
             ("a2", A, _binary(y3a), ["none", "derived"]),
             ("b3", Bt, Bt["y"], ["none", "partially", "wholly"]), ("b2", Bt, _binary(Bt["y"]), ["none", "derived"]),
             ("b'3", Bs, Bs["y"], ["none", "partially", "wholly"]), ("b'2", Bs, _binary(Bs["y"]), ["none", "derived"])]
    for name in only:
        mode, add, *drop = VARIANTS[name]
        drop = drop[0] if drop else ()
        cells = []
        for tk, z, y, ordered in tasks:
            r = cross_validated(build(z, mode, add, drop), z["b"], y, ordered, 10, reps)
            cells.append(f"{tk} {r['dedupe'][0]:.3f}({r['dedupe'][0]-r['baseline'][0]:+.3f})")
        Xtr = np.vstack([build(z, mode, add, drop) for z in trains]); ytr = np.concatenate([z["y"] for z in trains])
        model = fit(Xtr, list(ytr), None, None)
        held = []
        for k, z in list(tests.items()) + [("a", A)]:
            yt = y3a if k == "a" else z["y"]
            p = np.array(LABELS, dtype=object)[np.argmax(probabilities(build(z, mode, add, drop), arrays(model)), axis=1)]
            held.append(f"{k} {f1_score(yt, p, average='macro'):.3f}/{f1_score(_binary(yt), _binary(p), average='macro'):.3f}({int((p != yt).sum())})")
        print(f"== {name} C={model['C']}\n  CV: " + " ".join(cells) + "\n  HO: " + " ".join(held), flush=True)


if __name__ == "__main__":
    main()
