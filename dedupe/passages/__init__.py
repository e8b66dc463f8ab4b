"""Shared wire copy: passages that two documents share near-verbatim, with offsets on both sides.

    corpus -> words and n-grams -> stock n-grams (document frequency) -> candidate pairs
    (MinHash LSH over sentence units) -> alignment of each candidate pair -> passages

:func:`find_passages` returns the passages; :func:`document_reuse` computes, per document,
the share of its words inside shared passages (``reused_fraction``) and per other document
(``shared_with``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Optional

import numpy as np

from ..config import Config
from ..model import Document, DocumentResult, Passage, Span
from ..parallel import batches, pmap
from .align import ANCHOR_WORDS, containment, pair_alignments, similarity
from .candidates import DOCS_PER_JOB, candidate_codes, pairs_of
from .tokens import NGrams, Words, WordStore, common_grams, draft_stock, reaching, stock_grams, words_of, words_of_many

__all__ = ["Reuse", "find_reuse", "find_passages", "align_pairs", "document_reuse", "apply_reuse", "inside", "SEED_NGRAM"]

# passages are seeded on shared runs of this many words
SEED_NGRAM = 3
# candidate pairs per worker job of the alignment (documents per job: ``DOCS_PER_JOB``)
PAIRS_PER_JOB = 500
# candidate pairs whose exact runs are found at once (:func:`align_pairs`: their words are held
# together meanwhile)
PAIRS_AT_ONCE = 250
# a pair of documents sharing this share of the smaller one's distinct non-stock n-grams
# has evidence of copying even without a passage of ``passage_min_words``
EVIDENCE_CONTAINMENT = 0.5
# ... when the smaller one has at least this many times ``passage_min_words`` words (the share
# of a few words' n-grams is no evidence: two one-line notices from a template share most)
CONTAINMENT_MIN_FACTOR = 3
# a passage shorter than ``passage_min_words`` (counted once the pair has evidence) needs this
# many words rarer than COMMON_ZIPF in English: "for as long as" is language, not copy
SHORT_MIN_CONTENT = 2
COMMON_ZIPF = 5.5
# ... and must be mostly shared words (a short passage that is half gap shows nothing)
SHORT_MIN_SIMILARITY = 0.75


@dataclass
class Reuse:
    """What the passages stage found: the ``passages``, the pairs of document ids that share a
    passage or at least one exact run of ``ANCHOR_WORDS`` words or more with enough uncommon
    words (``related``: short copied stretches the evidence rule keeps out of ``passages``
    still show there; "for the first time" does not),
    and the stock n-gram hashes (``stock``: word 3-grams in more than ``passage_max_df``
    documents); ``words``: document id -> its :class:`~dedupe.passages.tokens.Words`, as
    computed for the passages, for the documents of ``passages`` and ``related`` (a mapping,
    read from the passages' temporary file when asked; the derivation features use them
    instead of computing them again; a document missing there is read again)."""

    passages: list[Passage] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)
    stock: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    words: Mapping = field(default_factory=dict, repr=False)
    # with drafts against a stored archive: the ids of the drafts and of the documents sharing
    # a non-stock n-gram with one (the only ones that can pair with a draft); None otherwise
    reached: Optional[set] = None


def find_passages(
    documents: Iterable[Document],
    config: Config,
    progress: Optional[Callable] = None,
    archive_df: Optional[Callable] = None,
    drafts=(),
) -> list[Passage]:
    """The passages of :func:`find_reuse`: every pair of near-verbatim shared spans between two different ``documents`` (in order;
    a :class:`~dedupe.corpus.Corpus` will do).

    A pair of documents is reported once it has evidence of copying: a passage with at least
    ``config.passage_min_words`` words in exact runs of at least four words (shorter runs
    only bridge small edits), or ``EVIDENCE_CONTAINMENT`` of the n-grams of the smaller
    document. Then every shared run of at least four words between the two counts too
    (newspapers cut agency sentences into short stretches). Word n-grams found in more than
    ``config.passage_max_df`` documents (stock phrases, boilerplate) neither propose nor
    seed a passage. Passages are ordered by document order of ``a``, then offsets.
    With ``drafts`` (ids), only pairs holding a draft are aligned (drafts against an archive);
    with ``archive_df`` too (the n-gram document frequencies of a stored archive, see
    :func:`~dedupe.passages.tokens.common_grams`), only the ``drafts`` are counted here.

    A staged run finds the same passages with tasks over files (:mod:`dedupe.distributed.passages`).

    >>> from dedupe.api import ingest
    >>> from dedupe.config import Config
    >>> shared = "the committee said on Tuesday that the new bridge over the river would open in May"
    >>> texts = [f"Elsewhere, news. {shared}. More.", f"Local: {shared}, officials added."]
    >>> c, _ = ingest(list(enumerate(texts)), Config(detect_language=False))
    >>> [(p.a.doc, p.b.doc, p.words, p.kind) for p in find_passages(c, Config())]
    [('0', '1', 16, 'verbatim')]
    """
    return find_reuse(documents, config, progress, archive_df, drafts).passages


def find_reuse(
    documents: Iterable[Document],
    config: Config,
    progress: Optional[Callable] = None,
    archive_df: Optional[Callable] = None,
    drafts=(),
    words: Optional[list] = None,
) -> Reuse:
    """Passages, related pairs and stock n-grams of ``documents`` (see :class:`Reuse` and
    :func:`find_passages`, whose arguments it takes). ``words``: each document's
    :func:`~dedupe.passages.tokens.words_of` made already (or None for one to make here)."""
    ids, text_of = _texts(documents)
    n = SEED_NGRAM
    workers = getattr(config, "workers", 1)
    texts = _Picked(text_of, range(len(ids)))
    # the words of every document go to a temporary file, and are read back by each step
    # (the aligner: those of each pair), so that memory does not grow with them
    all_words = WordStore(text_of)
    if words is None:
        made = _words_of_all(text_of, len(ids), workers)
    else:
        made = (w if w is not None else words_of(text_of(i), n) for i, w in enumerate(words))
    if archive_df is None:  # the stock n-grams counted as the words are made and stored
        stop = stock_grams(map(all_words.append, made), config.passage_max_df)
    else:
        for w in made:
            all_words.append(w, grams=False)
        # with drafts, every document's n-grams made once for both tests
        table = NGrams(all_words) if drafts else all_words
        stop = (draft_stock if drafts else common_grams)(table, config.passage_max_df, [i in drafts for i in ids],
                                                          archive_df)
    only = {i for i, x in enumerate(ids) if x in drafts} if drafts else None
    out = Reuse()
    if drafts and archive_df is not None:
        # the pairs holding a draft: only the documents ``reaching`` keeps can make one
        near = np.flatnonzero(reaching(table, [i in only for i in range(len(ids))], stop, config.passage_max_df))
        out.reached = {ids[i] for i in near}
        codes = candidate_codes(_Picked(texts.__getitem__, near), _Picked(all_words.read, near), stop, n,
                                config, config.passage_max_df, progress, {k for k, i in enumerate(near) if i in only},
                                ANCHOR_WORDS)
        codes = near[codes // near.size] * len(ids) + near[codes % near.size]
    else:
        # (each document's words read once there, in order: not kept)
        codes = candidate_codes(texts, _Picked(all_words.read, range(len(ids))), stop, n, config,
                                config.passage_max_df, progress, only, ANCHOR_WORDS)
    shared = (ids, all_words, stop, config)
    jobs = (pairs_of(codes[k : k + PAIRS_PER_JOB], len(ids)) for k in range(0, codes.size, PAIRS_PER_JOB))
    for k, part in enumerate(pmap(_align_job, jobs, workers, shared), start=1):
        out.passages.extend(part.passages)
        out.related.extend(part.related)
        if progress:
            progress("passages", min(k * PAIRS_PER_JOB, codes.size), codes.size)
    out.stock = stop
    # the words of the documents the later stages ask about (those of a passage or a related
    # pair), read from the file when asked (it is closed when ``out`` goes)
    kept = {d for pair in out.related for d in pair} | {d for p in out.passages for d in (p.a.doc, p.b.doc)}
    out.words = _WordsById(all_words, {x: i for i, x in enumerate(ids) if x in kept})
    all_words.forget()
    return out


def _texts(documents) -> tuple[list, Callable[[int], str]]:
    """The ids of ``documents`` and a function giving the text of the i-th: a
    :class:`~dedupe.corpus.Corpus` reads it again when asked (from its source, through its
    bounded cache); other documents' texts are held."""
    from ..corpus import Corpus

    if isinstance(documents, Corpus):
        return documents.ids, documents.text
    ids, texts = [], []  # each text read once (and the documents' other fields not held)
    for d in documents:
        ids.append(d.id)
        texts.append(d.text)
    return ids, texts.__getitem__


