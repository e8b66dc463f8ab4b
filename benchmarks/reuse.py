"""Wire-copy detection against a word-containment baseline, under one protocol, in one run.

(a) Clough & Stevenson's corpus of short answers written from Wikipedia sources
    (/work/shared/data/research/clough.jsonl: research-only, read at run time, only
    aggregate figures printed): 95 answers from 5 sources, labelled cut / light / heavy / non.
(b) A synthetic newspaper-reuse corpus generated from Wikinews (benchmarks/reuse_corpus.py,
    the ``test`` half of the articles; the shipped model was trained on the other half).

Verdicts are compared by macro-F1 under repeated stratified k-fold cross-validation:
the baseline is the containment of the document's words in its source(s) with thresholds
fitted on the training folds; this project is the derivation features (dedupe/derivation)
with a logistic regression fitted on the same training folds; on (b) and binary (a) the
shipped model (no fitting on these data) is shown too. On (b) the passages are scored per
word against the copied spans known by construction.

    python benchmarks/reuse.py [--folds 10] [--repeats 10] [--seed 1]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from dedupe.api import ingest  # noqa: E402
from dedupe.config import Config  # noqa: E402
from dedupe.derivation import FEATURES, LABELS, feature_table  # noqa: E402
from dedupe.derivation.model import probabilities  # noqa: E402
from dedupe.near.shingles import word_spans  # noqa: E402
from dedupe.passages import find_passages  # noqa: E402

CLOUGH = Path("/work/shared/data/research/clough.jsonl")


# ----- the protocol -----
def containment(text: str, sources: list[str]) -> float:
    """Share of the distinct words of ``text`` found in the ``sources`` (the baseline)."""
    mine = {w for _, _, w in word_spans(text)}
    theirs = {w for s in sources for _, _, w in word_spans(s)}
    return len(mine & theirs) / len(mine) if mine else 0.0


def fit_thresholds(x: np.ndarray, y: np.ndarray, ordered: list[str], grid: int = 30) -> list[float]:
    """Cut points on ``x`` (classes ``ordered`` by rising x) that maximise macro-F1 on (x, y)."""
    qs = np.unique(np.quantile(x, np.linspace(0, 1, grid)))
    truth = np.array([ordered.index(v) for v in y])
    best, best_f = None, -1.0
    for cuts in itertools.combinations(qs, len(ordered) - 1):
        f = _macro_f1(truth, np.searchsorted(np.asarray(cuts), x, side="right"), len(ordered))
        if f > best_f:
            best, best_f = list(cuts), f
    return best


def _macro_f1(truth: np.ndarray, pred: np.ndarray, k: int) -> float:
    """Macro-F1 over classes 0..k-1 (as sklearn's, with zero_division=0), fast."""
    f = 0.0
    for c in range(k):
        tp = np.sum((pred == c) & (truth == c))
        denom = np.sum(pred == c) + np.sum(truth == c)
        f += 2 * tp / denom if denom else 0.0
    return f / k


def apply_thresholds(x: np.ndarray, cuts: list[float], ordered: list[str]) -> np.ndarray:
    return np.array(ordered, dtype=object)[np.searchsorted(np.asarray(cuts), x, side="right")]


def cross_validated(X: np.ndarray, b: np.ndarray, y: np.ndarray, ordered: list[str], folds: int, repeats: int):
    """Macro-F1 (mean and standard deviation over repeats) of the baseline (thresholds on
    ``b``) and of a logistic regression on ``X``, on the same folds."""
    scores = {"baseline": [], "dedupe": []}
    for r in range(repeats):
        pred_b = np.empty(len(y), dtype=object)
        pred_d = np.empty(len(y), dtype=object)
        for train, test in StratifiedKFold(folds, shuffle=True, random_state=r).split(X, y):
            pred_b[test] = apply_thresholds(b[test], fit_thresholds(b[train], y[train], ordered), ordered)
            model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))
            pred_d[test] = model.fit(X[train], y[train]).predict(X[test])
        scores["baseline"].append(f1_score(y, pred_b, average="macro"))
        scores["dedupe"].append(f1_score(y, pred_d, average="macro"))
    return {k: (float(np.mean(v)), float(np.std(v))) for k, v in scores.items()}


def shipped(X: np.ndarray) -> np.ndarray:
    return np.array(LABELS, dtype=object)[np.argmax(probabilities(X), axis=1)]


def features_of(docs: list[dict], judged: list[str], drafts=None):
    cfg = Config(detect_language=False)
    corpus, errors = ingest(docs, cfg)
    assert not errors, errors
    t0 = time.perf_counter()
    passages = find_passages(corpus, cfg)
    table = feature_table(corpus, passages, drafts)
    seconds = time.perf_counter() - t0
    X = np.array([table[d][0] if d in table else np.zeros(len(FEATURES)) for d in judged])
    return X, passages, seconds


