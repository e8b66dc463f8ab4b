"""A persistent archive for pre-publication checks: documents indexed once, grown as copy
arrives, and drafts checked against it without reading the whole archive.

    >>> import tempfile, os
    >>> from dedupe.config import Config
    >>> path = os.path.join(tempfile.mkdtemp(), "a.db")
    >>> with Archive.open(path, Config(detect_language=False)) as a:
    ...     a.add([("w1", "the council voted on Tuesday to close the old harbour bridge for repairs")]).added
    1

See :mod:`dedupe.archive.store` for the storage and :mod:`dedupe.archive.keys` for the indexes.
"""

from __future__ import annotations

import dataclasses
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Optional

import numpy as np

from ..config import Config
from ..model import Document, InputError
from ..parallel import pmap
from .keys import JACCARD_BYTES, QUOTE_BAND, UNIT_BAND, folded, joined_stored, short_grams, stored_keys_of, unpack_keys
from .store import ArchiveError, SQLiteStore, Store, StoredDocument, deflated_text
from ..arrays import sorted_unique

__all__ = ["Archive", "ArchiveError", "AddResult", "INDEX_FIELDS", "ON_DUPLICATE"]

# the settings the stored keys depend on: an archive refuses documents keyed with others
INDEX_FIELDS = (
    "shingle", "ngram", "num_perm", "seed", "scheme", "threshold", "lsh_recall", "lsh_bands", "lsh_rows", "detect_language"
)
ON_DUPLICATE = ("error", "skip", "replace")
# documents per transaction of a bulk add: each transaction writes its index pairs as new
# runs, and runs are merged FANOUT at a time, so a pair is rewritten about log4 of the
# number of transactions times. 10,000 documents (~4.5M pairs, ~35 MB of keys in memory)
# instead of 1,000: 2 runs of each kind at 20,000 documents instead of 20 merged into 2
ADD_BATCH = 10_000
INDEX_VERSION = "keys-2"  # the key layout of dedupe.archive.keys (units, quotes, names)


def index_parameters(config: Config) -> dict:
    return {"keys": INDEX_VERSION, "hash_scheme": config.hash_scheme,
            **{k: getattr(config, k) for k in INDEX_FIELDS}}


def _difference(stored: dict, wanted: dict) -> tuple[str, str]:
    """The settings that differ, as the archive has them and as this run has them."""
    keys = [k for k in {**stored, **wanted} if k != "hash_scheme" and stored.get(k) != wanted.get(k)]
    keys = keys or ["hash_scheme"]
    return ", ".join(f"{k}={stored.get(k)}" for k in keys), ", ".join(f"{k}={wanted.get(k)}" for k in keys)


@dataclass
class AddResult:
    added: int = 0
    replaced: int = 0
    skipped: int = 0
    errors: list = field(default_factory=list)


