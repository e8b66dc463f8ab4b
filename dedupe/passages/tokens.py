"""A document's words as the passage stages see them: offsets and hashed word n-grams.

Words are those of :func:`dedupe.near.shingles.word_spans` (NFKC, lower-cased), so straight
and curly quotes, case and full-width forms do not break a match. ``grams[i]`` is the hash
of the ``n`` words starting at word ``i``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Callable, Optional

import re
import struct

import numpy as np

from ..near.fast import _is_word, hash_tokens, lowers_in_place, token_hashes
from ..near.shingles import WORD_RE, all_in_window, combine_ngrams, normalise
from ..near.sketch import sub_batches
from ..textutil import unwrapped
from ..spill import Records, Spill
from ..arrays import sorted_unique


@dataclass(frozen=True)
class Words:
    starts: np.ndarray  # character offset of each word (int32; int64 for a text of 2G characters)
    ends: np.ndarray  # end offset (exclusive) of each word
    hashes: np.ndarray  # uint64 hash of each word (:func:`~dedupe.near.shingles.token_hash`)
    n: int = 3  # words per n-gram of :attr:`grams`
    # the text (held by the caller anyway): :attr:`tokens` are made from it when asked
    text: str = field(default="", repr=False, compare=False)
    # without ``text``: where to read it when asked (words read back from a :class:`WordStore`)
    source: Optional[Callable[[], str]] = field(default=None, repr=False, compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)
    _held: dict = field(default_factory=dict, repr=False, compare=False)  # :attr:`breaks` once made

    @property
    def breaks(self) -> np.ndarray:
        """bool per word: a sentence or paragraph ends between word ``i - 1`` and word ``i``
        (see :func:`words_of`), made from the text when first asked and kept: only the aligner
        reads them, and a check against an archive aligns few of the documents it tokenises
        (the breaks were over a third of :func:`words_of`)."""
        got = self._held.get("breaks")
        if got is None:
            got = self._held["breaks"] = _breaks(unwrapped(self._text()), self.starts, self.ends)  # same length: offsets hold
        return got

    def without_text(self) -> "Words":
        """These words without their text (to send to another process), the breaks made first."""
        self.breaks  # noqa: B018 (made here, where the text is)
        return replace(self, text="")

    def _text(self) -> str:
        return self.text if self.text or self.source is None else self.source()

    @property
    def grams(self) -> np.ndarray:
        """uint64 hash of the ``n`` words starting at each position (``len - n + 1``), made
        from :attr:`hashes` when asked (held for every document until the passages are
        aligned, they were a third of the words' memory)."""
        if self.hashes.size < self.n:
            return np.zeros(0, dtype=np.uint64)
        return combine_ngrams(self.hashes, self.n)

    def vocabulary(self, stop: np.ndarray) -> np.ndarray:
        """The sorted distinct n-gram hashes, without the stock ones (``stop``, sorted)."""
        vocabulary = self.index()[0]
        return vocabulary[~in_sorted(vocabulary, stop)]

    def distinct(self, stop: np.ndarray) -> int:
        """How many distinct n-grams are not stock ones (``stop``; counted once per ``stop``)."""
        got = self._cache.get("distinct")
        if got is None or got[0] is not stop:
            got = self._cache["distinct"] = (stop, int(self.vocabulary(stop).size))
        return got[1]

    def order(self, grams: Optional[np.ndarray] = None) -> np.ndarray:
        """The positions of the n-grams in hash order (equal hashes by position): made once
        (a :class:`WordStore` keeps it with the words; ``grams``: :attr:`grams`, when made
        already)."""
        got = self._cache.get("order")
        if got is None:
            got = self._cache["order"] = np.argsort(self.grams if grams is None else grams, kind="stable")
        return got

    def index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(vocabulary, first, order)``: the sorted distinct n-gram hashes and where each
        is: the positions of ``vocabulary[k]`` are ``order[first[k] : first[k + 1]]``,
        ascending, so that the positions of any n-gram are found by a binary search in the
        vocabulary (computed once; stock n-grams included: the aligner leaves them out of
        the n-grams two documents share, a few, instead of out of each document's)."""
        got = self._cache.get("index")
        if got is None:
            grams = self.grams  # (made once here, for the order too)
            order = self.order(grams)
            ranked = grams[order]
            new = np.ones(ranked.size, dtype=bool)
            new[1:] = ranked[1:] != ranked[:-1]
            starts = np.flatnonzero(new)
            first = np.append(starts, ranked.size).astype(np.int32 if ranked.size < 2**31 else np.int64)
            got = self._cache["index"] = (ranked[starts], first, order)
        return got

    @property
    def tokens(self) -> tuple:
        """The normalised words (made from the text each time asked, not held: as Python
        strings they would be most of the memory of the words of a corpus; the aligner
        compares :attr:`hashes` and reads words with :meth:`tokens_of`)."""
        return self.tokens_of(0, len(self))

    def tokens_of(self, first: int, last: int) -> tuple:
        """The normalised words ``first .. last - 1``, made from the text."""
        return _tokens(self._text(), self.starts[first:last], self.ends[first:last], whole=first == 0 and last >= len(self))

    def forget(self) -> None:
        """Drop what the aligner computed and keeps (:meth:`order`, :meth:`index`,
        :meth:`break_flags`)."""
        self._cache.clear()

    def break_flags(self) -> bytes:
        """:attr:`breaks` as bytes (0 or 1 per word), read word by word by the aligner."""
        if "breaks" not in self._cache:
            self._cache["breaks"] = self.breaks.tobytes()
        return self._cache["breaks"]

    def __len__(self) -> int:
        return int(self.starts.size)

    def chars(self, first: int, last: int) -> tuple[int, int]:
        """Character span ``(start, end)`` of words ``first .. last - 1``."""
        return int(self.starts[first]), int(self.ends[last - 1])


def in_sorted(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Per value: whether it is in ``table`` (sorted, e.g. the stock n-grams of
    :func:`common_grams`). A binary search per value: ``np.isin`` would sort the table again
    on every call, and the passage stage asks once per document of the pairs it aligns.

    >>> in_sorted(np.array([3, 1, 7], dtype=np.uint64), np.array([1, 3, 5], dtype=np.uint64)).tolist()
    [True, True, False]
    """
    if not table.size or not values.size:
        return np.zeros(values.shape, dtype=bool)
    if (values.size >= FILTER_VALUES and table.size <= FILTER_TABLE and values.ndim == 1
            and values.dtype == table.dtype and values.dtype.kind in "iu"):
        # many values against a small table (a check's candidates' n-grams against a
        # draft's): a table of the table's low bits first, a binary search only for the
        # values whose low bits it holds (a search per value was ~50 ns, most of it cache
        # misses; hashes have uniform low bits, other values are only slower)
        low = values.dtype.type((1 << FILTER_BITS) - 1)
        seen = np.zeros(1 << FILTER_BITS, dtype=bool)
        seen[(table & low).astype(np.intp)] = True
        maybe = np.flatnonzero(seen[(values & low).astype(np.intp)])
        out = np.zeros(values.shape, dtype=bool)
        out[maybe] = _searched(values[maybe], table)
        return out
    return _searched(values, table)


def _searched(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    at = np.minimum(np.searchsorted(table, values), table.size - 1)
    return table[at] == values


# :func:`in_sorted` filters by a table of the low ``FILTER_BITS`` bits when there are this
# many values at least and this many table entries at most (a table entry in 64 of them)
FILTER_BITS = 18
FILTER_VALUES = 4096
FILTER_TABLE = 1 << (FILTER_BITS - 6)


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The concatenation of ``range(s, s + c)`` for each start ``s`` and count ``c`` (int64).

    >>> ranges(np.array([5, 0]), np.array([2, 3])).tolist()
    [5, 6, 0, 1, 2]
    """
    ends = np.cumsum(counts, dtype=np.int64)
    return np.arange(int(ends[-1]) if ends.size else 0, dtype=np.int64) + np.repeat(starts - (ends - counts), counts)


# documents whose words a :class:`WordStore` keeps once read (the aligner reads a document
# again for each of its pairs; a document's pairs with later ones come one after the other):
# ~16 KB each with the aligner's index, ~65 MB in all
WORDS_CACHE = 4096
# the end of each document's record in a :class:`WordStore`: words, bytes per offset, bytes per
# n-gram position, words per n-gram
_FOOTER = struct.Struct("<IBBBx")


class WordStore(Sequence):
    """The :class:`Words` of a corpus's documents (numbered in the order added): the first
    ``cache`` held as they are; past them, all kept in a temporary file, not in memory, and
    read back when asked (held for every document until the passages were aligned, they and
    the aligner's index of each were ~20 KB an article). The last ``cache`` documents read are kept, with what the aligner computed from them
    (:meth:`Words.index`, :meth:`Words.break_flags`). Words read back have no text:
    ``text_of`` (document number -> text) reads it when asked (:meth:`Words.tokens_of`).
    Close it when done (or use it as a context manager)."""

    def __init__(self, text_of: Optional[Callable[[int], str]] = None, cache: int = WORDS_CACHE):
        self._records = Records()
        self._text_of = text_of
        self._cache: OrderedDict = OrderedDict()
        self._cache_size = cache
        # the words of the first ``cache`` documents are held as they are (the bound the cache
        # keeps anyway: a check's candidates, a small corpus never go to the file); when one
        # more comes, they are all written to the file and this is None
        self._first: Optional[list] = []

    def append(self, words: Words, grams: bool = True) -> Optional[np.ndarray]:
        """Add the words of the next document; returns their n-grams (with ``grams``, else
        None). Past the first ``cache`` documents, they go to the file (their breaks made
        here, from their text, if not yet made), with the order of their n-grams
        (:meth:`Words.order`)."""
        if self._first is not None:
            if not words.text and words.source is None and self._text_of is not None:  # (made apart)
                words = replace(words, source=partial(self._text_of, len(self._first)))
            self._first.append(words)
            if len(self._first) <= self._cache_size:
                return words.grams if grams else None
            first, self._first = self._first, None
            for w in first[:-1]:
                self._write(w)
        return self._write(words)

    def _write(self, words: Words) -> np.ndarray:
        grams = words.grams if "order" not in words._cache else None
        if grams is not None:
            words._cache["order"] = np.argsort(grams, kind="stable")
        order = words.order()
        order = order.astype(np.uint16 if order.size < 2**16 else words.starts.dtype)
        self._records.add(b"".join((words.hashes.tobytes(), words.starts.tobytes(), words.ends.tobytes(),
                                    order.tobytes(), words.breaks.tobytes(),
                                    _FOOTER.pack(len(words), words.starts.itemsize, order.itemsize, words.n))))
        return words.grams if grams is None else grams

    def read(self, i: int) -> Words:
        """The words of document ``i``, read from the file (not kept), or as held."""
        if self._first is not None:
            return self._first[i]
        raw = self._records.get(i)
        size, width, ranks, n = _FOOTER.unpack_from(raw, len(raw) - _FOOTER.size)
        offsets = np.dtype(np.int32 if width == 4 else np.int64)
        grams = max(size - n + 1, 0)
        at = np.cumsum([0, 8 * size, width * size, width * size, ranks * grams]).tolist()
        words = Words(
            starts=np.frombuffer(raw, offsets, size, at[1]),
            ends=np.frombuffer(raw, offsets, size, at[2]),
            hashes=np.frombuffer(raw, np.uint64, size),
            n=n,
            source=None if self._text_of is None else partial(self._text_of, i),
        )
        words._held["breaks"] = np.frombuffer(raw, bool, size, at[4])
        words._cache["order"] = np.frombuffer(raw, np.uint16 if ranks == 2 else offsets, grams, at[3])
        return words

    def __getitem__(self, i: int) -> Words:
        if self._first is not None:
            return self._first[i]
        got = self._cache.get(i)
        if got is not None:
            self._cache.move_to_end(i)
            return got
        got = self._cache[i] = self.read(i)
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return got

    def __iter__(self):
        return map(self.read, range(len(self)))

    def __len__(self) -> int:
        return len(self._records) if self._first is None else len(self._first)

    def forget(self) -> None:
        """Drop the documents kept once read."""
        self._cache.clear()

    def close(self) -> None:
        self.forget()
        self._first = [] if self._first is not None else None
        self._records.close()

    def __enter__(self) -> "WordStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_BREAK_RE = re.compile(r"""[.!?…]['"’”)\]]*\s|\n""")


def words_of(text: str, n: int) -> Words:
    """The words of ``text`` with their n-grams and breaks. In hard-wrapped text a line
    break inside a paragraph is not a break (see :func:`dedupe.textutil.unwrapped`).

    The words are those of :func:`~dedupe.near.shingles.word_spans`, found with array
    operations over the code points (``\\w`` is ``isalnum()`` or ``_``, as in
    :mod:`dedupe.near.fast`) and hashed all at once; breaks come from one pass of
    ``_BREAK_RE`` over the text (a break is made of non-word characters only, so each match
    lies inside one gap between words)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    edges = np.diff(_is_word(codes).view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if lowers_in_place(text):
        hashes = token_hashes(np.frombuffer(text.lower().encode("utf-32-le"), dtype=np.uint32), starts, ends)
    else:
        hashes = hash_tokens(_tokens(text, starts, ends))
    if len(text) < 2**31:  # offsets held for every document until the passages are aligned
        starts, ends = starts.astype(np.int32), ends.astype(np.int32)
    return Words(starts=starts, ends=ends, hashes=hashes, n=n, text=text)


def words_of_many(texts: list[str], n: int) -> list[Words]:
    """:func:`words_of` of each of ``texts``, the texts that lower code point by code point
    (:func:`~dedupe.near.fast.lowers_in_place`) found and hashed all at once: joined by a
    space (no word character, so no word spans two texts), their words are those of each
    text at its offset in the joined text, and their hashes those of the joined text lowered
    (lowering such texts is code point by code point: the joined text lowered is the texts
    lowered, joined). A check's ~200 candidates: one pass of array operations instead of a
    dozen small ones per text. The other texts are read by :func:`words_of`."""
    out: list = [None] * len(texts)
    joined = [k for k, t in enumerate(texts) if len(t) < 2**31 and lowers_in_place(t)]
    for k in sorted(set(range(len(texts))) - set(joined)):
        out[k] = words_of(texts[k], n)
    # (a sub-batch's arrays stay in the CPU caches, as the sketches' do)
    for a, b in sub_batches([texts[k] for k in joined]):
        for k, words in zip(joined[a:b], _joined_words([texts[k] for k in joined[a:b]], n)):
            out[k] = words
    return out


def words_of_sketch(texts: list[str], shingled: list, n: int) -> list[Words]:
    """:func:`words_of` of each of ``texts``, from the word shingles of their sketch
    (:func:`~dedupe.near.sketch.sketch_batch` with ``keep``, sub-batch by sub-batch): the
    sketch's tokens of a text that NFKC leaves unchanged and that lowers code point by code
    point (:func:`~dedupe.near.fast.lowers_in_place`, its ``exact`` flag) are its words, at
    their offsets in the joined lowered texts less the text's own (as
    :func:`~dedupe.archive.keys.batch_tokens` takes their hashes); another text is read by
    :func:`words_of`. A check tokenised each candidate twice, for its sketch and its words."""
    out: list = []
    for sh in shingled:
        starts, ends, doc_starts = sh.spans
        bounds = np.concatenate(([0], np.cumsum(sh.token_counts))).tolist()
        shift = np.repeat(doc_starts, sh.token_counts)
        starts, ends = (starts - shift).astype(np.int32), (ends - shift).astype(np.int32)  # (a longer text: words_of)
        for k, exact in enumerate(sh.exact):
            text = texts[len(out)]
            if not exact or len(text) >= 2**31:
                out.append(words_of(text, n))
                continue
            a, b = bounds[k], bounds[k + 1]
            out.append(Words(starts=starts[a:b], ends=ends[a:b], hashes=sh.tokens[a:b], n=n, text=text))
    return out


def _joined_words(parts: list[str], n: int) -> list[Words]:
    """:func:`words_of` of each of ``parts`` (texts that lower code point by code point),
    found and hashed in the texts joined by a space."""
    text = " ".join(parts)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    edges = np.diff(_is_word(codes).view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    hashes = token_hashes(np.frombuffer(text.lower().encode("utf-32-le"), dtype=np.uint32), starts, ends)
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    base = np.cumsum(lengths + 1) - lengths - 1  # each text's offset in the joined one
    cut = np.searchsorted(starts, base).tolist() + [starts.size]
    starts, ends = (starts - np.repeat(base, np.diff(cut))).astype(np.int32), (ends - np.repeat(base, np.diff(cut))).astype(np.int32)
    return [Words(starts=starts[a:b], ends=ends[a:b], hashes=hashes[a:b], n=n, text=part)
            for part, a, b in zip(parts, cut[:-1], cut[1:])]


def _tokens(text: str, starts: np.ndarray, ends: np.ndarray, whole: bool = True) -> tuple:
    """The normalised words of ``text`` at ``starts``/``ends`` (as :func:`words_of` finds them;
    ``whole``: they are all the words of ``text``)."""
    if lowers_in_place(text):
        if whole:
            return tuple(WORD_RE.findall(text.lower()))
        # lower-casing is code point by code point here: a word lowered alone is the same
        return tuple(text[s:e].lower() for s, e in zip(starts.tolist(), ends.tolist()))
    return tuple(normalise(text[s:e]) for s, e in zip(starts.tolist(), ends.tolist()))


def _breaks(text: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per word: whether a break (``_BREAK_RE``) lies between the word before it and it."""
    out = np.zeros(starts.size, dtype=bool)
    if starts.size < 2:
        return out
    found = np.fromiter((m.start() for m in _BREAK_RE.finditer(text)), dtype=np.int64)
    if found.size:
        # the first break at or after the end of word i - 1, if it starts before word i
        k = np.searchsorted(found, ends[:-1])
        ok = k < found.size
        out[1:][ok] = found[k[ok]] < starts[1:][ok]
    return out


def common_grams(all_words: list[Words], max_df: int, counted=None, extra_df=None) -> np.ndarray:
    """Sorted n-gram hashes found in more than ``max_df`` documents: stock phrases and
    boilerplate, which neither propose candidate pairs nor seed an alignment.

    With ``extra_df`` (document frequencies kept elsewhere, e.g. by a stored archive: a
    function of the sorted n-gram hashes), only the documents whose ``counted`` flag is true
    are counted here and ``extra_df`` is added for the others."""
    if not all_words:
        return np.zeros(0, dtype=np.uint64)
    if extra_df is None:
        return stock_grams((w.grams for w in all_words), max_df)
    uniq = [sorted_unique(w.grams) for w in all_words]
    values = sorted_unique(np.concatenate(uniq))
    mine = [u for u, c in zip(uniq, counted) if c]
    counts = np.zeros(values.size, dtype=np.int64)
    if mine:
        np.add.at(counts, np.searchsorted(values, np.concatenate(mine)), 1)
    counts += extra_df(values)
    return values[counts > max_df]


# the stock count reads the corpus's distinct n-grams back in 2**STOCK_BITS slices of the
# hash range, one at a time
STOCK_BITS = 6
# distinct n-grams of this many documents' worth are sorted and written at a time
STOCK_BUFFER = 1 << 20


def stock_grams(grams, max_df: int) -> np.ndarray:
    """The sorted n-gram hashes found in more than ``max_df`` documents (``grams``: the n-gram
    hashes of each document, an iterable). The distinct n-grams of the documents (sorted, not
    hashed: ``np.unique``'s hash table, numpy 2.3 on, is several times slower) go to a
    temporary file by the top bits of their hash and are counted one slice of the hash range
    at a time: the count holds a slice of them (a 64th), not those of the whole corpus
    (~4 KB an article, with as much again to sort them)."""
    shift = np.uint64(64 - STOCK_BITS)
    slices = 1 << STOCK_BITS
    edges = np.arange(1, slices, dtype=np.uint64) << shift
    with Spill() as spill:
        pending: list = []

        def written():
            values = np.sort(np.concatenate(pending))
            for k, part in enumerate(np.split(values, np.searchsorted(values, edges))):
                spill.add(k, part)
            return []

        held = 0
        for g in grams:
            pending.append(sorted_unique(g))
            held += pending[-1].size
            if held >= STOCK_BUFFER:
                pending, held = written(), 0
        if pending:
            written()
        out = [np.zeros(0, dtype=np.uint64)]
        for k in range(slices):
            values, counts = np.unique(spill.get(k, np.uint64), return_counts=True)
            out.append(values[counts > max_df])
    return np.concatenate(out)


class NGrams(Sequence):
    """The documents' words (``all_words``, a sequence of :class:`Words` with the same ``n``)
    with the n-grams of all of them made once, concatenated: :attr:`grams`, and per n-gram
    its document, :attr:`doc` (a check's ~200 candidates: the tests of :func:`draft_stock`
    and :func:`reaching` are then a few array operations over all of them, where each
    document's n-grams were made again, sorted and searched apart, by each). Indexing
    gives the documents' words."""

    def __init__(self, all_words):
        self.words = all_words
        got = [w.hashes for w in all_words]
        n = {w.n for w in all_words}
        none = np.zeros(0, dtype=np.uint64)
        if len(n) > 1:  # (not made by one stage: each document's own)
            grams = [w.grams for w in all_words]
            self.grams = np.concatenate([none, *grams])
            self.doc = np.repeat(np.arange(len(grams)), [g.size for g in grams])
            return
        n = n.pop() if n else 1
        hashes = np.concatenate([none, *got])
        doc = np.repeat(np.arange(len(got)), [h.size for h in got])
        k = hashes.size - n + 1
        if k <= 0:
            self.grams, self.doc = none, np.zeros(0, dtype=np.int64)
            return
        keep = doc[:k] == doc[n - 1 :]  # the n-grams inside one document (one with fewer words has none)
        self.grams, self.doc = combine_ngrams(hashes, n)[keep], doc[:k][keep]

    def of(self, i: int) -> np.ndarray:
        """The n-grams of document ``i`` (as :attr:`Words.grams`)."""
        a, b = np.searchsorted(self.doc, [i, i + 1]).tolist()
        return self.grams[a:b]

    def __getitem__(self, i):
        return self.words[i]

    def __len__(self) -> int:
        return len(self.words)


def draft_stock(all_words, max_df: int, drafts: list, extra_df) -> np.ndarray:
    """What :func:`common_grams` gives (``drafts`` as ``counted``) as far as the pairs holding
    a draft can tell, when only those are aligned (drafts against a stored archive): the
    stock n-grams among those of the drafts and of the documents that :func:`reaching`
    keeps (those sharing a non-stock n-gram with a draft, or only those of them that may
    align with one). The other documents' n-grams are not looked up in ``extra_df``:
    their units collide with no draft's (a unit's signature is its n-grams' minima under
    permutations of the 64-bit hashes, so two equal minima are one shared n-gram) or, see
    :func:`reaching`, make no pair that aligns and fill no bucket past ``max_df``, and the
    stock status of their n-grams changes no pair, bucket, alignment or derivation feature
    of one. ``all_words``: a sequence of :class:`Words`, or their :class:`NGrams`."""
    table = all_words if isinstance(all_words, NGrams) else NGrams(all_words)
    drafts = np.asarray(drafts, dtype=bool).reshape(-1)
    mine = [sorted_unique(table.of(i)) for i in np.flatnonzero(drafts).tolist()]
    values, counts = np.unique(np.concatenate([np.zeros(0, dtype=np.uint64), *mine]), return_counts=True)
    stock = values[counts + extra_df(values) > max_df] if values.size else values
    reached = (reaching(table, drafts, stock, max_df) & ~drafts)
    if not reached.any():
        return stock
    others = sorted_unique(table.grams[reached[table.doc]])
    others = others[~in_sorted(others, values)]  # in no draft: the archive's frequency alone
    return np.union1d(stock, others[extra_df(others) > max_df])


def reaching(all_words, drafts: list, stop: np.ndarray, max_df: int) -> np.ndarray:
    """Per document (bool): a draft (``drafts``, flags), or a document that may share a
    passage or a related pair with a draft (``stop``: the stock n-grams, sorted). The
    aligner keeps only alignments holding an exact run of ``ANCHOR_WORDS`` words, which
    starts ``ANCHOR_WORDS - n + 1`` consecutive non-stock n-grams shared with a draft; a
    document sharing no such run pairs with no draft. When at most ``max_df`` documents
    share a non-stock n-gram with a draft, those that share no such run are left out too:
    no bucket holding a draft's unit (its documents share that n-gram) can then pass
    ``max_df``, so their units change no pair holding a draft. Otherwise every document
    sharing a non-stock n-gram is kept. ``all_words``: a sequence of :class:`Words`, or their
    :class:`NGrams` (made once for both tests of a check)."""
    from . import SEED_NGRAM
    from .align import ANCHOR_WORDS

    table = all_words if isinstance(all_words, NGrams) else NGrams(all_words)
    drafts = np.asarray(drafts, dtype=bool).reshape(-1)
    grams, doc = table.grams, table.doc
    open_ = sorted_unique(grams[drafts[doc]])
    open_ = open_[~in_sorted(open_, stop)]
    hit = in_sorted(grams, open_)
    near = drafts.copy()
    near[doc[hit]] = True
    if near.sum() > max_df:
        return near
    k = ANCHOR_WORDS - SEED_NGRAM + 1
    if grams.size < k:
        return drafts.copy()
    # a hash (:func:`~dedupe.near.shingles.combine_ngrams`) of each ``k`` consecutive n-grams
    # of one document that are all shared with a draft: two equal runs, equal hashes
    # (different runs may rarely share one: a document kept for nothing)
    good = np.flatnonzero(all_in_window(hit, k) & (doc[: grams.size - k + 1] == doc[k - 1 :]))
    runs, owner = combine_ngrams(grams, k, good), doc[good]
    shared = in_sorted(runs, sorted_unique(runs[drafts[owner]]))
    out = np.zeros(drafts.size, dtype=bool)
    out[owner[shared]] = True
    return drafts | (near & out)
