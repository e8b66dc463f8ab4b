"""The corpus as later stages see it: documents in input order, their texts and stats.

Stages (passages, rules, renderers) ask the corpus for texts by index or id instead of
holding their own copies, so the storage behind it (all in memory here; re-read from source
or a bounded cache for very large inputs) can change without touching them.
"""

from __future__ import annotations

from typing import Iterator

from .model import Document, DocumentResult


class Corpus:
    def __init__(self):
        self.documents: list[Document] = []
        self.results: list[DocumentResult] = []
        self.shingles: list = []  # sorted unique uint64 shingle hashes per document
        self.signatures: list = []  # MinHash hash values per document
        self._index: dict[str, int] = {}

    def add(self, doc: Document, result: DocumentResult, shingles, signature) -> int:
        i = len(self.documents)
        self.documents.append(doc)
        self.results.append(result)
        self.shingles.append(shingles)
        self.signatures.append(signature)
        self._index[doc.id] = i
        return i

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._index

    @property
    def ids(self) -> list[str]:
        return [d.id for d in self.documents]

    def index(self, doc_id: str) -> int:
        return self._index[doc_id]

    def document(self, key) -> Document:
        return self.documents[key if isinstance(key, int) else self._index[key]]

    def text(self, key) -> str:
        return self.document(key).text

    def texts(self) -> dict[str, str]:
        return {d.id: d.text for d in self.documents}
