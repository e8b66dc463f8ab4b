"""Compiled kernels of the word-shingle sketch, built once per machine (numba, in the
``fast`` extra): one pass over each document's code points gives its tokens, their hashes
and its n-gram hashes; one pass over its shingles its OPH signature, and another its number
of distinct shingles (:mod:`~dedupe.near.kernels`).

They compute exactly what the array code of :mod:`~dedupe.near.fast` and
:mod:`~dedupe.near.signatures` computes (the same hash scheme, wrapping uint64 arithmetic;
the tests compare both on many texts), without numpy's pass per step: the per-character
prefix sums, the table gather, the n-gram passes, the sort of the distinct counts, the
densification's rounds.

The kernels are compiled ahead of time by numba's ``pycc`` into an extension module in
dedupe's cache folder (:mod:`dedupe.compiled`): the first process on a machine that
shingles a large enough batch builds it (~10 s CPU, and a C compiler to link it); every later
process imports it in about a millisecond and never imports numba (whose import and
start-up would cost ~0.9 s CPU a process). Where it cannot be built (no numba, no C
compiler) the array code runs. ``DEDUPE_COMPILED=0`` turns the kernels off.
"""

from __future__ import annotations

from ..compiled import Kernels

# below this many code points in one call, the array code runs (unless the kernels are loaded
# already): a small scan never looks for the module, let alone builds it
WORTH_CHARS = 1 << 16

KERNELS = Kernels("dedupe.near.kernels", "_dedupe_near_kernels", "the near-duplicate kernels")
loaded = KERNELS.loaded


def wanted(size: int):
    """The kernels when worth using for a call over ``size`` code points (:meth:`Kernels.wanted`)."""
    return KERNELS.wanted(size, WORTH_CHARS)
