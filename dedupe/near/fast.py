"""Vectorised shingling of a batch of documents: array operations over the encoded text.

A batch of texts is normalised (NFKC only where a text is not ASCII, then lower-cased, both
C-speed ``str`` methods), joined with a separator into one string and encoded as UTF-32, so
each code point is one array element. Then, with no Python object per token or n-gram:

- word characters come from a code-point class table (``\\w`` is ``isalnum() or '_'``);
- token starts and ends are the edges of the word mask;
- each token's polynomial hash is a difference of prefix sums of ``c_k * BASE**k``, shifted
  back by ``BASE**-start`` (BASE is odd, so invertible modulo 2**64);
- n-gram hashes combine consecutive token hashes with array arithmetic, and n-grams that
  would cross a document boundary are dropped.

The result is exactly :func:`dedupe.near.shingles.shingle_hashes` for every document (before
sorting and de-duplication), which the tests check.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .shingles import (
    TOKEN_BASE,
    TOKEN_LEN_MULT,
    char_codes,
    combine_ngrams,
)
from . import compiled
from .hashing import MULT, fmix64, fmix64_inplace
from ..arrays import sorted_unique

_SEP = " "
_MAX_CODE = 0x110000
_word_table = np.zeros(_MAX_CODE, dtype=bool)
_known = np.zeros(_MAX_CODE, dtype=bool)
# per code point of the Basic Multilingual Plane: its lower-case code point if that is a word
# character, else 0 (code points not yet seen: _UNSEEN); one gather gives the codes to hash and
# the word mask at once. (The few code points beyond it: _lowered_beyond.)
_UNSEEN = np.uint64(1 << 63)
_BMP = 0x10000
_lowered_word = np.full(_BMP, _UNSEEN, dtype=np.uint64)
_lowered_beyond: dict = {}


def _lowered(c: int) -> int:
    """The lower-case code point of ``c`` if it is a word character, else 0."""
    low = chr(c).lower()
    low = ord(low) if len(low) == 1 else c  # (U+0130: its text is lowered before, see _prepared)
    return low if chr(low).isalnum() or low == 95 else 0


def _learn(codes) -> None:
    """Fill the tables for ``codes`` (code points not seen before)."""
    for c in codes:
        _word_table[c] = chr(c).isalnum() or c == 95
        if c < _BMP:
            _lowered_word[c] = _lowered(c)
        _known[c] = True


_learn([*range(128), _BMP - 1])  # (U+FFFF: where the take puts code points beyond the BMP, fixed after)
_powers = np.ones(1, dtype=np.uint64)
_inverse_powers = np.ones(1, dtype=np.uint64)
_BASE_INV = pow(TOKEN_BASE, -1, 1 << 64)


@dataclass
class Shingled:
    """Shingle hashes of a batch: ``hashes[offsets[i]:offsets[i+1]]`` belong to document i
    (in n-gram order, not de-duplicated); ``words`` is each document's word count."""

    hashes: np.ndarray
    offsets: np.ndarray
    words: np.ndarray
    # word shingles: every token's hash (in order), each document's number of tokens, and
    # whether they are its words as read (see _normalise_batch)
    tokens: Optional[np.ndarray] = None
    token_counts: Optional[np.ndarray] = None
    exact: Optional[list] = None
    # word shingles: every token's start and end in the joined normalised texts, and each
    # text's start there (an exact text's words are at those offsets less its start)
    spans: Optional[tuple] = None

    def document(self, i: int) -> np.ndarray:
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]


def _geometric(base: int, size: int) -> np.ndarray:
    """``base**k`` modulo 2**64 for k < size, by doubling: each block is the one before it
    times ``base**n`` (exact: multiplication modulo 2**64 is associative)."""
    out = np.empty(size, dtype=np.uint64)
    out[0] = 1
    n = 1
    with np.errstate(over="ignore"):
        while n < size:
            m = min(n, size - n)
            np.multiply(out[:m], np.uint64(pow(base, n, 1 << 64)), out=out[n : n + m])
            n += m
    return out


