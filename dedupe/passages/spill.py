"""Arrays kept in a temporary file instead of memory, appended under a key and read back one
key at a time: the passage stage's per-unit and per-n-gram arrays grow with the corpus, and
each step over them needs one slice at a time (one LSH band, one range of n-gram hashes)."""

from __future__ import annotations

import os
import tempfile

import numpy as np


class Spill:
    """Append arrays under keys (:meth:`add`), read back the concatenation of one key's
    arrays, in the order they were added (:meth:`get`). The file is deleted when closed (use
    it as a context manager); it is unlinked from the start, so it goes even if the process
    dies."""

    def __init__(self):
        self._file = tempfile.TemporaryFile(prefix="dedupe-spill-")
        self._blocks: dict = {}  # key -> [(offset, items)]
        self._kind: dict = {}  # key -> (dtype, shape of one item)
        self._end = 0

    def add(self, key, array: np.ndarray) -> None:
        """Append ``array`` (items along its first axis) under ``key``."""
        array = np.ascontiguousarray(array)
        kind = (array.dtype, array.shape[1:])
        if self._kind.setdefault(key, kind) != kind:
            raise ValueError(f"spill key {key!r}: {kind} after {self._kind[key]}")
        if not array.shape[0]:
            return
        data = memoryview(array.reshape(-1)).cast("B")
        done = 0
        while done < len(data):  # (a write may be cut short)
            done += os.pwrite(self._file.fileno(), data[done:], self._end + done)
        self._blocks.setdefault(key, []).append((self._end, array.shape[0]))
        self._end += done

    def items(self, key) -> int:
        """How many items ``key`` holds."""
        return sum(n for _, n in self._blocks.get(key, ()))

    def get(self, key, dtype=None, shape=()) -> np.ndarray:
        """The arrays added under ``key``, concatenated (``dtype`` and ``shape``: of an empty
        result, for a key never added)."""
        dtype, shape = self._kind.get(key, (np.dtype(dtype), tuple(shape)))
        width = dtype.itemsize * int(np.prod(shape, dtype=np.int64))
        out = np.empty((self.items(key), *shape), dtype=dtype)
        raw = memoryview(out.reshape(-1)).cast("B")
        at = 0
        for offset, n in self._blocks.get(key, ()):
            size = n * width
            while size:  # (a read may be cut short)
                got = os.preadv(self._file.fileno(), [raw[at : at + size]], offset)
                if not got:
                    raise OSError("the spill file ended early")
                at, offset, size = at + got, offset + got, size - got
        return out

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "Spill":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
