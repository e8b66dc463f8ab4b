"""Shared wire copy: passages that two documents share near-verbatim, with offsets on both sides.

    corpus -> words and n-grams -> stock n-grams (document frequency) -> candidate pairs
    (MinHash LSH over sentence units) -> alignment of each candidate pair -> passages

:func:`find_passages` returns the passages; :func:`document_reuse` computes, per document,
the share of its words inside shared passages (``reused_fraction``) and per other document
(``shared_with``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Callable, Iterable, Optional

import numpy as np

from ..config import Config
from ..model import Document, DocumentResult, Passage, Span
from .align import align, similarity
from .candidates import candidate_pairs
from .tokens import Words, common_grams, words_of

__all__ = ["find_passages", "document_reuse", "apply_reuse", "SEED_NGRAM"]

# passages are seeded on shared runs of this many words
SEED_NGRAM = 3


def find_passages(documents: Iterable[Document], config: Config, progress: Optional[Callable] = None) -> list[Passage]:
    """Every pair of near-verbatim shared spans between two different ``documents`` (in order;
    a :class:`~dedupe.corpus.Corpus` will do).

    A passage has at least ``config.passage_min_words`` words in common in exact runs of at
    least four words (shorter runs only bridge small edits); word n-grams found
    in more than ``config.passage_max_df`` documents (stock phrases, boilerplate) neither
    propose nor seed one. Passages are ordered by document order of ``a``, then offsets.

    >>> from dedupe.api import ingest
    >>> from dedupe.config import Config
    >>> shared = "the committee said on Tuesday that the new bridge over the river would open in May"
    >>> texts = [f"Elsewhere, news. {shared}. More.", f"Local: {shared}, officials added."]
    >>> c, _ = ingest(list(enumerate(texts)), Config(detect_language=False))
    >>> [(p.a.doc, p.b.doc, p.words, p.kind) for p in find_passages(c, Config())]
    [('0', '1', 16, 'verbatim')]
    """
    docs = list(documents)  # each text read once
    texts = [d.text for d in docs]
    ids = [d.id for d in docs]
    n = SEED_NGRAM
    all_words = [words_of(t, n) for t in texts]
    stop = common_grams(all_words, config.passage_max_df)
    pairs = candidate_pairs(texts, all_words, stop, n, config, config.passage_max_df, progress)
    out: list[Passage] = []
    for k, (i, j) in enumerate(pairs):
        out.extend(_pair_passages(ids[i], ids[j], all_words[i], all_words[j], n, stop, config.passage_min_words))
        if progress and k % 500 == 0:
            progress("passages", k, len(pairs))
    if progress:
        progress("passages", len(pairs), len(pairs))
    return out


def _pair_passages(id_a: str, id_b: str, a: Words, b: Words, n: int, stop: np.ndarray, min_words: int) -> list[Passage]:
    out = []
    for al in align(a, b, n, stop):
        if al.anchored < min_words:
            continue
        sa, ea = a.chars(al.a0, al.a1)
        sb, eb = b.chars(al.b0, al.b1)
        sim = similarity(a, b, al)
        out.append(
            Passage(
                a=Span(id_a, sa, ea),
                b=Span(id_b, sb, eb),
                words=min(al.a1 - al.a0, al.b1 - al.b0),
                similarity=sim,
                kind="verbatim" if a.tokens[al.a0 : al.a1] == b.tokens[al.b0 : al.b1] else "edited",
            )
        )
    return out


def document_reuse(texts: Mapping[str, str], passages: list[Passage]) -> dict[str, tuple[float, list[dict]]]:
    """Per document id: ``(reused_fraction, shared_with)``.

    ``reused_fraction`` is the share of the document's words inside any passage it shares;
    ``shared_with`` lists ``{"doc", "fraction"}`` (the share of its words inside passages
    shared with that document), by fraction descending, then id. Documents that share
    nothing are left out.
    """
    covered: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for p in passages:
        covered.setdefault(p.a.doc, {}).setdefault(p.b.doc, []).append((p.a.start, p.a.end))
        covered.setdefault(p.b.doc, {}).setdefault(p.a.doc, []).append((p.b.start, p.b.end))
    out = {}
    for doc, by_other in covered.items():
        w = words_of(texts[doc], SEED_NGRAM)
        if len(w) == 0:
            continue
        mids = (w.starts + w.ends) / 2

        def share(spans):
            inside = np.zeros(len(w), dtype=bool)
            for s, e in spans:
                inside |= (mids >= s) & (mids < e)
            return inside

        fractions = {other: float(share(spans).mean()) for other, spans in by_other.items()}
        total = float(share([s for spans in by_other.values() for s in spans]).mean())
        shared_with = [{"doc": o, "fraction": f} for o, f in sorted(fractions.items(), key=lambda kv: (-kv[1], kv[0]))]
        out[doc] = (total, shared_with)
    return out


def apply_reuse(results: list[DocumentResult], passages: list[Passage], texts: Mapping[str, str]) -> None:
    """Fill ``reused_fraction`` and ``shared_with`` on the document results (``texts``: id ->
    text of every document a passage involves)."""
    reuse = document_reuse(texts, passages)
    for result in results:
        result.reused_fraction, result.shared_with = reuse.get(result.id, (0.0, []))
