"""Compiled kernels of the archive's bulk add, built once per machine (numba, in the
``fast`` extra; :mod:`dedupe.compiled`): the bit packing of the index runs' blocks
(:func:`~dedupe.archive.runs.encode`) in one pass over a run's pairs, where the array code
makes a dozen passes and two ``reduceat`` per field (~55-60 ns a pair, a tenth of a bulk
add's CPU), and the quote-drift rule's quotation finder and sentence splitter
(:func:`~dedupe.archive.keys._quotations`; in Python ~0.1 ms an article, a sixth).

They give exactly what the array and Python code gives (the tests compare both); without
numba, or with ``DEDUPE_COMPILED=0``, the array code runs.
"""

from __future__ import annotations

from ..compiled import Kernels

# below this many pairs in one call the array code runs (unless the kernels are loaded
# already): a small add or a check's migration never looks for the module, let alone builds it
WORTH_PAIRS = 1 << 16

# the quotation kernel's classes of a code point (a table over the BMP): white space
# (``str.isspace``), a letter or digit (``str.isalnum``), lowered to one letter
# (``len(c.lower()) == 1 and c.lower().isalpha()``), not looked up yet, a digit (``str.isdigit``)
SPACE, ALNUM, LETTER, UNSEEN, DIGIT = 1, 2, 4, 8, 16

KERNELS = Kernels("dedupe.archive.kernels", "_dedupe_archive_kernels", "the archive's kernels")


def wanted(size: int):
    """The kernels when worth using for a call over ``size`` items (:meth:`Kernels.wanted`)."""
    return KERNELS.wanted(size, WORTH_PAIRS)