def _powers_upto(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``BASE**k`` and ``BASE**-k`` modulo 2**64 for k < n (cached, grown geometrically)."""
    global _powers, _inverse_powers
    if _powers.size < n:
        size = 1 << max(n - 1, 1).bit_length()
        _powers = _geometric(TOKEN_BASE, size)
        _inverse_powers = _geometric(_BASE_INV, size)
    return _powers[:n], _inverse_powers[:n]


def _is_word(codes: np.ndarray) -> np.ndarray:
    high = codes[codes >= 128]
    if high.size:
        new = sorted_unique(high)
        _learn(new[~_known[new]].tolist())
    return _word_table[codes]


def _nfkc(text: str) -> str:
    # normalize() returns its argument itself when the text is already NFKC
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


_SPECIAL_UPPER = ("\u0130", "\u03a3")  # the only code points not lowered to one by themselves


def lowers_in_place(text: str) -> bool:
    """Whether ``text`` is NFKC-normalised already and lowers code point by code point (it
    has neither of the two code points set apart): then each word of ``text``, normalised by
    itself (NFKC, lower case), is the word at the same offsets in ``text.lower()``."""
    if text.isascii():
        return True
    return unicodedata.is_normalized("NFKC", text) and _SPECIAL_UPPER[0] not in text and _SPECIAL_UPPER[1] not in text


def _prepared(texts: list[str]) -> tuple[list[str], list[bool]]:
    """Each text NFKC-normalised, and per text whether its word count can be taken from its
    tokens (NFKC left it unchanged and it lowers code point by code point: it has neither of
    the two code points set apart; checked over all code points in the tests)."""
    nfkc = [_nfkc(t) for t in texts]
    fast = [a is b and _SPECIAL_UPPER[0] not in a and _SPECIAL_UPPER[1] not in a for a, b in zip(nfkc, texts)]
    return nfkc, fast


def _code_points(text: str) -> np.ndarray:
    """The code points of ``text`` (uint32): numpy's own copy of a str (its UCS-4 array)
    widens the text in one loop, ~3x as fast as the UTF-32 codec for a sub-batch."""
    if len(text) > 1 << 22:  # (a very long text: the codec, without a second copy)
        return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return np.array(text).reshape(1).view(np.uint32)[: len(text)]


def _normalise_batch(texts: list[str]) -> tuple[np.ndarray, list[int], list[bool]]:
    """The code points of the batch's NFKC-normalised, lower-cased texts joined by a space,
    each text's length, and per text whether its word count can be taken from its tokens
    (NFKC left it unchanged and lower-casing kept its length).

    Lower-casing is ``str.lower``, text by text (U+0130 grows when lowered; U+03A3 depends
    on its context; a text with either does not take its word count from its tokens).
    """
    nfkc, fast = _prepared(texts)
    lowered = [t.lower() for t in nfkc]
    return _code_points(_SEP.join(lowered)), [len(t) for t in lowered], fast


def _joined(texts: list[str]) -> tuple[str, np.ndarray, list[bool]]:
    """The batch's NFKC-normalised texts joined by a space (a text that does not lower code
    point by code point lowered by ``str.lower`` first), each text's length and the
    word-count flags (see :func:`_lowered_values`)."""
    nfkc, fast = _prepared(texts)
    parts = [t if f else t.lower() for t, f in zip(nfkc, fast)]
    return _SEP.join(parts), np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)), fast


def _lowered_values(codes: np.ndarray, joined: str) -> np.ndarray:
    """``_normalise_batch`` in one gather, from the code points of :func:`_joined`'s text:
    ``values[1 + i]`` is its i-th code point if it is a word character, else 0, between two
    zeros (uint64). A text that lowers code point by code point is lowered here by the table
    (``str.lower`` of it is its code points lowered one by one), the others by ``str.lower``
    in :func:`_joined` (the table leaves a lowered code point as it is: lowering is
    idempotent, checked over all code points in the tests)."""
    values = np.empty(codes.size + 2, dtype=np.uint64)
    values[0] = values[-1] = 0
    inner = values[1:-1]
    np.take(_lowered_word, codes, out=inner, mode="clip")  # (beyond the BMP: U+FFFF's, for now)
    if not joined.isascii():
        if inner.max() == _UNSEEN:
            _learn_unseen(codes)
            np.take(_lowered_word, codes, out=inner, mode="clip")
        if codes.max() >= _BMP:  # (emoji, mathematical letters, rare scripts)
            at = np.flatnonzero(codes >= _BMP)
            inner[at] = _beyond_values(codes[at].tolist())
    return values


def _learn_unseen(codes: np.ndarray) -> None:
    """Fill the table for the code points of ``codes`` (of the BMP) not seen before."""
    low = sorted_unique(codes[codes < _BMP])
    _learn(low[_lowered_word[low] == _UNSEEN].tolist())


def _beyond_values(beyond: list) -> list:
    """The table's values (see :data:`_lowered_word`) of code points beyond the BMP."""
    for c in set(beyond) - _lowered_beyond.keys():
        _lowered_beyond[c] = _lowered(c)
    return [_lowered_beyond[c] for c in beyond]


