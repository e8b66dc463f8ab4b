"""What the verdict is computed from: the text a document shares with its sources, taken
together, and how much of its wording those sources contain.

A document's sources are the documents it shares a passage with *or* a shorter exact run
with enough uncommon words (the passages stage's ``related`` pairs), so that a document
copied only in short stretches, with no passage, is still compared with where they came from.

- ``coverage``: share of its words inside a passage shared with any source (the union);
- ``containment_1`` .. ``containment_5``: share of its distinct word n-grams (n = 1, 2, 3, 5)
  found anywhere in the sources taken together (stock 3-grams, found in more than
  ``passage_max_df`` documents, left out);
- ``longest``: the longest passage with a source, as a share of its words;
- ``runs``: ``log(1 + number of passages with its sources)``;
- ``sources``: ``log(1 + number of sources)``;
- ``edited``: share of its words inside passages that are ``edited`` (not verbatim) copies:
  a copy with words changed here and there reads differently from a cut-and-pasted one.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..near.shingles import combine_ngrams
from ..passages import inside
from ..passages.tokens import Words, in_sorted
from ..arrays import sorted_unique

FEATURES = ("coverage", "containment_1", "containment_2", "containment_3", "containment_5", "longest", "runs", "sources", "edited")
NGRAMS = (1, 2, 3, 5)


def ngram_sets(words: Words, stock: np.ndarray) -> dict[int, np.ndarray]:
    """Sorted distinct word n-gram hashes of a document, for each n in ``NGRAMS``, without
    the ``stock`` ones (hashes of word 3-grams in many documents; see the passages stage)."""
    out = {n: sorted_unique(combine_ngrams(words.hashes, n)) for n in NGRAMS}
    out[3] = out[3][~in_sorted(out[3], stock)]
    return out


def features(words: Words, grams: dict, source_grams: list[dict], spans: list[tuple[int, int, int, bool]],
             marks: Optional[dict] = None) -> np.ndarray:
    """The feature vector (in ``FEATURES`` order) of a document with its ``words`` and n-gram
    sets ``grams``, given its sources' n-gram sets and its side of every passage it shares
    with them, as ``(start, end, words, edited)``. With ``marks`` (n -> a zeroed bool array,
    see :func:`numbered`), the n-gram sets are numbers below the arrays' sizes."""
    out = np.zeros(len(FEATURES))
    if len(words) == 0 or not source_grams:
        return out
    out[0] = inside(words, [(s, e) for s, e, *_ in spans]).mean() if spans else 0.0
    for k, n in enumerate(NGRAMS, start=1):
        mine = grams[n]
        if mine.size:
            out[k] = _in_any(mine, [g[n] for g in source_grams], marks[n] if marks else None).mean()
    out[5] = max((w for _, _, w, _ in spans), default=0) / len(words)
    out[6] = np.log1p(len(spans))
    out[7] = np.log1p(len(source_grams))
    out[8] = edited_share(words, spans)
    return out


def numbered(sets: list[np.ndarray]) -> tuple[int, list[np.ndarray]]:
    """The sorted hash arrays ``sets`` as numbers ``0 .. count - 1`` (int32: the rank of each hash
    among all of them: a sorted array stays sorted, equal hashes get equal numbers), and the
    count."""
    every = np.concatenate(sets) if sets else np.zeros(0, dtype=np.uint64)
    # (each set is sorted: a stable sort merges the runs; the ranks are then scattered back
    # to where each hash was, where a binary search of every hash in the distinct ones took
    # twice as long)
    order = np.argsort(every, kind="stable")
    ranked = every[order]
    new = np.empty(ranked.size, dtype=bool)
    new[:1] = True
    np.not_equal(ranked[1:], ranked[:-1], out=new[1:])
    numbers = np.empty(every.size, dtype=np.int32)
    numbers[order] = np.cumsum(new, dtype=np.int32) - 1
    return int(np.count_nonzero(new)), np.split(numbers, np.cumsum([s.size for s in sets[:-1]])) if sets else []


def _in_any(mine: np.ndarray, sets: list[np.ndarray], mark: Optional[np.ndarray] = None) -> np.ndarray:
    """Per element of the sorted ``mine``: whether any of the sorted ``sets`` holds it. The
    elements of the sets are marked in a bool array indexed by number (``mark``: zeroed, at
    least as long as the largest number, left zeroed; without it, the arrays are numbered
    here), so the cost is the sets' sizes, and their union is never sorted."""
    if mark is None:
        count, (mine, *sets) = numbered([mine, *sets])
        mark = np.zeros(count, dtype=bool)
    theirs = np.concatenate(sets) if sets else mine[:0]
    mark[theirs] = True
    found = mark[mine]
    mark[theirs] = False
    return found


def edited_share(words: Words, spans: list[tuple[int, int, int, bool]]) -> float:
    """Share of the document's words inside its ``edited`` passages (``spans`` as for
    :func:`features`)."""
    edited = [(s, e) for s, e, _, is_edited in spans if is_edited]
    return float(inside(words, edited).mean()) if edited else 0.0
