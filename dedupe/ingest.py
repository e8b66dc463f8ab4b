"""Stage 1, ingest: read documents in batches, sketch them (in worker processes), and keep
per document only metadata, the signature and the shingle count (see :class:`Corpus`)."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, Optional

from .corpus import Corpus
from .model import Document, DocumentResult, InputError
from .near.sketch import SketchSettings, sketch_batch
from .parallel import pmap


def _valid_batches(items: Iterable, as_document, errors: list, batch_size: int) -> Iterator[list[Document]]:
    seen: dict[str, str] = {}
    batch: list[Document] = []
    for n, item in enumerate(items):
        item = as_document(item, n)
        if isinstance(item, InputError):
            errors.append(item)
            continue
        if item.id in seen:
            errors.append(
                InputError(item.path, item.line, f"duplicate id {item.id!r} (first read at {seen[item.id]}); skipped")
            )
            continue
        seen[item.id] = item.location
        batch.append(item)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(
    items: Iterable, config, as_document, progress: Optional[Callable] = None
) -> tuple[Corpus, list[InputError]]:
    corpus = Corpus(num_perm=config.num_perm)
    errors: list[InputError] = []
    settings = SketchSettings.of(config)
    pending: list[list[Document]] = []  # documents of the batches in flight, in order

    def jobs():
        for batch in _valid_batches(items, as_document, errors, config.batch_size):
            pending.append(batch)
            yield [d.text for d in batch], settings

    for sk in pmap(sketch_batch, jobs(), config.workers):
        batch = pending.pop(0)
        results = [
            DocumentResult(id=d.id, path=d.location, chars=len(d.text), words=int(w), language=lang)
            for d, w, lang in zip(batch, sk.words.tolist(), sk.languages)
        ]
        corpus.add_batch(batch, results, sk.sizes, sk.signatures)
        if progress:
            progress("read", len(corpus), None)
    if progress:
        progress("read", len(corpus), len(corpus))
    return corpus, errors
