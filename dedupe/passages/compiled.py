"""Compiled kernels of the aligner, built once per machine (numba, in the ``fast`` extra): the
tiles, chains and extension of many candidate pairs in one call, and difflib's ratio of an
edited passage (:mod:`~dedupe.passages.kernels`).

They compute exactly what the Python code of :mod:`~dedupe.passages.align` computes (the
tests compare both on every pair of a planted corpus and on random sequences), without a
Python object per run, tile or chain: per pair, that code was ~0.1 ms of loops over lists and
bytearrays, and ``difflib.SequenceMatcher`` a dict per row of every edited passage.

Built and loaded as :mod:`dedupe.near.compiled`'s kernels are (:mod:`dedupe.compiled`):
the first process on a machine that aligns enough pairs builds the module (a few seconds
of numba, and a C compiler); later processes import it in about a millisecond. Without
numba or a compiler, or with ``DEDUPE_COMPILED=0``, the Python code runs.
"""

from __future__ import annotations

from ..compiled import Kernels

# below this many candidate pairs in one call, the Python code runs (unless the kernels are
# loaded already): a small scan or check never looks for the module, let alone builds it
WORTH_PAIRS = 64

KERNELS = Kernels("dedupe.passages.kernels", "_dedupe_passages_kernels", "the passages' kernels")
loaded = KERNELS.loaded


def wanted(size: int):
    """The kernels when worth using for a call over ``size`` candidate pairs (:meth:`Kernels.wanted`)."""
    return KERNELS.wanted(size, WORTH_PAIRS)
