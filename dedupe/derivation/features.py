"""What the verdict is computed from: the union of a document's shared spans over all its
sources, and how much of its wording those sources contain.

Per document and a set of source documents (those it shares passages with):

- ``coverage``: share of its words inside a passage shared with any source (the union);
- ``containment_1`` .. ``containment_5``: share of its distinct word n-grams (n = 1, 2, 3, 5)
  found anywhere in the sources taken together;
- ``longest``: the longest passage with a source, as a share of its words;
- ``runs``: ``log(1 + number of passages with its sources)``.
"""

from __future__ import annotations

import numpy as np

from ..near.shingles import combine_ngrams, token_hashes
from ..passages import inside
from ..passages.tokens import Words

FEATURES = ("coverage", "containment_1", "containment_2", "containment_3", "containment_5", "longest", "runs")
NGRAMS = (1, 2, 3, 5)


def ngram_sets(words: Words) -> dict[int, np.ndarray]:
    """Sorted distinct word n-gram hashes of a document, for each n in ``NGRAMS``."""
    hashes = token_hashes(list(words.tokens))
    return {n: np.unique(combine_ngrams(hashes, n)) for n in NGRAMS}


def features(words: Words, grams: dict, source_grams: list[dict], spans: list[tuple[int, int, int]]) -> np.ndarray:
    """The feature vector (in ``FEATURES`` order) of a document with its ``words`` and n-gram
    sets ``grams``, given its sources' n-gram sets and its side of every passage it shares
    with them, as ``(start, end, words)``."""
    out = np.zeros(len(FEATURES))
    if len(words) == 0 or not source_grams:
        return out
    out[0] = inside(words, [(s, e) for s, e, _ in spans]).mean() if spans else 0.0
    for k, n in enumerate(NGRAMS, start=1):
        mine = grams[n]
        if mine.size:
            theirs = np.unique(np.concatenate([g[n] for g in source_grams]))
            out[k] = np.isin(mine, theirs, assume_unique=True).mean()
    out[5] = max((w for _, _, w in spans), default=0) / len(words)
    out[6] = np.log1p(len(spans))
    return out
