"""The kernels of :mod:`~dedupe.archive.compiled`, compiled ahead of time by numba's ``pycc``
into an extension module (``python -m dedupe.archive.kernels FOLDER`` builds it there; only
the build imports numba): each computes in one pass what the array code of
:mod:`~dedupe.archive.runs` (and of the quote-drift rule's finder) computes with a pass per
step."""

from __future__ import annotations

import sys

import numpy as np
from numba import njit

MODULE = "_dedupe_archive_kernels"
_HEADER = 6  # runs.HEADER
_PLUS = 0x80  # runs.PLUS


@njit(inline="always")
def _bit_length(v):
    n = 0
    while v:
        v >>= 1
        n += 1
    return n


@njit(inline="always")
def _stored(v, plus):
    """A value as a block stores it: minus 1 in a block of positive values, else zigzag."""
    return v - 1 if plus else (v << 1) ^ (v >> 63)


def encode_blocks(keys, values, shift, plus_ok):
    """What ``runs._encode`` writes, joined: the blocks' bytes (one after the other), each
    block's number and where its bytes start (one more offset than blocks). ``keys``
    sorted, below ``2**47``; ``|values| < 2**31``; ``plus_ok``: blocks of positive values
    may store them minus 1 (schema 7). The bits are written as a little-endian stream, the
    first field of a block at its first bit, as ``runs._pack`` ORs them in."""
    n = keys.size
    # the blocks: their first pair, widths and whether their values are all positive
    nb = 0
    for i in range(n):
        if i == 0 or (keys[i] >> shift) != (keys[i - 1] >> shift):
            nb += 1
    first = np.empty(nb + 1, np.int64)
    kw = np.zeros(nb, np.int64)
    vw = np.zeros(nb, np.int64)
    plus = np.zeros(nb, np.bool_)
    numbers = np.empty(nb, np.int64)
    b = -1
    for i in range(n):
        block = keys[i] >> shift
        if i == 0 or block != (keys[i - 1] >> shift):
            b += 1
            first[b] = i
            numbers[b] = block
    first[nb] = n
    offsets = np.empty(nb + 1, np.int64)
    offsets[0] = 0
    for b in range(nb):
        lo, hi = first[b], first[b + 1]
        top = keys[lo] - (numbers[b] << shift)
        low = values[lo]
        for i in range(lo + 1, hi):
            top = max(top, keys[i] - keys[i - 1])
            low = min(low, values[i])
        plus[b] = plus_ok and low >= 1
        z = 0
        for i in range(lo, hi):
            z = max(z, _stored(values[i], plus[b]))
        kw[b] = _bit_length(top)
        vw[b] = _bit_length(z)
        count = hi - lo
        offsets[b + 1] = offsets[b] + _HEADER + ((count * kw[b] + 7) >> 3) + ((count * vw[b] + 7) >> 3)
    buf = np.zeros(offsets[nb], np.uint8)
    for b in range(nb):
        lo, hi = first[b], first[b + 1]
        count = hi - lo
        p = offsets[b]
        buf[p] = kw[b]
        buf[p + 1] = vw[b] | (_PLUS if plus[b] else 0)
        for j in range(4):
            buf[p + 2 + j] = (count >> (8 * j)) & 0xFF
        p += _HEADER
        # the gaps, then the values, each field padded to a byte
        for part in range(2):
            width = kw[b] if part == 0 else vw[b]
            if width == 0:
                continue
            acc = np.uint64(0)
            held = 0
            for i in range(lo, hi):
                if part == 0:
                    v = keys[i] - (keys[i - 1] if i > lo else numbers[b] << shift)
                else:
                    v = _stored(values[i], plus[b])
                acc |= np.uint64(v) << np.uint64(held)
                held += width
                while held >= 8:
                    buf[p] = np.uint8(acc & np.uint64(0xFF))
                    acc >>= np.uint64(8)
                    held -= 8
                    p += 1
            if held:
                buf[p] = np.uint8(acc & np.uint64(0xFF))
                p += 1
    return buf, numbers, offsets


EXPORTS = (
    ("encode_blocks", encode_blocks, "Tuple((u1[:], i8[:], i8[:]))(i8[:], i8[:], i8, b1)"),
)


def build(folder: str) -> None:
    """Compile the kernels into the extension module ``MODULE`` in ``folder`` (numba's pycc;
    a C compiler links it)."""
    from numba.pycc import CC

    cc = CC(MODULE)
    cc.output_dir = folder
    for name, function, signature in EXPORTS:
        cc.export(name, signature)(function)
    cc.compile()


if __name__ == "__main__":
    build(sys.argv[1])