class _Picked(Sequence):
    """``get(i)`` for each ``i`` of ``indices``, as a sequence computed when asked."""

    def __init__(self, get: Callable, indices):
        self._get, self._indices = get, indices

    def __getitem__(self, k):
        return self._get(self._indices[k])

    def __len__(self) -> int:
        return len(self._indices)


class _WordsById(Mapping):
    """Document id -> its words, read from a :class:`~dedupe.passages.tokens.WordStore` when
    asked (``number``: id -> the document's number there)."""

    def __init__(self, store: WordStore, number: dict):
        self._store, self._number = store, number

    def __getitem__(self, doc_id: str) -> Words:
        return self._store.read(self._number[doc_id])

    def __iter__(self):
        return iter(self._number)

    def __len__(self) -> int:
        return len(self._number)


def _words_of_all(text_of: Callable[[int], str], docs: int, workers: int):
    """The words of the documents ``0 .. docs - 1``, in order (in ``workers`` processes: each
    :class:`Words` without its text, its breaks made where the text is)."""
    if workers <= 1:  # (``DOCS_PER_JOB`` texts found and hashed at once)
        return (w for chunk in batches(range(docs), DOCS_PER_JOB)
                for w in words_of_many([text_of(i) for i in chunk], SEED_NGRAM))
    return (w for chunk in pmap(_words_apart, batches(range(docs), DOCS_PER_JOB), workers, text_of) for w in chunk)


