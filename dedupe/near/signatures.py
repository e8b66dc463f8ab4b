"""MinHash signatures, compatible with datasketch.

The classic scheme (``kperm``) is datasketch 2.x's ``affine64`` scheme applied to our 64-bit
shingle hashes: the same permutations (from ``numpy.random.RandomState(seed)``), the same
MurmurHash3 pre-mix, so ``datasketch.MinHash(num_perm, seed, scheme="affine64",
hashfunc=...)`` fed the same shingle hashes gives identical hash values.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash

from .shingles import fmix64

DATASKETCH_SCHEME = "affine64"
EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)


def scheme_description(config) -> str:
    shingle = f"{config.shingle}-{config.ngram}gram"
    token = "xxh3_64(token)" if config.shingle == "word" else "fmix64(codepoint+1)"
    return (
        f"{config.scheme}:datasketch-{DATASKETCH_SCHEME};seed={config.seed};num_perm={config.num_perm};"
        f"shingle={shingle};token_hash={token};ngram_hash=poly64+fmix64"
    )


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine64 permutation parameters for ``(num_perm, seed)``."""
    perms = MinHash(num_perm=num_perm, seed=seed, scheme=DATASKETCH_SCHEME).permutations
    a, b = perms
    return a[:, None].copy(), b[:, None].copy()


def signature(shingles: np.ndarray, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """The MinHash hash values (uint64, length ``num_perm``) of a set of shingle hashes."""
    if shingles.size == 0:
        return np.full(num_perm, EMPTY, dtype=np.uint64)
    a, b = permutations(num_perm, seed)
    h = fmix64(shingles)[None, :]
    with np.errstate(over="ignore"):
        return (a * h + b).min(axis=1)


def lean(hashvalues: np.ndarray, seed: int) -> LeanMinHash:
    return LeanMinHash(seed=seed, hashvalues=hashvalues, scheme=DATASKETCH_SCHEME)


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / a.size
