"""Tokens and shingles: the straightforward reference implementation.

Words are runs of Unicode word characters in the NFKC-normalised, lower-cased text.
Shingles are hashed, never built as strings: each token gets a stable 64-bit hash and
consecutive token hashes are combined into n-gram hashes with array arithmetic.

The token hash is a polynomial over the token's code points modulo 2**64, finished with
MurmurHash3's fmix64 (``token_hash``; the mixers are in :mod:`dedupe.near.hashing`). It is
defined so that the vectorised batch path in :mod:`dedupe.near.fast` can compute it for
every token of many documents at once with prefix sums; this module computes it one token at a time and is the reference the fast path is
tested against (identical shingle sets).
"""

from __future__ import annotations

import re
import unicodedata

from typing import Optional

import numpy as np

from .hashing import MASK64, MULT, fmix64, fmix64_int
from ..arrays import sorted_unique

WORD_RE = re.compile(r"\w+")
TOKEN_BASE = 0x100000001B3  # odd, so invertible modulo 2**64 (the FNV-1 64-bit prime)
TOKEN_LEN_MULT = 0xC2B2AE3D27D4EB4F  # mixes the token length into its hash

def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def words(text: str) -> list[str]:
    """The normalised word tokens of ``text``."""
    return WORD_RE.findall(normalise(text))


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """Word tokens with their offsets into ``text`` as read: ``(start, end, normalised)``."""
    if text.isascii():  # NFKC leaves ASCII as it is; lower-casing keeps lengths and word characters
        return [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text.lower())]
    return [(m.start(), m.end(), normalise(m.group())) for m in WORD_RE.finditer(text)]


def count_words(text: str) -> int:
    return sum(1 for _ in WORD_RE.finditer(text))


def token_hash(token: str) -> int:
    """``fmix64(sum(ord(c_j) * BASE**j) + len * LEN_MULT)`` modulo 2**64."""
    acc, power = 0, 1
    for ch in token:
        acc = (acc + ord(ch) * power) & MASK64
        power = (power * TOKEN_BASE) & MASK64
    return fmix64_int((acc + len(token) * TOKEN_LEN_MULT) & MASK64)


def token_hashes(tokens: list[str]) -> np.ndarray:
    return np.fromiter((token_hash(t) for t in tokens), dtype=np.uint64, count=len(tokens))


def combine_ngrams(hashes: np.ndarray, n: int, at: Optional[np.ndarray] = None) -> np.ndarray:
    """Hashes of every run of ``n`` consecutive items (one hash for fewer than ``n`` items);
    with ``at`` (positions, at most ``len(hashes) - n``), those of the runs starting there
    alone (``combine_ngrams(hashes, n)[at]``)."""
    if hashes.size == 0:
        return hashes
    if hashes.size < n:
        n = hashes.size
    k = hashes.size - n + 1
    with np.errstate(over="ignore"):
        acc = np.zeros(k if at is None else at.size, dtype=np.uint64)
        for i in range(n):
            acc = acc * MULT + (hashes[i : i + k] if at is None else hashes[at + i])
        return fmix64(acc ^ np.uint64(n))


def all_in_window(flags: np.ndarray, k: int) -> np.ndarray:
    """Per window of ``k`` consecutive ``flags`` (bool; ``len - k + 1`` of them): whether all
    are set (a strided view's ``all(axis=1)`` reduces a row of ``k`` at a time, ~10x slower)."""
    out = flags[: flags.size - k + 1].copy()
    for i in range(1, k):
        out &= flags[i : flags.size - k + 1 + i]
    return out


def char_codes(text: str) -> np.ndarray:
    """Code points of the normalised text with whitespace runs collapsed to one space."""
    t = " ".join(normalise(text).split())
    return np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def shingle_hashes(text: str, ngram: int = 5, kind: str = "word") -> np.ndarray:
    """The sorted, unique 64-bit hashes of the document's shingles."""
    if kind == "word":
        base = token_hashes(words(text))
    else:
        base = fmix64(char_codes(text) + np.uint64(1))
    return sorted_unique(combine_ngrams(base, ngram))


def jaccard(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Exact Jaccard and both containments of two sorted unique hash arrays.

    Returns ``(jaccard, containment of a in b, containment of b in a)``.
    """
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0, 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    union = a.size + b.size - inter
    return inter / union, inter / a.size, inter / b.size
