"""A document's words as the passage stages see them: offsets and hashed word n-grams.

Words come from :func:`dedupe.near.shingles.word_spans` (NFKC, lower-cased), so straight
and curly quotes, case and full-width forms do not break a match. ``grams[i]`` is the hash
of the ``n`` words starting at word ``i``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import re

import numpy as np

from ..near.shingles import combine_ngrams, token_hashes, word_spans
from ..textutil import unwrapped


@dataclass(frozen=True)
class Words:
    starts: np.ndarray  # int64 character offset of each word
    ends: np.ndarray  # int64 end offset (exclusive) of each word
    tokens: tuple  # normalised words
    grams: np.ndarray  # uint64 hash of the n words starting at each position (len - n + 1)
    breaks: np.ndarray  # bool: a sentence or paragraph ends between word i - 1 and word i
    _vocabulary: dict = field(default_factory=dict, repr=False, compare=False)

    def vocabulary(self, stop: np.ndarray) -> np.ndarray:
        """The sorted unique n-gram hashes, without the stock ones (cached per ``stop``)."""
        key = id(stop)
        if key not in self._vocabulary:
            v = np.unique(self.grams)
            self._vocabulary.clear()
            self._vocabulary[key] = v[~np.isin(v, stop)] if stop.size else v
        return self._vocabulary[key]

    def __len__(self) -> int:
        return len(self.tokens)

    def chars(self, first: int, last: int) -> tuple[int, int]:
        """Character span ``(start, end)`` of words ``first .. last - 1``."""
        return int(self.starts[first]), int(self.ends[last - 1])


_BREAK_RE = re.compile(r"""[.!?…]['"’”)\]]*\s|\n""")


def words_of(text: str, n: int) -> Words:
    """The words of ``text`` with their n-grams and breaks. In hard-wrapped text a line
    break inside a paragraph is not a break (see :func:`dedupe.textutil.unwrapped`)."""
    spans = word_spans(text)
    text = unwrapped(text)  # same length: offsets hold
    tokens = tuple(s[2] for s in spans)
    hashes = token_hashes(list(tokens))
    grams = combine_ngrams(hashes, n) if len(tokens) >= n else np.zeros(0, dtype=np.uint64)
    return Words(
        starts=np.fromiter((s[0] for s in spans), dtype=np.int64, count=len(spans)),
        ends=np.fromiter((s[1] for s in spans), dtype=np.int64, count=len(spans)),
        tokens=tokens,
        grams=grams,
        breaks=np.array(
            [False] + [bool(_BREAK_RE.search(text, spans[i - 1][1], spans[i][0])) for i in range(1, len(spans))],
            dtype=bool,
        ),
    )


def common_grams(all_words: list[Words], max_df: int) -> np.ndarray:
    """Sorted n-gram hashes found in more than ``max_df`` documents: stock phrases and
    boilerplate, which neither propose candidate pairs nor seed an alignment."""
    if not all_words:
        return np.zeros(0, dtype=np.uint64)
    uniq = [np.unique(w.grams) for w in all_words]
    values, counts = np.unique(np.concatenate(uniq), return_counts=True)
    return values[counts > max_df]
