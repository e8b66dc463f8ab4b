"""Candidate document pairs from MinHash LSH over passage-level units.

A unit is a sentence (very short ones joined to the next, long ones cut into overlapping
windows), shingled into the same word n-grams the aligner seeds on, minus stock n-grams.
Units are banded as datasketch's ``MinHashLSH`` bands them (bands of consecutive hash values,
``(b, r)`` tuned for recall at a low threshold), with array operations instead of its
per-unit dicts (and without importing it, a second of start-up); two documents are a
candidate pair when any of their units collide. The aligner verifies
every candidate, so false candidates cost time, never results. Cost grows with the number
of units and colliding units, not with the square of the corpus.
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from ..config import Config
from ..near.lsh import recall_params
from ..near.signatures import kperm_signatures
from ..parallel import batches, pmap
from ..textutil import sentences, unwrapped
from .tokens import Words

# documents per worker job (words, units) when the passages stage runs in several processes
DOCS_PER_JOB = 200

# Jaccard (of word n-gram sets) between two units at which they should collide ...
UNIT_THRESHOLD = 0.3
# ... with at least this probability
UNIT_RECALL = 0.95
# MinHash permutations per unit (units are short: a few dozen n-grams)
UNIT_PERM = 64
# sentences shorter than this (in words) are joined to the next one
MIN_UNIT_WORDS = 6
# longer sentences are cut into windows of this many words, overlapping by half
MAX_UNIT_WORDS = 24


def unit_ranges(text: str, words: Words) -> list[tuple[int, int]]:
    """Word ranges ``(first, last)`` of the passage-level units of one document."""
    if len(words) == 0:
        return []
    out, first = [], None
    for s, e in sentences(unwrapped(text)):  # a wrapped line is not a sentence
        w0 = int(np.searchsorted(words.starts, s))
        w1 = int(np.searchsorted(words.starts, e))
        if w1 <= w0:
            continue
        if first is not None:
            w0 = first
        if w1 - w0 < MIN_UNIT_WORDS:
            first = w0
            continue
        first = None
        if w1 - w0 <= MAX_UNIT_WORDS:
            out.append((w0, w1))
        else:
            step = MAX_UNIT_WORDS // 2
            for k in range(w0, w1 - step, step):
                out.append((k, min(k + MAX_UNIT_WORDS, w1)))
    if first is not None:
        out.append((first, len(words)))
    return out


def unit_shape() -> tuple[int, int]:
    """Bands and rows ``(b, r)`` of the units' LSH."""
    return recall_params(UNIT_THRESHOLD, UNIT_PERM, UNIT_RECALL)


def candidate_pairs(
    texts: list[str],
    all_words: list[Words],
    stop: np.ndarray,
    n: int,
    config: Config,
    max_df: int,
    progress: Optional[Callable] = None,
    only: Optional[set] = None,
) -> list[tuple[int, int]]:
    """Sorted document index pairs ``(i, j)``, ``i < j``, that may share a passage (with
    ``only``, a set of document indexes, the pairs holding one of them)."""
    bands, rows = unit_shape()
    shared = (texts, all_words, stop, n, config.seed)
    parts = []
    for part in pmap(_signed_units, batches(range(len(texts)), DOCS_PER_JOB), getattr(config, "workers", 1), shared):
        parts.append(part)
        if progress:
            progress("passage units", min(len(parts) * DOCS_PER_JOB, len(texts)), len(texts))
    if not parts:
        return []
    sig = np.concatenate([p[0] for p in parts])
    of_unit = np.concatenate([p[1] for p in parts])
    if not of_unit.size:
        return []
    found: set[tuple[int, int]] = set()
    for band in range(bands):  # every bucket of every band: its units collide
        found.update(colliding_pairs(sig[:, band * rows : (band + 1) * rows], of_unit, max_df, only))
    return sorted(found)


def colliding_pairs(block: np.ndarray, of_unit: np.ndarray, max_df: int, only: Optional[set] = None):
    """The document pairs ``(d, e)``, ``d < e``, whose units share a row of ``block`` (the
    buckets of one band; ``of_unit``: the document of each row), except in buckets of more
    than ``max_df`` documents (a stock sentence would pair every document with every other)."""
    for members in _equal_rows(block):
        docs = sorted(set(of_unit[members].tolist()))
        if len(docs) < 2 or len(docs) > max_df:
            continue
        if only is None:
            yield from ((d, e) for i, d in enumerate(docs) for e in docs[i + 1 :])
        else:
            yield from ((min(d, e), max(d, e)) for d in docs if d in only for e in docs if e != d)


def document_units(text: str, words: Words, stop: np.ndarray, n: int) -> list[np.ndarray]:
    """The units of one document as their distinct non-stock n-gram hashes (empty ones left out)."""
    units = []
    for w0, w1 in unit_ranges(text, words):
        grams = np.unique(words.grams[w0 : max(w0, w1 - n + 1)])
        if stop.size:
            grams = grams[~np.isin(grams, stop)]
        if grams.size:
            units.append(grams)
    return units


def sign_units(units: list, seed: int) -> np.ndarray:
    """The MinHash signatures of units (arrays of n-gram hashes), all signed at once: the
    signature of each unit is that of its n-grams alone."""
    if not units:
        return np.zeros((0, UNIT_PERM), dtype=np.uint64)
    offsets = np.zeros(len(units) + 1, dtype=np.int64)
    np.cumsum([u.size for u in units], out=offsets[1:])
    # (8k n-grams at a time: the arrays of UNIT_PERM values per n-gram stay a few MB)
    return kperm_signatures(np.concatenate(units), offsets, UNIT_PERM, seed, chunk=8192)


def _signed_units(shared, docs: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The MinHash signatures of the units of documents ``docs`` and the document of each
    unit (a worker job; ``shared``: the texts, their words, the stock n-grams, ``n`` and the
    seed)."""
    texts, all_words, stop, n, seed = shared
    units: list[np.ndarray] = []
    unit_doc: list[int] = []
    for d in docs:
        found = document_units(texts[d], all_words[d], stop, n)
        units.extend(found)
        unit_doc.extend([d] * len(found))
    return sign_units(units, seed), np.array(unit_doc, dtype=np.int64)


def _equal_rows(block: np.ndarray):
    """Index arrays of the rows of ``block`` that are equal, for each value shared by two or
    more rows: the buckets of one LSH band (MinHashLSH's, without its per-unit dicts)."""
    if not len(block):
        return
    _, inverse, counts = np.unique(block, axis=0, return_inverse=True, return_counts=True)
    order = np.argsort(inverse.ravel(), kind="stable")
    ends = np.cumsum(counts)
    for g in np.flatnonzero(counts >= 2).tolist():
        yield order[ends[g] - counts[g] : ends[g]]
