"""Per-batch document sketches: word counts, distinct-shingle counts, signatures, languages.

``sketch_batch`` is the unit of work that runs in worker processes: it takes plain texts
and settings (cheap to pickle) and returns arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fast import shingle_batch, unique_sizes
from .signatures import batch_signatures


@dataclass(frozen=True)
class SketchSettings:
    ngram: int
    shingle: str
    num_perm: int
    seed: int
    scheme: str
    detect_language: bool

    @classmethod
    def of(cls, config) -> "SketchSettings":
        return cls(config.ngram, config.shingle, config.num_perm, config.seed, config.scheme, config.detect_language)


@dataclass
class Sketches:
    words: np.ndarray
    sizes: np.ndarray
    signatures: np.ndarray  # documents x num_perm
    languages: list


def sketch_batch(job: tuple[list[str], SketchSettings]) -> Sketches:
    texts, s = job
    sh = shingle_batch(texts, s.ngram, s.shingle)
    signatures = batch_signatures(sh.hashes, sh.offsets, s.num_perm, s.seed, s.scheme)
    if s.detect_language:
        from ..lang import detect

        languages = [detect(t) for t in texts]
    else:
        languages = ["unknown"] * len(texts)
    return Sketches(sh.words, unique_sizes(sh), signatures, languages)
