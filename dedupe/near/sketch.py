"""Per-batch document sketches: word counts, distinct-shingle counts, signatures, languages.

``sketch_batch`` is the unit of work that runs in worker processes: it takes plain texts
and settings (cheap to pickle) and returns arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import numpy as np

from .fast import shingle_batch, unique_sizes
from .signatures import batch_signatures

if TYPE_CHECKING:
    from ..config import Config


@dataclass(frozen=True)
class SketchSettings:
    ngram: int
    shingle: str
    num_perm: int
    seed: int
    scheme: str
    detect_language: bool

    @classmethod
    def of(cls, config: Config) -> "SketchSettings":
        return cls(config.ngram, config.shingle, config.num_perm, config.seed, config.scheme, config.detect_language)


@dataclass
class Sketches:
    words: np.ndarray
    sizes: np.ndarray
    signatures: np.ndarray  # documents x num_perm
    languages: list  # [(language, probability)], probability None when not detected
    shingled: Optional[list] = None  # with ``keep=True``: the Shingled of each sub-batch


# code points shingled at once: the arrays of a sub-batch (several per code point) stay in
# the CPU caches; one array over a whole batch of 1,000 articles is ~25 MB per pass and
# makes sketching about 1.4x slower (more when the memory is touched for the first time)
SUB_BATCH_CHARS = 1 << 17


def sub_batches(texts: list[str]):
    """``(start, end)`` of consecutive runs of texts of at most SUB_BATCH_CHARS code points
    in all (or one longer text)."""
    start = size = 0
    for i, text in enumerate(texts):
        if size and size + len(text) > SUB_BATCH_CHARS:
            yield start, i
            start, size = i, 0
        size += len(text)
    yield start, len(texts)


def _sketch(texts: list[str], s: SketchSettings) -> tuple:
    sh = shingle_batch(texts, s.ngram, s.shingle)
    signatures = batch_signatures(sh.hashes, sh.offsets, s.num_perm, s.seed, s.scheme)
    return sh.words, unique_sizes(sh), signatures, sh


def sketch_batch(job: tuple[list[str], SketchSettings], keep: bool = False) -> Sketches:
    """Sketches of a batch, computed sub-batch by sub-batch (each document's sketch depends
    only on its own text, so the result is the same); ``keep``: with the sub-batches'
    shingles and tokens (:class:`~dedupe.near.fast.Shingled`)."""
    texts, s = job
    parts = [_sketch(texts[a:b], s) for a, b in sub_batches(texts)]
    if s.detect_language:
        from ..lang import languages as identified

        languages = identified(texts)
    else:
        languages = [("unknown", None)] * len(texts)
    words, sizes, signatures = (np.concatenate([p[k] for p in parts]) for k in range(3))
    return Sketches(words, sizes, signatures, languages, [p[3] for p in parts] if keep else None)