def _compiled_words(kernels, joined: str, doc_starts: np.ndarray, lengths: np.ndarray, n: int):
    """What :func:`shingle_batch` computes with arrays, by the compiled kernel
    (:func:`dedupe.near.kernels.word_shingles`): token hashes, starts, ends and counts,
    n-gram hashes and counts. An ASCII batch is read one byte per code point. Code points
    beyond the BMP (rare) are numbered after it, in a copy of the codes, and their values
    appended to the table, so that the kernel looks every code point up in one table."""
    beyond = None
    if joined.isascii():
        kernel = kernels.word_shingles_u1
        codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    else:
        kernel = kernels.word_shingles_u4
        codes = _code_points(joined)
        if codes.max() >= _BMP:
            at = codes >= _BMP
            keys = sorted_unique(codes[at])
            beyond = np.array(_beyond_values(keys.tolist()), dtype=np.uint64)
            codes = codes.copy()
            codes[at] = _BMP + np.searchsorted(keys, codes[at])
    pw, ipw = _powers_upto(int(lengths.max(initial=0)) + 1)
    while True:
        table = _lowered_word if beyond is None else np.concatenate((_lowered_word, beyond))
        unseen, *out = kernel(codes, doc_starts, lengths, table, pw, ipw, n)
        if not unseen:
            return out
        _learn_unseen(codes)


def _word_counts(texts: list[str], tokens: np.ndarray, fast: list[bool]) -> np.ndarray:
    """Words of each text as read (as :func:`~dedupe.near.shingles.count_words`).

    When NFKC left the text unchanged and it was lowered code point by code point (``fast``),
    the word mask of the text as read equals that of the normalised text (lower-casing a
    code point to one code point never changes whether it is a word character: checked over
    all code points), so its count is its number of tokens. The other texts' words are the
    runs of word characters (``\\w``: ``isalnum()`` or ``_``, :func:`_is_word`) of the texts
    as read, all of them joined by a space and counted at once (a regular expression per
    text took ~0.1 ms each, a few hundred of them in 20k news articles).
    """
    words = np.array(tokens, dtype=np.int64)
    slow = [i for i, f in enumerate(fast) if not f]
    if slow:
        parts = [texts[i] for i in slow]
        lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        word = np.zeros(int(lengths.sum()) + len(parts) + 1, dtype=bool)  # (a non-word before all)
        word[1:] = _is_word(_code_points(_SEP.join(parts) + _SEP))
        first = np.flatnonzero(word[1:] & ~word[:-1])  # where each run starts
        starts = np.cumsum(lengths + 1) - (lengths + 1)
        words[slow] = np.diff(np.searchsorted(first, starts), append=first.size)
    return words


