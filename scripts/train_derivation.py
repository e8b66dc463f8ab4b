"""Train the derivation verdict's model and write it as plain numbers (no pickle) to
dedupe/derivation/model.json.

Training data: the ``train`` half of the synthetic reuse corpus built from English Wikinews
(CC BY 2.5; benchmarks/reuse_corpus.py), so that the shipped numbers come from openly
licensed text only and the benchmark's ``test`` half (and the Clough corpus) stay unseen.
The features are those the scan computes (dedupe.derivation.feature_table on find_reuse).
The regularisation C is chosen from C_GRID by 10-fold cross-validated macro-F1 on these articles.

    python scripts/train_derivation.py [--seeds 1 2 3] [--variants default spliced mixed]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # noqa: E402

from dedupe.derivation import FEATURES, LABELS  # noqa: E402
from dedupe.derivation.model import MODEL_PATH, arrays, probabilities  # noqa: E402
from reuse_corpus import VARIANTS, featured  # noqa: E402


def examples(seed: int, variant: str = "default"):
    _, judged, X, _, _ = featured("train", seed, VARIANTS[variant])
    return list(X), [a.label for a in judged]


# inverse regularisation strengths tried; the one with the best 10-fold cross-validated
# macro-F1 on the training articles is kept (and recorded in model.json)
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)


def choose_c(Z: np.ndarray, y: list, class_weight=None) -> float:
    folds = StratifiedKFold(10, shuffle=True, random_state=0)
    score = {c: f1_score(y, cross_val_predict(LogisticRegression(C=c, class_weight=class_weight, max_iter=5000), Z, y, cv=folds),
                         average="macro")
             for c in C_GRID}
    return max(C_GRID, key=lambda c: (round(score[c], 3), -c))  # ties: the stronger regularisation


def fit(X: np.ndarray, y: list, C=None, class_weight=None) -> dict:
    """The model as model.json holds it (without ``about``): standardisation, then a
    logistic regression with ``C`` (None: chosen by :func:`choose_c`)."""
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale
    C = choose_c(Z, y, class_weight) if C is None else C
    model = LogisticRegression(C=C, class_weight=class_weight, max_iter=5000).fit(Z, y)
    order = [list(model.classes_).index(c) for c in LABELS]
    return {
        "C": C,
        "features": list(FEATURES),
        "classes": list(LABELS),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [[round(float(v), 6) for v in model.coef_[k]] for k in order],
        "intercept": [round(float(model.intercept_[k]), 6) for k in order],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=["default"])
    ap.add_argument("--out", default=str(MODEL_PATH))
    args = ap.parse_args()
    X, y = [], []
    for variant in args.variants:
        for seed in args.seeds:
            xs, ys = examples(seed, variant)
            X += xs
            y += ys
    X = np.array(X)
    model = fit(X, y)
    out = {
        "about": "multinomial logistic regression over standardised features; trained by "
        "scripts/train_derivation.py on the synthetic Wikinews reuse corpus (train half, seeds "
        f"{args.seeds}, variants {args.variants}, {len(y)} articles)",
        "train": {"seeds": args.seeds, "variants": args.variants},
        **model,
    }
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    pred = np.array(LABELS)[np.argmax(probabilities(X, arrays(model)), axis=1)]
    print(f"{len(y)} articles; C = {model['C']} (cross-validated); training accuracy {float((pred == np.array(y)).mean()):.3f}; written {args.out}")


if __name__ == "__main__":
    main()
