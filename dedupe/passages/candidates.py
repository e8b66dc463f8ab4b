"""Candidate document pairs from MinHash LSH over passage-level units.

A unit is a sentence (very short ones joined to the next, long ones cut into overlapping
windows), shingled into the same word n-grams the aligner seeds on, minus stock n-grams.
Units are banded as datasketch's ``MinHashLSH`` bands them (bands of consecutive hash values,
``(b, r)`` tuned for recall at a low threshold), with array operations instead of its
per-unit dicts (and without importing it, a second of start-up); two documents are a
candidate pair when any of their units collide. The aligner verifies
every candidate, so false candidates cost time, never results. Cost grows with the number
of units and colliding units, not with the square of the corpus.
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from ..config import Config
from ..near.banding import _groups_of_equal, band_key
from ..near.lsh import recall_params
from ..near.shingles import all_in_window, combine_ngrams
from ..near.signatures import kperm_signatures
from ..parallel import batches, pmap
from ..rules.base import analysis
from ..textutil import sentences, unwrapped
from ..spill import Spill
from .tokens import Words, in_sorted, ranges
from ..arrays import sorted_unique

# documents per worker job (words, units) when the passages stage runs in several processes
DOCS_PER_JOB = 200

# Jaccard (of word n-gram sets) between two units at which they should collide ...
UNIT_THRESHOLD = 0.3
# ... with at least this probability
UNIT_RECALL = 0.95
# MinHash permutations per unit (units are short: a few dozen n-grams)
UNIT_PERM = 64
# sentences shorter than this (in words) are joined to the next one
MIN_UNIT_WORDS = 6
# longer sentences are cut into windows of this many words, overlapping by half
MAX_UNIT_WORDS = 24


def unit_ranges(text: str, words: Words) -> list[tuple[int, int]]:
    """Word ranges ``(first, last)`` of the passage-level units of one document."""
    if len(words) == 0:
        return []
    plain = unwrapped(text)  # a wrapped line is not a sentence
    # the sentences of a text that is not hard-wrapped are those the rules read too
    spans = analysis(text).sentences if plain is text else tuple(sentences(plain))
    if not spans:
        return []
    bounds = np.searchsorted(words.starts, np.array(spans, dtype=np.int64).ravel()).reshape(-1, 2).tolist()
    out, first = [], None
    for w0, w1 in bounds:
        if w1 <= w0:
            continue
        if first is not None:
            w0 = first
        if w1 - w0 < MIN_UNIT_WORDS:
            first = w0
            continue
        first = None
        if w1 - w0 <= MAX_UNIT_WORDS:
            out.append((w0, w1))
        else:
            step = MAX_UNIT_WORDS // 2
            for k in range(w0, w1 - step, step):
                out.append((k, min(k + MAX_UNIT_WORDS, w1)))
    if first is not None:
        out.append((first, len(words)))
    return out


def unit_shape() -> tuple[int, int]:
    """Bands and rows ``(b, r)`` of the units' LSH."""
    return recall_params(UNIT_THRESHOLD, UNIT_PERM, UNIT_RECALL)


def candidate_pairs(texts: list[str], *args, **kwargs) -> list[tuple[int, int]]:
    """Sorted document index pairs ``(i, j)``, ``i < j``, that may share a passage: the pairs
    of :func:`candidate_codes` (same arguments)."""
    return pairs_of(candidate_codes(texts, *args, **kwargs), len(texts))