def token_hashes(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Polynomial hashes (as :func:`~dedupe.near.shingles.token_hash`) of ``codes[s:e]``."""
    pw, _ = _powers_upto(codes.size + 1)
    with np.errstate(over="ignore"):
        prefix = np.empty(codes.size + 1, dtype=np.uint64)
        prefix[0] = 0
        # products and prefix sums written in place (no temporary the size of the batch)
        np.multiply(codes, pw[: codes.size], out=prefix[1:], dtype=np.uint64)
        np.cumsum(prefix[1:], out=prefix[1:])
    return _span_hashes(prefix, starts, ends)


def _span_hashes(prefix: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The token hashes of the spans ``[s, e)`` from the prefix sums of ``c_k * BASE**k``."""
    _, ipw = _powers_upto(prefix.size)
    with np.errstate(over="ignore"):
        poly = prefix[ends]
        poly -= prefix[starts]
        poly *= ipw[starts]
        lengths = (ends - starts).astype(np.uint64)
        lengths *= np.uint64(TOKEN_LEN_MULT)
        poly += lengths
        return fmix64_inplace(poly)


def hash_tokens(tokens) -> np.ndarray:
    """:func:`~dedupe.near.shingles.token_hash` of each of ``tokens`` (normalised words), all
    at once: the tokens joined by a separator, encoded as UTF-32 and hashed with prefix sums."""
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    codes = np.frombuffer(_SEP.join(tokens).encode("utf-32-le"), dtype=np.uint32)
    starts = np.zeros(lengths.size, dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    return token_hashes(codes, starts, starts + lengths)


def _batch_ngrams(th: np.ndarray, doc_of: np.ndarray, counts: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n-gram hashes of every document's tokens, concatenated, and their per-document counts."""
    d = counts.size
    k = th.size - n + 1
    if k > 0:
        with np.errstate(over="ignore"):  # (acc * MULT + next, from 0: in place)
            acc = th[:k].copy()
            for i in range(1, n):
                acc *= MULT
                acc += th[i : i + k]
            acc ^= np.uint64(n)
            grams = fmix64_inplace(acc)
        keep = doc_of[: k] == doc_of[n - 1 :]
        grams = grams[keep]
        per_doc = np.maximum(counts - n + 1, 0)
    else:
        grams = np.zeros(0, dtype=np.uint64)
        per_doc = np.zeros(d, dtype=np.int64)
    short = np.flatnonzero((counts > 0) & (counts < n))
    if short.size:  # fewer tokens than n: one hash of all of them (as combine_ngrams)
        token_offsets = np.concatenate(([0], np.cumsum(counts)))
        extra = [combine_ngrams(th[token_offsets[i] : token_offsets[i + 1]], n)[0] for i in short.tolist()]
        gram_offsets = np.concatenate(([0], np.cumsum(per_doc)))
        grams = np.insert(grams, gram_offsets[short], np.array(extra, dtype=np.uint64))
        per_doc = per_doc.copy()
        per_doc[short] = 1
    return grams, per_doc


def shingle_batch(texts: list[str], ngram: int = 5, kind: str = "word") -> Shingled:
    """Shingle hashes and word counts of every text of the batch."""
    if kind != "word":
        return _char_batch(texts, ngram)
    joined, lengths, fast_count = _joined(texts)
    doc_starts = np.cumsum(lengths + 1) - (lengths + 1)  # (one per text: none for no text)
    kernels = compiled.wanted(len(joined))
    if kernels is not None:
        th, starts, ends, counts, grams, per_doc = _compiled_words(kernels, joined, doc_starts, lengths, ngram)
    else:
        th, starts, ends, counts = _array_tokens(_lowered_values(_code_points(joined), joined), doc_starts)
        grams, per_doc = _batch_ngrams(th, np.repeat(np.arange(len(texts)), counts), counts, ngram)
    words = _word_counts(texts, counts, fast_count)
    return Shingled(grams, np.concatenate(([0], np.cumsum(per_doc))), words, th, counts, fast_count,
                    (starts, ends, doc_starts))


def _array_tokens(values: np.ndarray, doc_starts: np.ndarray) -> tuple:
    """Token hashes, starts, ends and per-text counts from the lowered word code points
    between two zeros (:func:`_lowered_values`; overwritten)."""
    word = values != 0
    # a word's first and last code point: where the mask changes (a zero at both ends, so the
    # changes alternate: start, end, start, ...), as offsets into the joined texts
    change = np.flatnonzero(word[1:] != word[:-1])
    starts, ends = change[0::2].copy(), change[1::2].copy()
    counts = np.diff(np.searchsorted(starts, doc_starts), append=starts.size)
    n = values.size - 2
    pw, _ = _powers_upto(n + 1)
    with np.errstate(over="ignore"):  # prefix sums of c_k * BASE**k, in place
        np.multiply(values[1:-1], pw[:n], out=values[1:-1])
        prefix = np.cumsum(values[:-1], out=values[:-1])
    return _span_hashes(prefix, starts, ends), starts, ends, counts


def _char_batch(texts: list[str], ngram: int) -> Shingled:
    from .shingles import count_words

    parts = [combine_ngrams(fmix64(char_codes(t) + np.uint64(1)), ngram) for t in texts]
    sizes = np.fromiter((p.size for p in parts), dtype=np.int64, count=len(parts))
    hashes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    words = np.fromiter((count_words(t) for t in texts), dtype=np.int64, count=len(texts))
    return Shingled(hashes, np.concatenate(([0], np.cumsum(sizes))), words)


def unique_sizes(sh: Shingled) -> np.ndarray:
    """The number of distinct shingles of each document, from one sort of the whole batch.

    Each hash is tagged with its document in the top 11 bits (so batches hold at most 2048
    documents) and keeps its top 53 bits: two different shingles of one document count once
    only if they agree on 53 bits (probability ~1e-11 for an article).
    """
    kernels = compiled.loaded()
    if kernels is not None:  # (the same counts, by a set per document instead of a sort)
        return kernels.distinct_counts(sh.hashes, sh.offsets.astype(np.int64, copy=False))
    d = sh.offsets.size - 1
    if d > 2048:
        return np.concatenate([unique_sizes(_slice(sh, i, min(i + 2048, d))) for i in range(0, d, 2048)])
    per_doc = np.diff(sh.offsets)
    keys = sh.hashes >> np.uint64(11)
    keys |= np.repeat(np.arange(d, dtype=np.uint64) << np.uint64(53), per_doc)
    keys.sort()  # (each document's keys stay at its offsets: its number is their top bits)
    first = np.ones(keys.size, dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    return np.diff(np.searchsorted(np.flatnonzero(first), sh.offsets))


def _slice(sh: Shingled, a: int, b: int) -> Shingled:
    lo, hi = sh.offsets[a], sh.offsets[b]
    return Shingled(sh.hashes[lo:hi], sh.offsets[a : b + 1] - lo, sh.words[a:b])
