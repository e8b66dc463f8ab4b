"""MinHash signatures: the classic k-permutation scheme and one-permutation hashing.

``kperm`` is datasketch 2.x's ``affine64`` scheme applied to our 64-bit shingle hashes: the
same permutations (from ``numpy.random.RandomState(seed)``), the same MurmurHash3 pre-mix,
so ``datasketch.MinHash(num_perm, seed, scheme="affine64", hashfunc=...)`` fed the same
shingle hashes gives identical hash values. It costs ``num_perm`` multiply-adds per shingle.

``oph`` is one-permutation hashing with optimal densification (Shrivastava, ICML 2017): one
seeded 64-bit hash per shingle; its top bits choose one of ``num_perm`` bins and each bin
keeps its minimum; an empty bin borrows the value of the first non-empty bin along a probe
sequence that depends only on (seed, bin, attempt), the same for every document, so two
documents agree in a bin with probability equal to their Jaccard similarity.

Both take batches: ``hashes`` holds every document's shingle hashes back to back and
``offsets[i]:offsets[i+1]`` are document i's (repeats allowed: a minimum ignores them).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from . import compiled
from .hashing import GOLDEN, MASK64, fmix64, fmix64_inplace, fmix64_int

if TYPE_CHECKING:
    from datasketch import LeanMinHash

    from ..config import Config

DATASKETCH_SCHEME = "affine64"
EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)


def scheme_description(config: Config) -> str:
    shingle = f"{config.shingle}-{config.ngram}gram"
    token = "poly64(codepoints,0x100000001b3)+fmix64" if config.shingle == "word" else "fmix64(codepoint+1)"
    perm = (
        f"kperm:datasketch-{DATASKETCH_SCHEME}"
        if config.scheme == "kperm"
        else "oph:fmix64(h^seedkey),bins=multiply-shift(top32),optimal-densification"
    )
    return (
        f"{perm};seed={config.seed};num_perm={config.num_perm};"
        f"shingle={shingle};token_hash={token};ngram_hash=poly64+fmix64"
    )


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine64 permutation parameters for ``(num_perm, seed)``, drawn as
    ``MinHash._init_permutations`` draws them (odd ``a``, any ``b``; the tests compare with
    datasketch), without importing datasketch (scipy: a second of start-up)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = gen.randint(0, 1 << 64, num_perm, dtype=np.uint64)
    return a[:, None].copy(), b[:, None].copy()


def batch_signatures(hashes: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int, scheme: str) -> np.ndarray:
    """Signatures (documents x ``num_perm``, uint64) of a batch; an empty document's are all EMPTY."""
    if scheme == "oph":
        return oph_signatures(hashes, offsets, num_perm, seed)
    return kperm_signatures(hashes, offsets, num_perm, seed)


def kperm_signatures(hashes, offsets, num_perm: int, seed: int, chunk: int = 65536) -> np.ndarray:
    """k-permutation MinHash signatures (documents x ``num_perm``): per permutation the least
    ``a * fmix64(h) + b`` over a document's shingle hashes ``h``. With the compiled kernels
    (loaded already, or wanted for a batch of 64k hashes or more: a worker that signs the
    passages' units has sketched nothing), document by document (:func:`~dedupe.near.kernels.kperm_signatures`: the passage
    units of a check's ~200 candidates, ~30,000 n-grams x 64 permutations, made arrays of
    4-8 MB a chunk here, mapped and zeroed page by page each check); else ``chunk`` shingles
    at a time."""
    d = offsets.size - 1
    a, b = permutations(num_perm, seed)
    mixed = fmix64(hashes)
    kernels = compiled.wanted(hashes.size)
    if kernels is not None:
        return kernels.kperm_signatures(np.asarray(mixed, dtype=np.uint64), np.asarray(offsets, dtype=np.int64),
                                        a.ravel(), b.ravel()).reshape(d, num_perm)
    out = np.full((d, num_perm), EMPTY, dtype=np.uint64)
    nonempty = np.flatnonzero(np.diff(offsets) > 0)
    i = 0
    while i < nonempty.size:  # runs of whole documents, about ``chunk`` shingles at a time
        lo = offsets[nonempty[i]]
        j = max(i + 1, int(np.searchsorted(offsets[nonempty + 1], lo + chunk, side="right")))
        docs = nonempty[i:j]
        hi = offsets[docs[-1] + 1]
        with np.errstate(over="ignore"):
            values = a * mixed[None, lo:hi]
            values += b  # (in place: one array of num_perm x chunk, not two)
        out[docs] = np.minimum.reduceat(values, offsets[docs] - lo, axis=1).T
        i = j
    return out


