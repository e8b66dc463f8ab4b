"""Why the verdict errs on the synthetic reuse corpus: ``python benchmarks/reuse.py --only
synthetic --errors`` lists each article dedupe misclassifies three-way (first repeat of the
cross-validation) with its features, how it was built (copied share, copied stretches in
words) and what it shares with which documents, and names the cause:

- a partially derived article called ``none``: no telling run (4+ words, two uncommon) with
  its own story's agency versions; or short runs only, with fewer than ``passage_min_words``
  words with any one version; or several short runs with one version, together at least
  that many words, none of them a passage (evidence of copying is one passage of
  ``passage_min_words``, so none of them counts in ``coverage``);
- a non-derived article called derived: a passage with a document of another story, with its
  own story's agency text (the Wikinews article repeats itself), or with a newspaper article
  of its story (same date); or no passage, only short runs (names and phrases of one story
  or subject);
- wholly against partially: the article's copied share (the two constructions overlap).
"""

from __future__ import annotations

import numpy as np

from dedupe.config import Config
from dedupe.derivation import FEATURES
from dedupe.passages import SEED_NGRAM, _telling, inside
from dedupe.passages.align import ANCHOR_WORDS, align
from dedupe.passages.tokens import words_of


def _lengths(mask: np.ndarray) -> list[int]:
    """Lengths of the maximal runs of True in ``mask``."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    return (edges[1::2] - edges[::2]).tolist()


def _telling_words(reuse, doc: str, other: str) -> np.ndarray:
    """Per word of ``doc``: whether it is inside an exact shared run of ``ANCHOR_WORDS``+ words
    with ``other`` that holds enough uncommon words (what makes the pair ``related``)."""
    a, b = reuse.words[doc], reuse.words[other]
    out = np.zeros(len(a), dtype=bool)
    for al in align(a, b, 3, reuse.stock):
        if al.anchored >= ANCHOR_WORDS and _telling(a.tokens[al.a0 : al.a1]):
            out[al.a0 : al.a1] = True
    return out


def cause(article, predicted: str, by_id: dict, reuse, passages_with: set, copied: float) -> str:
    truth = article.label
    if {truth, predicted} == {"wholly", "partially"}:
        return f"copied share {copied:.2f}: the partially and wholly constructions overlap there"
    sources = [o for o in _related(reuse, article.id) if by_id[o].date <= article.date]
    if truth == "partially":
        versions = [o for o in sources if o in set(article.sources)]
        best = max((int(_telling_words(reuse, article.id, o).sum()) for o in versions), default=0)
        if best == 0:
            return "no telling run with its story's agency versions"
        if best >= Config().passage_min_words:
            return f"short runs with one version, {best} words together, none a passage (no evidence)"
        return f"short runs only, at most {best} words with one version"
    story = lambda o: by_id[o].story  # noqa: E731
    if passages_with:
        if any(story(o) != article.story for o in passages_with):
            return "passage with a document of another story"
        if any(by_id[o].label == "source" for o in passages_with):
            return "passage with its own story's agency text (the Wikinews article repeats itself)"
        return "passage with a newspaper article of its story (same date)"
    where = "its own story's documents" if any(story(o) == article.story for o in sources) else "other stories only"
    return f"no passage, short runs with {where} (phrases of one story or subject)"


def _related(reuse, doc: str) -> set:
    return {b if a == doc else a for a, b in reuse.related if doc in (a, b)}


def print_errors(arts, judged, X: np.ndarray, reuse, predicted: np.ndarray) -> None:
    by_id = {a.id: a for a in arts}
    shared: dict = {}
    for p in reuse.passages:
        shared.setdefault(p.a.doc, set()).add(p.b.doc)
        shared.setdefault(p.b.doc, set()).add(p.a.doc)
    wrong = [k for k, a in enumerate(judged) if predicted[k] != a.label]
    print(f"\nmisclassified three-way (first repeat): {len(wrong)} of {len(judged)}")
    for k in wrong:
        a = judged[k]
        words = reuse.words.get(a.id) or words_of(a.text, SEED_NGRAM)  # kept only for related documents
        gold = inside(words, a.gold)
        passages_with = shared.get(a.id, set())
        print(f"  {a.id}: {a.label} called {predicted[k]}; {len(words)} words, copied {gold.mean():.2f} "
              f"in stretches of {_lengths(gold)} words; related to {len(_related(reuse, a.id))} documents, "
              f"passages with {len(passages_with)}")
        print("    " + ", ".join(f"{f} {v:.3f}" for f, v in zip(FEATURES, X[k])))
        print("    cause: " + cause(a, predicted[k], by_id, reuse, passages_with, float(gold.mean())))
