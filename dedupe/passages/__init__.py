"""Shared wire copy: passages that two documents share near-verbatim, with offsets on both sides.

    corpus -> words and n-grams -> stock n-grams (document frequency) -> candidate pairs
    (MinHash LSH over sentence units) -> alignment of each candidate pair -> passages

:func:`find_passages` returns the passages; :func:`document_reuse` computes, per document,
the share of its words inside shared passages (``reused_fraction``) and per other document
(``shared_with``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Optional

import numpy as np

from ..config import Config
from ..model import Document, DocumentResult, Passage, Span
from ..parallel import batches, pmap
from .align import ANCHOR_WORDS, align, containment, similarity
from .candidates import DOCS_PER_JOB, candidate_codes, pairs_of
from .tokens import Words, common_grams, draft_stock, reaching, words_of

__all__ = ["Reuse", "find_reuse", "find_passages", "align_pairs", "document_reuse", "apply_reuse", "inside", "SEED_NGRAM"]

# passages are seeded on shared runs of this many words
SEED_NGRAM = 3
# candidate pairs per worker job of the alignment (documents per job: ``DOCS_PER_JOB``)
PAIRS_PER_JOB = 500
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
# several short telling runs of SEVERAL_RUN_WORDS .. SEVERAL_RUN_MAX_WORDS words together make
# evidence only when each counted run is *wire text*: on one side inside a passage that
# document shares with a third one (a sentence already shown to be copied), and not a phrase
# of the story (its occurrences in the pair's neighbourhood, the LSH candidates of either
# document, stand in at most PHRASE_CONTEXTS different contexts)
SEVERAL_RUN_WORDS = 5
SEVERAL_RUN_MAX_WORDS = 7
PHRASE_CONTEXTS = 2
SEVERAL_RUNS = True  # (fifth round: measured switch)


@dataclass
class Reuse:
    """What the passages stage found: the ``passages``, the pairs of document ids that share a
    passage or at least one exact run of ``ANCHOR_WORDS`` words or more with enough uncommon
    words (``related``: short copied stretches the evidence rule keeps out of ``passages``
    still show there; "for the first time" does not),
    and the stock n-gram hashes (``stock``: word 3-grams in more than ``passage_max_df``
    documents); ``words``: document id -> its :class:`~dedupe.passages.tokens.Words`, as
    computed for the passages, for the documents of ``passages`` and ``related`` (the
    derivation features use them instead of computing them again; a document missing there
    is read again)."""

    passages: list[Passage] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)
    stock: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    words: dict = field(default_factory=dict, repr=False)
    # pairs without evidence whose short runs may still be wire text (see :func:`_confirm`):
    # (index a, index b, runs as (a0, a1, b0, b1, words), their passages)
    pending: list = field(default_factory=list, repr=False)
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
) -> Reuse:
    """Passages, related pairs and stock n-grams of ``documents`` (see :class:`Reuse` and
    :func:`find_passages`, whose arguments it takes)."""
    ids, texts = [], []  # each text read once (and the documents' other fields not held)
    for d in documents:
        ids.append(d.id)
        texts.append(d.text)
    n = SEED_NGRAM
    workers = getattr(config, "workers", 1)
    if workers > 1:  # the words come back from the workers without the texts, held here
        all_words = [replace(w, text=t) for w, t in zip(_words_in_workers(texts, workers), texts)]
    else:
        all_words = _words_of_all(texts)
    if archive_df is None:
        stop = common_grams(all_words, config.passage_max_df)
    else:
        stop = (draft_stock if drafts else common_grams)(all_words, config.passage_max_df, [i in drafts for i in ids],
                                                          archive_df)
    only = {i for i, x in enumerate(ids) if x in drafts} if drafts else None
    out = Reuse()
    if drafts and archive_df is not None:
        # the pairs holding a draft: only the documents ``reaching`` keeps can make one
        near = np.flatnonzero(reaching(all_words, [i in only for i in range(len(ids))], stop, config.passage_max_df))
        out.reached = {ids[i] for i in near}
        codes = candidate_codes([texts[i] for i in near], [all_words[i] for i in near], stop, n, config,
                                config.passage_max_df, progress, {k for k, i in enumerate(near) if i in only})
        codes = near[codes // near.size] * len(ids) + near[codes % near.size]
    else:
        codes = candidate_codes(texts, all_words, stop, n, config, config.passage_max_df, progress, only)
    shared = (ids, all_words, stop, config)
    jobs = (pairs_of(codes[k : k + PAIRS_PER_JOB], len(ids)) for k in range(0, codes.size, PAIRS_PER_JOB))
    for k, part in enumerate(pmap(_align_job, jobs, workers, shared), start=1):
        out.passages.extend(part.passages)
        out.related.extend(part.related)
        out.pending.extend(part.pending)
        if progress:
            progress("passages", min(k * PAIRS_PER_JOB, codes.size), codes.size)
    if out.pending:
        _confirm(out, ids, all_words, codes, config.passage_min_words)
    out.stock = stop
    # the words of the documents the later stages ask about (those of a passage or a related
    # pair), without what only the aligner reads
    kept = {d for pair in out.related for d in pair} | {d for p in out.passages for d in (p.a.doc, p.b.doc)}
    out.words = {i: w for i, w in zip(ids, all_words) if i in kept}
    for w in out.words.values():
        w.forget()
    return out


def _words_of_all(texts: list[str]) -> list[Words]:
    return [words_of(t, SEED_NGRAM) for t in texts]


def _words_in_workers(texts: list[str], workers: int) -> list[Words]:
    """:func:`_words_of_all` in ``workers`` processes, each :class:`Words` without its text
    (not pickled back to the caller, which holds it)."""
    return [w for chunk in pmap(_words_apart, batches(texts, DOCS_PER_JOB), workers) for w in chunk]


def _words_apart(texts: list[str]) -> list[Words]:
    return [w.without_text() for w in _words_of_all(texts)]


def _align_job(shared, pairs: list) -> Reuse:
    ids, all_words, stop, config = shared
    return align_pairs(pairs, ids, all_words, stop, config)


def align_pairs(pairs: list, ids, all_words, stop: np.ndarray, config: Config, progress: Optional[Callable] = None) -> Reuse:
    """The passages and related pairs of each candidate pair ``(i, j)``, in pair order (``ids``,
    ``all_words``: any mapping from the documents' indexes to their ids and :func:`words_of` them)."""
    n = SEED_NGRAM
    out = Reuse()
    for k, (i, j) in enumerate(pairs):
        a, b = all_words[i], all_words[j]
        alignments = align(a, b, n, stop)
        found = _pair_passages(ids[i], ids[j], a, b, alignments, stop, config.passage_min_words)
        if not found and SEVERAL_RUNS:
            runs = _several_runs(a, b, alignments, config.passage_min_words)
            if runs:
                out.pending.append((i, j, [(al.a0, al.a1, al.b0, al.b1, al.anchored) for al in runs],
                                    _pair_passages(ids[i], ids[j], a, b, alignments, stop, config.passage_min_words, True)))
        if found or any(al.anchored >= ANCHOR_WORDS and _telling(a.tokens_of(al.a0, al.a1)) for al in alignments):
            out.related.append((ids[i], ids[j]))
            out.passages.extend(found)
        if progress and k % 500 == 0:
            progress("passages", k, len(pairs))
    if progress:
        progress("passages", len(pairs), len(pairs))
    return out


def _pair_passages(id_a: str, id_b: str, a: Words, b: Words, alignments: list, stop: np.ndarray, min_words: int,
                   evident: bool = False) -> list[Passage]:
    if not evident and not any(al.anchored >= min_words for al in alignments):
        if not alignments or min(len(a), len(b)) < CONTAINMENT_MIN_FACTOR * min_words \
                or containment(a, b, stop) < EVIDENCE_CONTAINMENT:
            return []
    out = []
    for al in alignments:
        if al.anchored < ANCHOR_WORDS:
            continue
        if al.anchored < min_words and not _telling(a.tokens_of(al.a0, al.a1)):
            continue
        sa, ea = a.chars(al.a0, al.a1)
        sb, eb = b.chars(al.b0, al.b1)
        sim = similarity(a, b, al)
        if al.anchored < min_words and sim < SHORT_MIN_SIMILARITY:
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


def _several_runs(a: Words, b: Words, alignments: list, min_words: int) -> list:
    """The heaviest sequence of short telling runs (``SEVERAL_RUN_WORDS`` ..
    ``SEVERAL_RUN_MAX_WORDS`` words, mostly shared) in the same order on both sides, if its
    runs add up to ``min_words`` words, one of them wording rather than names
    (:func:`_worded`); else []."""
    runs = [al for al in alignments if SEVERAL_RUN_WORDS <= al.anchored <= SEVERAL_RUN_MAX_WORDS
            and _telling(a.tokens_of(al.a0, al.a1)) and similarity(a, b, al) >= SHORT_MIN_SIMILARITY]
    if sum(al.anchored for al in runs) < min_words:
        return []
    best: list = []  # per run: (words, any worded, the sequence ending there)
    for k, al in enumerate(runs):
        worded = _worded(a, al.a0, al.a1) and _worded(b, al.b0, al.b1)
        here = (al.anchored, worded, [al])
        for j in range(k):
            prev = runs[j]
            if prev.b1 <= al.b0 and prev.a1 <= al.a0 and best[j][0] + al.anchored > here[0]:
                here = (best[j][0] + al.anchored, best[j][1] or worded, best[j][2] + [al])
        best.append(here)
        if here[0] >= min_words and here[1]:
            return here[2]
    return []


def _worded(words: Words, first: int, last: int) -> bool:
    """Whether words ``first .. last - 1`` hold ``SHORT_MIN_CONTENT`` uncommon words not
    capitalised inside their sentence (a capital at a sentence start says nothing)."""
    from ..rules._lex import zipf_en

    tokens, text, breaks = words.tokens_of(first, last), words.text, words.break_flags()
    found = set()
    for k, t in zip(range(first, last), tokens):
        if t in found or len(t) < 3 or zipf_en(t) >= COMMON_ZIPF:
            continue  # ("m" of "I'm" is no word)
        if k and not breaks[k] and not text[words.starts[k]].islower():
            continue  # a name (or a number): shared by every article on the story
        found.add(t)
        if len(found) >= SHORT_MIN_CONTENT:
            return True
    return False


def _confirm(out: Reuse, ids, all_words, codes: np.ndarray, min_words: int) -> None:
    """Adds the passages of the ``pending`` pairs whose short runs are wire text: the runs
    that lie, on one side, inside a passage that document shares with a third one, and whose
    occurrences in the neighbourhood (the LSH candidates of either document) stand in at
    most ``PHRASE_CONTEXTS`` contexts, add up to ``min_words`` words. A paper's cut agency
    sentence is found elsewhere as it stands (updates of the story, other papers); a story's
    phrase ("in the Gulf of ...") is found in many sentences, and two independent reports'
    wording nowhere else."""
    docs = len(ids)
    first, second = codes // docs, codes % docs
    involved = {d for i, j, *_ in out.pending for d in (i, j)}
    index = {x: k for k, x in enumerate(ids)}
    spans: dict = {}  # document index -> other document index -> its side of their passages
    for p in out.passages:
        x, y = index[p.a.doc], index[p.b.doc]
        if x in involved:
            spans.setdefault(x, {}).setdefault(y, []).append((p.a.start, p.a.end))
        if y in involved:
            spans.setdefault(y, {}).setdefault(x, []).append((p.b.start, p.b.end))

    def copied_elsewhere(d: int, other: int, a0: int, a1: int) -> bool:
        theirs = [s for k, ss in spans.get(d, {}).items() if k != other for s in ss]
        return bool(theirs) and bool(inside(all_words[d], theirs)[a0:a1].all())

    added = []
    for i, j, runs, passages in out.pending:
        hood = set(second[first == i]) | set(first[second == i]) | set(second[first == j]) | set(first[second == j])
        hood -= {i, j}
        words, worded = 0, False
        for a0, a1, b0, b1, anchored in runs:
            if not (copied_elsewhere(i, j, a0, a1) or copied_elsewhere(j, i, b0, b1)):
                continue
            this = _worded(all_words[i], a0, a1) and _worded(all_words[j], b0, b1)
            if _contexts(all_words[i].hashes[a0:a1], [all_words[k] for k in hood]) <= PHRASE_CONTEXTS:
                words += anchored
                worded = worded or this
        if words >= min_words and worded:
            added.extend(passages)
    if added:
        out.passages = sorted(out.passages + added, key=lambda p: (index[p.a.doc], index[p.b.doc]))
    out.pending = []


def _contexts(run: np.ndarray, others: list) -> int:
    """How many different (word before, word after) surround the word sequence ``run``
    (hashes) in the ``others`` (:class:`Words`)."""
    found = set()
    n = len(run)
    for w in others:
        h = w.hashes
        for p in np.flatnonzero(h[: max(0, len(h) - n + 1)] == run[0]):
            if np.array_equal(h[p : p + n], run):
                found.add((int(h[p - 1]) if p else 0, int(h[p + n]) if p + n < len(h) else 0))
    return len(found)


def _telling(tokens) -> bool:
    """Whether a short shared run has enough uncommon words to show copying."""
    from ..rules._lex import zipf_en

    return sum(1 for t in set(tokens) if zipf_en(t) < COMMON_ZIPF) >= SHORT_MIN_CONTENT


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
    out = np.zeros(len(words), dtype=bool)
    for s, e in spans:
        out |= (mids >= s) & (mids < e)
    return out


def apply_reuse(
    results: list[DocumentResult], passages: list[Passage], texts: Mapping[str, str], words: Optional[Mapping] = None
) -> None:
    """Fill ``reused_fraction`` and ``shared_with`` on the document results (``texts``: id ->
    text of every document a passage involves; ``words`` as in :func:`document_reuse`)."""
    reuse = document_reuse(texts, passages, words)
    for result in results:
        result.reused_fraction, result.shared_with = reuse.get(result.id, (0.0, []))