def _seed_key(seed: int) -> np.uint64:
    return np.uint64(fmix64_int((seed * GOLDEN + 0x632BE59BD9B4E019) & MASK64))


PROBE_BIN, PROBE_ATTEMPT = np.uint64(0xD6E8FEB86659FD93), np.uint64(0xA0761D6478BD642F)


@lru_cache(maxsize=8)
def _probes(num_perm: int, seed: int, attempts: int) -> np.ndarray:
    """``probes[i, t]``: the bin that empty bin i looks at on attempt t (optimal densification)."""
    i = np.arange(num_perm, dtype=np.uint64)[:, None]
    t = np.arange(1, attempts + 1, dtype=np.uint64)[None, :]
    with np.errstate(over="ignore"):
        h = fmix64(i * PROBE_BIN + t * PROBE_ATTEMPT + _seed_key(seed))
    return ((h >> np.uint64(32)) * np.uint64(num_perm) >> np.uint64(32)).astype(np.int64)


def _oph_bins(hashes, offsets, num_perm: int, seed: int) -> np.ndarray:
    """Each document's bins (documents x ``num_perm``, flattened): the least of its mixed
    shingle hashes that fall in the bin, EMPTY where none does."""
    d = offsets.size - 1
    k = np.uint64(num_perm)
    with np.errstate(over="ignore"):
        mixed = fmix64_inplace(hashes ^ _seed_key(seed))
    # each value's place in ``out``: its document's row, then its bin (in place, in uint64)
    place = mixed >> np.uint64(32)
    place *= k
    place >>= np.uint64(32)
    place += np.repeat(np.arange(d, dtype=np.uint64) * k, np.diff(offsets))
    out = np.full(d * num_perm, EMPTY, dtype=np.uint64)
    np.minimum.at(out, place.view(np.int64), mixed)  # (places < d * num_perm < 2**63)
    return out


def oph_signatures(hashes, offsets, num_perm: int, seed: int) -> np.ndarray:
    d = offsets.size - 1
    kernels = compiled.loaded()
    if kernels is not None:  # (the same signatures, document by document)
        out = kernels.oph_signatures(np.asarray(hashes, dtype=np.uint64), np.asarray(offsets, dtype=np.int64), num_perm,
                                     _seed_key(seed))
        return out.reshape(d, num_perm)
    out = _oph_bins(hashes, offsets, num_perm, seed).reshape(d, num_perm)
    filled = out != EMPTY
    nonempty = filled.any(axis=1)
    rows, cols = np.nonzero(~filled & nonempty[:, None])
    attempts = 64
    while rows.size:
        probes = _probes(num_perm, seed, attempts)
        todo_r, todo_c = rows, cols
        for t in range(attempts):
            j = probes[todo_c, t]
            hit = filled[todo_r, j]
            out[todo_r[hit], todo_c[hit]] = out[todo_r[hit], j[hit]]
            todo_r, todo_c = todo_r[~hit], todo_c[~hit]
            if not todo_r.size:
                break
        rows, cols = todo_r, todo_c
        attempts *= 4  # very sparse documents: a longer probe sequence (same prefix)
    return out


def signature(shingles: np.ndarray, num_perm: int = 128, seed: int = 1, scheme: str = "kperm") -> np.ndarray:
    """The signature of one document's shingle hashes (see :func:`batch_signatures`)."""
    offsets = np.array([0, shingles.size], dtype=np.int64)
    return batch_signatures(shingles, offsets, num_perm, seed, scheme)[0]


def lean(hashvalues: np.ndarray, seed: int) -> "LeanMinHash":
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=hashvalues, scheme=DATASKETCH_SCHEME)


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / a.size