def _words_apart(text_of, numbers: list) -> list[Words]:
    out = []
    for i in numbers:
        words = words_of(text_of(i), SEED_NGRAM)
        words.order()  # (made here, in the worker)
        out.append(words.without_text())
    return out


def _align_job(shared, pairs: list) -> Reuse:
    ids, all_words, stop, config = shared
    return align_pairs(pairs, ids, all_words, stop, config)


def align_pairs(pairs: list, ids, all_words, stop: np.ndarray, config: Config, progress: Optional[Callable] = None) -> Reuse:
    """The passages and related pairs of each candidate pair ``(i, j)``, in pair order (``ids``,
    ``all_words``: any mapping from the documents' indexes to their ids and :func:`words_of` them)."""
    n = SEED_NGRAM
    out = Reuse()
    for first in range(0, len(pairs), PAIRS_AT_ONCE):
        some = pairs[first : first + PAIRS_AT_ONCE]
        words = [(all_words[i], all_words[j]) for i, j in some]
        for k, ((i, j), (a, b), alignments, shared) in enumerate(zip(some, words, *pair_alignments(words, stop, n)), first):
            _pair_found(out, ids[i], ids[j], a, b, alignments, stop, config, shared)
            if progress and k % 500 == 0:
                progress("passages", k, len(pairs))
    if progress:
        progress("passages", len(pairs), len(pairs))
    return out


def _pair_found(out: Reuse, id_a: str, id_b: str, a: Words, b: Words, alignments: list, stop: np.ndarray,
                config: Config, shared) -> None:
    """Add a pair's passages and, when it has any or an exact run telling of copy, the pair
    itself to ``out``."""
    found = _pair_passages(id_a, id_b, a, b, alignments, stop, config.passage_min_words, shared)
    if found or any(al.anchored >= ANCHOR_WORDS and _telling(a.tokens_of(al.a0, al.a1)) for al in alignments):
        out.related.append((id_a, id_b))
        out.passages.extend(found)