def pairs_of(codes: np.ndarray, docs: int) -> list[tuple[int, int]]:
    """The pairs ``(i, j)`` of pair codes ``i * docs + j``."""
    return list(zip((codes // docs).tolist(), (codes % docs).tolist()))


def candidate_codes(
    texts: list[str],
    all_words: list[Words],
    stop: np.ndarray,
    n: int,
    config: Config,
    max_df: int,
    progress: Optional[Callable] = None,
    only: Optional[set] = None,
    anchor: Optional[int] = None,
) -> np.ndarray:
    """Sorted codes ``i * len(texts) + j`` of the document index pairs ``(i, j)``, ``i < j``,
    that may share a passage (with ``only``, a set of document indexes, the pairs holding one
    of them); int64: 8 bytes a pair, where a tuple of two Python integers takes about 100.

    With ``anchor`` (words), only the pairs that also share an exact run of ``anchor`` words
    whose n-grams are not stock ones (:func:`_run_pairs`): a pair of documents whose units
    collide may share no more than a few scattered n-grams (most do, in a large corpus of
    one language), and the aligner finds no passage nor related pair without such a run."""
    bands, rows = unit_shape()
    docs = len(texts)
    run = None if anchor is None else max(1, anchor - n + 1)  # n-grams in a run of ``anchor`` words
    shared = (texts, all_words, stop, n, config.seed, run)
    none = np.zeros(0, dtype=np.int64)
    jobs = pmap(_signed_units, batches(range(docs), DOCS_PER_JOB), getattr(config, "workers", 1), shared)
    # the signatures go to a temporary file band by band as the jobs give them, and come back
    # one band at a time: held whole they were ~18 KB an article (UNIT_PERM values a unit),
    # one band is 16 bytes a unit; the runs (with ``anchor``) go there by range of their hashes
    with Spill() as spill:
        runs = _Slices(spill, RUN_BITS)
        for k, (sig, of_unit, keyed) in enumerate(jobs, start=1):
            for band in range(bands):
                spill.add(band, sig[:, band * rows : (band + 1) * rows])
            spill.add("doc", of_unit)
            runs.add(keyed)
            if progress:
                progress("passage units", min(k * DOCS_PER_JOB, docs), docs)
        runs.flush(last=True)
        of_unit = spill.get("doc", np.int64)
        if not of_unit.size:
            return none
        member = None if only is None else np.isin(np.arange(docs), np.fromiter(only, dtype=np.int64))
        codes, found = none, []
        if of_unit.size * bands <= ALL_BANDS:  # a few units (a check's): every band at once
            # (each band's rows with the band's number after them: equal rows, one bucket of one band)
            block = np.concatenate([np.column_stack((spill.get(band), np.full(of_unit.size, band, dtype=np.uint64)))
                                    for band in range(bands)])
            codes = sorted_unique(_bucket_pairs(block, np.tile(of_unit, bands), docs, max_df, member))
            bands = 0
        for band in range(bands):  # every bucket of every band: its units collide
            found.append(_bucket_pairs(spill.get(band), of_unit, docs, max_df, member))
            if sum(f.size for f in found) > codes.size:  # a pair repeats in many bands: merged as they come
                codes, found = sorted_unique(np.concatenate([codes, *found])), []
        codes = sorted_unique(np.concatenate([codes, *found]))
        if run is not None:
            codes = codes[_run_pairs(runs, codes, docs)]
    return codes


# the runs of the documents (``anchor`` of :func:`candidate_codes`) are paired one 2**RUN_BITS-th
# of their hash range at a time
RUN_BITS = 6
# units times bands up to which the buckets of every band are found at once (not band by band)
ALL_BANDS = 1 << 18


class _Slices:
    """uint64 values kept in a :class:`Spill` by their top ``bits`` (``2**bits`` slices, read
    back one at a time with :meth:`get`), written a few million at a time. A few values that
    never filled the buffer are kept in memory as one slice (``slices`` is then 1)."""

    BUFFER = 1 << 21
    # (one slice of more is slower to pair than its 2**bits slices: np.unique of a large array)
    IN_MEMORY = 1 << 16

    def __init__(self, spill: Spill, bits: int):
        self._spill, self._bits, self._pending, self._held = spill, bits, [], 0
        self.slices = 1 << bits
        self._edges = np.arange(1, self.slices, dtype=np.uint64) << np.uint64(64 - bits)
        self._spilled = False
        self._whole: Optional[np.ndarray] = None

    def add(self, values: np.ndarray) -> None:
        self._pending.append(values)
        self._held += values.size
        if self._held >= self.BUFFER:
            self.flush()

    def flush(self, last: bool = False) -> None:
        """Write the values held; with ``last`` (no more will come), a few values
        (``IN_MEMORY``; a check's) that never filled the buffer stay in memory, one slice."""
        if last and not self._spilled and self._held <= self.IN_MEMORY:
            self._whole = np.concatenate([np.zeros(0, dtype=np.uint64), *self._pending])
            self.slices, self._pending, self._held = 1, [], 0
            return
        self._spilled = True
        if self._pending:
            values = np.sort(np.concatenate(self._pending))
            for k, part in enumerate(np.split(values, np.searchsorted(values, self._edges))):
                self._spill.add(("slice", k), part)
        self._pending, self._held = [], 0

    def get(self, k: int) -> np.ndarray:
        if self._whole is not None:
            return self._whole
        return self._spill.get(("slice", k), np.uint64)


def _run_pairs(runs: _Slices, codes: np.ndarray, docs: int) -> np.ndarray:
    """Per pair code of ``codes`` (sorted): whether its two documents share a run, found slice
    by slice: the documents of each run, each with every later one (a run's n-grams are no
    stock ones, so at most ``max_df`` documents share it). ``runs`` holds each run of a
    document as one uint64 (:func:`_signed_units_and_runs`): the hash of its n-grams
    (:func:`~dedupe.near.shingles.combine_ngrams`; the top RUN_BITS bits are its slice) with
    the document's number in place of the low bits (two runs whose hashes differ only there
    count as one: a pair aligned for nothing)."""
    bits = _doc_bits(docs)
    low = np.uint64((1 << bits) - 1)
    hit = np.zeros(codes.size, dtype=bool)
    for k in range(runs.slices if codes.size else 0):
        keyed = sorted_unique(runs.get(k))  # by run, then document (each document once a run)
        run, doc = keyed >> np.uint64(bits), (keyed & low).astype(np.int64)
        starts = np.flatnonzero(np.concatenate(([True], run[1:] != run[:-1]))) if run.size else np.zeros(0, np.int64)
        sizes = np.diff(np.append(starts, run.size))
        starts, sizes = starts[sizes >= 2], sizes[sizes >= 2]
        if not starts.size:
            continue
        at = ranges(starts, sizes)
        later = np.repeat(starts + sizes, sizes) - at - 1
        found = sorted_unique(doc[np.repeat(at, later)] * docs + doc[ranges(at + 1, later)])
        where = np.minimum(np.searchsorted(codes, found), codes.size - 1)
        hit[where[codes[where] == found]] = True
    return hit


def _doc_bits(docs: int) -> int:
    return max(1, (docs - 1).bit_length())


def _bucket_pairs(block: np.ndarray, of_unit: np.ndarray, docs: int, max_df: int, member) -> np.ndarray:
    """The document pairs ``i * docs + j`` (``i < j``) that share a bucket of one LSH band
    (rows of ``block`` that are equal: MinHashLSH's buckets, without its per-unit dicts),
    leaving out buckets of more than ``max_df`` documents (a stock sentence would pair every
    document with every other); with ``member`` (per document, bool), only the pairs holding
    a member.

    Most rows are in no bucket of two: the rows are hashed to one 64-bit key each and only
    those whose key is shared are sorted (:func:`~dedupe.near.banding._groups_of_equal`).
    Should two different rows share a key (probability ~2**-64), every row is sorted
    instead, so the buckets are always exactly the equal rows."""
    order, starts, sizes = _groups_of_equal(band_key(block, 0, block.shape[1]))
    rows = block[order]
    if not (rows == np.repeat(rows[starts], sizes, axis=0)).all():
        order = np.lexsort((of_unit, *block.T[::-1]))
        rows = block[order]
        new_bucket = np.ones(order.size, dtype=bool)
        new_bucket[1:] = (rows[1:] != rows[:-1]).any(axis=1)
        return _pairs_in_buckets(new_bucket, of_unit[order], docs, max_df, member)
    # the (bucket, document) pairs of the shared keys, ordered by bucket, then document
    group = np.repeat(np.arange(sizes.size), sizes)
    doc = of_unit[order]
    by_doc = np.lexsort((doc, group))
    group, doc = group[by_doc], doc[by_doc]
    new_bucket = np.ones(doc.size, dtype=bool)
    new_bucket[1:] = group[1:] != group[:-1]
    return _pairs_in_buckets(new_bucket, doc, docs, max_df, member)


def _pairs_in_buckets(new_bucket: np.ndarray, doc: np.ndarray, docs: int, max_df: int, member) -> np.ndarray:
    """:func:`_bucket_pairs` from the documents of the rows ordered by bucket, then document
    (``new_bucket``: where a bucket starts)."""
    distinct = new_bucket.copy()
    distinct[1:] |= doc[1:] != doc[:-1]
    bucket, doc = np.cumsum(new_bucket)[distinct], doc[distinct]
    starts = np.flatnonzero(np.diff(bucket, prepend=-1))
    sizes = np.diff(np.append(starts, bucket.size))
    ok = (sizes >= 2) & (sizes <= max_df)
    starts, sizes = starts[ok], sizes[ok]
    # each document of a bucket with every later one of it
    at = ranges(starts, sizes)  # positions of the documents of the buckets kept
    later = np.repeat(starts + sizes, sizes) - at - 1  # documents after each in its bucket
    first = np.repeat(at, later)
    second = ranges(at + 1, later)
    i, j = doc[first], doc[second]
    if member is not None:
        keep = member[i] | member[j]
        i, j = i[keep], j[keep]
    return i * docs + j


def colliding_pairs(block: np.ndarray, of_unit: np.ndarray, max_df: int, only: Optional[set] = None) -> list:
    """The document pairs ``(d, e)``, ``d < e``, whose units share a row of ``block`` (the
    buckets of one band; ``of_unit``: the document key of each row, any integers), except in
    buckets of more than ``max_df`` documents; with ``only``, the pairs holding one of them
    (may repeat: a pair shares several buckets)."""
    keys, dense = np.unique(of_unit, return_inverse=True)
    member = None if only is None else np.isin(keys, np.fromiter(only, dtype=np.int64))
    codes = _bucket_pairs(block, dense.ravel(), keys.size, max_df, member)
    return list(zip(keys[codes // keys.size].tolist(), keys[codes % keys.size].tolist()))


def _signed_units(shared, docs: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`signed_units` of documents ``docs`` and their runs (none without ``run``) (a worker job; ``shared``: the texts, their words, the stock n-grams,
    ``n``, the seed and the n-grams of a run)."""
    texts, all_words, stop, n, seed, run = shared
    return _signed_units_and_runs(texts, all_words, stop, n, seed, docs, run, len(texts))


def signed_units(texts, all_words, stop: np.ndarray, n: int, seed: int, docs=None) -> tuple[np.ndarray, np.ndarray]:
    """The MinHash signatures of the units of documents ``docs`` (default: all; their
    distinct non-stock n-grams), all signed at once, and the document of each unit."""
    return _signed_units_and_runs(texts, all_words, stop, n, seed, docs)[:2]


def _signed_units_and_runs(texts, all_words, stop, n: int, seed: int, docs=None, run=None, total=None) -> tuple:
    """:func:`signed_units`, and with ``run`` the runs of ``run`` consecutive non-stock
    n-grams of the documents that have units (as :func:`_run_pairs` reads them; ``total``: documents in
    the corpus; a document without units is in no candidate pair)."""
    if docs is None:
        docs = range(len(texts))
    grams, first, last, unit_doc, of_gram = [], [], [], [], []
    base = 0
    for d in docs:
        words = all_words[d]
        spans = unit_ranges(texts[d], words)
        if not spans:
            continue
        w0, w1 = np.array(spans, dtype=np.int64).T
        first.append(w0 + base)
        last.append(np.maximum(w0, w1 - n + 1) + base)  # the unit's n-grams: first .. last - 1
        unit_doc.append(np.full(w0.size, d, dtype=np.int64))
        grams.append(words.grams)
        of_gram.append(np.full(grams[-1].size, d, dtype=np.int64))
        base += grams[-1].size
    if not first:
        return np.zeros((0, UNIT_PERM), dtype=np.uint64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    grams_all = np.concatenate(grams)
    first, last, unit_doc = np.concatenate(first), np.concatenate(last), np.concatenate(unit_doc)
    usable = ~in_sorted(grams_all, stop)
    # the n-gram positions of every unit, in order, without the stock ones (a unit's signature
    # is the minimum over its n-grams, so an n-gram repeated inside a unit changes nothing)
    counts = last - first
    ends = np.cumsum(counts)
    at = ranges(first, counts)
    kept = usable[at]
    kept_before = np.concatenate(([0], np.cumsum(kept)))
    sizes = kept_before[ends] - kept_before[ends - counts]
    nonempty = sizes > 0  # a unit made only of stock n-grams has no signature
    offsets = np.zeros(int(nonempty.sum()) + 1, dtype=np.int64)
    np.cumsum(sizes[nonempty], out=offsets[1:])
    # (8k n-grams at a time: the arrays of UNIT_PERM values per n-gram stay a few MB)
    sig = kperm_signatures(grams_all[at[kept]], offsets, UNIT_PERM, seed, chunk=8192)
    keyed = np.zeros(0, dtype=np.uint64)
    if run is not None and grams_all.size >= run:
        # every ``run`` consecutive n-grams of one document (the documents' n-grams are one
        # after the other: a window across two is left out), all usable
        of_gram = np.concatenate(of_gram)
        good = np.flatnonzero(all_in_window(usable, run) & (of_gram[: of_gram.size - run + 1] == of_gram[run - 1 :]))
        bits = np.uint64(_doc_bits(total))
        keyed = (combine_ngrams(grams_all, run, good) >> bits << bits) | of_gram[good].astype(np.uint64)
    return sig, unit_doc[nonempty], keyed
