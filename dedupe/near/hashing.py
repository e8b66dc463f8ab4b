"""The 64-bit hash mixers every near-duplicate stage uses: token and n-gram hashes
(:mod:`~dedupe.near.shingles`, :mod:`~dedupe.near.fast`), signatures
(:mod:`~dedupe.near.signatures`) and band keys (:mod:`~dedupe.near.banding`).

``fmix64`` is MurmurHash3's 64-bit finalizer, a bijection on uint64: element-wise on numpy
arrays (wrapping), and ``fmix64_int`` on one Python int. N-gram hashes and band keys fold a
sequence of hashes into one with ``acc * MULT + h`` steps finished by ``fmix64``.
"""

from __future__ import annotations

import numpy as np

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15  # odd 64-bit constant (golden ratio): the polynomial multiplier
MULT = np.uint64(GOLDEN)

_FMIX64 = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer, a bijection on uint64 (element-wise, wraps)."""
    s, m1, m2 = _FMIX64
    if type(h) is not np.ndarray or h.dtype != np.uint64 or not h.ndim:
        h = h ^ (h >> s)
        h = h * m1
        h = h ^ (h >> s)
        h = h * m2
        h = h ^ (h >> s)
        return h
    x = h >> s
    x ^= h
    return _mix_rest(x, None)


def fmix64_inplace(x: np.ndarray) -> np.ndarray:
    """:func:`fmix64` of ``x`` (a uint64 array the caller owns) written over it, with one
    temporary array instead of eight."""
    t = x >> _FMIX64[0]
    x ^= t
    return _mix_rest(x, t)


def _mix_rest(x: np.ndarray, t) -> np.ndarray:
    s, m1, m2 = _FMIX64
    x *= m1
    t = np.right_shift(x, s, out=t)
    x ^= t
    x *= m2
    np.right_shift(x, s, out=t)
    x ^= t
    return x


def fmix64_int(h: int) -> int:
    """:func:`fmix64` of one Python int (``0 <= h < 2**64``).

    >>> fmix64_int(1) == int(fmix64(np.array([1], dtype=np.uint64))[0])
    True
    """
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK64
    return h ^ (h >> 33)