class Archive:
    """An archive in a :class:`~dedupe.archive.store.Store` (SQLite by default)."""

    def __init__(self, store: Store, config: Config):
        self.store, self.config = store, config

    @classmethod
    def open(cls, path: str, config: Optional[Config] = None, create: bool = True, readonly: bool = False) -> "Archive":
        """Open (or create) the archive at ``path``. ``config`` is checked against the
        archive's recorded parameters (an error names both); without it, the archive's own
        parameters are used."""
        store = SQLiteStore(path, create=create, readonly=readonly)
        try:
            stored = store.meta().get("index")
            if stored is None:
                config = config or Config()
                if readonly:
                    raise ArchiveError(f"{path}: not a dedupe archive (no parameters recorded)")
                with store.transaction():
                    store.set_meta({"index": json.dumps(index_parameters(config))})
                return cls(store, config)
            stored = json.loads(stored)
            if config is None:
                config = Config(**{k: stored[k] for k in INDEX_FIELDS})
            wanted = index_parameters(config)
            if wanted != stored:
                theirs, ours = _difference(stored, wanted)
                raise ArchiveError(
                    f"{path}: the archive was built with {theirs} (hash scheme {stored.get('hash_scheme')}); "
                    f"this run uses {ours} (hash scheme {wanted['hash_scheme']}). "
                    "Use the archive's settings or build a new archive"
                )
            return cls(store, config)
        except BaseException:
            store.close()
            raise

    def with_settings(self, **settings) -> "Archive":
        """The same archive with other check-time settings (rules, passages, containment...);
        the index settings cannot change."""
        bad = [k for k in settings if k in INDEX_FIELDS and settings[k] != getattr(self.config, k)]
        if bad:
            theirs = ", ".join(f"{k}={getattr(self.config, k)}" for k in bad)
            raise ArchiveError(f"the archive was built with {theirs}; {', '.join(bad)} cannot differ in a check")
        return Archive(self.store, dataclasses.replace(self.config, **settings))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.store.close()

    # -- writing ---------------------------------------------------------------------------

    def add(self, documents: Iterable, on_duplicate: str = "error", progress=None,
            batch: int = ADD_BATCH) -> AddResult:
        """Add documents (anything :func:`dedupe.api.scan` accepts), one transaction per
        ``batch`` documents (their keys computed ``config.batch_size`` at a time). An id
        already archived (or twice in the input) is an ArchiveError naming it
        (``on_duplicate="error"``; that batch is not written), left as it was (``"skip"``)
        or replaced (``"replace"``)."""
        if on_duplicate not in ON_DUPLICATE:
            raise ArchiveError(f"on_duplicate must be one of {', '.join(ON_DUPLICATE)}, got {on_duplicate!r}")
        if batch < 1:
            raise ArchiveError(f"batch must be at least 1, got {batch!r}")
        result = AddResult()
        before = self.store.pair_counts()
        size = self.config.batch_size
        batches: deque = deque()  # read, their keys not yet written
        failed: list = []

        def chunks():
            try:
                for docs, final in self._batches(documents, on_duplicate, batch, result):
                    batches.append((docs, final))
                    texts = [d.text for d in docs]
                    for i in range(0, len(texts), size):
                        yield texts[i : i + size], i + size >= len(texts), self.config
            except Exception as error:  # raised once the batches read before it are written
                failed.append(error)

        parts = []
        from ..api import fewer_collections

        try:
            # each batch's keys and compressed texts, ``batch_size`` documents a job, in order:
            # with workers, the next batch's are computed while this process writes one (up to
            # a batch ahead)
            # (the collector run less often: an add's objects, documents and rows, live for a
            # batch and make no cycles; 20,000 articles: 426 collections, 0.27 CPU s, -> 7)
            with fewer_collections():
                for part, last in pmap(_batch_job, chunks(), self.config.workers, ahead=max(1, batch // size)):
                    parts.append(part)
                    if last:
                        docs, final = batches.popleft()
                        self._add_batch(docs, _joined_parts(parts), on_duplicate, result, before, final)
                        parts = []
                        if progress:
                            progress("archive", result.added, None)
            if failed:
                raise failed[0]
            self._settle_add(before)
        except Exception:
            self._settle_failed()
            raise
        finally:
            self.store.release()  # (the runs this add wrote, kept for its merges)
        return result

    def _batches(self, documents: Iterable, on_duplicate: str, batch: int, result: AddResult):
        """The documents in batches of ``batch``, each with whether the input has no item
        after it (its last batch, known from one item read ahead); an id twice in the input
        is an error, or its first document is kept, or its last, as ``on_duplicate`` says."""
        from ..api import as_document

        pending: dict[str, Document] = {}
        items = enumerate(documents)
        ahead = next(items, None)
        while ahead is not None:
            (n, item), ahead = ahead, next(items, None)
            doc = as_document(item, n)
            if isinstance(doc, InputError):
                result.errors.append(doc)
                continue
            if doc.id in pending:
                if on_duplicate == "error":
                    raise ArchiveError(f"{doc.location}: duplicate id {doc.id!r} in the input "
                                       "(use --on-duplicate skip or replace)")
                if on_duplicate == "skip":
                    result.skipped += 1
                    continue
                result.replaced += 1
            pending[doc.id] = doc
            if len(pending) >= batch:
                yield list(pending.values()), ahead is None
                pending = {}
        if pending:
            yield list(pending.values()), True

    def _settle_failed(self) -> None:
        """After an add that failed: the runs its batches left to its end merged by level
        (:meth:`Store.settle`), if the store can still be written."""
        try:
            with self.store.transaction():
                self.store.settle()
        except Exception:  # (the add's own error is the one to report)
            pass

    def _settle_add(self, before: dict) -> None:
        """After an add: the runs of a kind merged into one (:meth:`compact`) when this add
        wrote at least as many pairs as the kind held before it (a bulk add, the first add
        of an archive): the merge then reads and writes at most about twice what the add
        wrote, and a merged run's blocks are fuller and their key gaps narrower (20,000
        news-mode articles: 210 bytes an article less) and a check reads one block per key.
        A small add to a large archive leaves the runs to :meth:`SQLiteStore.settle`."""
        after = self.store.pair_counts()
        grown = [k for k, (pairs, runs) in after.items()
                 if runs > 1 and pairs - before.get(k, (0, 0))[0] >= before.get(k, (0, 0))[0]]
        if grown:
            with self.store.transaction():
                for kind in grown:
                    self.store.merge(kind)

    def _add_batch(self, docs: list[Document], stored: tuple, on_duplicate: str, result: AddResult,
                   before: Optional[dict] = None, final: bool = False) -> None:
        """One transaction: ``docs`` with their keys and compressed texts (:func:`_batch_job`).
        ``before``: the store's pair counts before the add; ``final``: this is the add's last
        batch (the store may merge its runs with this batch's pairs at once,
        :meth:`Store.add_last`; before it, it may leave the add's runs to that merge,
        :meth:`Store.settle`)."""
        keys, texts = stored
        with self.store.transaction():
            existing = self.store.numbers(d.id for d in docs)
            if existing and on_duplicate == "error":
                first = next(d for d in docs if d.id in existing)
                raise ArchiveError(f"{first.location}: id {first.id!r} is already in the archive "
                                   "(use --on-duplicate skip or replace)")
            if existing and on_duplicate == "skip":
                result.skipped += len(existing)
                kept = [i for i, d in enumerate(docs) if d.id not in existing]
                docs, texts = [docs[i] for i in kept], [texts[i] for i in kept]
                # (rare: the batch's keys computed again without the skipped documents,
                # whose n-grams are counted in the batch's frequencies)
                keys = stored_keys_of([d.text for d in docs], self.config)
            elif existing:
                self._remove_numbers(list(existing.values()))
                result.replaced += len(existing)
            bounds = (keys.jaccard_bounds * JACCARD_BYTES).tolist()
            words, sizes = keys.words.tolist(), keys.sizes.tolist()  # (not a numpy scalar per document)
            numbers = self.store.insert([_row(d, words[i], sizes[i], keys, i, keys.jaccard[bounds[i] : bounds[i + 1]], texts[i])
                                         for i, d in enumerate(docs)])
            docs_of = np.asarray(numbers, dtype=np.int64)[keys.docs]
            jaccard = unpack_keys(keys.jaccard)  # (for Store.shared)
            if final and before is not None:
                self.store.add_last({"keys": (keys.keys, docs_of), "jaccard": (jaccard, np.ones(jaccard.size, dtype=np.int64)),
                                     "grams": (keys.grams, keys.df)}, before)
            else:
                self.store.add_keys(keys.keys, docs_of)
                self.store.add_jaccard(jaccard, 1)
                self.store.add_df(keys.grams, keys.df)
                self.store.settle(before)
        result.added += len(docs) - (len(existing) if on_duplicate == "replace" else 0)

    def compact(self) -> None:
        """Merge the index runs of each kind into one (one transaction): a check then reads
        one block per looked-up key instead of one per run."""
        with self.store.transaction():
            self.store.compact()

    def remove(self, ids: Iterable[str]) -> list[str]:
        """Remove documents by id (one transaction); the ids not found."""
        ids = list(ids)
        with self.store.transaction():
            found = self.store.numbers(ids)
            self._remove_numbers(list(found.values()))
            self.store.settle()
        return [i for i in ids if i not in found]

    def _remove_numbers(self, numbers: list[int]) -> None:
        stored = self.store.documents(numbers)
        if not stored:
            return
        keys = stored_keys_of([s.text for s in stored], self.config)  # the keys are recomputed, not kept twice
        self.store.remove_keys(keys.keys, np.asarray([s.doc for s in stored], dtype=np.int64)[keys.docs])
        self.store.add_df(keys.grams, -keys.df)
        self.store.add_jaccard(np.concatenate([s.jaccard for s in stored]), -1)
        self.store.delete([s.doc for s in stored])

    # -- reading ---------------------------------------------------------------------------

    def info(self) -> dict:
        return {"path": getattr(self.store, "path", None), "parameters": index_parameters(self.config),
                **self.store.counts()}

    def candidates(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Archive document numbers sharing a key with ``keys`` rows ``(band, key, ...)``:
        those sharing a Jaccard or passage key, and those sharing only a quotation key (to be
        verified, see :func:`dedupe.archive.check.quoting`). A passage or quotation key held
        by more than ``passage_max_df`` archive documents is a stock sentence or phrase (the
        passage stage skips such n-grams and buckets too): it is no evidence and is not
        followed. Jaccard keys are always followed."""
        keys = np.unique(keys[:, :2], axis=0)
        jaccard, quote = (keys[:, 0] < UNIT_BAND).tolist(), (keys[:, 0] >= QUOTE_BAND).tolist()
        limit = self.config.passage_max_df
        held = self.follow(folded(keys))  # every kind of key at once: one read of each run
        found = _union([d for d, j, q in zip(held, jaccard, quote) if j or (not q and d.size <= limit)])
        return found, np.setdiff1d(_union([d for d, q in zip(held, quote) if q and d.size <= limit]), found)

    def follow(self, stored_keys: np.ndarray) -> list[np.ndarray]:
        """The documents holding each of ``stored_keys`` (keys as stored, see :func:`folded`)."""
        return self.store.lookup(stored_keys)

    def documents(self, numbers, text: bool = True) -> list[StoredDocument]:
        return self.store.documents((int(n) for n in numbers), text)

    def df(self, grams: np.ndarray, above: Optional[int] = None) -> np.ndarray:
        """Archive document frequencies of word n-gram hashes (uint64); with ``above``,
        exact where above it and at most ``above`` elsewhere (see :meth:`Store.df`)."""
        return self.store.df(short_grams(grams), above)


def _union(arrays: list) -> np.ndarray:
    return sorted_unique(np.concatenate([np.zeros(0, dtype=np.int64), *arrays]))


def _batch_job(job: tuple) -> tuple:
    """The keys of a chunk of texts and the texts as stored (zlib), and whether the chunk is
    its batch's last (run in a worker process with ``workers``)."""
    texts, last, config = job
    return (stored_keys_of(texts, config), [deflated_text(t.encode("utf-8")) for t in texts]), last


def _joined_parts(parts: list) -> tuple:
    """The outputs of :func:`_batch_job` for one batch as one: its keys and its stored texts."""
    return joined_stored([k for k, _ in parts]), [t for _, ts in parts for t in ts]


def _row(doc: Document, words: int, sizes: int, keys, i: int, jaccard: bytes, text: bytes) -> tuple:
    fields = doc.fields or {}
    date = fields.get("date")
    source = fields.get("source")
    return (doc.id, doc.path, doc.line, None if source is None else str(source), None if date is None else str(date),
            len(doc.text), words, sizes, keys.languages[i][0], jaccard, text, keys.quotes[i], keys.unit_words[i])