def _pair_passages(id_a: str, id_b: str, a: Words, b: Words, alignments: list, stop: np.ndarray, min_words: int,
                   shared=None) -> list[Passage]:
    if not any(al.evidence >= min_words for al in alignments):
        if not alignments or min(len(a), len(b)) < CONTAINMENT_MIN_FACTOR * min_words \
                or containment(a, b, stop, shared) < EVIDENCE_CONTAINMENT:
            return []
    out = []
    for al in alignments:
        if al.anchored < ANCHOR_WORDS:
            continue
        if al.evidence < min_words and not _telling(a.tokens_of(al.a0, al.a1)):
            continue
        sa, ea = a.chars(al.a0, al.a1)
        sb, eb = b.chars(al.b0, al.b1)
        sim = similarity(a, b, al)
        if al.evidence < min_words and sim < SHORT_MIN_SIMILARITY:
            continue
        out.append(
            Passage(
                a=Span(id_a, sa, ea),
                b=Span(id_b, sb, eb),
                words=min(al.a1 - al.a0, al.b1 - al.b0),
                similarity=sim,
                kind="verbatim" if np.array_equal(a.hashes[al.a0 : al.a1], b.hashes[al.b0 : al.b1]) else "edited",
            )
        )
    return out


def _telling(tokens) -> bool:
    """Whether a short shared run has enough uncommon words to show copying (the words at
    least COMMON_ZIPF taken out at once, by a set difference, and the others looked up until
    enough are uncommon)."""
    from ..rules._lex import plain_words, zipf_en

    uncommon = (t for t in set(tokens).difference(plain_words("en", COMMON_ZIPF)) if zipf_en(t) < COMMON_ZIPF)
    return next(islice(uncommon, SHORT_MIN_CONTENT - 1, None), None) is not None


def document_reuse(
    texts: Mapping[str, str], passages: list[Passage], words: Optional[Mapping] = None
) -> dict[str, tuple[float, list[dict]]]:
    """Per document id: ``(reused_fraction, shared_with)``.

    ``reused_fraction`` is the share of the document's words inside any passage it shares;
    ``shared_with`` lists ``{"doc", "fraction"}`` (the share of its words inside passages
    shared with that document), by fraction descending, then id. Documents that share
    nothing are left out. ``words`` (id -> :func:`words_of` of its text, as in
    :attr:`Reuse.words`) saves computing them again.
    """
    words = words or {}
    covered: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for p in passages:
        covered.setdefault(p.a.doc, {}).setdefault(p.b.doc, []).append((p.a.start, p.a.end))
        covered.setdefault(p.b.doc, {}).setdefault(p.a.doc, []).append((p.b.start, p.b.end))
    out = {}
    for doc, by_other in covered.items():
        w = words.get(doc)
        if w is None:
            w = words_of(texts[doc], SEED_NGRAM)
        if len(w) == 0:
            continue
        fractions = {other: float(inside(w, spans).mean()) for other, spans in by_other.items()}
        total = float(inside(w, [s for spans in by_other.values() for s in spans]).mean())
        shared_with = [{"doc": o, "fraction": f} for o, f in sorted(fractions.items(), key=lambda kv: (-kv[1], kv[0]))]
        out[doc] = (total, shared_with)
    return out


def inside(words: Words, spans) -> np.ndarray:
    """Per word of a document: whether its middle lies inside any of the character ``spans``."""
    mids = (words.starts + words.ends) / 2
    if len(spans) <= 2:
        out = np.zeros(len(words), dtype=bool)
        for s, e in spans:
            out |= (mids >= s) & (mids < e)
        return out
    # many spans: per word, the spans starting at or before its middle (a binary search in
    # the starts, sorted), and whether the furthest of their ends is past it
    bounds = np.array(sorted(spans), dtype=np.int64).reshape(-1, 2)
    reach = np.maximum.accumulate(bounds[:, 1])
    last = bounds[:, 0].searchsorted(mids, side="right") - 1
    return (last >= 0) & (reach[np.maximum(last, 0)] > mids)


def apply_reuse(
    results: list[DocumentResult], passages: list[Passage], texts: Mapping[str, str], words: Optional[Mapping] = None
) -> None:
    """Fill ``reused_fraction`` and ``shared_with`` on the document results (``texts``: id ->
    text of every document a passage involves; ``words`` as in :func:`document_reuse`)."""
    reuse = document_reuse(texts, passages, words)
    for result in results:
        result.reused_fraction, result.shared_with = reuse.get(result.id, (0.0, []))
