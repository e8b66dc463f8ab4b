"""Where an archive lives: one small interface (:class:`Store`) and its SQLite implementation.

The archive code talks only to :class:`Store`, so a server database can be added later by
implementing the same methods. :class:`SQLiteStore` uses the standard library's ``sqlite3``:
WAL mode (one writer and any number of readers at once), one transaction per batch (a
killed ``add`` leaves the archive as it was before that batch), a schema version with
migrations, and ``WITHOUT ROWID`` primary keys so that a key lookup (``WHERE key = ?``; the
band is folded into the key, see :func:`dedupe.archive.keys.folded`) is an index seek, never
a scan.

Compact on disk: keys and word n-gram hashes are 47-bit integers (SQLite stores them in 6
bytes), a document's own Jaccard keys are one blob of 6-byte keys, paths are numbered once,
and texts are zlib-compressed.

Two levels (a log-structured merge in its simplest form): new index rows go to the small
tables ``keys_new`` and ``grams_new``, which stay in the page cache; when they hold more
than ``MERGE_RATIO`` of the main tables' rows (and at least ``MERGE_MIN``), one transaction
merges them into ``keys`` and ``grams`` in key order. Inserting a batch's rows at random
places of one large B-tree instead rewrites a page per row once the tree outgrows the cache
(bulk add slowed down in proportion to the archive: 1.1 us per row at 3 M rows, 3.4 us at
18 M in a micro-benchmark). A lookup reads both levels.
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
from .keys import pack_keys, unpack_keys

SCHEMA_VERSION = 4
MERGE_RATIO = 0.25  # merge the new rows when they are this share of the main tables' rows
MERGE_MIN = 1_000_000  # ... and at least this many


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
    def add_keys(self, keys: np.ndarray, docs: np.ndarray) -> None:
        """Index rows ``(key, doc)``, written in key order (pages fill in order, fewer splits)."""
        order = np.lexsort((docs, keys))
        cur = self.db.executemany("INSERT OR IGNORE INTO keys_new VALUES (?, ?)",
                                  zip(keys[order].tolist(), docs[order].tolist()))
        self._count("rows_keys_new", cur.rowcount)

    def remove_keys(self, keys: np.ndarray, docs: np.ndarray) -> None:
        rows = list(zip(keys.tolist(), docs.tolist()))
        for table in ("keys", "keys_new"):
            self._count(f"rows_{table}", -self.db.executemany(f"DELETE FROM {table} WHERE key = ? AND doc = ?", rows).rowcount)

    def add_df(self, grams: np.ndarray, counts: np.ndarray) -> None:
        """Add ``counts`` (negative to subtract) to the document frequencies of ``grams``."""
        order = np.argsort(grams, kind="stable")
        cur = self.db.executemany(
            "INSERT INTO grams_new VALUES (?, ?) ON CONFLICT (gram) DO UPDATE SET df = df + excluded.df",
            zip(grams[order].tolist(), counts[order].tolist()),
        )
        self._count("rows_grams_new", cur.rowcount)

    def _count(self, name: str, change: int) -> None:
        self.db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = ?", (change, name))

    def _rows(self) -> dict:
        return {k: int(v) for k, v in self.db.execute(f"SELECT key, value FROM meta WHERE key IN {_ROWS}")}

    def settle(self) -> bool:
        """Merge the second level into the main tables when it has grown past
        ``MERGE_RATIO`` of them (inside the caller's transaction); whether it did."""
        rows = self._rows()
        if rows["rows_keys_new"] + rows["rows_grams_new"] < max(MERGE_MIN, MERGE_RATIO * rows["rows_keys"]):
            return False
        self.merge()
        return True

    def merge(self) -> None:
        """The second level into the main tables, in key order (inside the caller's transaction)."""
        self.db.execute("INSERT OR IGNORE INTO keys SELECT key, doc FROM keys_new ORDER BY key, doc")
        self.db.execute("INSERT INTO grams SELECT gram, df FROM grams_new WHERE true ORDER BY gram "
                        "ON CONFLICT (gram) DO UPDATE SET df = df + excluded.df")
        self.db.execute("DELETE FROM grams WHERE gram IN (SELECT gram FROM grams_new WHERE df < 0) AND df <= 0")
        rows = self._rows()
        self.db.execute("DELETE FROM keys_new")
        self.db.execute("DELETE FROM grams_new")
        self.set_meta({"rows_keys": str(rows["rows_keys"] + rows["rows_keys_new"]), "rows_keys_new": "0",
                       "rows_grams_new": "0"})

    def lookup(self, keys: np.ndarray, limit: Optional[int] = None) -> list[np.ndarray]:
        """Per key of ``keys``: the archive documents holding it (at most ``limit``), by
        primary-key seeks in both levels."""
        cur = self.db.cursor()
        q = "SELECT doc FROM keys WHERE key = ?1 UNION ALL SELECT doc FROM keys_new WHERE key = ?1"
        q += f" LIMIT {int(limit)}" if limit else ""
        return [np.array([r[0] for r in cur.execute(q, (k,))], dtype=np.int64) for k in keys.tolist()]

    def df(self, grams: np.ndarray) -> np.ndarray:
        """Document frequencies of ``grams`` (0 for unknown ones), by primary-key seeks in both levels."""
        values = grams.tolist()
        found: dict = {}
        for part in _chunks(values):
            marks = ",".join("?" * len(part))
            for table in ("grams", "grams_new"):
                for g, n in self.db.execute(f"SELECT gram, df FROM {table} WHERE gram IN ({marks})", part):
                    found[g] = found.get(g, 0) + n
        return np.array([found.get(g, 0) for g in values], dtype=np.int64)

    def all_df(self) -> dict:
        """Every stored n-gram's document frequency (both levels; for tests)."""
        found: dict = {}
        for table in ("grams", "grams_new"):
            for g, n in self.db.execute(f"SELECT gram, df FROM {table}"):
                found[g] = found.get(g, 0) + n
        return {g: n for g, n in found.items() if n > 0}

    def documents(self, numbers: Iterable[int], text: bool = True) -> list[StoredDocument]: ...

    @abstractmethod
    def counts(self) -> dict: ...

    @abstractmethod
    def document_count(self) -> int: ...

    @abstractmethod
    def close(self) -> None: ...


_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE IF NOT EXISTS docs (
        doc INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, path INTEGER, line INTEGER, source TEXT,
        date TEXT, chars INTEGER NOT NULL, words INTEGER NOT NULL, shingles INTEGER NOT NULL,
        language TEXT, jaccard BLOB NOT NULL, text BLOB NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS paths (path INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    "CREATE TABLE IF NOT EXISTS keys (key INTEGER, doc INTEGER, PRIMARY KEY (key, doc)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS grams (gram INTEGER PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID",
    # a table of its own: in docs the blob would push rows past half a page (one row a page)
    "CREATE TABLE IF NOT EXISTS quotes (doc INTEGER PRIMARY KEY, units BLOB NOT NULL)",
]
# the second level (version 4)
_LEVEL = [
    "CREATE TABLE IF NOT EXISTS keys_new (key INTEGER, doc INTEGER, PRIMARY KEY (key, doc)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS grams_new (gram INTEGER PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID",
]
# rows in each level, kept in meta (a count(*) reads the whole table)
_ROWS = ("rows_keys", "rows_keys_new", "rows_grams_new")


def _add_quotes(db) -> None:
    """Version 2 to 3: each document's quotation content words (table ``quotes``), read
    from its text, so that a check verifies quotation candidates without reading texts."""
    from .keys import quote_blob

    db.execute(_SCHEMA[-1])
    for rows in _batches(db, "SELECT doc, text FROM docs WHERE doc > ? ORDER BY doc LIMIT 1000"):
        blobs = [(n, quote_blob(zlib.decompress(t).decode("utf-8"), bits=32)) for n, t in rows]
        db.executemany("INSERT INTO quotes VALUES (?, ?)", [b for b in blobs if b[1]])


def _batches(db, query: str):
    """The rows of ``query`` (its first column ascending, ``> ?`` the last one seen) in parts."""
    last = 0
    while True:
        rows = db.execute(query, (last,)).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _compact(db) -> None:
    """Version 3 to 4: the second level (``keys_new``, ``grams_new``) and its row counts;
    Jaccard key blobs of 6-byte keys instead of 8; quotation words cut to 16 bits."""
    from .keys import narrowed_quotes, pack_keys, unpack_keys

    for statement in _LEVEL:
        db.execute(statement)
    for rows in _batches(db, "SELECT doc, jaccard FROM docs WHERE doc > ? ORDER BY doc LIMIT 5000"):
        db.executemany("UPDATE docs SET jaccard = ? WHERE doc = ?", [(pack_keys(unpack_keys(j, 8)), n) for n, j in rows])
    for rows in _batches(db, "SELECT doc, units FROM quotes WHERE doc > ? ORDER BY doc LIMIT 5000"):
        db.executemany("UPDATE quotes SET units = ? WHERE doc = ?", [(narrowed_quotes(u), n) for n, u in rows])
    keys = db.execute("SELECT count(*) FROM keys").fetchone()[0]
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [("rows_keys", str(keys)), ("rows_keys_new", "0"),
                                                              ("rows_grams_new", "0")])


# MIGRATIONS[v] takes a version-v database to version v + 1. Version 1 (band, key, doc rows
# and 64-bit keys) was never released: such an archive is refused and must be rebuilt.
MIGRATIONS: dict = {2: _add_quotes, 3: _compact}

_DOC_COLUMNS = "doc, id, paths.name, line, source, date, chars, words, shingles, language, jaccard, text, units"
# rows written per executemany call
_CHUNK = 500


def _chunks(values: list):
    for k in range(0, len(values), _CHUNK):
        yield values[k : k + _CHUNK]


class SQLiteStore(Store):
    def __init__(self, path: str, create: bool = True, readonly: bool = False):
        self.path = str(path)
        if not create and not Path(self.path).exists():
            raise ArchiveError(f"{self.path}: no such archive (create one with 'dedupe archive add')")
        try:
            uri = f"file:{Path(self.path).resolve()}?mode={'ro' if readonly else 'rwc'}"
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA busy_timeout = 30000")
            if not readonly:
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
            raise ArchiveError(f"{self.path}: archive schema version {version} needs migrating; open it writable")
        with self.transaction():
            if version == 0:
                tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables:
                    raise ArchiveError(f"{self.path}: an SQLite database, but not a dedupe archive")
                for statement in _SCHEMA + _LEVEL:
                    self.db.execute(statement)
                self.set_meta({k: "0" for k in _ROWS})
            else:
                for v in range(version, SCHEMA_VERSION):
                    MIGRATIONS[v](self.db)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
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
        """Rows (id, path, line, source, date, chars, words, shingles, language, jaccard, text, quotes)."""
        start = (self.db.execute("SELECT max(doc) FROM docs").fetchone()[0] or 0) + 1
        numbers = list(range(start, start + len(docs)))
        paths = self._path_numbers({d[1] for d in docs})
        self.db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(n, d[0], paths.get(d[1]), *d[2:9], pack_keys(np.asarray(d[9], dtype=np.int64)),
              zlib.compress(d[10].encode("utf-8"), 6)) for n, d in zip(numbers, docs)],
        )
        self.db.executemany("INSERT INTO quotes VALUES (?, ?)", [(n, d[11]) for n, d in zip(numbers, docs) if d[11]])
        return numbers

    def delete(self, numbers: list[int]) -> None:
        self.db.executemany("DELETE FROM docs WHERE doc = ?", [(n,) for n in numbers])
        self.db.executemany("DELETE FROM quotes WHERE doc = ?", [(n,) for n in numbers])

    def add_keys(self, keys: np.ndarray, docs: np.ndarray) -> None:
        """Index rows ``(key, doc)``, written in key order (pages fill in order, fewer splits)."""
        order = np.lexsort((docs, keys))
        self.db.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?)",
                            zip(keys[order].tolist(), docs[order].tolist()))

    def remove_keys(self, keys: np.ndarray, docs: np.ndarray) -> None:
        self.db.executemany("DELETE FROM keys WHERE key = ? AND doc = ?", zip(keys.tolist(), docs.tolist()))

    def add_df(self, grams: np.ndarray, counts: np.ndarray) -> None:
        """Add ``counts`` (negative to subtract) to the document frequencies of ``grams``."""
        order = np.argsort(grams, kind="stable")
        self.db.executemany(
            "INSERT INTO grams VALUES (?, ?) ON CONFLICT (gram) DO UPDATE SET df = df + excluded.df",
            zip(grams[order].tolist(), counts[order].tolist()),
        )
        if (counts < 0).any():
            self.db.execute("DELETE FROM grams WHERE df <= 0")

    def lookup(self, keys: np.ndarray, limit: Optional[int] = None) -> list[np.ndarray]:
        """Per key of ``keys``: the archive documents holding it (at most ``limit``), by
        primary-key seeks."""
        cur = self.db.cursor()
        q = "SELECT doc FROM keys WHERE key = ?" + (f" LIMIT {int(limit)}" if limit else "")
        return [np.array([r[0] for r in cur.execute(q, (k,))], dtype=np.int64) for k in keys.tolist()]

    def df(self, grams: np.ndarray) -> np.ndarray:
        """Document frequencies of ``grams`` (0 for unknown ones), by primary-key seeks."""
        values = grams.tolist()
        found: dict = {}
        for part in _chunks(values):
            found.update(self.db.execute(f"SELECT gram, df FROM grams WHERE gram IN ({','.join('?' * len(part))})", part))
        return np.array([found.get(g, 0) for g in values], dtype=np.int64)

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
                                               row[12] or b"")
        return [found[n] for n in numbers if n in found]

    def counts(self) -> dict:
        one = lambda q: self.db.execute(q).fetchone()[0]  # noqa: E731
        page = one("PRAGMA page_size")
        return {
            "documents": one("SELECT count(*) FROM docs"),
            "index_keys": one("SELECT count(*) FROM keys") + one("SELECT count(*) FROM keys_new"),
            # n-grams with a positive frequency in one level or both
            "word_ngrams": one("SELECT count(*) FROM grams g LEFT JOIN grams_new n USING (gram) "
                               "WHERE g.df + coalesce(n.df, 0) > 0")
            + one("SELECT count(*) FROM grams_new n WHERE n.df > 0 AND NOT EXISTS "
                  "(SELECT 1 FROM grams g WHERE g.gram = n.gram)"),
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
