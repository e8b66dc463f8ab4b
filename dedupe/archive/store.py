"""Where an archive lives: one small interface (:class:`Store`) and its SQLite implementation.

The archive code talks only to :class:`Store`, so a server database can be added later by
implementing the same methods. :class:`SQLiteStore` uses the standard library's ``sqlite3``:
WAL mode (one writer and any number of readers at once), one transaction per batch (a
killed ``add`` leaves the archive as it was before that batch), a schema version with
migrations. The index rows (key -> document, word n-gram -> document frequency) are sorted
runs (:mod:`dedupe.archive.runs`) in the table ``blocks``: a key lookup reads one block per
run by its primary key ``(run, block)``, an index seek, never a scan (the band is folded
into the key, see :func:`dedupe.archive.keys.folded`).

Compact on disk: keys and word n-gram hashes are 47-bit integers stored as bit-packed
gaps in their block (:func:`dedupe.archive.runs.encode`), a document's own Jaccard keys are
one blob of 6-byte keys, paths are numbered once, texts and quotation blobs are
zlib-compressed (:func:`deflated`, :func:`deflated_text`), run blocks are a rowid table (appended rows fill their pages), and pages are
16 KB (a page of 4 KB held two compressed articles and ~550 bytes of nothing per article).
"""

from __future__ import annotations

import functools
import sqlite3
import zlib
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Iterable, Iterator, Optional

import numpy as np

from ..errors import DedupeError
from ..passages.tokens import in_sorted
from . import runs as R
from .keys import JACCARD_BYTES, pack_keys, unpack_keys
from ..arrays import sorted_unique

SCHEMA_VERSION = 8
RUN_BITS = 32  # a block's row id: its run << RUN_BITS | its block number (schema 7)
PAGE_SIZE = 16384  # a new archive's
# run kinds, and whether their values are documents: "jaccard" (schema 8) counts the
# documents holding each stored Jaccard key as one of their own
KINDS = {"keys": True, "grams": False, "jaccard": False}
# schema 8: per run of these kinds, its pairs whose value is at least this (table
# ``summaries``), read whole by a check: the Jaccard keys held by two documents or more, and
# the n-grams frequent enough to be stock under any ``passage_max_df`` above it
SUMMARY_FLOOR = {"jaccard": 2, "grams": 50}
SUMMARY_VALUES = {"grams"}  # the kinds whose summaries keep the values (the others: the keys alone)


class ArchiveError(DedupeError):
    """The archive cannot do what was asked (wrong parameters, duplicate id, not an archive)."""


@dataclass(frozen=True)
class StoredDocument:
    doc: int  # the store's own number for the document
    id: str
    path: str
    line: Optional[int]
    source: Optional[str]
    date: Optional[str]
    chars: int
    words: int
    shingles: int
    language: str
    jaccard: np.ndarray  # its Jaccard LSH keys (int64), to follow its near-duplicates
    text: str
    quotes: bytes = b""  # its quotations' content words (see dedupe.archive.keys.quote_sets)
    unit_words: bytes = b""  # all the words of those quotation units (dedupe.archive.keys.unit_words_blobs)


