"""Stage 1, ingest: read documents in batches, sketch them (in worker processes), and keep
per document only metadata, the signature and the shingle count (see :class:`Corpus`)."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, Optional, Union

from .config import Config
from .corpus import Corpus
from .model import Document, DocumentResult, InputError
from .near.sketch import SketchSettings, sketch_batch
from .parallel import pmap

DocumentLike = Union[Document, InputError, dict, tuple, str]

# documents per worker job when languages are identified (about a millisecond per document,
# where the sketches take a twentieth of it): a corpus of a few thousand documents still
# keeps every worker busy
LANGUAGE_JOB = 200


def as_document(item: DocumentLike, index: int) -> Union[Document, InputError]:
    """Accept Documents, ``(id, text)`` tuples, ``{"id", "text", ...}`` dicts or bare strings.

    A document whose text is not a string or not valid Unicode (a lone surrogate such as
    JSON's ``"\\ud800"``) becomes an InputError naming where it came from."""
    doc = _as_document(item, index)
    if isinstance(doc, Document):
        problem = _text_problem(doc.text) or _text_problem(doc.id, "id")
        if problem:
            return InputError(doc.path, doc.line, problem)
    return doc


def _text_problem(text, what: str = "text") -> Optional[str]:
    if not isinstance(text, str):
        return f"{what} must be a string, got {type(text).__name__}"
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        return f"{what} is not valid Unicode: unpaired surrogate U+{ord(text[e.start]):04X} at offset {e.start}"
    return None


def _as_document(item: DocumentLike, index: int) -> Union[Document, InputError]:
    if isinstance(item, (Document, InputError)):
        return item
    if isinstance(item, str):
        return Document(id=str(index), text=item, path=f"<{index}>")
    if isinstance(item, tuple) and len(item) == 2:
        return Document(id=str(item[0]), text=item[1], path=f"<{index}>")
    if isinstance(item, dict):
        for key in ("id", "text"):
            if item.get(key) is None:
                return InputError(f"<{index}>", None, f"missing {key!r} in the document dict")
        fields = {k: v for k, v in item.items() if k != "text"}
        return Document(id=str(item["id"]), text=item["text"], path=f"<{index}>", fields=fields)
    raise TypeError(f"cannot make a document of {type(item).__name__}")


def _valid_batches(items: Iterable[DocumentLike], errors: list, batch_size: int) -> Iterator[list[Document]]:
    """Batches of valid documents; input errors and documents whose id was seen before (the
    one duplicate-id check: readers do not check ids) go to ``errors``."""
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
    items: Iterable[DocumentLike], config: Config, progress: Optional[Callable] = None, words: bool = False
) -> tuple[Corpus, list[InputError]]:
    """The corpus of ``items`` (see :func:`dedupe.api.ingest`); with ``words``, also each
    document's passage words made from its sketch's tokens (:attr:`Corpus.words`)."""
    corpus = Corpus(num_perm=config.num_perm)
    errors: list[InputError] = []
    settings = SketchSettings.of(config)
    pending: list[list[Document]] = []  # documents of the batches in flight, in order

    size = config.batch_size
    preload = config.workers > 1 and config.detect_language
    if preload:
        size = min(size, LANGUAGE_JOB)  # (the results do not depend on the batches)

    def jobs():
        for n, batch in enumerate(_valid_batches(items, errors, size)):
            if n == 1 and preload:  # a second batch: pmap starts workers after taking it
                from .lang import load_profiles

                # here, not in each worker (and the rules' process, forked later, shares them);
                # a single batch runs here, and loads them only if a text needs them
                load_profiles()
            pending.append(batch)
            yield [d.text for d in batch], settings

    if words:
        corpus.words = []
    for sk in pmap(_sketch_and_words if words else sketch_batch, jobs(), config.workers):
        batch = pending.pop(0)
        if words:
            sk, made = sk
            corpus.words.extend(made)
        results = [
            DocumentResult(
                id=d.id, path=d.location, chars=len(d.text), words=int(w), language=lang, language_probability=prob
            )
            for d, w, (lang, prob) in zip(batch, sk.words.tolist(), sk.languages)
        ]
        corpus.add_batch(batch, results, sk.sizes, sk.signatures)
        if progress:
            progress("read", len(corpus), None)
    if progress:
        progress("read", len(corpus), len(corpus))
    return corpus, errors


def _sketch_and_words(job: tuple) -> tuple:
    """:func:`~dedupe.near.sketch.sketch_batch` of a batch, and the passage words of its
    texts made from the sketch's tokens (:func:`~dedupe.passages.tokens.words_of_sketch`)."""
    from .passages import SEED_NGRAM
    from .passages.tokens import words_of, words_of_sketch

    texts, settings = job
    if settings.shingle != "word":
        return sketch_batch(job), [words_of(t, SEED_NGRAM) for t in texts]
    sk = sketch_batch(job, keep=True)
    made = words_of_sketch(texts, sk.shingled, SEED_NGRAM)
    sk.shingled = None
    return sk, made
