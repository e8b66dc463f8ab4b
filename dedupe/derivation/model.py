"""The verdict model: multinomial logistic regression over :data:`FEATURES`, shipped as
plain numbers (``model.json``: feature means and scales, coefficients, intercepts) and
trained by ``scripts/train_derivation.py`` on a synthetic reuse corpus built from openly
licensed Wikinews articles (see ``docs/reuse.md``)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from .features import FEATURES

MODEL_PATH = Path(__file__).with_name("model.json")
LABELS = ("none", "partially", "wholly")


@lru_cache(maxsize=1)
def load(path: str = str(MODEL_PATH)) -> dict:
    model = json.loads(Path(path).read_text(encoding="utf-8"))
    if tuple(model["features"]) != FEATURES or tuple(model["classes"]) != LABELS:
        raise ValueError(f"{path}: the model's features or classes do not match this version of dedupe")
    return arrays(model)


def arrays(model: dict) -> dict:
    """The numbers :func:`probabilities` uses, from a model as model.json holds it."""
    return {k: np.asarray(model[k], dtype=float) for k in ("mean", "scale", "coef", "intercept")}


def probabilities(x: np.ndarray, model: dict | None = None) -> np.ndarray:
    """Class probabilities (rows: documents; columns: ``LABELS``) for feature rows ``x``."""
    m = model or load()
    z = ((np.atleast_2d(x) - m["mean"]) / m["scale"]) @ m["coef"].T + m["intercept"]
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
