"""What the verdict's model is trained on, measured held out (docs/reuse.md, sixth round).

The shipped model is trained on the train half of the synthetic corpus (b), where every copied
stretch is a sentence of its own. Here each training set (the train half, seeds 1-3, of (b),
of its spliced variant (b'), of the "mixed" variant whose splice probability is drawn per
article, or a union of them), class weighting and C is fitted as
``scripts/train_derivation.py`` fits it and evaluated with nothing fitted on the evaluated
data: (b) and (b') test halves (seeds 1-3) and Clough (a), three-way and binary macro-F1 and
the number of misclassified articles. The baseline (word containment in the true sources)
is fitted on the same training set.

    python benchmarks/reuse_training.py [--cache DIR] [--sets b b+b' ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

from sklearn.metrics import f1_score  # noqa: E402

from dedupe.derivation import LABELS  # noqa: E402
from dedupe.derivation.model import arrays, probabilities  # noqa: E402
from reuse import THREE_WAY, _binary, apply_thresholds, clough_data, containment, fit_thresholds  # noqa: E402
from reuse_corpus import VARIANTS, featured  # noqa: E402
from train_derivation import C_GRID, fit  # noqa: E402

SEEDS = (1, 2, 3)
# training sets: generator variants of the train half, seeds 1-3 each
SETS = {"b": ["default"], "b'": ["spliced"], "b+b'": ["default", "spliced"], "mixed": ["mixed"],
        "b+mixed": ["default", "mixed"], "b+b'+mixed": ["default", "spliced", "mixed"]}


def corpus(split: str, seed: int, variant: str, cache: Path):
    """Features, labels and baseline (containment in the true sources) of a split's
    newspaper articles, computed once per cache directory."""
    path = cache / f"{split}-{seed}-{variant}.npz"
    if not path.exists():
        arts, judged, X, _, _ = featured(split, seed, VARIANTS[variant])
        texts = {a.id: a.text for a in arts}
        b = [containment(a.text, [texts[s] for s in a.sources]) for a in judged]
        np.savez(path, X=X, y=np.array([a.label for a in judged]), b=np.array(b))
    z = np.load(path)
    return z["X"], z["y"].astype(object), z["b"]


def clough(cache: Path):
    path = cache / "clough.npz"
    if not path.exists():
        _, _, X, _, b, y4 = clough_data()
        np.savez(path, X=X, y=np.array([THREE_WAY[v] for v in y4]), b=b)
    z = np.load(path)
    return z["X"], z["y"].astype(object), z["b"]


def scores(pred: np.ndarray, y: np.ndarray) -> tuple:
    """Three-way and binary macro-F1, and the number of articles wrong three-way."""
    return (f1_score(y, pred, average="macro"), f1_score(_binary(y), _binary(pred), average="macro"), int((pred != y).sum()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default="/tmp/reuse_training_cache")
    ap.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    ap.add_argument("--C", nargs="+", type=float, default=[None], help="C values (default: chosen by cross-validation)")
    ap.add_argument("--balanced", action="store_true", help="also class_weight='balanced'")
    args = ap.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    tests = {f"(b) s{s}": corpus("test", s, "default", cache) for s in SEEDS}
    tests.update({f"(b') s{s}": corpus("test", s, "spliced", cache) for s in SEEDS})
    tests["(a)"] = clough(cache)
    print("held out: three-way / binary macro-F1 (three-way errors); trained on the train half, seeds 1-3")
    print(f"{'training set':<28}" + "".join(f"{k:>22}" for k in tests) + f"{'(b) mean':>16}{'(b) mean':>16}")
    weights = [None, "balanced"] if args.balanced else [None]
    for name in args.sets:
        parts = [corpus("train", s, v, cache) for v in SETS[name] for s in SEEDS]
        X = np.vstack([p[0] for p in parts])
        y = np.concatenate([p[1] for p in parts])
        b = np.concatenate([p[2] for p in parts])
        ordered3, ordered2 = ["none", "partially", "wholly"], ["none", "derived"]
        cuts3, cuts2 = fit_thresholds(b, y, ordered3), fit_thresholds(b, _binary(y), ordered2)
        base = {}
        for k, (Xt, yt, bt) in tests.items():
            p3 = apply_thresholds(bt, cuts3, ordered3)
            base[k] = (f1_score(yt, p3, average="macro"),
                       f1_score(_binary(yt), apply_thresholds(bt, cuts2, ordered2), average="macro"), int((p3 != yt).sum()))
        print(_line(f"{name} baseline", base))
        for weight in weights:
            for C in args.C:
                model = fit(X, list(y), C, weight)
                got = {k: scores(np.array(LABELS, dtype=object)[np.argmax(probabilities(Xt, arrays(model)), axis=1)], yt)
                       for k, (Xt, yt, _) in tests.items()}
                tag = f"{name} C={model['C']:g}{'' if C is not None else '*'}{' bal' if weight else ''}"
                print(_line(tag, got))
    print(f"* C chosen from {C_GRID} by 10-fold CV on the training set (as scripts/train_derivation.py)")


def _line(name: str, got: dict) -> str:
    b = [v for k, v in got.items() if k.startswith("(b) ")]
    s = [v for k, v in got.items() if k.startswith("(b') ")]
    mean = lambda rows, i: float(np.mean([r[i] for r in rows]))  # noqa: E731
    return (f"{name:<28}" + "".join(f"{v[0]:>8.3f}/{v[1]:.3f} ({v[2]:>2})" for v in got.values())
            + f"  b {mean(b, 0):.3f}/{mean(b, 1):.3f} b' {mean(s, 0):.3f}/{mean(s, 1):.3f}")


if __name__ == "__main__":
    main()