def row(name: str, figures: dict, keys: list[str]) -> str:
    return f"{name:<44}" + "".join(f"{figures[k][0]:>10.3f} ±{figures[k][1]:.3f}" if isinstance(figures[k], tuple) else f"{figures[k]:>16.3f}" for k in keys)


# ----- (a) -----
def clough(folds: int, repeats: int) -> None:
    rows = [json.loads(line) for line in CLOUGH.open(encoding="utf-8")]
    sources = {r["story"]: r["text"] for r in rows if r["label"] == "source"}
    answers = [r for r in rows if r["label"] != "source"]
    docs = [{"id": r["id"], "text": r["text"]} for r in rows]
    ids = [r["id"] for r in answers]
    X, passages, _ = features_of(docs, ids, drafts=set(ids))
    b = np.array([containment(r["text"], [sources[r["story"]]]) for r in answers])
    y4 = np.array([r["label"] for r in answers], dtype=object)
    y2 = np.where(y4 == "non", "none", "derived").astype(object)
    print(f"\n(a) Clough corpus: {len(answers)} answers, {len(sources)} sources, {len(passages)} passages; "
          f"{folds}-fold CV x {repeats} repeats; baseline = word containment in the answer's own source")
    print(f"{'macro-F1':<44}{'baseline':>16}{'dedupe':>16}{'gain':>10}")
    four = cross_validated(X, b, y4, ["non", "heavy", "light", "cut"], folds, repeats)
    two = cross_validated(X, b, y2, ["none", "derived"], folds, repeats)
    for name, f in (("four-way (cut/light/heavy/non)", four), ("binary (non vs rest)", two)):
        print(row(name, f, ["baseline", "dedupe"]) + f"{f['dedupe'][0] - f['baseline'][0]:>+10.3f}")
    pred = np.where(shipped(X) == "none", "none", "derived")
    print(f"{'binary, shipped model (no fitting here)':<44}{'':>16}{f1_score(y2, pred, average='macro'):>16.3f}")


# ----- (b) -----
def synthetic(folds: int, repeats: int, seed: int) -> None:
    from reuse_corpus import build

    arts = build("test", seed)
    texts = {a.id: a.text for a in arts}
    judged = [a for a in arts if a.label != "source"]
    ids = [a.id for a in judged]
    docs = [{"id": a.id, "text": a.text, "date": a.date} for a in arts]
    X, passages, seconds = features_of(docs, ids)
    tp = fp = fn = 0
    spans: dict = {}
    for p in passages:
        for s in (p.a, p.b):
            spans.setdefault(s.doc, []).append((s.start, s.end))
    for a in judged:
        for s, e, _ in word_spans(a.text):
            mid = (s + e) / 2
            gold = any(gs <= mid < ge for gs, ge in a.gold)
            found = any(ps <= mid < pe for ps, pe in spans.get(a.id, []))
            tp += gold and found
            fp += found and not gold
            fn += gold and not found
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    f = 2 * p * r / max(1e-9, p + r)
    b = np.array([containment(a.text, [texts[s] for s in a.sources]) for a in judged])
    y3 = np.array([a.label for a in judged], dtype=object)
    y2 = np.where(y3 == "none", "none", "derived").astype(object)
    words = sum(len(word_spans(t)) for t in texts.values())
    print(f"\n(b) synthetic reuse corpus (Wikinews, seed {seed}): {len(arts) - len(judged)} agency versions, "
          f"{len(judged)} articles ({sum(y3 == 'wholly')} wholly, {sum(y3 == 'partially')} partially, {sum(y3 == 'none')} none), "
          f"{words:,} words, {len(passages)} passages ({seconds:.1f} s)")
    print(f"passages against copied spans, per word: precision {p:.3f}, recall {r:.3f}, F1 {f:.3f}")
    print(f"{'macro-F1':<44}{'baseline':>16}{'dedupe':>16}{'gain':>10}")
    three = cross_validated(X, b, y3, ["none", "partially", "wholly"], folds, repeats)
    two = cross_validated(X, b, y2, ["none", "derived"], folds, repeats)
    for name, res in (("three-way (wholly/partially/none)", three), ("binary (none vs rest)", two)):
        print(row(name, res, ["baseline", "dedupe"]) + f"{res['dedupe'][0] - res['baseline'][0]:>+10.3f}")
    pred = shipped(X)
    print(f"{'three-way, shipped model (trained on train half)':<44}{'':>16}{f1_score(y3, pred, average='macro'):>16.3f}")
    pred2 = np.where(pred == "none", "none", "derived")
    print(f"{'binary, shipped model (trained on train half)':<44}{'':>16}{f1_score(y2, pred2, average='macro'):>16.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", choices=["clough", "synthetic"])
    args = ap.parse_args()
    print("macro-F1: mean ± standard deviation over repeats of stratified k-fold cross-validation")
    if args.only != "synthetic":
        clough(args.folds, args.repeats)
    if args.only != "clough":
        synthetic(args.folds, args.repeats, args.seed)


if __name__ == "__main__":
    main()
