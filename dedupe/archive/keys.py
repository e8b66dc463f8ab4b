"""The lookup keys of documents, computed the same way when a document is archived and when a
draft is checked, so that a draft finds the archive documents a full scan would pair it with.

Per document:

- its MinHash signature and the Jaccard LSH band keys of :class:`~dedupe.near.lsh.CandidateIndex`
  (bands ``0 .. b-1``);
- passage units (:func:`~dedupe.passages.candidates.unit_ranges`, the word n-grams the
  passage stage seeds on) signed with ``UNIT_ROWS * UNIT_BANDS`` permutations and banded
  (bands ``UNIT_BAND + j``); a short wire story inside a longer article shares its units
  with it, so these keys are also the containment index;
- quotations (the quote-drift rule's units), their lower-cased content words signed with
  ``QUOTE_ROWS * QUOTE_BANDS`` permutations and banded (bands ``QUOTE_BAND + j``): a quotation
  worded differently shares about half its words or more (12 bands of 2 rows: Jaccard 0.4
  is found with probability 0.88, 0.5: 0.97);
- the distinct word n-grams of the passage stage, for the archive's document frequencies.

Every key is a 64-bit value; a key row is ``(band, key, document)``.

The unit banding is stricter than the passage stage's own (32 bands of 2 rows, which also
pairs units at Jaccard 0.3 for the aligner to reject or accept): 6 bands of 3 rows find a
unit pair at Jaccard 0.9 with probability 0.998, 0.8: 0.986, 0.6: 0.77, 0.5: 0.55, with
about 200 keys per 3 KB article instead of about 1,000.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..near import banding
from ..near.lsh import recall_params
from ..near.fast import _normalise_batch, _is_word, token_hashes
from ..near.shingles import combine_ngrams
from ..near.shingles import token_hashes as token_hashes_of
from ..near.sketch import SketchSettings, sketch_batch
from ..near.signatures import batch_signatures
from ..passages import SEED_NGRAM
from ..passages.candidates import unit_ranges
from ..passages.tokens import words_of

UNIT_BAND = 1000
UNIT_BANDS, UNIT_ROWS = 6, 3
QUOTE_BAND = 2000
QUOTE_BANDS, QUOTE_ROWS = 12, 2


@dataclass
class BatchKeys:
    """The keys of a batch of documents (``doc`` columns are positions in the batch)."""

    words: np.ndarray
    sizes: np.ndarray
    signatures: np.ndarray
    languages: list
    bands: np.ndarray  # int64 rows (band, key, doc), distinct
    grams: list  # per document: sorted distinct word n-gram hashes (uint64)


def document_bands(signatures: np.ndarray, sizes, config) -> np.ndarray:
    """``(band, key, row)`` rows of the Jaccard LSH bands of non-empty signature rows."""
    b, r = recall_params(config.threshold, config.num_perm, config.lsh_recall)
    rows = np.flatnonzero(np.asarray(sizes) > 0)
    if not rows.size:
        return np.zeros((0, 3), dtype=np.int64)
    sig = signatures[rows]
    out = [_rows(j, banding.band_key(sig, j * r, (j + 1) * r), rows) for j in range(b)]
    return np.concatenate(out)


def _rows(band, keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    out = np.empty((keys.size, 3), dtype=np.int64)
    out[:, 0] = band
    out[:, 1] = keys.view(np.int64)
    out[:, 2] = docs
    return out


def _set_bands(sets: list[np.ndarray], owners: list[int], seed: int, first: int, b: int, r: int) -> np.ndarray:
    """Band rows (bands ``first .. first + b - 1``) of small hash sets, signed in one batch."""
    if not sets:
        return np.zeros((0, 3), dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum([s.size for s in sets]))).astype(np.int64)
    sig = batch_signatures(np.concatenate(sets), offsets, b * r, seed, "kperm")
    docs = np.asarray(owners, dtype=np.int64)
    return np.concatenate([_rows(first + j, banding.band_key(sig, j * r, (j + 1) * r), docs) for j in range(b)])


@dataclass
class _Words:
    """What :func:`unit_ranges` needs of :class:`~dedupe.passages.tokens.Words`."""

    starts: np.ndarray
    grams: np.ndarray

    def __len__(self) -> int:
        return self.starts.size


def batch_words(texts: list[str]) -> list:
    """Word starts and word n-gram hashes of each text, equal to
    :func:`~dedupe.passages.tokens.words_of` (array operations over the whole batch; a text
    that NFKC or lower-casing changes is read by ``words_of`` itself)."""
    codes, lengths, same = _normalise_batch(texts)
    edges = np.diff(_is_word(codes).view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    th = token_hashes(codes, starts, ends)
    doc_starts = np.concatenate(([0], np.cumsum(np.asarray(lengths) + 1)[:-1]))
    bounds = np.searchsorted(starts, np.concatenate((doc_starts, [codes.size + 1])))
    out = []
    for i, text in enumerate(texts):
        if not same[i]:
            w = words_of(text, SEED_NGRAM)
            out.append(_Words(w.starts, w.grams))
            continue
        a, b = bounds[i], bounds[i + 1]
        grams = combine_ngrams(th[a:b], SEED_NGRAM) if b - a >= SEED_NGRAM else np.zeros(0, dtype=np.uint64)
        out.append(_Words(starts[a:b] - doc_starts[i], grams))
    return out


def _passage_units(text: str, words) -> list[np.ndarray]:
    """The word n-grams of each passage unit (repeats kept: a signature ignores them)."""
    n = SEED_NGRAM
    out = []
    for w0, w1 in unit_ranges(text, words):
        grams = words.grams[w0 : max(w0, w1 - n + 1)]
        if grams.size:
            out.append(grams)
    return out


def batch_keys(texts: list[str], config) -> BatchKeys:
    """Every key of a batch of texts (see the module notes)."""
    sk = sketch_batch((texts, SketchSettings.of(config)))
    from ..rules._people import stopwords
    from ..rules.quote_drift import quotation_words

    stop = stopwords()
    units, owners, quotes, quoted_in, grams = [], [], [], [], []
    for d, (text, words) in enumerate(zip(texts, batch_words(texts))):
        grams.append(np.unique(words.grams))
        for u in _passage_units(text, words):
            units.append(u)
            owners.append(d)
        for q in quotation_words(text):
            content = [w for w in q if w not in stop]  # stop words would pair every quotation
            if content:
                quotes.append(token_hashes_of(content))
                quoted_in.append(d)
    rows = [
        document_bands(sk.signatures, sk.sizes, config),
        _set_bands(units, owners, config.seed, UNIT_BAND, UNIT_BANDS, UNIT_ROWS),
        _set_bands(quotes, quoted_in, config.seed, QUOTE_BAND, QUOTE_BANDS, QUOTE_ROWS),
    ]
    bands = np.unique(np.concatenate(rows), axis=0)
    return BatchKeys(sk.words, sk.sizes, sk.signatures, sk.languages, bands, grams)
