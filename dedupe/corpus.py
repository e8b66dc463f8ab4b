"""The corpus as later stages see it: documents in input order, their texts and stats.

Stages (passages, rules, renderers) ask the corpus for texts by index or id instead of
holding their own copies. Per document the corpus keeps only small metadata, the
signature and the number of distinct shingles. A text is held in memory only when it cannot
be read again (API input, stdin, CSV, Parquet, gzipped JSONL); texts of files and JSONL
records (and their other input fields) are read again from their source on demand, through
a bounded LRU cache, so memory grows with the number of documents, not with their total size.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Iterator, Optional

import numpy as np

from .io.readers.reread import read_record, read_records
from .model import Document, DocumentResult, Source


class Corpus:
    def __init__(self, num_perm: int = 128, cache_size: int = 2048):
        self.results: list[DocumentResult] = []
        # per document, as numbers in arrays (a list held an int object each, ~36 bytes)
        self.sizes = array("q")  # distinct shingles
        self._lines = array("q")  # line in its file, -1 for none
        self._held: dict[int, tuple[str, dict]] = {}  # (text, fields) that cannot be read again
        self._kinds: list[tuple] = []  # distinct (kind, text_field) of sources, shared
        self._kind_of = array("b")  # per document: index into _kinds, -1 when held
        self._offsets = array("q")  # per document: byte offset of its record
        self._signature_blocks: list[np.ndarray] = []
        self._signatures: Optional[np.ndarray] = None
        self._num_perm = num_perm
        self._index: dict[str, int] = {}
        self._ids: list[str] = []
        self._paths: list[str] = []
        self._cache: OrderedDict = OrderedDict()
        self._cache_size = cache_size
        # each document's passage words, when ingested with them (a check: see dedupe.ingest)
        self.words: Optional[list] = None

    def add_batch(self, docs, results, sizes, signatures: Optional[np.ndarray]) -> int:
        """Add documents (``signatures``: None for a corpus that does not search for
        near-duplicates itself, e.g. a staged scan's)."""
        for doc, result in zip(docs, results):
            i = len(self._ids)
            self._ids.append(doc.id)
            self._paths.append(doc.path)
            self._lines.append(-1 if doc.line is None else doc.line)
            src = doc.source
            if src is None:
                self._held[i] = (doc.text, doc.fields)
                self._kind_of.append(-1)
                self._offsets.append(0)
            else:
                kind = (src.kind, src.text_field)
                if kind not in self._kinds:
                    self._kinds.append(kind)
                self._kind_of.append(self._kinds.index(kind))
                self._offsets.append(src.offset)
            self._index[doc.id] = i
            self.results.append(result)
        self.sizes.extend(int(s) for s in sizes)
        if signatures is not None:
            self._signature_blocks.append(np.asarray(signatures, dtype=np.uint64).reshape(-1, self._num_perm))
            self._signatures = None
        return len(self._ids) - 1

    @property
    def signatures(self) -> np.ndarray:
        """All signatures, documents x num_perm (uint64)."""
        if self._signatures is None:
            blocks = self._signature_blocks
            out = np.empty((sum(b.shape[0] for b in blocks), self._num_perm), dtype=np.uint64)
            at = 0
            blocks.reverse()
            while blocks:  # free each block once copied: peak is one copy plus one block
                block = blocks.pop()
                out[at : at + block.shape[0]] = block
                at += block.shape[0]
            self._signatures = out
            self._signature_blocks = [out]
        if self._signatures.shape[0] != len(self._ids):
            raise ValueError("this corpus was built without signatures")
        return self._signatures

    def forget_signatures(self) -> None:
        """Let the signatures go, once the near-duplicates are found (the later stages do not
        read them: 1 KB a document, held until the end of the scan in this process and in the
        rules' process forked from it)."""
        self._signature_blocks, self._signatures = [], None

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[Document]:
        return (self.document(i) for i in range(len(self)))

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._index

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    @property
    def documents(self) -> list[Document]:
        """Every document with its text (reads every text: prefer iteration or ``text``)."""
        return list(self)

    def results_by_id(self) -> "CorpusResults":
        """A read-only mapping id -> the document's result, over the corpus' own index (a dict
        made of it was ~100 bytes a document, held through the scan)."""
        return CorpusResults(self)

    def index(self, doc_id: str) -> int:
        """The position of ``doc_id`` in the corpus (input order)."""
        return self._index[doc_id]

    def _i(self, key) -> int:
        return key if isinstance(key, (int, np.integer)) else self._index[key]

    def _source(self, i: int) -> Optional[Source]:
        k = self._kind_of[i]
        if k < 0:
            return None
        kind, text_field = self._kinds[k]
        return Source(kind, self._offsets[i], text_field)

    def _record(self, i: int) -> tuple[str, dict]:
        held = self._held.get(i)
        if held is not None:
            return held
        cached = self._cache.get(i)
        if cached is not None:
            self._cache.move_to_end(i)
            return cached
        record = read_record(self._paths[i], self._source(i))
        self._cache[i] = record
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return record

    def document(self, key) -> Document:
        i = self._i(key)
        text, fields = self._record(i)
        line = self._lines[i]
        return Document(
            id=self._ids[i],
            text=text,
            path=self._paths[i],
            line=None if line < 0 else line,
            fields=fields,
            source=self._source(i),
        )

    def text(self, key) -> str:
        return self._record(self._i(key))[0]

    def texts_of(self, indexes) -> list[str]:
        """The texts at ``indexes`` (ints), those read again from one file read with the file
        opened once (not through the cache: a stage that asks for many texts at once, the
        near-duplicates' verification, holds them itself)."""
        out: dict = {}
        files: dict = {}
        for i in indexes:
            record = self._held.get(i) or self._cache.get(i)
            if record is not None:
                out[i] = record[0]
            else:
                files.setdefault(self._paths[i], []).append(i)
        for path, part in files.items():
            for i, (text, _) in zip(part, read_records(path, [self._source(i) for i in part])):
                out[i] = text
        return [out[i] for i in indexes]

    def texts(self) -> "CorpusTexts":
        """A read-only mapping id -> text, reading texts only when asked."""
        return CorpusTexts(self)

    def view(self, indices) -> "CorpusDocuments":
        """The documents at ``indices`` (in that order) as a sequence, each read when asked."""
        return CorpusDocuments(self, indices)


class CorpusDocuments(Sequence):
    """Some documents of a corpus as a read-only sequence that holds none of them: an item or
    a slice is read from the corpus when asked (a slice as a list), so that a stage going over
    the documents in batches (the rules) holds a batch at a time, not the corpus."""

    def __init__(self, corpus: Corpus, indices):
        self._corpus, self._indices = corpus, array("q", indices)

    def __len__(self) -> int:
        return len(self._indices)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._corpus.document(j) for j in self._indices[i]]
        return self._corpus.document(self._indices[i])

    def __iter__(self) -> Iterator[Document]:
        return map(self._corpus.document, self._indices)


class CorpusTexts(Mapping):
    def __init__(self, corpus: Corpus):
        self._corpus = corpus

    def __getitem__(self, doc_id: str) -> str:
        if doc_id not in self._corpus:
            raise KeyError(doc_id)
        return self._corpus.text(doc_id)

    def __contains__(self, doc_id) -> bool:  # without reading the text (Mapping's would)
        return doc_id in self._corpus

    def __iter__(self):
        return iter(self._corpus.ids)

    def __len__(self) -> int:
        return len(self._corpus)


class CorpusResults(Mapping):
    """Document id -> its :class:`~dedupe.model.DocumentResult` (see :meth:`Corpus.results_by_id`)."""

    def __init__(self, corpus: Corpus):
        self._corpus = corpus

    def __getitem__(self, doc_id: str) -> DocumentResult:
        return self._corpus.results[self._corpus.index(doc_id)]

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._corpus

    def __iter__(self):
        return iter(self._corpus.ids)

    def __len__(self) -> int:
        return len(self._corpus)