class Store(ABC):
    """What the archive needs from a database. Every write happens inside ``transaction()``."""

    @abstractmethod
    def transaction(self): ...

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the archive: an ``add`` or ``remove`` by another
        process commits before or after them, never between (a check reads many times)."""
        yield

    @abstractmethod
    def meta(self) -> dict: ...

    @abstractmethod
    def set_meta(self, values: dict) -> None: ...

    @abstractmethod
    def numbers(self, ids: Iterable[str]) -> dict: ...

    @abstractmethod
    def insert(self, docs: list[tuple]) -> list[int]: ...

    @abstractmethod
    def delete(self, numbers: list[int]) -> None: ...

    @abstractmethod
    def add_keys(self, keys: np.ndarray, docs: np.ndarray) -> None: ...

    @abstractmethod
    def remove_keys(self, keys: np.ndarray, docs: np.ndarray) -> None: ...

    @abstractmethod
    def add_df(self, grams: np.ndarray, counts: np.ndarray) -> None: ...

    def add_jaccard(self, keys: np.ndarray, sign: int) -> None:
        """Count the documents holding each of ``keys`` (stored Jaccard keys, one per
        document holding it) as one more (``sign`` 1) or one fewer (-1), for
        :meth:`shared`."""

    def shared(self, keys: np.ndarray) -> np.ndarray:
        """Per stored Jaccard key (bool): whether more than one document may hold it as one
        of its own (false only where at most one does)."""
        return np.ones(np.shape(keys), dtype=bool)

    def settle(self, before: Optional[dict] = None) -> bool:
        """After a batch, inside its transaction: reorganise the indexes if the store wants
        to (see :meth:`SQLiteStore.settle`); whether it did. ``before``: the
        :meth:`pair_counts` before the add this batch belongs to (not its last batch)."""
        return False

    def add_last(self, pairs: dict, before: dict) -> None:
        """Inside the transaction of an add's last batch: its pairs per kind (``{"keys":
        (keys, docs), "jaccard": (keys, counts), "grams": (grams, counts)}``), ``before``
        the :meth:`pair_counts` before the add. A store may reorganise its indexes at once
        (see :meth:`SQLiteStore.add_last`)."""
        self.add_keys(*pairs["keys"])
        keys, counts = pairs["jaccard"]
        self.add_jaccard(keys, int(counts[0]) if len(counts) else 1)
        self.add_df(*pairs["grams"])
        self.settle()

    def pair_counts(self) -> dict:
        """Per index kind: ``(pairs, runs)`` as stored (pairs of every run added up)."""
        return {}

    def merge(self, kind: str) -> None:
        """Inside a transaction: the indexes of ``kind`` reorganised for the fastest lookups."""

    def compact(self) -> None:
        """Inside a transaction: reorganise the indexes for the fastest lookups (see
        :meth:`SQLiteStore.compact`)."""

    def release(self) -> None:
        """Drop what the store keeps in memory for the writes of one add (an archive kept open,
        as by ``dedupe serve``, does not hold it between adds)."""

    @abstractmethod
    def lookup(self, keys: np.ndarray, limit: Optional[int] = None) -> list[np.ndarray]:
        """Per key of ``keys``: the archive documents holding it (at most ``limit``)."""

    @abstractmethod
    def df(self, grams: np.ndarray, above: Optional[int] = None) -> np.ndarray:
        """Document frequencies of ``grams`` (0 for unknown ones); with ``above``, exact
        where they are above it and at most ``above`` where they are not."""

    @abstractmethod
    def documents(self, numbers: Iterable[int], text: bool = True, quotes: bool = True) -> list[StoredDocument]:
        """The documents by number (``text=False``: without their texts; ``quotes=False``:
        without their quotation blobs)."""

    def jaccard_keys(self, numbers: Iterable[int]) -> list[np.ndarray]:
        """The Jaccard keys (:attr:`StoredDocument.jaccard`) of the documents ``numbers``
        found, in that order (a check follows them: nothing else of the documents is read)."""
        return [s.jaccard for s in self.documents(numbers, text=False, quotes=False)]

    @abstractmethod
    def quotations(self, numbers: Iterable[int], words: bool = True, units: bool = True) -> list[tuple]:
        """``(doc, quotes, unit_words)`` of those of the documents ``numbers`` with quotations
        (:attr:`StoredDocument.quotes`, :attr:`StoredDocument.unit_words`; ``words=False``:
        ``b""`` for the latter, ``units=False``: for the former), in that order."""

    @abstractmethod
    def counts(self) -> dict: ...

    @abstractmethod
    def document_count(self) -> int: ...

    @abstractmethod
    def close(self) -> None: ...


# the index rows (version 4): runs of sorted (key, value) pairs, cut into blocks
_RUNS = [
    """CREATE TABLE IF NOT EXISTS runs (run INTEGER PRIMARY KEY, kind TEXT NOT NULL, level INTEGER NOT NULL,
        shift INTEGER NOT NULL, pairs INTEGER NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS blocks (run INTEGER, block INTEGER, data BLOB NOT NULL, PRIMARY KEY (run, block)) "
    "WITHOUT ROWID",
]
# version 7: a rowid table (appended rows fill their pages: ~200 bytes an article less
# than the WITHOUT ROWID B-tree, whose pages kept ~10% empty)
_BLOCKS = "CREATE TABLE IF NOT EXISTS blocks (id INTEGER PRIMARY KEY, data BLOB NOT NULL)"
# version 8: per run of a kind of SUMMARY_FLOOR, its pairs of a value at least the floor
# (see _write_summary)
_SUMMARIES = "CREATE TABLE IF NOT EXISTS summaries (run INTEGER PRIMARY KEY, data BLOB NOT NULL)"
_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE IF NOT EXISTS docs (
        doc INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, path INTEGER, line INTEGER, source TEXT,
        date TEXT, chars INTEGER NOT NULL, words INTEGER NOT NULL, shingles INTEGER NOT NULL,
        language TEXT, jaccard BLOB NOT NULL, text BLOB NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS paths (path INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    # a table of its own: in docs the blob would push rows past half a page (one row a page)
    # words: every word of the units (version 6), for a check to bound the words two units share;
    # both zlib-compressed (version 7)
    "CREATE TABLE IF NOT EXISTS quotes (doc INTEGER PRIMARY KEY, units BLOB NOT NULL, words BLOB)",
    _RUNS[0],
    _BLOCKS,
    _SUMMARIES,
]


TEXT_LEVEL = 6  # zlib level of the stored texts (without libdeflate) and quotation blobs
# libdeflate's level for texts: a 3 KB generated article ~30 us against zlib's ~75 at level 6,
# 1,521 bytes against 1,529 (its levels 2-6: ~43-48 us); a quotation blob of a few hundred
# bytes is no faster with it (~13 us either way), so blobs stay zlib's own bytes
FAST_TEXT_LEVEL = 1


@functools.cache
def _libdeflate():
    """libdeflate's bindings (``deflate``, MIT; optional, ``dedupe-news[fast]``: the zlib
    format, read by ``zlib``, ~2.5x as fast to write a text and ~1.8x to read one), or None;
    imported at the first write or text read."""
    try:
        import deflate
    except ImportError:  # pragma: no cover - depends on the install
        return None
    return deflate


def deflated(data: bytes, level: int = TEXT_LEVEL) -> bytes:
    """``zlib.compress(data, level)``. (A copy of a compressor never used, zlib's
    ``deflateCopy``, was tried and is slower: it copies the compressor's four 64 KB tables,
    where ``deflateInit`` clears one; 39,578 quotation blobs of ~325 bytes, best of 5 at load
    11-13: 1.17 against 0.88 CPU s.)"""
    return zlib.compress(data, level)


def deflated_text(data: bytes) -> bytes:
    """A text as stored: zlib's format, read by ``zlib.decompress``. With libdeflate
    (``dedupe-news[fast]``) its deflate at FAST_TEXT_LEVEL, else :func:`deflated`; the bytes
    depend on the compressor, what they hold does not."""
    fast = _libdeflate()
    return deflated(data) if fast is None else bytes(fast.zlib_compress(data, FAST_TEXT_LEVEL))  # (a bytearray)


def inflated_text(blob: bytes, chars: int) -> str:
    """A stored text (:func:`deflated_text`) of ``chars`` characters read back. With
    libdeflate, which writes into a buffer of a size given beforehand (at most 4 UTF-8 bytes a
    character), ~1.8x as fast as ``zlib.decompress`` (a check's ~200 candidates: 4.2 -> 2.3 ms)."""
    fast = _libdeflate()
    if fast is not None:
        try:
            return fast.zlib_decompress(blob, 4 * chars + 64).decode("utf-8")
        except fast.DeflateError:  # (not a stored text of that size: zlib says what is wrong)
            pass
    return zlib.decompress(blob).decode("utf-8")


def _squeezed(blob: Optional[bytes]) -> bytes:
    """A quotation blob as stored (version 7): zlib-compressed, empty as empty."""
    return deflated(blob) if blob else b""


def _unpacked(blobs: list) -> list[np.ndarray]:
    """The Jaccard keys of each of ``blobs`` (:func:`~dedupe.archive.keys.pack_keys`),
    unpacked at once (a check's ~200 candidates), then cut."""
    cuts = np.cumsum([len(b) // JACCARD_BYTES for b in blobs[:-1]], dtype=np.int64)
    return np.split(unpack_keys(b"".join(blobs)), cuts)


def _unsqueezed(blob: Optional[bytes]) -> bytes:
    return zlib.decompress(blob) if blob else b""


def _add_quotes(db) -> None:
    """Version 2 to 3: each document's quotation content words (table ``quotes``), read
    from its text, so that a check verifies quotation candidates without reading texts."""
    from .keys import quote_blob

    db.execute("CREATE TABLE quotes (doc INTEGER PRIMARY KEY, units BLOB NOT NULL)")
    for rows in _batches(db, "SELECT doc, text FROM docs WHERE doc > ? ORDER BY doc LIMIT 1000"):
        blobs = [(n, quote_blob(zlib.decompress(t).decode("utf-8"), bits=32)) for n, t in rows]
        db.executemany("INSERT INTO quotes VALUES (?, ?)", [b for b in blobs if b[1]])


def _batches(db, query: str, first: int = 0):
    """The rows of ``query`` (its first column ascending, ``> ?`` the last one seen) in parts."""
    last = first
    while True:
        rows = db.execute(query, (last,)).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _to_runs(db) -> None:
    """Version 3 to 4: the tables ``keys`` and ``grams`` become one run each; Jaccard key
    blobs of 6-byte keys instead of 8; quotation words cut to 16 bits."""
    from .keys import narrowed_quotes

    for statement in _RUNS:
        db.execute(statement)
    for kind, table, columns in (("keys", "keys", "key, doc"), ("grams", "grams", "gram, df")):
        pairs = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        key = columns.split(",")[0]

        def read(lo, hi, table=table, columns=columns, key=key):
            rows = db.execute(f"SELECT {columns} FROM {table} WHERE {key} >= ? AND {key} < ? ORDER BY {columns}",
                              (lo, hi)).fetchall()
            return tuple(np.array(c, dtype=np.int64).reshape(-1) for c in (zip(*rows) if rows else ((), ())))

        _write_run(db, kind, 0, pairs, (read(lo, hi) for lo, hi in R.parts(pairs)), schema4=True)
        db.execute(f"DROP TABLE {table}")
    for rows in _batches(db, "SELECT doc, jaccard FROM docs WHERE doc > ? ORDER BY doc LIMIT 5000"):
        db.executemany("UPDATE docs SET jaccard = ? WHERE doc = ?", [(pack_keys(unpack_keys(j, 8)), n) for n, j in rows])
    for rows in _batches(db, "SELECT doc, units FROM quotes WHERE doc > ? ORDER BY doc LIMIT 5000"):
        db.executemany("UPDATE quotes SET units = ? WHERE doc = ?", [(narrowed_quotes(u), n) for n, u in rows])


def _write_run(db, kind: str, level: int, pairs: int, sorted_parts, schema4: bool = False) -> int:
    """A run of about ``pairs`` pairs from ``(keys, values)`` parts in key order (``schema4``:
    in the blocks of schema 4, for the migration from 3); its number (0 when it has no pairs)."""
    shift = R.shift_for(pairs, R.SCHEMA4_SHIFT if schema4 else R.MAX_SHIFT)
    run = db.execute("INSERT INTO runs (kind, level, shift, pairs) VALUES (?, ?, ?, 0)", (kind, level, shift)).lastrowid
    written = 0
    base = run << RUN_BITS
    floor = None if schema4 else SUMMARY_FLOOR.get(kind)
    summary: list = []
    for keys, values in sorted_parts:
        if schema4:
            db.executemany(f"INSERT INTO blocks VALUES ({run}, ?, ?)", R.encode4(keys, values, shift))
        else:
            db.executemany("INSERT INTO blocks VALUES (?, ?)", R.encode(keys, values, shift, base=base))
        written += keys.size
        if floor is not None:
            summary.append((keys[values >= floor], values[values >= floor]))
    if written:
        db.execute("UPDATE runs SET pairs = ? WHERE run = ?", (written, run))
        if floor is not None:
            _write_summary(db, run, kind, summary)
        return run
    db.execute("DELETE FROM runs WHERE run = ?", (run,))
    return 0


def _write_summary(db, run: int, kind: str, parts: list) -> None:
    """The summary of ``run`` (see :data:`SUMMARY_FLOOR`) from its ``(keys, values)`` parts:
    the keys as 6-byte integers (:func:`~dedupe.archive.keys.pack_keys`), then, for a kind of
    :data:`SUMMARY_VALUES`, the values as uint32 (read without decoding: a check reads a
    summary of ~1M keys once per process)."""
    none = np.zeros(0, dtype=np.int64)
    data = pack_keys(np.concatenate([none, *(k for k, _ in parts)]))
    if kind in SUMMARY_VALUES:
        data += np.concatenate([none, *(v for _, v in parts)]).astype("<u4").tobytes()
    db.execute("INSERT OR REPLACE INTO summaries VALUES (?, ?)", (run, data))


def _read_summary(kind: str, data: bytes) -> tuple[np.ndarray, Optional[np.ndarray]]:
    n = len(data) // (JACCARD_BYTES + (4 if kind in SUMMARY_VALUES else 0))
    keys = unpack_keys(data[: n * JACCARD_BYTES])
    return keys, np.frombuffer(data, "<u4", n, n * JACCARD_BYTES).astype(np.int64) if kind in SUMMARY_VALUES else None


def _bit_packed(db) -> None:
    """Version 4 to 5: run blocks re-encoded, key gaps and values bit-packed
    (:func:`dedupe.archive.runs.encode`); runs, blocks and pairs stay as they were."""
    for run, shift in db.execute("SELECT run, shift FROM runs").fetchall():
        for rows in _batches(db, f"SELECT block, data FROM blocks WHERE run = {run} AND block > ? ORDER BY block LIMIT 5000",
                             first=-1):
            db.executemany(f"UPDATE blocks SET data = ? WHERE run = {run} AND block = ?",
                           [(d, b) for b, d in R.encode(*R.decode4(rows, shift), shift)])


def _add_unit_words(db) -> None:
    """Version 5 to 6: every word of each stored quotation unit (``quotes.words``), read
    from the texts holding quotations, so that a check bounds the words a pair of units
    shares before reading texts (:func:`dedupe.archive.check.quoting`)."""
    from .keys import quote_blobs

    db.execute("ALTER TABLE quotes ADD COLUMN words BLOB")
    for rows in _batches(db, "SELECT doc, text FROM quotes JOIN docs USING (doc) WHERE doc > ? ORDER BY doc LIMIT 1000"):
        _, words = quote_blobs([zlib.decompress(t).decode("utf-8") for _, t in rows])
        db.executemany("UPDATE quotes SET words = ? WHERE doc = ?", [(w, n) for (n, _), w in zip(rows, words)])


def _rowid_blocks(db) -> None:
    """Version 6 to 7: run blocks in a rowid table (``id = run << RUN_BITS | block``, the
    blocks' bytes unchanged: version 7 only adds a flag, :data:`dedupe.archive.runs.PLUS`,
    that version-6 blocks never set), quotation blobs zlib-compressed."""
    db.execute("CREATE TABLE blocks7 (id INTEGER PRIMARY KEY, data BLOB NOT NULL)")
    db.execute(f"INSERT INTO blocks7 SELECT (run << {RUN_BITS}) | block, data FROM blocks ORDER BY run, block")
    db.execute("DROP TABLE blocks")
    db.execute("ALTER TABLE blocks7 RENAME TO blocks")
    for rows in _batches(db, "SELECT doc, units, words FROM quotes WHERE doc > ? ORDER BY doc LIMIT 5000"):
        db.executemany("UPDATE quotes SET units = ?, words = ? WHERE doc = ?",
                       [(_squeezed(u), _squeezed(w), n) for n, u, w in rows])


def _add_summaries(db) -> None:
    """Version 7 to 8: a run of the documents holding each Jaccard key (kind ``jaccard``,
    counted from the documents' own keys, at the highest level of the key runs) and the
    summary of every run of a kind of :data:`SUMMARY_FLOOR` (table ``summaries``), so that a
    check looks up only the Jaccard keys of its candidates that another document holds, and
    the frequencies of the n-grams of a draft that are not in a summary only where they can
    make one stock."""
    db.execute(_SUMMARIES)
    for run, kind, shift, pairs in db.execute("SELECT run, kind, shift, pairs FROM runs WHERE kind = 'grams'").fetchall():
        parts = []
        for lo, hi in R.parts(pairs):
            keys, values = R.decode(db.execute(f"SELECT id - ({run} << {RUN_BITS}), data FROM blocks WHERE id >= ? AND id < ? "
                                               "ORDER BY id", ((run << RUN_BITS) + (lo >> shift),
                                                               (run << RUN_BITS) + (hi >> shift))).fetchall(), shift)
            parts.append((keys[values >= SUMMARY_FLOOR[kind]], values[values >= SUMMARY_FLOOR[kind]]))
        _write_summary(db, run, kind, parts)
    level = db.execute("SELECT coalesce(max(level), 0) FROM runs WHERE kind = 'keys'").fetchone()[0]
    total = db.execute(f"SELECT coalesce(sum(length(jaccard)), 0) / {JACCARD_BYTES} FROM docs").fetchone()[0]

    def counted():  # the parts of a run (of PART_PAIRS keys), every document's keys read once
        parts = R.parts(total)  # per 4 of them (2 passes at 1M articles, ~13M keys each)
        for group in (parts[k : k + 4] for k in range(0, len(parts), 4)):
            lo, hi = group[0][0], group[-1][1]
            found = [np.zeros(0, dtype=np.int64)]
            for rows in _batches(db, "SELECT doc, jaccard FROM docs WHERE doc > ? ORDER BY doc LIMIT 20000"):
                keys = unpack_keys(b"".join(j for _, j in rows))
                found.append(keys[(keys >= lo) & (keys < hi)])
            keys = np.concatenate(found)
            del found
            keys.sort()
            starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
            counts, keys = np.diff(np.append(starts, keys.size)), keys[starts]
            for x, y in np.searchsorted(keys, np.array(group)).tolist():
                yield keys[x:y], counts[x:y]

    _write_run(db, "jaccard", level, total, counted())


# MIGRATIONS[v] takes a version-v database to version v + 1. Version 1 (band, key, doc rows
# and 64-bit keys) was never released: such an archive is refused and must be rebuilt.
MIGRATIONS: dict = {2: _add_quotes, 3: _to_runs, 4: _bit_packed, 5: _add_unit_words, 6: _rowid_blocks, 7: _add_summaries}

_DOC_COLUMNS = ("doc, id, paths.name, line, source, date, chars, docs.words, shingles, language, jaccard, text, units, "
                "quotes.words")
# rows written per executemany call
_CHUNK = 500
# pairs of the runs this connection wrote that it keeps in memory (16 bytes a pair) for the
# merges that read them (a bulk add's merge at its end reads its batches' runs from here
# instead of reading and decoding their blocks): about two batches of ADD_BATCH articles
FRESH_PAIRS = 16_000_000
# runs of a kind a bulk add leaves unmerged until its end (see SQLiteStore.settle): a check
# during the add reads at most this many per kind
BULK_RUNS = 16
MERGE_PART_PAIRS = 4 * R.ENCODE_PAIRS  # pairs of a merge's part (see SQLiteStore.merge)


def _chunks(values: list):
    for k in range(0, len(values), _CHUNK):
        yield values[k : k + _CHUNK]


class SQLiteStore(Store):
    _version = None  # PRAGMA data_version when the runs kept in memory were checked

    @property
    def _fresh(self) -> dict:
        """Run -> ``(keys, values)`` of runs this connection wrote (see ``FRESH_PAIRS``),
        oldest first; valid while no other connection has written (``PRAGMA data_version``,
        checked per transaction)."""
        return self.__dict__.setdefault("_fresh_runs", {})

    def __init__(self, path: str, create: bool = True, readonly: bool = False):
        self.path = str(path)
        self._summaries: dict = {}
        if not create and not Path(self.path).exists():
            raise ArchiveError(f"{self.path}: no such archive (create one with 'dedupe archive add')")
        try:
            uri = f"file:{Path(self.path).resolve()}?mode={'ro' if readonly else 'rwc'}"
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA busy_timeout = 30000")
            if not readonly:
                self.db.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # a new archive's (before WAL; else no effect)
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA cache_size = -262144")
            self._migrate(readonly)
        except sqlite3.DatabaseError as e:
            raise ArchiveError(f"{self.path}: not a dedupe archive ({e})") from None

    def _migrate(self, readonly: bool) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise ArchiveError(f"{self.path}: archive schema version {version} is newer than this dedupe "
                               f"({SCHEMA_VERSION}); upgrade dedupe")
        if version and version not in MIGRATIONS:
            raise ArchiveError(f"{self.path}: archive schema version {version} was a development version "
                               "that cannot be migrated; build the archive again")
        if readonly:
            raise ArchiveError(f"{self.path}: archive schema version {version} needs migrating; open it writable (`dedupe check`, `dedupe archive add` and `remove` migrate it)")
        with self.transaction():
            if version == 0:
                tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables:
                    raise ArchiveError(f"{self.path}: an SQLite database, but not a dedupe archive")
                for statement in _SCHEMA:
                    self.db.execute(statement)
            else:
                for v in range(version, SCHEMA_VERSION):
                    MIGRATIONS[v](self.db)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._version:  # another connection wrote: the runs kept may be gone
            self._fresh.clear()
            self._version = version
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            self._fresh.clear()
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        if self.db.in_transaction:  # inside a transaction already, whose reads are consistent
            yield
            return
        # deferred: the first read takes a snapshot of the WAL, held until COMMIT (a read
        # outside a transaction takes one per statement)
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            if self.db.in_transaction:
                self.db.execute("COMMIT")

    def meta(self) -> dict:
        return dict(self.db.execute("SELECT key, value FROM meta"))

    def set_meta(self, values: dict) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(values.items()))

    def numbers(self, ids: Iterable[str]) -> dict:
        out = {}
        for part in _chunks(list(ids)):
            q = f"SELECT id, doc FROM docs WHERE id IN ({','.join('?' * len(part))})"
            out.update(self.db.execute(q, part))
        return out

    def _path_numbers(self, names: set) -> dict:
        names = sorted(n for n in names if n is not None)
        self.db.executemany("INSERT OR IGNORE INTO paths (name) VALUES (?)", [(n,) for n in names])
        out = {}
        for part in _chunks(names):
            out.update(self.db.execute(f"SELECT name, path FROM paths WHERE name IN ({','.join('?' * len(part))})", part))
        return out

    def insert(self, docs: list[tuple]) -> list[int]:
        """Rows (id, path, line, source, date, chars, words, shingles, language, jaccard, text, quotes,
        quotation unit words); the Jaccard keys as an array or as stored (bytes, ``pack_keys``),
        the text as a str or as stored (bytes, :func:`deflated_text`)."""
        # never a removed document's number again: its keys' -doc pairs stay in the runs until
        # merged, and a pair's + and - must each be counted once
        last = self.db.execute("SELECT max(doc) FROM docs").fetchone()[0] or 0
        start = max(last, int(self.meta().get("last_doc", 0))) + 1
        numbers = list(range(start, start + len(docs)))
        self.set_meta({"last_doc": str(numbers[-1] if numbers else start - 1)})
        paths = self._path_numbers({d[1] for d in docs})
        self.db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(n, d[0], paths.get(d[1]), *d[2:9], d[9] if isinstance(d[9], bytes) else pack_keys(np.asarray(d[9], dtype=np.int64)),
              d[10] if isinstance(d[10], bytes) else deflated_text(d[10].encode("utf-8")))
             for n, d in zip(numbers, docs)],
        )
        self.db.executemany("INSERT INTO quotes VALUES (?, ?, ?)",
                            [(n, _squeezed(d[11]), _squeezed(d[12])) for n, d in zip(numbers, docs) if d[11]])
        return numbers

    def delete(self, numbers: list[int]) -> None:
        self.db.executemany("DELETE FROM docs WHERE doc = ?", [(n,) for n in numbers])
        self.db.executemany("DELETE FROM quotes WHERE doc = ?", [(n,) for n in numbers])

    def add_keys(self, keys: np.ndarray, docs: np.ndarray) -> None:
        """Index pairs ``(key, doc)``: a new run (merged with others later, see :meth:`settle`)."""
        self._add_run("keys", keys, docs)

    def remove_keys(self, keys: np.ndarray, docs: np.ndarray) -> None:
        self._add_run("keys", keys, -docs)

    def add_df(self, grams: np.ndarray, counts: np.ndarray) -> None:
        """Add ``counts`` (negative to subtract) to the document frequencies of ``grams``."""
        self._add_run("grams", grams, counts)

    def add_jaccard(self, keys: np.ndarray, sign: int) -> None:
        self._add_run("jaccard", keys, np.full(np.size(keys), sign, dtype=np.int64))

    def _add_run(self, kind: str, keys: np.ndarray, values: np.ndarray) -> None:
        self._write_fresh(kind, *R.normalised(np.asarray(keys, dtype=np.int64), np.asarray(values, dtype=np.int64),
                                              KINDS[kind]))

    def add_last(self, pairs: dict, before: dict) -> None:
        """The last batch's pairs of an add (see :meth:`Store.add_last`): a kind that this add
        grew to at least twice what it held before (a bulk add) has its runs and these pairs
        merged into one run at once, these pairs never written as a run of their own (the
        runs were written twice: a 20,000-article bulk add wrote 4 batch runs per kind and 1
        merged one, now 2 and 1); the other kinds get a new run, then :meth:`settle`."""
        counts = self.pair_counts()
        for kind, (keys, values) in pairs.items():
            keys, values = R.normalised(np.asarray(keys, dtype=np.int64), np.asarray(values, dtype=np.int64), KINDS[kind])
            held, runs = counts.get(kind, (0, 0))
            start = before.get(kind, (0, 0))[0]
            if runs and keys.size and held + keys.size - start >= start:
                self.merge(kind, extra=(keys, values))
            else:
                self._write_fresh(kind, keys, values)
        self.settle()

    def _write_fresh(self, kind: str, keys: np.ndarray, values: np.ndarray) -> None:
        """A new run of normalised pairs, kept in memory for the merges of this add."""
        run = _write_run(self.db, kind, 0, keys.size, [(keys, values)])
        if run and keys.size <= FRESH_PAIRS:
            self._fresh[run] = (keys, values)
            while sum(k.size for k, _ in self._fresh.values()) > FRESH_PAIRS:
                del self._fresh[next(iter(self._fresh))]

    def settle(self, before: Optional[dict] = None) -> bool:
        """Merge runs, inside the caller's transaction: while ``FANOUT`` runs of one kind
        share a level, into one run of the next level; whether any was merged.

        ``before`` (the pair counts before an add, during its batches but the last): a kind
        this add has already grown to at least twice what it held is left as it is while it
        has fewer than ``BULK_RUNS`` runs. Its runs are all merged into one at the add's end
        with the last batch's pairs (:meth:`add_last`; a grown kind stays grown), so merging
        them by level first rewrote pairs that merge rewrites again: a 100,000-article bulk
        add (10 batches) wrote each pair of its first 8 batches three times, now twice. A
        `kill -9` leaves the batches committed as runs, as before; the next add or
        ``compact`` merges them."""
        counts = self.pair_counts() if before is not None else {}
        bulk = [k for k, (pairs, runs) in counts.items()
                if runs < BULK_RUNS and pairs - before.get(k, (0, 0))[0] >= before.get(k, (0, 0))[0]]
        merged = False
        while True:
            full = self.db.execute("SELECT kind, level FROM runs WHERE kind NOT IN (%s) GROUP BY kind, level "
                                   "HAVING count(*) >= ? ORDER BY level LIMIT 1" % ",".join("?" * len(bulk)),
                                   (*bulk, R.FANOUT)).fetchone()
            if full is None:
                return merged
            self.merge(*full)
            merged = True

    def release(self) -> None:
        self._fresh.clear()

    def pair_counts(self) -> dict:
        return {k: (p, n) for k, p, n in self.db.execute("SELECT kind, sum(pairs), count(*) FROM runs GROUP BY kind")}

    def compact(self) -> None:
        """Every kind's runs merged into one: a lookup reads one block per key instead of
        one per run (4-12 runs after a bulk add; the next batches add runs again)."""
        for kind in KINDS:
            self.merge(kind)

    def merge(self, kind: str, level: Optional[int] = None, extra: Optional[tuple] = None) -> None:
        """The runs of ``kind`` (those of ``level``, or all) into one run of the next level
        (or of the highest), part of the key space by part; with ``extra``, normalised pairs
        (:func:`R.normalised`) not written yet, merged with them as a run of level 0."""
        where, args = ("kind = ?", (kind,)) if level is None else ("kind = ? AND level = ?", (kind, level))
        inputs = self.db.execute(f"SELECT run, shift, pairs, level FROM runs WHERE {where}", args).fetchall()
        if len(inputs) + (extra is not None) < 2:
            return
        pairs = sum(r[2] for r in inputs) + (extra[0].size if extra is not None else 0)
        target = max([r[3] for r in inputs] + [0]) + 1

        def extra_pairs(lo: int, hi: int) -> list:
            if extra is None:
                return []
            a, b = np.searchsorted(extra[0], [lo, hi]).tolist()
            return [(extra[0][a:b], extra[1][a:b])]

        # in small parts (the same blocks: parts are whole blocks), whose arrays stay in the CPU
        # caches and are made again in the memory the last part's freed: 40,000 articles
        # added, 1.29 -> 1.03 GB peak RSS, system time 3.1-3.4 -> 2.3 s (parts of PART_PAIRS)
        def merged_parts():
            for lo, hi in R.parts(pairs, self._span_bits(kind), MERGE_PART_PAIRS):
                found = [self._pairs(run, shift, lo, hi) for run, shift, _, _ in inputs] + extra_pairs(lo, hi)
                yield R.normalised(np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found]),
                                   KINDS[kind], runs=True)
                # the part is written: its input blocks go, and their pages hold the next part
                for run, shift, _, _ in inputs:
                    self.db.execute("DELETE FROM blocks WHERE id >= ? AND id < ?",
                                    ((run << RUN_BITS) + (lo >> shift), (run << RUN_BITS) + (hi >> shift)))

        _write_run(self.db, kind, target, pairs, merged_parts())
        for run, *_ in inputs:
            self.db.execute("DELETE FROM runs WHERE run = ?", (run,))
            self.db.execute("DELETE FROM summaries WHERE run = ?", (run,))
            self._fresh.pop(run, None)

    def _span_bits(self, kind: str) -> int:
        """The key span of a part of the runs of ``kind`` read at once (:func:`R.parts`)."""
        if not KINDS[kind]:
            return R.KEY_BITS
        last = self.db.execute("SELECT max(doc) FROM docs").fetchone()[0] or 0
        return R.doc_span_bits(max(last, int(self.meta().get("last_doc", 0))))

    def _pairs(self, run: int, shift: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """The pairs of ``run`` with keys in ``[lo, hi)`` (whole blocks: ``lo``, ``hi`` are
        multiples of every block's size): kept in memory if this connection wrote the run,
        else its blocks read and decoded."""
        if run in self._fresh and self.db.execute("PRAGMA data_version").fetchone()[0] == self._version:
            keys, values = self._fresh[run]
            a, b = np.searchsorted(keys, [lo, hi]).tolist()
            return keys[a:b], values[a:b]
        base = run << RUN_BITS
        rows = self.db.execute(f"SELECT id - {base}, data FROM blocks WHERE id >= ? AND id < ? ORDER BY id",
                               (base + (lo >> shift), base + (hi >> shift))).fetchall()
        return R.decode(rows, shift)

    def _runs(self, kind: str) -> list[tuple[int, int, int]]:
        """``(run, shift, pairs)`` of the runs of ``kind``."""
        return self.db.execute("SELECT run, shift, pairs FROM runs WHERE kind = ?", (kind,)).fetchall()

    def _read(self, kind: str, keys: np.ndarray, runs: Optional[list] = None) -> list:
        """The pairs of ``keys`` in every run of ``kind`` (or in ``runs`` of it), their blocks
        read by primary-key seeks."""
        found = []
        keys = sorted_unique(keys)
        for run, shift, pairs in self._runs(kind) if runs is None else runs:
            blocks = keys >> shift  # ascending: each block once by a comparison, not np.unique
            blocks = blocks[np.concatenate(([True], blocks[1:] != blocks[:-1]))].tolist() if blocks.size else []
            base = run << RUN_BITS
            if len(blocks) * R.BLOCK_PAIRS >= pairs:  # most of its blocks: the whole run in one pass
                rows = self.db.execute(f"SELECT id - {base}, data FROM blocks WHERE id >= ? AND id < ?",
                                       (base, base + (1 << RUN_BITS))).fetchall()
                found.append(R.search(rows, shift, keys))
                continue
            for part in _chunks(blocks):
                q = f"SELECT id - {base}, data FROM blocks WHERE id IN ({','.join('?' * len(part))})"
                found.append(R.search(self.db.execute(q, [base + b for b in part]).fetchall(), shift, keys))
        return found

    def _summarised(self, kind: str, keys: np.ndarray):
        """For a check: the largest run of ``kind``, its summary (``None`` when it has none:
        written before schema 8) and the sums of ``keys`` over the other runs."""
        runs = self._runs(kind)
        if not runs:
            return None, None, np.zeros(keys.size, dtype=np.int64)
        largest = max(runs, key=lambda r: r[2])
        others = [r for r in runs if r is not largest]
        rest = R.lookup(keys, self._read(kind, keys, others), False) if others else np.zeros(keys.size, dtype=np.int64)
        return largest, self._summary(kind, largest), rest

    def _summary(self, kind: str, run: tuple):
        """The summary of ``run`` (``(run, shift, pairs)``) of ``kind``, read once and kept
        while it is that kind's largest run (a run's pairs never change: a merge writes a
        new run)."""
        cached = self._summaries.get(kind)
        if cached is None or cached[0] != run:
            row = self.db.execute("SELECT data FROM summaries WHERE run = ?", (run[0],)).fetchone()
            if row is None:
                return None
            self._summaries[kind] = cached = (run, _read_summary(kind, row[0]))
        return cached[1]

    def lookup(self, keys: np.ndarray, limit: Optional[int] = None) -> list[np.ndarray]:
        """Per key of ``keys``: the archive documents holding it (the first ``limit``)."""
        keys = np.asarray(keys, dtype=np.int64)
        out = R.lookup(keys, self._read("keys", keys), True)
        return [d[:limit] for d in out] if limit else out

    def shared(self, keys: np.ndarray) -> np.ndarray:
        """Per stored Jaccard key: whether more than one document may hold it as one of its
        own. The largest ``jaccard`` run's summary holds its keys counted twice or more;
        a key it does not hold is counted at most once there, so it is shared only if the
        other runs (smaller, looked up) count it once or more."""
        keys = np.asarray(keys, dtype=np.int64)
        largest, summary, rest = self._summarised("jaccard", keys)
        if largest is not None and summary is None:
            return np.ones(keys.size, dtype=bool)
        twice = in_sorted(keys, summary[0]) if summary is not None else np.zeros(keys.size, dtype=bool)
        return twice | (rest >= 1)

    def df(self, grams: np.ndarray, above: Optional[int] = None) -> np.ndarray:
        """Document frequencies of ``grams`` (0 for unknown ones). With ``above`` (a check's
        stock test): exact where above it, at most ``above`` elsewhere. The largest n-gram
        run's summary gives the frequencies there of its n-grams counted ``SUMMARY_FLOOR``
        times or more; an n-gram it does not hold is counted fewer times there, and is
        looked up in that run only if that could put it above ``above``."""
        grams = np.asarray(grams, dtype=np.int64)
        if above is None:
            return R.lookup(grams, self._read("grams", grams), False)
        largest, summary, total = self._summarised("grams", grams)
        if largest is None:
            return total
        if summary is None:
            return total + R.lookup(grams, self._read("grams", grams, [largest]), False)
        keys, values = summary
        at = np.minimum(np.searchsorted(keys, grams), max(keys.size - 1, 0))
        held = keys[at] == grams if keys.size else np.zeros(grams.size, dtype=bool)
        total[held] += values[at[held]]
        unsure = ~held & (total + SUMMARY_FLOOR["grams"] - 1 > above)
        if unsure.any():
            total[unsure] += R.lookup(grams[unsure], self._read("grams", grams[unsure], [largest]), False)
        return total

    def _net(self, kind: str):
        """Every pair of ``kind`` over all runs, added up, part of the key space by part."""
        inputs = self.db.execute("SELECT run, shift, pairs FROM runs WHERE kind = ?", (kind,)).fetchall()
        for lo, hi in R.parts(sum(r[2] for r in inputs), self._span_bits(kind)):
            found = [self._pairs(run, shift, lo, hi) for run, shift, _ in inputs]
            keys, values = R.normalised(np.concatenate([np.zeros(0, dtype=np.int64), *(f[0] for f in found)]),
                                        np.concatenate([np.zeros(0, dtype=np.int64), *(f[1] for f in found)]), KINDS[kind])
            yield keys, values

    def all_df(self) -> dict:
        """Every stored n-gram's document frequency (for tests)."""
        return {k: v for keys, values in self._net("grams") for k, v in zip(keys.tolist(), values.tolist()) if v > 0}

    def documents(self, numbers: Iterable[int], text: bool = True, quotes: bool = True,
                  keys: bool = True) -> list[StoredDocument]:
        """``keys=False``: without their Jaccard keys (an empty ``jaccard``; a check's
        candidates are read for their texts)."""
        found = {}
        numbers = list(numbers)
        columns = _DOC_COLUMNS if text else _DOC_COLUMNS.replace("text", "''")
        columns = columns if quotes else columns.replace("units, quotes.words", "NULL, NULL")
        columns = columns if keys else columns.replace("jaccard", "NULL")
        joined = "LEFT JOIN quotes USING (doc) " if quotes else ""
        none = np.zeros(0, dtype=np.int64)
        for part in _chunks(numbers):
            q = (f"SELECT {columns} FROM docs LEFT JOIN paths USING (path) {joined}"
                 f"WHERE doc IN ({','.join('?' * len(part))})")
            found.update((row[0], row) for row in self.db.execute(q, part))
        rows = [found[n] for n in numbers if n in found]
        own = _unpacked([row[10] for row in rows]) if keys and rows else repeat(none)
        return [StoredDocument(*row[:10], k, inflated_text(row[11], row[6]) if text else "", _unsqueezed(row[12]),
                               _unsqueezed(row[13])) for row, k in zip(rows, own)]

    def jaccard_keys(self, numbers: Iterable[int]) -> list[np.ndarray]:
        found = {}
        numbers = list(numbers)
        for part in _chunks(numbers):
            q = f"SELECT doc, jaccard FROM docs WHERE doc IN ({','.join('?' * len(part))})"
            found.update((n, blob) for n, blob in self.db.execute(q, part))
        blobs = [found[n] for n in numbers if n in found]
        return _unpacked(blobs) if blobs else []

    def quotations(self, numbers: Iterable[int], words: bool = True, units: bool = True) -> list[tuple]:
        found = {}
        numbers = list(numbers)
        for part in _chunks(numbers):
            q = (f"SELECT doc, {'units' if units else 'NULL'}, {'words' if words else 'NULL'} FROM quotes "
                 f"WHERE doc IN ({','.join('?' * len(part))})")
            found.update((n, (n, _unsqueezed(u), _unsqueezed(w))) for n, u, w in self.db.execute(q, part))
        return [found[n] for n in numbers if n in found]

    def counts(self) -> dict:
        one = lambda q: self.db.execute(q).fetchone()[0]  # noqa: E731
        page = one("PRAGMA page_size")
        return {
            "documents": one("SELECT count(*) FROM docs"),
            "index_keys": sum(int((v > 0).sum()) for _, v in self._net("keys")),
            "word_ngrams": sum(int((v > 0).sum()) for _, v in self._net("grams")),
            "runs": one("SELECT count(*) FROM runs"),
            "text_bytes_compressed": one("SELECT coalesce(sum(length(text)), 0) FROM docs"),
            "file_bytes": (one("PRAGMA page_count") - one("PRAGMA freelist_count")) * page,
        }

    def document_count(self) -> int:
        """The number of documents alone (``counts`` also counts every key: slow on a large archive)."""
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def integrity(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    def close(self) -> None:
        self.db.close()
