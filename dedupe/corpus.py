"""The corpus as later stages see it: documents in input order, their texts and stats.

Stages (passages, rules, renderers) ask the corpus for texts by index or id instead of
holding their own copies. Per document the corpus keeps only small metadata, the
signature and the number of distinct shingles. A text is held in memory only when it cannot
be read again (API input, stdin, CSV, Parquet, gzipped JSONL); texts of files and JSONL
records are read again from their source on demand, through a bounded LRU cache, so memory
grows with the number of documents, not with their total size.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Iterator, Optional

import numpy as np

from .io.readers.reread import read_text
from .model import Document, DocumentResult, Source


class Corpus:
    def __init__(self, num_perm: int = 128, cache_size: int = 2048):
        self.results: list[DocumentResult] = []
        self.sizes: list[int] = []  # distinct shingles per document
        self._lines: list[Optional[int]] = []
        self._fields: list[dict] = []
        self._sources: list[Optional[Source]] = []
        self._held: dict[int, str] = {}  # texts that cannot be read again
        self._signature_blocks: list[np.ndarray] = []
        self._signatures: Optional[np.ndarray] = None
        self._num_perm = num_perm
        self._index: dict[str, int] = {}
        self._ids: list[str] = []
        self._paths: list[str] = []
        self._cache: OrderedDict = OrderedDict()
        self._cache_size = cache_size

    def add(self, doc: Document, result: DocumentResult, size: int, signature: np.ndarray) -> int:
        """Add one document (its text is kept only if it cannot be read again)."""
        return self.add_batch([doc], [result], [size], signature[None, :])

    def add_batch(self, docs, results, sizes, signatures: np.ndarray) -> int:
        for doc, result in zip(docs, results):
            i = len(self._ids)
            self._ids.append(doc.id)
            self._paths.append(doc.path)
            self._lines.append(doc.line)
            self._fields.append(doc.fields)
            self._sources.append(doc.source)
            if doc.source is None:
                self._held[i] = doc.text
            self._index[doc.id] = i
            self.results.append(result)
        self.sizes.extend(int(s) for s in sizes)
        self._signature_blocks.append(np.asarray(signatures, dtype=np.uint64).reshape(-1, self._num_perm))
        self._signatures = None
        return len(self._ids) - 1

    @property
    def signatures(self) -> np.ndarray:
        """All signatures, documents x num_perm (uint64)."""
        if self._signatures is None:
            blocks = self._signature_blocks
            self._signatures = (
                np.concatenate(blocks) if blocks else np.zeros((0, self._num_perm), dtype=np.uint64)
            )
            self._signature_blocks = [self._signatures]
        return self._signatures

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

    def index(self, doc_id: str) -> int:
        return self._index[doc_id]

    def _i(self, key) -> int:
        return key if isinstance(key, (int, np.integer)) else self._index[key]

    def document(self, key) -> Document:
        i = self._i(key)
        return Document(
            id=self._ids[i],
            text=self.text(i),
            path=self._paths[i],
            line=self._lines[i],
            fields=self._fields[i],
            source=self._sources[i],
        )

    def text(self, key) -> str:
        i = self._i(key)
        held = self._held.get(i)
        if held is not None:
            return held
        cached = self._cache.get(i)
        if cached is not None:
            self._cache.move_to_end(i)
            return cached
        text = read_text(self._paths[i], self._sources[i])
        self._cache[i] = text
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return text

    def texts(self) -> "CorpusTexts":
        """A read-only mapping id -> text, reading texts only when asked."""
        return CorpusTexts(self)


class CorpusTexts(Mapping):
    def __init__(self, corpus: Corpus):
        self._corpus = corpus

    def __getitem__(self, doc_id: str) -> str:
        if doc_id not in self._corpus:
            raise KeyError(doc_id)
        return self._corpus.text(doc_id)

    def __iter__(self):
        return iter(self._corpus.ids)

    def __len__(self) -> int:
        return len(self._corpus)
