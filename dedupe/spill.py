"""Data kept in a temporary file instead of memory: arrays appended under a key and read back
one key at a time (:class:`Spill`: the passage stage's per-unit and per-n-gram arrays grow with
the corpus, and each step over them needs one slice at a time, one LSH band, one range of
n-gram hashes), and numbered byte records read back one at a time (:class:`Records`: the words
of each document, read again for each pair the aligner compares), and numbers appended and
read back by range (:class:`Numbers`: quote-drift's unit words, held until its pass 2).
:func:`trim` gives the memory freed back to the system."""

from __future__ import annotations

import ctypes
import os
import tempfile
from array import array

import numpy as np


def _write(fd: int, data, offset: int) -> int:
    """Write all of ``data`` (bytes-like) at ``offset``; the number of bytes written."""
    data = memoryview(data).cast("B")
    done = 0
    while done < len(data):  # (a write may be cut short)
        done += os.pwrite(fd, data[done:], offset + done)
    return done


def _read(fd: int, into: memoryview, offset: int) -> None:
    """Fill ``into`` from ``offset``."""
    at = 0
    while at < len(into):  # (a read may be cut short)
        got = os.preadv(fd, [into[at:]], offset + at)
        if not got:
            raise OSError("the spill file ended early")
        at += got


class _TempFile:
    """A temporary file, unlinked from the start (it goes even if the process dies) and closed
    with :meth:`close` or at the end of a ``with`` block."""

    def __init__(self):
        self._file = tempfile.TemporaryFile(prefix="dedupe-spill-")
        self._end = 0

    def close(self) -> None:
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Spill(_TempFile):
    """Append arrays under keys (:meth:`add`), read back the concatenation of one key's
    arrays, in the order they were added (:meth:`get`). The file is deleted when closed (use
    it as a context manager)."""

    def __init__(self):
        super().__init__()
        self._blocks: dict = {}  # key -> [(offset, items)]
        self._kind: dict = {}  # key -> (dtype, shape of one item)

    def add(self, key, array: np.ndarray) -> None:
        """Append ``array`` (items along its first axis) under ``key``."""
        array = np.ascontiguousarray(array)
        kind = (array.dtype, array.shape[1:])
        if self._kind.setdefault(key, kind) != kind:
            raise ValueError(f"spill key {key!r}: {kind} after {self._kind[key]}")
        if not array.shape[0]:
            return
        self._blocks.setdefault(key, []).append((self._end, array.shape[0]))
        self._end += _write(self._file.fileno(), array.reshape(-1), self._end)

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
            _read(self._file.fileno(), raw[at : at + n * width], offset)
            at += n * width
        return out


class Records(_TempFile):
    """Byte records appended one after the other (:meth:`add`) and read back by number
    (:meth:`get`): 8 bytes of memory a record (where it ends in the file). Reading needs no
    lock: processes forked after the records were written may read them at once."""

    def __init__(self):
        super().__init__()
        self._ends = array("q", [0])

    def add(self, data) -> None:
        """Append a record (bytes-like)."""
        self._end += _write(self._file.fileno(), data, self._end)
        self._ends.append(self._end)

    def extend(self, records) -> None:
        """Append records (bytes-like), written at once."""
        records = list(records)
        self._end += _write(self._file.fileno(), b"".join(records), self._end)
        for data in records:
            self._ends.append(self._ends[-1] + len(data))

    def get(self, i: int) -> bytearray:
        """Record ``i`` (numbered from 0 in the order added)."""
        out = bytearray(self._ends[i + 1] - self._ends[i])
        _read(self._file.fileno(), memoryview(out), self._ends[i])
        return out

    def __len__(self) -> int:
        return len(self._ends) - 1


class Numbers(_TempFile):
    """A growing sequence of numbers of one type, kept in a temporary file but for the last
    ``buffer`` appended: :meth:`extend` adds, :meth:`read` gives a range back as an array
    (e.g. the words of every quotation of the corpus, read again a chunk at a time)."""

    def __init__(self, typecode: str, buffer: int = 1 << 18):
        super().__init__()
        self._tail, self._buffer, self._written = array(typecode), buffer, 0
        self.dtype = np.dtype(self._tail.typecode)

    def extend(self, values) -> None:
        self._tail.extend(values)
        if len(self._tail) >= self._buffer:
            self._end += _write(self._file.fileno(), self._tail, self._end)
            self._written += len(self._tail)
            del self._tail[:]

    def __len__(self) -> int:
        return self._written + len(self._tail)

    def read(self, start: int, stop: int) -> np.ndarray:
        """The numbers ``[start, stop)``."""
        start, stop = int(start), int(stop)
        out = np.empty(max(0, stop - start), dtype=self.dtype)
        on_file = min(stop, self._written) - start
        if on_file > 0:
            _read(self._file.fileno(), memoryview(out[:on_file]).cast("B"), start * self.dtype.itemsize)
        if stop > self._written:
            at = max(start, self._written)
            out[at - start :] = np.frombuffer(self._tail, dtype=self.dtype)[at - self._written : stop - self._written]
        return out


def trim() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``), after large
    data is let go: freed blocks amid the heap stay in the process otherwise (counted in its
    RSS, and in that of processes forked later). Nothing elsewhere."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):  # not glibc (Windows: no CDLL(None))
        pass
