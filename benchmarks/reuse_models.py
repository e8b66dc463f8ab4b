"""The verdict's model and decision rule, measured on the verdict's own features (docs/reuse.md,
ninth round): nothing in the passages stage or the features changes, only what is fitted on
them and how a label is chosen.

Candidates (each against the shipped form, a multinomial logistic regression on the raw
features with the shipped ``C``):

- ``binary via three-way``: binary verdicts as the scan gives them (a three-way model fitted,
  ``partially`` and ``wholly`` read as derived) instead of a binary model;
- ``balanced``: class weights inversely proportional to class frequency (macro-F1 weighs
  every class alike);
- ``ordinal``: a cumulative-logit model (none < partially < wholly, one weight vector, two
  cut points);
- ``sqrt ...``: share features (0-1) entered as square roots, which spreads the low shares
  where the none/partially boundary lies.

Protocols as ``benchmarks/reuse.py``: cross-validated (stratified 10-fold, ``--repeats``),
and held out (fitted on the shipped model's training articles, the train half of (b) and
(b') seeds 1-3; errors on the test halves and on Clough). ``--corpora NAME=FILE.jsonl ...``
also counts the labels each candidate gives there against the shipped form (features as a
scan computes them), to see whether native multi-outlet news drifts.

    python benchmarks/reuse_models.py [--cache DIR] [--repeats 3] [--only NAME ...] [--corpora basil=...jsonl]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scipy.optimize import minimize  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from dedupe.derivation import FEATURES  # noqa: E402
from reuse import C, THREE_WAY, TRAIN, _binary, clough_data  # noqa: E402
from reuse_training import corpus  # noqa: E402

SHARES = [FEATURES.index(f) for f in ("coverage", "containment_1", "containment_2", "containment_3",
                                      "containment_5", "longest", "edited")]
RANK = {"none": 0, "partially": 1, "wholly": 2, "derived": 1, "non": 0, "heavy": 1, "light": 2, "cut": 3}


def rooted(columns):
    def transform(X):
        X = np.array(X, dtype=float)
        X[:, columns] = np.sqrt(np.clip(X[:, columns], 0, None))
        return X
    return transform


def logistic(transform=None, **kw):
    def fit_predict(X, y, Xt):
        t = transform or (lambda v: v)
        return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000, **kw)).fit(t(X), y).predict(t(Xt))
    return fit_predict


def ordinal(X, y, Xt):
    """Cumulative logit: P(y <= k) = sigmoid(t_k - x.w), L2 penalty 1/C on w."""
    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1
    Z, Zt = (X - mean) / scale, (Xt - mean) / scale
    classes = sorted(set(y), key=RANK.get)
    r, d = np.array([classes.index(v) for v in y]), Z.shape[1]

    def probs(p, Z):
        cuts = np.cumsum(np.concatenate(([p[d]], np.exp(p[d + 1:]))))
        cdf = 1 / (1 + np.exp(-(cuts[None, :] - (Z @ p[:d])[:, None])))
        return np.diff(np.hstack([np.zeros((len(Z), 1)), cdf, np.ones((len(Z), 1))]), axis=1)

    def loss(p):
        return -np.log(np.clip(probs(p, Z)[np.arange(len(r)), r], 1e-12, None)).sum() + 0.5 / C * (p[:d] @ p[:d])

    p = minimize(loss, np.zeros(d + len(classes) - 1), method="L-BFGS-B").x
    return np.array(classes, dtype=object)[np.argmax(probs(p, Zt), axis=1)]


CANDIDATES = {
    "shipped form": logistic(),
    "balanced": logistic(class_weight="balanced"),
    "ordinal": ordinal,
    "sqrt all shares": logistic(rooted(SHARES)),
    "sqrt coverage, longest, edited": logistic(rooted([0, 5, 8])),
    "sqrt containment": logistic(rooted([1, 2, 3, 4])),
}


def cv(X, y, fit_predict, repeats, binary_via_fine=False):
    """Mean macro-F1 over repeats of stratified 10-fold CV (``binary_via_fine``: ``y`` holds the
    fine labels, the model is fitted on them and scored binary)."""
    target = _binary(y) if binary_via_fine else y
    out = []
    for r in range(repeats):
        pred = np.empty(len(y), dtype=object)
        for train, test in StratifiedKFold(10, shuffle=True, random_state=r).split(X, target):
            pred[test] = fit_predict(X[train], y[train], X[test])
        out.append(f1_score(target, _binary(pred) if binary_via_fine else pred, average="macro"))
    return float(np.mean(out))


def scan_table(path: str) -> np.ndarray:
    """The verdict features of every document of a JSONL corpus, as a scan computes them."""
    from dedupe.api import ingest
    from dedupe.config import Config
    from dedupe.derivation import feature_table
    from dedupe.passages import find_reuse

    docs = [json.loads(line) for line in open(path, encoding="utf-8")]
    cfg = Config()
    corpus_, errors = ingest(docs, cfg)
    table = feature_table(corpus_, find_reuse(corpus_, cfg))
    return np.array([table[i][0] if i in table else np.zeros(len(FEATURES)) for i in corpus_.ids])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default="/tmp/reuse_models_cache")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", nargs="+", choices=list(CANDIDATES))
    ap.add_argument("--corpora", nargs="*", default=[], help="NAME=FILE.jsonl: label counts per candidate")
    args = ap.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    tests = {f"(b) s{s}": corpus("test", s, "default", cache)[:2] for s in (1, 2, 3)}
    tests["(b') s1"] = corpus("test", 1, "spliced", cache)[:2]
    path = cache / "clough4.npz"
    if not path.exists():
        _, _, X4, _, _, y4 = clough_data()
        np.savez(path, X=X4, y=np.array(y4, dtype=str))
    z = np.load(path)
    X4, y4 = z["X"], z["y"].astype(object)
    y3 = np.array([THREE_WAY[v] for v in y4], dtype=object)
    parts = [corpus("train", s, v, cache) for v in TRAIN["variants"] for s in TRAIN["seeds"]]
    trX, trY = np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    held = {f"(b) s{s}": corpus("test", s, "default", cache)[:2] for s in (1, 2, 3)}
    held.update({f"(b') s{s}": corpus("test", s, "spliced", cache)[:2] for s in (1, 2, 3)})
    held["(a)"] = (X4, y3)
    tables = {name: scan_table(p) for name, p in (c.split("=", 1) for c in args.corpora)}
    base_labels = {name: CANDIDATES["shipped form"](trX, trY, T) for name, T in tables.items()}
    print(f"CV: macro-F1 three-way / binary, 10-fold x {args.repeats}; (a): four-way / three-way / binary. "
          "Held out: errors (three-way / binary macro-F1)")
    for name in args.only or list(CANDIDATES):
        m = CANDIDATES[name]
        cells = [f"{k} {cv(X, y, m, args.repeats):.3f} / {cv(X, _binary(y), m, args.repeats):.3f}" for k, (X, y) in tests.items()]
        cells.append(f"(a) {cv(X4, y4, m, args.repeats):.3f} / {cv(X4, y3, m, args.repeats):.3f} / "
                     f"{cv(X4, np.where(y4 == 'non', 'none', 'derived').astype(object), m, args.repeats):.3f}")
        print(f"{name}\n  CV: " + "; ".join(cells))
        if name == "shipped form":
            print("  binary via three-way, CV: " + "; ".join(f"{k} {cv(X, y, m, args.repeats, True):.3f}" for k, (X, y) in tests.items()))
        out = []
        for k, (X, y) in held.items():
            p = m(trX, trY, X)
            out.append(f"{k} {int((p != y).sum())} ({f1_score(y, p, average='macro'):.3f} / "
                       f"{f1_score(_binary(y), _binary(p), average='macro'):.3f})")
        print("  held out: " + "; ".join(out))
        for k, T in tables.items():
            p = m(trX, trY, T)
            moved = collections.Counter(f"{a}->{b}" for a, b in zip(base_labels[k], p) if a != b)
            print(f"  {k}: labels {dict(sorted(collections.Counter(p).items()))}, against the shipped form {dict(moved)}")


if __name__ == "__main__":
    main()
