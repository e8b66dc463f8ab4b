"""Is a document derived from others? A verdict per document: ``wholly``, ``partially`` or
``none``, from the union of the text it shares with all its sources.

    passages stage -> sources of each document (the documents it shares a passage or a
    shorter telling run with; with dates, only earlier ones) -> features (union coverage,
    n-gram containment in the sources, longest passage, number of passages and of sources)
    -> logistic regression (``model.json``) -> verdict

A document's verdict reads ``{"label", "score", "coverage", "sources", "direction"}``:
``score`` is the model's probability that it is derived (wholly or partially), ``coverage``
the share of its words inside passages shared with its sources, ``sources`` the documents it
shares passages with (without a passage, those it shares a shorter telling run with; none
when the label is ``none``), ``direction`` ``"dates"`` when every source is dated earlier than the
document, ``"unknown"`` when at least one source could as well have copied from it (no date
on either side, or the same date), null with no sources.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from typing import Optional

import numpy as np

from ..passages import SEED_NGRAM, Reuse
from ..passages.tokens import words_of
from ..parallel import batches
from .features import FEATURES, NGRAMS, features, ngram_sets, numbered
from .model import LABELS, probabilities

# documents whose features are computed together (their n-grams and their sources' numbered
# at once: memory follows the chunk, not the corpus)
FEATURE_CHUNK = 2000

__all__ = ["FEATURES", "LABELS", "feature_table", "derive", "apply_derivation", "when"]


def when(value) -> Optional[_dt.datetime]:
    """A document's ``date`` field as a naive UTC datetime (ISO 8601 text), or None."""
    if isinstance(value, _dt.datetime):
        d = value
    elif isinstance(value, _dt.date):
        d = _dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        try:
            d = _dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if d.tzinfo is not None:
        d = d.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    return d


def _shared(reuse) -> dict[str, dict[str, list[tuple[int, int, int, bool]]]]:
    """Per document, per related document: its side of each passage, ``(start, end, words,
    edited)`` (an empty list for a related document it shares only short runs with)."""
    out: dict = {}
    for a, b in reuse.related:
        out.setdefault(a, {}).setdefault(b, [])
        out.setdefault(b, {}).setdefault(a, [])
    for p in reuse.passages:
        edited = p.kind == "edited"
        out.setdefault(p.a.doc, {}).setdefault(p.b.doc, []).append((p.a.start, p.a.end, p.words, edited))
        out.setdefault(p.b.doc, {}).setdefault(p.a.doc, []).append((p.b.start, p.b.end, p.words, edited))
    return out


def feature_table(corpus, reuse: Reuse, drafts: Optional[set] = None) -> dict[str, tuple[np.ndarray, list, Optional[str]]]:
    """Per document that has sources: ``(features, source ids, direction)``. A document's
    sources are the documents it shares a passage or a shorter telling run with (with dates,
    earlier ones only): the features use them all; the ids listed are those it shares
    passages with, or, without a passage, all of them. With ``drafts`` (checking drafts against an archive) only drafts
    are judged, on archive sources only."""
    shared = _shared(reuse)

    @lru_cache(maxsize=4096)
    def tokens(doc_id: str):
        w = reuse.words.get(doc_id)
        if w is None:
            w = words_of(corpus.text(doc_id), SEED_NGRAM)
        return w, ngram_sets(w, reuse.stock)

    @lru_cache(maxsize=None)
    def date(doc_id: str):
        return when(corpus.document(doc_id).fields.get("date"))

    plan = []  # (document, its sources, dated)
    for doc in sorted(shared, key=corpus.index):
        if drafts is not None and doc not in drafts:
            continue
        mine, sources, dated = date(doc), [], True
        for other in sorted(shared[doc], key=corpus.index):
            if drafts is not None and other in drafts:
                continue
            theirs = date(other)
            if mine is not None and theirs is not None:
                if theirs > mine:
                    continue  # the later document copied from this one, not the other way
                dated = dated and theirs < mine
            else:
                dated = False
            sources.append(other)
        if sources:
            plan.append((doc, sources, dated))
    out = {}
    for chunk in batches(plan, FEATURE_CHUNK):
        # the n-grams of the chunk's documents and their sources, numbered (per n), so that
        # a document's n-grams are looked up in its sources by marking an array
        involved = sorted({d for doc, sources, _ in chunk for d in (doc, *sources)}, key=corpus.index)
        ids: dict = {d: {} for d in involved}
        marks = {}
        for n in NGRAMS:
            count, numbers = numbered([tokens(d)[1][n] for d in involved])
            for d, x in zip(involved, numbers):
                ids[d][n] = x
            marks[n] = np.zeros(count, dtype=bool)
        for doc, sources, dated in chunk:
            spans = [s for other in sources for s in shared[doc][other]]
            x = features(tokens(doc)[0], ids[doc], [ids[o] for o in sources], spans, marks)
            # shown: the documents it shares passages with, or else those of its short runs
            shown = [o for o in sources if shared[doc][o]] or sources
            out[doc] = (x, shown, "dates" if dated else "unknown")
    return out


def derive(corpus, reuse: Reuse, drafts: Optional[set] = None) -> dict[str, dict]:
    """Per document id (drafts only, with ``drafts``): its verdict as a dict."""
    table = feature_table(corpus, reuse, drafts)
    ids = [i for i in corpus.ids if drafts is None or i in drafts]
    x = np.array([table[i][0] if i in table else np.zeros(len(FEATURES)) for i in ids]).reshape(-1, len(FEATURES))
    probs = probabilities(x) if ids else np.zeros((0, len(LABELS)))
    out = {}
    for i, doc in enumerate(ids):
        _, sources, direction = table.get(doc, (None, [], None))
        label = LABELS[int(np.argmax(probs[i]))]
        if label == "none":  # compared with them, not derived from them
            sources, direction = [], None
        out[doc] = {
            "label": label,
            "score": round(float(1.0 - probs[i][LABELS.index("none")]), 4),
            "coverage": round(float(x[i][0]), 4),
            "sources": sources,
            "direction": direction,
        }
    return out


def apply_derivation(corpus, reuse: Reuse, drafts: Optional[set] = None) -> None:
    """Fill ``derivation`` on the corpus's document results."""
    verdicts = derive(corpus, reuse, drafts)
    for doc_id, result in zip(corpus.ids, corpus.results):
        result.derivation = verdicts.get(doc_id)
