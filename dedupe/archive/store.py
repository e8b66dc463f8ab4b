"""Where an archive lives: one small interface (:class:`Store`) and its SQLite implementation.

The archive code talks only to :class:`Store`, so a server database can be added later by
implementing the same methods. :class:`SQLiteStore` uses the standard library's ``sqlite3``:
WAL mode (one writer and any number of readers at once), one transaction per batch (a
killed ``add`` leaves the archive as it was before that batch), a schema version with
migrations, and ``WITHOUT ROWID`` primary keys so that a key lookup (``WHERE key = ?``; the
band is folded into the key, see :func:`dedupe.archive.keys.folded`) is an index seek, never
a scan.

Compact on disk: keys and word n-gram hashes are 47-bit integers (SQLite stores them in 6
bytes), a document's own Jaccard keys are one blob, paths are numbered once, and texts are
zlib-compressed.
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

SCHEMA_VERSION = 3


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
    def add_keys(self, keys: np.ndarray, docs: np.ndarray) -> None: ...

    @abstractmethod
    def remove_keys(self, keys: np.ndarray, docs: np.ndarray) -> None: ...

    @abstractmethod
    def add_df(self, grams: np.ndarray, counts: np.ndarray) -> None: ...

    @abstractmethod
    def lookup(self, keys: np.ndarray, limit: Optional[int] = None) -> list[np.ndarray]:
        """Per key of ``keys``: the archive documents holding it (at most ``limit``), by
        primary-key seeks (without a limit, one query per chunk of keys)."""
        values = keys.tolist()
        if limit:
            cur = self.db.cursor()
            q = f"SELECT doc FROM keys WHERE key = ? LIMIT {int(limit)}"
            return [np.array([r[0] for r in cur.execute(q, (k,))], dtype=np.int64) for k in values]
        found: dict = {}
        for part in _chunks(values):
            for key, doc in self.db.execute(f"SELECT key, doc FROM keys WHERE key IN ({','.join('?' * len(part))})", part):
                found.setdefault(key, []).append(doc)
        return [np.array(found.get(k, ()), dtype=np.int64) for k in values]

    def df(self, grams: np.ndarray) -> np.ndarray: ...

    @abstractmethod
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


def _add_quotes(db) -> None:
    """Version 2 to 3: each document's quotation content words (table ``quotes``), read
    from its text, so that a check verifies quotation candidates without reading texts."""
    from .keys import quote_blob

    db.execute(_SCHEMA[-1])
    last = 0
    while True:
        rows = db.execute("SELECT doc, text FROM docs WHERE doc > ? ORDER BY doc LIMIT 1000", (last,)).fetchall()
        if not rows:
            return
        blobs = [(n, quote_blob(zlib.decompress(t).decode("utf-8"))) for n, t in rows]
        db.executemany("INSERT INTO quotes VALUES (?, ?)", [b for b in blobs if b[1]])
        last = rows[-1][0]


# MIGRATIONS[v] takes a version-v database to version v + 1. Version 1 (band, key, doc rows
# and 64-bit keys) was never released: such an archive is refused and must be rebuilt.
MIGRATIONS: dict = {2: _add_quotes}

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
                for statement in _SCHEMA:
                    self.db.execute(statement)
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
            [(n, d[0], paths.get(d[1]), *d[2:9], np.asarray(d[9], dtype=np.int64).tobytes(),
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
                found[row[0]] = StoredDocument(*row[:10], np.frombuffer(row[10], dtype=np.int64),
                                               zlib.decompress(row[11]).decode("utf-8") if text else "",
                                               row[12] or b"")
        return [found[n] for n in numbers if n in found]

    def counts(self) -> dict:
        one = lambda q: self.db.execute(q).fetchone()[0]  # noqa: E731
        page = one("PRAGMA page_size")
        return {
            "documents": one("SELECT count(*) FROM docs"),
            "index_keys": one("SELECT count(*) FROM keys"),
            "word_ngrams": one("SELECT count(*) FROM grams"),
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
