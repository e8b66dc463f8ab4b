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
zlib-compressed, run blocks are a rowid table (appended rows fill their pages), and pages are
16 KB (a page of 4 KB held two compressed articles and ~550 bytes of nothing per article).
"""

from __future__ import annotations

import sqlite3
import zlib
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

import numpy as np

from ..errors import DedupeError
from . import runs as R
from .keys import pack_keys, unpack_keys

SCHEMA_VERSION = 7
RUN_BITS = 32  # a block's row id: its run << RUN_BITS | its block number (schema 7)
PAGE_SIZE = 16384  # a new archive's
KINDS = {"keys": True, "grams": False}  # run kinds, and whether their values are documents


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

    def settle(self) -> bool:
        """After a batch, inside its transaction: reorganise the indexes if the store wants
        to (see :meth:`SQLiteStore.settle`); whether it did."""
        return False

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
    def df(self, grams: np.ndarray) -> np.ndarray: ...

    @abstractmethod
    def documents(self, numbers: Iterable[int], text: bool = True) -> list[StoredDocument]: ...

    @abstractmethod
    def quotations(self, numbers: Iterable[int]) -> list[tuple]:
        """``(doc, quotes, unit_words)`` of those of the documents ``numbers`` with quotations
        (:attr:`StoredDocument.quotes`, :attr:`StoredDocument.unit_words`), in that order."""

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
]


TEXT_LEVEL = 6  # zlib level of the stored texts
_FRESH_DEFLATE: dict = {}  # level -> a compressor never used, copied for each input


def deflated(data: bytes, level: int = TEXT_LEVEL) -> bytes:
    """``zlib.compress(data, level)``, the same bytes, from a copy of a compressor never used
    (zlib's ``deflateCopy``) instead of a new one (``deflateInit``, which clears its tables:
    ~2-3x the time of compressing a quotation blob of a few hundred bytes)."""
    fresh = _FRESH_DEFLATE.get(level)
    if fresh is None:
        fresh = _FRESH_DEFLATE[level] = zlib.compressobj(level)
    compressor = fresh.copy()
    return compressor.compress(data) + compressor.flush()


def _squeezed(blob: Optional[bytes]) -> bytes:
    """A quotation blob as stored (version 7): zlib-compressed, empty as empty."""
    return deflated(blob, 6) if blob else b""


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
    encode = R.encode4 if schema4 else R.encode
    run = db.execute("INSERT INTO runs (kind, level, shift, pairs) VALUES (?, ?, ?, 0)", (kind, level, shift)).lastrowid
    written = 0
    base = run << RUN_BITS
    for keys, values in sorted_parts:
        rows = encode(keys, values, shift)
        if schema4:
            db.executemany(f"INSERT INTO blocks VALUES ({run}, ?, ?)", rows)
        else:
            db.executemany("INSERT INTO blocks VALUES (?, ?)", [(base + b, d) for b, d in rows])
        written += keys.size
    if written:
        db.execute("UPDATE runs SET pairs = ? WHERE run = ?", (written, run))
        return run
    db.execute("DELETE FROM runs WHERE run = ?", (run,))
    return 0


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


# MIGRATIONS[v] takes a version-v database to version v + 1. Version 1 (band, key, doc rows
# and 64-bit keys) was never released: such an archive is refused and must be rebuilt.
MIGRATIONS: dict = {2: _add_quotes, 3: _to_runs, 4: _bit_packed, 5: _add_unit_words, 6: _rowid_blocks}

_DOC_COLUMNS = ("doc, id, paths.name, line, source, date, chars, docs.words, shingles, language, jaccard, text, units, "
                "quotes.words")
# rows written per executemany call
_CHUNK = 500
# pairs of the runs this connection wrote that it keeps in memory (16 bytes a pair) for the
# merges that read them (a bulk add's merge at its end reads its batches' runs from here
# instead of reading and decoding their blocks): about two batches of ADD_BATCH articles
FRESH_PAIRS = 16_000_000
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
        the text as a str or as stored (bytes: zlib at ``TEXT_LEVEL``)."""
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
              d[10] if isinstance(d[10], bytes) else deflated(d[10].encode("utf-8"), TEXT_LEVEL))
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

    def _add_run(self, kind: str, keys: np.ndarray, values: np.ndarray) -> None:
        keys, values = R.normalised(np.asarray(keys, dtype=np.int64), np.asarray(values, dtype=np.int64), KINDS[kind])
        run = _write_run(self.db, kind, 0, keys.size, [(keys, values)])
        if run and keys.size <= FRESH_PAIRS:
            self._fresh[run] = (keys, values)
            while sum(k.size for k, _ in self._fresh.values()) > FRESH_PAIRS:
                del self._fresh[next(iter(self._fresh))]

    def settle(self) -> bool:
        """Merge runs, inside the caller's transaction: while ``FANOUT`` runs of one kind
        share a level, into one run of the next level; whether any was merged."""
        merged = False
        while True:
            full = self.db.execute("SELECT kind, level FROM runs GROUP BY kind, level HAVING count(*) >= ? "
                                   "ORDER BY level LIMIT 1", (R.FANOUT,)).fetchone()
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

    def merge(self, kind: str, level: Optional[int] = None) -> None:
        """The runs of ``kind`` (those of ``level``, or all) into one run of the next level
        (or of the highest), part of the key space by part."""
        where, args = ("kind = ?", (kind,)) if level is None else ("kind = ? AND level = ?", (kind, level))
        inputs = self.db.execute(f"SELECT run, shift, pairs, level FROM runs WHERE {where}", args).fetchall()
        if len(inputs) < 2:
            return
        pairs = sum(r[2] for r in inputs)
        target = max(r[3] for r in inputs) + 1

        # in small parts (the same blocks: parts are whole blocks), whose arrays stay in the CPU
        # caches and are made again in the memory the last part's freed: 40,000 articles
        # added, 1.29 -> 1.03 GB peak RSS, system time 3.1-3.4 -> 2.3 s (parts of PART_PAIRS)
        def merged_parts():
            for lo, hi in R.parts(pairs, self._span_bits(kind), MERGE_PART_PAIRS):
                found = [self._pairs(run, shift, lo, hi) for run, shift, _, _ in inputs]
                yield R.normalised(np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found]),
                                   KINDS[kind], runs=True)
                # the part is written: its input blocks go, and their pages hold the next part
                for run, shift, _, _ in inputs:
                    self.db.execute("DELETE FROM blocks WHERE id >= ? AND id < ?",
                                    ((run << RUN_BITS) + (lo >> shift), (run << RUN_BITS) + (hi >> shift)))

        _write_run(self.db, kind, target, pairs, merged_parts())
        for run, *_ in inputs:
            self.db.execute("DELETE FROM runs WHERE run = ?", (run,))
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

    def _read(self, kind: str, keys: np.ndarray) -> list:
        """The pairs of ``keys`` in every run of ``kind`` (their blocks read by primary-key seeks)."""
        found = []
        keys = np.unique(keys)
        for run, shift, pairs in self.db.execute("SELECT run, shift, pairs FROM runs WHERE kind = ?", (kind,)).fetchall():
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

    def lookup(self, keys: np.ndarray, limit: Optional[int] = None) -> list[np.ndarray]:
        """Per key of ``keys``: the archive documents holding it (the first ``limit``)."""
        keys = np.asarray(keys, dtype=np.int64)
        out = R.lookup(keys, self._read("keys", keys), True)
        return [d[:limit] for d in out] if limit else out

    def df(self, grams: np.ndarray) -> np.ndarray:
        """Document frequencies of ``grams`` (0 for unknown ones)."""
        grams = np.asarray(grams, dtype=np.int64)
        return R.lookup(grams, self._read("grams", grams), False)

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

    def documents(self, numbers: Iterable[int], text: bool = True) -> list[StoredDocument]:
        """The documents by number (``text=False``: without reading their texts)."""
        found = {}
        numbers = list(numbers)
        columns = _DOC_COLUMNS if text else _DOC_COLUMNS.replace("text", "''")
        for part in _chunks(numbers):
            q = (f"SELECT {columns} FROM docs LEFT JOIN paths USING (path) LEFT JOIN quotes USING (doc) "
                 f"WHERE doc IN ({','.join('?' * len(part))})")
            for row in self.db.execute(q, part):
                found[row[0]] = StoredDocument(*row[:10], unpack_keys(row[10]),
                                               zlib.decompress(row[11]).decode("utf-8") if text else "",
                                               _unsqueezed(row[12]), _unsqueezed(row[13]))
        return [found[n] for n in numbers if n in found]

    def quotations(self, numbers: Iterable[int]) -> list[tuple]:
        found = {}
        numbers = list(numbers)
        for part in _chunks(numbers):
            q = f"SELECT doc, units, words FROM quotes WHERE doc IN ({','.join('?' * len(part))})"
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
