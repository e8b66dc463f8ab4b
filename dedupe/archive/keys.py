"""The lookup keys of documents, computed the same way when a document is archived and when a
draft is checked, so that a draft finds the archive documents a full scan would pair it with.

Per document:

- its MinHash signature and the Jaccard LSH band keys of :class:`~dedupe.near.lsh.CandidateIndex`
  (bands ``0 .. b-1``);
- passage fingerprints (band ``UNIT_BAND``): word 4-grams winnowed (Schleimer, Wilkerson
  and Aiken 2003): the smallest 4-gram hash of every window of ``WINNOW`` consecutive
  4-grams. Two documents sharing a run of ``WINNOW + FINGERPRINT_NGRAM - 1`` words (8) or
  more verbatim share a fingerprint, whatever else differs; about ``2 / (WINNOW + 1)`` of a
  document's 4-grams are kept. A short wire story inside a longer article shares its runs
  with it, so these keys are also the containment index. A fingerprint held by more than
  ``passage_max_df`` documents is not followed; that loses nothing, since each of its word
  3-grams is then in more documents too, a stock n-gram the passage stage does not seed on.
  4-grams, not the stage's 3-grams: on 3,000 generated articles, a near-copy draft's 3-gram
  fingerprints led to 980 of them, its 4-gram ones to 484; an unrelated draft's to 110 and 0;
- quotations (the quote-drift rule's units), their lower-cased content words signed with
  ``QUOTE_ROWS * QUOTE_BANDS`` permutations and banded (bands ``QUOTE_BAND + j``): a quotation
  worded differently shares about half its content words or more (12 bands of 3 rows:
  Jaccard 0.5 is found with probability 0.80, 0.6: 0.95, 0.7: 0.995; 0.4 only 0.54. With 2
  rows a draft led to 250 of 3,000 generated archive articles, most sharing two common
  words and nothing else, with 3 rows to 24-44);
- the distinct word n-grams of the passage stage, for the archive's document frequencies.

A key row is ``(band, key, document)``; stored, the band is folded into the key and the key
cut to 47 bits (:func:`folded`): at a billion stored keys a lookup meets a false match with
probability 1e-5, and SQLite stores each in 6 bytes instead of 9.

The fingerprints are stricter than the passage stage's own candidates (MinHash LSH over
sentence units, pairing units at Jaccard 0.3 for the aligner to reject or accept): a pair
whose shared passages are all made of exact runs shorter than 8 words is not found. They are
computed with array operations over a whole batch (no sentence splitting).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress, islice
from typing import Optional

import numpy as np

from ..arrays import sorted_unique
from ..near import banding
from ..near.fast import Shingled, _code_points, _normalise_batch, _is_word, hash_tokens, token_hashes
from ..near.shingles import combine_ngrams
from ..near.sketch import SketchSettings, sketch_batch
from ..near.signatures import kperm_signatures
from ..passages import SEED_NGRAM
from ..passages.tokens import in_sorted, words_of_sketch
from ..textutil import _ABBREV
from . import compiled
from .runs import summed_runs

UNIT_BAND = 1000
FINGERPRINT_NGRAM = 4  # words per fingerprinted n-gram
WINNOW = 5  # n-grams per winnowing window: runs of 5 + 4 - 1 = 8 words share a fingerprint
QUOTE_BAND = 2000
QUOTE_BANDS, QUOTE_ROWS = 12, 3


@dataclass
class BatchKeys:
    """The keys of a batch of documents (``doc`` columns are positions in the batch)."""

    words: np.ndarray
    sizes: np.ndarray
    signatures: np.ndarray
    languages: list
    bands: np.ndarray  # int64 rows (band, key, doc), distinct
    grams: list  # per document: sorted distinct word n-gram hashes (uint64)
    quotes: list  # per document: its quotations' content words (:func:`quote_blob`)
    unit_words: list  # per document: the other words of those quotation units (:func:`unit_words_blobs`)


KEY_BITS = 47
_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)


def folded(rows: np.ndarray) -> np.ndarray:
    """The stored form (int64, ``0 <= key < 2**KEY_BITS``) of ``(band, key, ...)`` rows."""
    with np.errstate(over="ignore"):
        mixed = rows[:, 1].view(np.uint64) ^ (rows[:, 0].astype(np.uint64) * _BAND_MIX)
    return (mixed >> np.uint64(64 - KEY_BITS)).astype(np.int64)


def short_grams(grams: np.ndarray) -> np.ndarray:
    """The stored form of word n-gram hashes (uint64) in the document-frequency table."""
    return (grams >> np.uint64(64 - KEY_BITS)).astype(np.int64)


def document_bands(signatures: np.ndarray, sizes, config) -> np.ndarray:
    """``(band, key, row)`` rows of the Jaccard LSH bands of non-empty signature rows."""
    b, r = config.lsh_params
    rows = np.flatnonzero(np.asarray(sizes) > 0)
    if not rows.size:
        return np.zeros((0, 3), dtype=np.int64)
    return _band_rows(signatures[rows], 0, b, r, rows)


def _rows(band, keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    out = np.empty((keys.size, 3), dtype=np.int64)
    out[:, 0] = band
    out[:, 1] = keys.view(np.int64)
    out[:, 2] = docs
    return out


def _band_rows(sig: np.ndarray, first: int, bands: int, r: int, docs: np.ndarray) -> np.ndarray:
    """``(band, key, row)`` rows of the ``bands`` bands of ``r`` columns of ``sig`` (bands
    numbered from ``first``; ``docs``: the row of each signature), band after band. Up to
    ``ALL_BANDS_DOCS`` signatures every band at once (a check's drafts: one array operation
    per column instead of a dozen per band on one row), else band by band."""
    n = sig.shape[0]
    if n <= banding.ALL_BANDS_DOCS:
        keys = banding._keys_by_band(sig, np.arange(n), bands, r)
    else:
        keys = np.stack([banding.band_key(sig, j * r, (j + 1) * r) for j in range(bands)])
    out = np.empty((bands * n, 3), dtype=np.int64)
    out[:, 0] = np.repeat(np.arange(first, first + bands, dtype=np.int64), n)
    out[:, 1] = keys.reshape(-1).view(np.int64)
    out[:, 2] = np.tile(np.asarray(docs, dtype=np.int64), bands)
    return out


QUOTE_WORD_BITS = 16  # stored bits of a quotation's content word hash


def _read_pieces(texts: list[str]):
    """The quotation units of the texts (the quote-drift rule's, ``quotation_pieces`` of each
    text), read piece by piece: the hashes (:func:`~dedupe.near.fast.hash_tokens`) of every
    piece's words, concatenated, whether each is a content word, each piece's bounds in them
    (one more than the pieces), and per unit its first piece, one past its last, and its
    text. The quotations and their sentences are found text by text (the rule's
    ``quote_pieces``, or its compiled kernel: :func:`_quotations`); the words of all pieces
    are read at once (:func:`_piece_words`)."""
    from ..rules.quote_drift import MIN_WORDS

    pieces, quote_first, quote_text, several = _quotations(texts)
    hashes, content, sizes = _piece_words(pieces)
    bounds = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    # the units, in the rule's order: per quotation the whole quotation (its sentences' words,
    # when it has several and enough words in all), then each of its pieces long enough
    first = np.asarray(quote_first, dtype=np.int64)
    last = np.append(first[1:], len(pieces)).astype(np.int64)
    piece_text = np.repeat(np.asarray(quote_text, dtype=np.int64), last - first)
    whole = np.asarray(several, dtype=bool) & (bounds[last] - bounds[first] >= MIN_WORDS)
    long = np.flatnonzero(sizes >= MIN_WORDS)
    lo = np.concatenate([first[whole], long])
    hi = np.concatenate([last[whole], long + 1])
    owner = np.concatenate([np.asarray(quote_text, dtype=np.int64)[whole], piece_text[long]])
    order = np.argsort(np.concatenate([2 * first[whole], 2 * long + 1]), kind="stable")
    return hashes, content, bounds, lo[order], hi[order], owner[order]


def _quotations(texts: list[str]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The quotations of the texts (the quote-drift rule's ``quote_pieces(text,
    shared=False)`` of each text, in order): the texts of their pieces (a quotation's
    sentences when it has several, else the quotation), and per quotation its first piece,
    its text's number and whether it has several sentences.

    With the compiled kernels (:func:`dedupe.archive.kernels.quote_pieces`: the rule's
    finder and sentence splitter, in Python ~0.1 ms an article, a sixth of a bulk add) the
    quotations of every text are found in one call; a text the kernel leaves out (a single
    curly quote, whose expression it does not follow, or a code point beyond the BMP) and
    every text without the kernels are read by the rule's functions."""
    kernels = compiled.wanted(sum(map(len, texts)))
    if kernels is None:
        return _rule_quotations(texts, range(len(texts)))
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    codes = _code_points("".join(texts))
    while True:
        unseen, left, docs, several, first, starts, ends = kernels.quote_pieces(
            codes, np.cumsum(lengths) - lengths, lengths, _QUOTE_FLAGS, _QUOTE_LOWER, _ABBREVIATIONS)
        if not unseen:
            break
        _learn_quote_classes(codes[codes >= 128])
    counts = np.diff(first)
    pieces = [texts[t][s:e] for t, s, e in zip(np.repeat(docs, counts).tolist(), starts.tolist(), ends.tolist())]
    if not left.any():
        return pieces, first[:-1], docs, several
    # the rule's quotations of the texts left out, then all in the texts' order
    more, more_first, more_docs, more_several = _rule_quotations(texts, np.flatnonzero(left).tolist())
    counts = np.concatenate([counts, np.diff(np.append(more_first, len(more)))])
    docs, several = np.concatenate([docs, more_docs]), np.concatenate([several, more_several])
    order = np.argsort(docs, kind="stable")
    at = (np.cumsum(counts) - counts)[order]
    counts = counts[order]
    gather = np.repeat(at - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
    pieces += more
    return [pieces[i] for i in gather.tolist()], np.cumsum(counts) - counts, docs[order], several[order]


def _rule_quotations(texts: list[str], which) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_quotations` of the texts numbered ``which`` by the rule's functions."""
    from ..rules.quote_drift import quote_pieces

    pieces, first, docs, several = [], [], [], []
    for t in which:
        text = texts[t]
        for spans, whole in quote_pieces(text, shared=False):
            first.append(len(pieces))
            docs.append(t)
            several.append(whole)
            pieces += [text[s:e] for s, e in spans]
    return pieces, np.array(first, dtype=np.int64), np.array(docs, dtype=np.int64), np.array(several, dtype=bool)


def _learn_quote_classes(codes) -> None:
    """Fill the quotation kernel's tables for the code points of ``codes`` (of the BMP) not
    looked up yet: per code point its classes (``compiled.SPACE`` ...) and the code point
    it lowers to (0 if it lowers to several). Learned as they are met (a table
    of the whole BMP would take ~0.2 s of str calls a process)."""
    codes = sorted_unique(np.asarray(codes)[np.asarray(codes) < 1 << 16])
    for c in codes[(_QUOTE_FLAGS[codes] & compiled.UNSEEN) != 0].tolist():
        ch = chr(c)
        low = ch.lower()
        _QUOTE_FLAGS[c] = ((compiled.SPACE * ch.isspace()) | (compiled.ALNUM * ch.isalnum())
                           | (compiled.LETTER * (len(low) == 1 and low.isalpha())) | (compiled.DIGIT * ch.isdigit()))
        _QUOTE_LOWER[c] = ord(low) if len(low) == 1 else 0


_QUOTE_FLAGS = np.full(1 << 16, compiled.UNSEEN, dtype=np.uint8)
_QUOTE_LOWER = np.zeros(1 << 16, dtype=np.uint32)
_learn_quote_classes(np.arange(128))
# the sentence splitter's abbreviations, each packed a byte per character (as the kernel reads them), sorted
_ABBREVIATIONS = np.array(sorted(int.from_bytes(w.encode("ascii"), "big") for w in _ABBREV), dtype=np.int64)


# ASCII code points of the quote-drift rule's word characters (``[^\W_]``) and its apostrophe
_ALNUM = np.zeros(256, dtype=bool)
_ALNUM[[c for c in range(128) if chr(c).isalnum()]] = True
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[[c for c in range(128) if chr(c).isdigit()]] = True


def _piece_words(pieces: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The quote-drift rule's words (``quote_drift._piece_words``) of each piece, as their
    hashes (:func:`~dedupe.near.fast.hash_tokens`), concatenated, whether each is a content
    word (``quote_drift._is_content``), and each piece's number of words.

    A piece that is ASCII once its curly apostrophes are straight (``’``: the rule reads it
    as ``'``) is read with array operations over all such pieces at once: lower-cased,
    its words are the runs of letters and digits, with an apostrophe between two of them
    (the rule's expression, ``[^\\W_]+(?:['’][^\\W_]+)*``); a word is not a content word
    when it holds a digit or its hash is one of the rule's other words
    (``quote_drift.other_words``: function words, number words and contractions of
    function words; two different words sharing a 64-bit hash, about 1e-16 a word, are
    the only way this can differ from the rule). Other pieces are read by the rule's own
    functions. With the compiled kernels, one pass reads every piece the same way, lowering
    code point by code point (:func:`dedupe.archive.kernels.piece_words`), but for a piece
    beyond the BMP or whose lowering depends on context or makes several code points
    (capital sigma, dotted capital I): the rule reads those."""
    from ..rules.quote_drift import _is_content
    from ..rules.quote_drift import _piece_words as rule_words

    kernels = compiled.wanted(sum(map(len, pieces)))
    if kernels is not None:
        hashes, content, owner, slow = _compiled_piece_words(kernels, pieces)
    else:
        hashes, content, owner, slow = _array_piece_words(pieces)
    # the other pieces, by the rule's functions
    if slow.size:
        words = [rule_words(pieces[i]) for i in slow.tolist()]
        flat = [w for ws in words for w in ws]
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        hashes = np.concatenate([hashes, hash_tokens(flat)])
        content = np.concatenate([content, np.fromiter(map(_is_content, flat), dtype=bool, count=len(flat))])
        owner = np.concatenate([owner, np.repeat(slow, lengths)])
        order = np.argsort(owner, kind="stable")
        hashes, content, owner = hashes[order], content[order], owner[order]
    return hashes, content, np.bincount(owner, minlength=len(pieces)).astype(np.int64)


def _compiled_piece_words(kernels, pieces: list[str]):
    """:func:`_piece_words` of the pieces by the compiled kernel
    (:func:`dedupe.archive.kernels.piece_words`): the hashes, content flags and piece of the
    words of the pieces it reads, and the pieces it leaves to the rule's functions."""
    from ..rules.quote_drift import other_words

    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    codes = _code_points("".join(pieces))
    while True:
        unseen, left, hashes, content, sizes = kernels.piece_words(codes, np.cumsum(lengths) - lengths, lengths,
                                                                   _QUOTE_FLAGS, _QUOTE_LOWER, other_words())
        if not unseen:
            return hashes, content, np.repeat(np.arange(len(pieces)), sizes), np.flatnonzero(left)
        _learn_quote_classes(codes[codes >= 128])


def _array_piece_words(pieces: list[str]):
    """:func:`_piece_words` of the pieces that are ASCII once their curly apostrophes are
    straight, by array operations: the hashes, content flags and piece of their words, and
    the other pieces."""
    from ..rules.quote_drift import other_words

    straight = [p.replace("\u2019", "'") if "\u2019" in p else p for p in pieces]
    fast = np.fromiter(map(str.isascii, straight), dtype=bool, count=len(pieces))
    # the array pass: the pieces joined by a line break (no word character), lower-cased
    fast_at = np.flatnonzero(fast)
    joined = "\n".join(compress(straight, fast.tolist())).lower().encode("ascii")
    codes = np.frombuffer(joined, dtype=np.uint8)
    alnum = _ALNUM[codes]
    word = alnum.copy()
    if codes.size > 2:
        word[1:-1] |= (codes[1:-1] == 39) & alnum[:-2] & alnum[2:]
    edges = np.diff(word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    lengths = np.fromiter(map(len, straight), dtype=np.int64, count=len(pieces))[fast_at] + 1
    piece_starts = np.cumsum(lengths) - lengths
    # each piece's words: those starting from its first character on (no word crosses a break)
    owner = np.repeat(fast_at, np.diff(np.append(np.searchsorted(starts, piece_starts), starts.size)))
    hashes = token_hashes(codes, starts, ends) if starts.size else np.zeros(0, dtype=np.uint64)
    # a word holds a digit when a digit lies between its start and its end (the few digits'
    # places searched, not a running count over every code point)
    digits = np.flatnonzero(_DIGIT[codes])
    content = (np.searchsorted(digits, ends) == np.searchsorted(digits, starts)) & ~in_sorted(hashes, other_words())
    return hashes, content, owner, np.flatnonzero(~fast)


def _quote_pieces(read):
    """Of :func:`_read_pieces`, the units that have content words (function words would pair
    every quotation; ``quotation_content`` of each text): the hashes of the pieces' content
    words, concatenated, the number of content words before each piece bound, and per unit
    its first piece, one past its last, and its text."""
    hashes, content, bounds, lo, hi, owner = read
    before = np.concatenate(([0], np.cumsum(content)))[bounds]
    keep = before[hi] > before[lo]
    return hashes[content], before, lo[keep], hi[keep], owner[keep]


def _unit_words(hashes, before, lo, hi, owner) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The content word hashes of the units of :func:`_quote_pieces`, concatenated unit by
    unit, each unit's size and its text."""
    start, sizes = before[lo], before[hi] - before[lo]
    at = np.repeat(start - (np.cumsum(sizes) - sizes), sizes) + np.arange(int(sizes.sum()))
    return hashes[at], sizes, owner


def _quote_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_unit_words` of the texts' quotation units."""
    return _unit_words(*_quote_pieces(_read_pieces(texts)))


def _quote_bands(hashes, before, lo, hi, owner, seed: int) -> np.ndarray:
    """The band rows (bands ``QUOTE_BAND ..``) of the units of :func:`_quote_pieces`: each
    piece signed once (``QUOTE_BANDS * QUOTE_ROWS`` permutations), a unit's signature the
    minimum of its pieces' (a MinHash of a union), then banded."""
    if not lo.size:
        return np.zeros((0, 3), dtype=np.int64)
    # (in parts of 8,192 words: the 36 x part products stay in the CPU caches, ~1.8x faster
    # than parts of 65,536)
    sig = kperm_signatures(hashes, before, QUOTE_BANDS * QUOTE_ROWS, seed, chunk=8192)
    sig = np.vstack([sig, sig[:1]])  # (a unit's last piece may be the last: ``hi`` is then a row)
    sig = np.minimum.reduceat(sig, np.stack([lo, hi], axis=1).ravel(), axis=0)[::2]
    return _band_rows(sig, QUOTE_BAND, QUOTE_BANDS, QUOTE_ROWS, owner)


def _encode_quotes(flat: np.ndarray, sizes: np.ndarray, owner: np.ndarray, texts: int, bits: int = QUOTE_WORD_BITS) -> list:
    """Per text: ``[units, size of each unit]`` (uint32) then the units' distinct content
    word hashes cut to ``bits`` (16, or 32 in schema 3), sorted per unit (empty without
    quotations). ``flat``/``sizes``: the units' words, ``owner``: each unit's text."""
    if not sizes.size:
        return [b""] * texts
    unit = np.repeat(np.arange(sizes.size, dtype=np.int64), sizes)
    cut = (flat & np.uint64((1 << bits) - 1)).astype(np.int64)
    distinct = np.sort((unit << 32) | cut)  # per unit, sorted, each value once
    distinct = distinct[np.concatenate(([True], distinct[1:] != distinct[:-1]))]
    unit, cut = distinct >> 32, distinct & 0xFFFFFFFF
    counts = np.bincount(unit, minlength=sizes.size)
    dtype = np.uint16 if bits == 16 else np.uint32
    unit_bounds = np.searchsorted(owner, np.arange(texts + 1))  # owner ascending
    units = np.diff(unit_bounds)
    # every text's head (its number of units, then each unit's size) in one uint32 array,
    # then the bytes of each text's head and values cut from the two joined buffers
    head = np.insert(counts, unit_bounds[:-1][units > 0], units[units > 0]).astype("<u4").tobytes()
    values = cut.astype(dtype).tobytes()
    width = np.dtype(dtype).itemsize
    head_at = 4 * (unit_bounds + np.concatenate(([0], np.cumsum(units > 0))))
    value_at = width * np.concatenate(([0], np.cumsum(counts)))[unit_bounds]
    return [head[h0:h1] + values[v0:v1] if h1 > h0 else b""
            for h0, h1, v0, v1 in zip(head_at[:-1].tolist(), head_at[1:].tolist(),
                                      value_at[:-1].tolist(), value_at[1:].tolist())]


def quotation_units(text: str, limit: Optional[int] = None) -> list[tuple]:
    """``(words, content words)`` of the quotation units of ``text`` that have content words
    (the quote-drift rule's units, in order; the first ``limit`` of them)."""
    from ..rules.quote_drift import _content, quotation_words

    return list(islice(((w, c) for w in quotation_words(text) if (c := _content(w))), limit))


def quote_blob(text: str, bits: int = QUOTE_WORD_BITS) -> bytes:
    """The stored content words of a text's quotations (see :func:`quote_sets`)."""
    return _encode_quotes(*_quote_hashes([text]), 1, bits)[0]


WORDS_LIMIT = 1 << 16  # units of a text, and words of a unit, that a blob of unit words can count


def unit_words_blobs(units: list[list]) -> list[bytes]:
    """Per text (``units``: its ``(words, content words)`` of :func:`quotation_units`), as
    uint16: the number of units, each unit's number of words, each unit's number of other
    words (not content words: function words, numbers), then those other words' hashes cut
    to ``QUOTE_WORD_BITS``, as often as each occurs, sorted per unit; empty without
    quotations (or with a unit of ``WORDS_LIMIT`` words or more). With the content words
    (:func:`quote_sets`), a check bounds the words two units share, counted with repeats
    (:class:`dedupe.archive.check._Words`), without reading texts: 16-bit values shared by
    different words only add to that bound, never take from it."""
    from ..rules.quote_drift import _is_content

    words = [w for doc in units for ws, _ in doc for w in ws]
    sizes = [len(ws) for doc in units for ws, _ in doc]
    n = len(sizes)
    return _words_blobs(hash_tokens(words), np.fromiter(map(_is_content, words), dtype=bool, count=len(words)),
                        np.concatenate(([0], np.cumsum(sizes, dtype=np.int64))), np.arange(n), np.arange(1, n + 1),
                        np.repeat(np.arange(len(units)), [len(doc) for doc in units]), len(units))


def _words_blobs(hashes, content, bounds, lo, hi, owner, texts: int) -> list[bytes]:
    """:func:`unit_words_blobs` of the units of :func:`_read_pieces` that have content words
    (``hashes``: every word's, :func:`~dedupe.near.fast.hash_tokens`)."""
    before = np.concatenate(([0], np.cumsum(content)))[bounds]
    keep = before[hi] > before[lo]
    lo, hi, owner = lo[keep], hi[keep], owner[keep]
    other = ~content
    before = np.concatenate(([0], np.cumsum(other)))[bounds]
    flat = hashes[other]
    start, counts = before[lo], before[hi] - before[lo]
    at = np.repeat(start - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
    unit = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    values = np.sort((unit << 16) | (flat[at] & np.uint64(0xFFFF)).astype(np.int64)).astype(np.uint16)
    lengths = bounds[hi] - bounds[lo]
    unit_bounds = np.searchsorted(owner, np.arange(texts + 1))  # owner ascending
    units = np.diff(unit_bounds)
    # every text's blob (its number of units, each unit's size, each unit's number of other
    # words, then those words' values) in one uint16 array, the texts' bytes cut from it
    value_bounds = np.concatenate(([0], np.cumsum(counts)))[unit_bounds]
    sizes = np.where(units > 0, 1 + 2 * units + np.diff(value_bounds), 0)
    at = np.concatenate(([0], np.cumsum(sizes)))
    blob = np.empty(int(at[-1]), dtype=np.uint16)
    blob[at[:-1][units > 0]] = units[units > 0]
    in_text = np.arange(lengths.size) - unit_bounds[owner]  # a unit's place in its text
    blob[at[owner] + 1 + in_text] = lengths
    blob[at[owner] + 1 + units[owner] + in_text] = counts
    value_text = np.repeat(owner, counts)
    blob[at[value_text] + 1 + 2 * units[value_text] + np.arange(values.size) - value_bounds[value_text]] = values
    data = blob.tobytes()
    longest = np.zeros(texts, dtype=np.int64)  # (a text without units: 0)
    np.maximum.at(longest, owner, lengths)
    fits = (np.maximum(units, longest) < WORDS_LIMIT).tolist()
    return [data[2 * x : 2 * y] if ok else b"" for x, y, ok in zip(at[:-1].tolist(), at[1:].tolist(), fits)]


def unit_words(blob: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A blob of :func:`unit_words_blobs` as each unit's number of words, its number of other
    words, and those words' values concatenated."""
    raw = np.frombuffer(blob, dtype=np.uint16)
    n = int(raw[0]) if raw.size else 0
    return raw[1 : n + 1].astype(np.int64), raw[n + 1 : 2 * n + 1].astype(np.int64), raw[2 * n + 1 :]


def quote_blobs(texts: list[str]) -> tuple[list[bytes], list[bytes]]:
    """Per text: its quotations' content words (:func:`quote_sets`) and their other words
    (:func:`unit_words_blobs`), the units in the same order."""
    read = _read_pieces(texts)
    return _encode_quotes(*_unit_words(*_quote_pieces(read)), len(texts)), _words_blobs(*read, len(texts))


def quote_words(blob: bytes, dtype=np.uint16) -> tuple[np.ndarray, np.ndarray]:
    """A quotation blob as the size of each unit's set and their words concatenated."""
    if not blob:
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=dtype)
    n = int(np.frombuffer(blob, dtype=np.uint32, count=1)[0])
    return np.frombuffer(blob, dtype=np.uint32, count=n, offset=4), np.frombuffer(blob, dtype=dtype, offset=4 * (n + 1))


def quote_words_joined(blobs: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`quote_words` (16-bit words) of many blobs at once, read from the blobs joined
    (not one call per blob): per blob its number of units (0 for an empty blob), then every
    unit's set size (int64) and their words, concatenated in blob order."""
    lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs))
    # (every blob is 4 (n + 1) + 2 m bytes: the joined blobs are whole uint16s)
    flat = np.frombuffer(b"".join(blobs), dtype=np.uint16)
    start = (np.cumsum(lengths) - lengths) // 2
    units = np.zeros(len(blobs), dtype=np.int64)
    held = lengths > 0
    units[held] = _uint32(flat, start[held])
    sizes = _uint32(flat, _spread(start[held] + 2, units[held], 2))
    counts = np.where(held, lengths // 2 - 2 * (units + 1), 0)
    return units, sizes, flat[_spread(start + 2 * (units + 1), counts, 1)]


def _uint32(flat: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The uint32 (as int64) stored at each uint16 position ``at`` of ``flat`` (as
    ``np.frombuffer`` reads it: the machine's byte order)."""
    pairs = np.stack((flat[at], flat[at + 1]), axis=1)
    return pairs.view(np.uint32).reshape(-1).astype(np.int64)


def _spread(starts: np.ndarray, counts: np.ndarray, step: int) -> np.ndarray:
    """The positions ``starts[i] + step * k`` for k < ``counts[i]``, for every i in order."""
    ends = np.cumsum(counts)
    return np.repeat(starts - step * (ends - counts), counts) + step * np.arange(int(ends[-1]) if ends.size else 0)


def unit_words_joined(blobs: list) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`unit_words` of many blobs at once, read from the blobs joined: per blob its
    number of units (0 for an empty blob), then every unit's number of words and of other
    words, and the values, concatenated in blob order."""
    lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)) // 2
    flat = np.frombuffer(b"".join(blobs), dtype=np.uint16)
    start = np.cumsum(lengths) - lengths
    units = np.zeros(len(blobs), dtype=np.int64)
    held = lengths > 0
    units[held] = flat[start[held]]
    words = flat[_spread(start + 1, units, 1)].astype(np.int64)
    others = flat[_spread(start + 1 + units, units, 1)].astype(np.int64)
    return units, words, others, flat[_spread(start + 1 + 2 * units, np.where(held, lengths - 1 - 2 * units, 0), 1)]


def _split_quotes(blob: bytes, dtype) -> list[np.ndarray]:
    sizes, values = quote_words(blob, dtype)
    return np.split(values, np.cumsum(sizes, dtype=np.int64)[:-1]) if sizes.size else []


def quote_sets(blob: bytes) -> list[np.ndarray]:
    """The content word sets (sorted 16-bit hashes) of a document's quotation units, which
    the quote-drift rule compares. Only a pre-filter reads them (the rule's own test on the
    texts follows): two different words sharing 16 bits (1 word pair in 65,536) can only add
    a candidate, never drop one."""
    return _split_quotes(blob, np.uint16)


def narrowed_quotes(blob: bytes) -> bytes:
    """A schema-3 quotation blob (32-bit hashes) in the schema-4 form (16 bits)."""
    sets = _split_quotes(blob, np.uint32)
    if not sets:
        return b""
    sizes = np.array([x.size for x in sets], dtype=np.int64)
    flat = np.concatenate(sets).astype(np.uint64)
    return _encode_quotes(flat, sizes, np.zeros(sizes.size, dtype=np.int64), 1)[0]


JACCARD_BYTES = 6  # a stored key (< 2**KEY_BITS) in a document's blob of its Jaccard keys


def pack_keys(keys: np.ndarray) -> bytes:
    """Stored keys (int64, ``0 <= key < 2**48``) as 6 little-endian bytes each."""
    return np.ascontiguousarray(keys, dtype="<i8").view(np.uint8).reshape(-1, 8)[:, :JACCARD_BYTES].tobytes()


def unpack_keys(blob: bytes, width: int = JACCARD_BYTES) -> np.ndarray:
    """:func:`pack_keys` undone (``width=8``: a schema-3 blob of int64)."""
    raw = np.frombuffer(blob, dtype=np.uint8).reshape(-1, width)
    out = np.zeros((raw.shape[0], 8), dtype=np.uint8)
    out[:, :width] = raw
    return out.view("<i8").ravel().astype(np.int64)


def batch_tokens(texts: list[str], shingled: Optional[list] = None) -> list[np.ndarray]:
    """The word hashes of each text, those of :func:`~dedupe.passages.tokens.words_of`
    (array operations over the whole batch; a text that NFKC or lower-casing changes is read
    by ``words_of`` itself). ``shingled``: the batch's word shingles, sub-batch by sub-batch
    (:func:`~dedupe.near.sketch.sketch_batch` with ``keep``), whose tokens are these."""
    if shingled is None:
        codes, lengths, same = _normalise_batch(texts)
        edges = np.diff(_is_word(codes).view(np.int8), prepend=np.int8(0), append=np.int8(0))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        doc_starts = np.concatenate(([0], np.cumsum(np.asarray(lengths) + 1)[:-1]))
        shingled = [Shingled(None, None, None, token_hashes(codes, starts, ends),
                             np.diff(np.searchsorted(starts, np.append(doc_starts, codes.size + 1))), same,
                             (starts, ends, doc_starts))]
    return [w.hashes for w in words_of_sketch(texts, shingled, SEED_NGRAM)]


def ngrams(tokens: np.ndarray, n: int) -> np.ndarray:
    """Word n-gram hashes as :func:`~dedupe.passages.tokens.words_of` computes them."""
    return combine_ngrams(tokens, n) if tokens.size >= n else np.zeros(0, dtype=np.uint64)


def winnowed(grams: np.ndarray, w: int = WINNOW) -> np.ndarray:
    """The distinct fingerprints of one document's n-gram hashes: the smallest hash of every
    window of ``w`` consecutive n-grams (of all of them when there are fewer)."""
    if grams.size <= w:
        return grams[np.argmin(grams)][None] if grams.size else grams
    windows = np.lib.stride_tricks.sliding_window_view(grams, w)
    return np.unique(windows.min(axis=1))


def _distinct_rows(rows: np.ndarray) -> np.ndarray:
    if not rows.size:
        return rows
    order = np.lexsort(rows.T[::-1])
    rows = rows[order]
    keep = np.ones(len(rows), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    return rows[keep]


def _batch_ngrams(tokens: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """The word n-gram hashes of every text of a batch (:func:`ngrams` of each, in order) and
    the text of each: one pass over the concatenated tokens, windows across texts dropped."""
    flat = np.concatenate([np.zeros(0, dtype=np.uint64), *tokens])
    if flat.size < n:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(tokens), dtype=np.int64), [t.size for t in tokens])
    first = owner[: flat.size - n + 1]
    inside = first == owner[n - 1 :]
    return combine_ngrams(flat, n)[inside], first[inside]


def _distinct_per_text(values: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(values, owner)`` (``owner`` ascending) sorted by owner, then value, each pair once
    (a sort per text: much faster than a lexsort or ``np.unique`` of the batch)."""
    if not values.size:
        return values, owner
    bounds = np.flatnonzero(owner[1:] != owner[:-1]) + 1
    values = np.concatenate([np.sort(part) for part in np.split(values, bounds)])
    keep = np.ones(values.size, dtype=bool)
    keep[1:] = (values[1:] != values[:-1]) | (owner[1:] != owner[:-1])
    return values[keep], owner[keep]


def distinct_counts(values: np.ndarray, ordered: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_counts=True)`` by one sort (none when ``ordered``)."""
    values = values if ordered else np.sort(values)
    if not values.size:
        return values, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return values[starts], np.diff(np.append(starts, values.size))


def batch_winnowed(grams: np.ndarray, owner: np.ndarray, w: int = WINNOW,
                   distinct: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """:func:`winnowed` of each text's n-grams (``grams`` in text order, ``owner`` their
    texts, as :func:`_batch_ngrams` gives them), over the whole batch at once.
    ``distinct=False``: each text's fingerprints in no order, possibly repeated (what is
    stored is made distinct when the run is sorted)."""
    if not grams.size:
        return grams, owner
    k = grams.size - w + 1
    mins, first = grams[: max(k, 0)].copy(), owner[: max(k, 0)]
    for i in range(1, w):  # the minimum of each window of w
        np.minimum(mins, grams[i : i + k], out=mins)
    whole = first == owner[w - 1 :] if k > 0 else np.zeros(0, dtype=bool)
    # a text with at most w n-grams keeps its smallest one
    starts = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
    texts, counts = owner[starts], np.diff(np.append(starts, owner.size))
    short = counts <= w
    small = np.minimum.reduceat(grams, starts)[short] if short.any() else grams[:0]
    whole &= ~np.isin(first, texts[short])  # (a text of exactly w n-grams has one window)
    if not distinct:  # (consecutive windows mostly share their minimum: kept once)
        mins, first = mins[whole], first[whole]
        new = np.concatenate(([True], (mins[1:] != mins[:-1]) | (first[1:] != first[:-1])))[: mins.size]
        return np.concatenate([mins[new], small]), np.concatenate([first[new], texts[short]])
    values, owners = np.concatenate([mins[whole], small]), np.concatenate([first[whole], texts[short]])
    order = np.argsort(owners, kind="stable")
    return _distinct_per_text(values[order], owners[order])


def keys_of(texts: list[str], config) -> BatchKeys:
    """:func:`batch_keys` of any number of texts, computed ``config.batch_size`` texts at a
    time (each text's keys depend on its text only; the arrays of one chunk stay small)."""
    size = config.batch_size
    parts = [batch_keys(texts[i : i + size], config) for i in range(0, len(texts), size)]
    return parts[0] if len(parts) == 1 else joined(parts)


def joined(parts: list[BatchKeys]) -> BatchKeys:
    """The keys of consecutive batches as the keys of one (document columns renumbered)."""
    at = np.cumsum([0] + [p.words.size for p in parts[:-1]])
    bands = np.concatenate([p.bands for p in parts])
    bands[:, 2] += np.repeat(at, [p.bands.shape[0] for p in parts])
    return BatchKeys(np.concatenate([p.words for p in parts]), np.concatenate([p.sizes for p in parts]),
                     np.concatenate([p.signatures for p in parts]), [x for p in parts for x in p.languages], bands,
                     [g for p in parts for g in p.grams], [q for p in parts for q in p.quotes],
                     [u for p in parts for u in p.unit_words])


def _computed(texts: list[str], config, distinct: bool) -> tuple:
    """The parts of a batch's keys, each text read once by each of them: its sketch, its
    word 3-grams and their texts (:func:`_batch_ngrams`), the Jaccard rows, the other key
    rows (fingerprints and quotations: as often as found, without ``distinct``), the
    quotation blobs and the unit words blobs."""
    settings = SketchSettings.of(config)
    sk = sketch_batch((texts, settings), keep=True)
    tokens = batch_tokens(texts, sk.shingled if settings.shingle == "word" else None)
    grams = _batch_ngrams(tokens, SEED_NGRAM)
    fingerprints, fp_owner = batch_winnowed(*_batch_ngrams(tokens, FINGERPRINT_NGRAM), distinct=distinct)
    read = _read_pieces(texts)
    pieces = _quote_pieces(read)
    blobs = _encode_quotes(*_unit_words(*pieces), len(texts))
    words = _words_blobs(*read, len(texts))
    # Jaccard rows and fingerprints are distinct already; two quotations of one document can
    # share a band key
    quote_rows = _quote_bands(*pieces, config.seed)
    others = np.concatenate([_rows(UNIT_BAND, fingerprints, fp_owner), _distinct_rows(quote_rows) if distinct else quote_rows])
    return sk, grams, document_bands(sk.signatures, sk.sizes, config), others, blobs, words


def batch_keys(texts: list[str], config) -> BatchKeys:
    """Every key of a batch of texts (see the module notes)."""
    sk, (grams, owner), jaccard, others, blobs, words = _computed(texts, config, True)
    grams, owner = _distinct_per_text(grams, owner)
    per_text = np.split(grams, np.searchsorted(owner, np.arange(1, len(texts))))
    return BatchKeys(sk.words, sk.sizes, sk.signatures, sk.languages, np.concatenate([jaccard, others]), per_text,
                     blobs, words)


@dataclass
class StoredKeys:
    """What an archive stores of a batch of texts (:func:`stored_keys`), in the stored forms
    (``docs`` columns are positions in the batch)."""

    words: np.ndarray
    sizes: np.ndarray
    languages: list
    keys: np.ndarray  # stored keys (:func:`folded`) of every key row, a (key, doc) pair possibly repeated
    docs: np.ndarray  # the text of each key
    jaccard: bytes  # each text's own Jaccard keys (stored, :func:`pack_keys`), text after text, in band order
    jaccard_bounds: np.ndarray  # where each text's keys start in ``jaccard`` (one more than the texts)
    grams: np.ndarray  # the distinct stored n-gram values (:func:`short_grams`) of the batch, sorted
    df: np.ndarray  # the number of texts holding each
    quotes: list
    unit_words: list

    def __len__(self) -> int:
        return self.words.size


def stored_keys(texts: list[str], config) -> StoredKeys:
    """The keys of :func:`batch_keys` in the forms an archive stores, computed without
    what only a check needs: no signatures kept, key rows not made distinct (the run they go
    to is), and the n-grams' document frequencies counted over the batch at once (one sort
    of ``(n-gram, text)``) instead of per text."""
    sk, (grams, owner), jaccard, others, blobs, words = _computed(texts, config, False)
    values, df = text_counts(short_grams(grams), owner, len(texts))
    # each text's Jaccard keys, in band order (the rows are band after band)
    own = jaccard[np.argsort(jaccard[:, 2], kind="stable")]
    bounds = np.searchsorted(own[:, 2], np.arange(len(texts) + 1))
    rows = np.concatenate([jaccard, others])
    return StoredKeys(sk.words, sk.sizes, sk.languages, folded(rows), rows[:, 2].copy(), pack_keys(folded(own)), bounds,
                      values, df, blobs, words)


def stored_keys_of(texts: list[str], config) -> StoredKeys:
    """:func:`stored_keys` of any number of texts, ``config.batch_size`` at a time."""
    size = config.batch_size
    return joined_stored([stored_keys(texts[i : i + size], config) for i in range(0, len(texts), size)]
                         or [stored_keys([], config)])


def joined_stored(parts: list[StoredKeys]) -> StoredKeys:
    """The stored keys of consecutive batches as those of one (positions renumbered; the
    n-gram counts added up)."""
    if len(parts) == 1:
        return parts[0]
    at = np.cumsum([0] + [len(p) for p in parts[:-1]])
    docs = np.concatenate([p.docs + a for p, a in zip(parts, at)])
    starts = np.cumsum([0] + [len(p.jaccard) // JACCARD_BYTES for p in parts[:-1]])
    bounds = np.concatenate([parts[0].jaccard_bounds[:1]] + [p.jaccard_bounds[1:] + s for p, s in zip(parts, starts)])
    grams, df = summed_runs([(p.grams, p.df) for p in parts])
    return StoredKeys(np.concatenate([p.words for p in parts]), np.concatenate([p.sizes for p in parts]),
                      [x for p in parts for x in p.languages], np.concatenate([p.keys for p in parts]), docs,
                      b"".join(p.jaccard for p in parts), bounds, grams, df,
                      [q for p in parts for q in p.quotes], [u for p in parts for u in p.unit_words])


def text_counts(values: np.ndarray, owner: np.ndarray, texts: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``values`` (int64, ``0 <= v < 2**KEY_BITS``) and the number of texts
    (``owner``: each value's, ``0 <= owner < texts``) holding each: one sort of the pairs
    packed in an int64."""
    if not values.size:
        return values.astype(np.int64), np.zeros(0, dtype=np.int64)
    bits = max(int(texts - 1).bit_length(), 1)
    if KEY_BITS + bits <= 63:
        pairs = np.sort((values << bits) | owner)
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
        return distinct_counts(pairs >> bits, ordered=True)
    return distinct_counts(np.unique(np.stack([values, owner], axis=1), axis=0)[:, 0])
