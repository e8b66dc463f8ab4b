"""quote-drift: one quoted statement rendered in different words in two documents.

When an outlet re-translates a statement instead of copying it, the two quotations share
most of their words but several content words are swapped for synonyms ("current and
unscrupulous attacks" / "persistent and unconscionable attacks"). Papers that transcribe or
trim one spoken quotation differently do something else, and that is common in careful
human English: they cut words at either end, leave a clause out, change one function word
(would/could), write a compound open or closed (data centers/datacenters), a number in
figures or words, a contraction in full. None of these counts.

Quotations (straight and curly quotes, quotes across line breaks) are split into units (the
whole quote and each of its sentences). Identical units are one form; forms are keyed by
their content words (an inverted index; words in very many forms are no key), so only forms
that share several content words are compared: cost and memory follow the matches, not the
number of pairs of quotations. A candidate pair is aligned word by word (difflib); it counts
when the aligned stretch covers most of the shorter unit and most of its words agree. Each
replaced stretch of one to three words with a content word on both sides that is not a
respelling, a compound written apart, a number or another form of the same word is a
substitution. Two or more content words substituted: a warning; one: ``info`` (one word
heard or remembered differently is common in human reporting).
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import re
import sys
from collections import defaultdict
from functools import lru_cache
from array import array
from itertools import chain
from typing import Optional

from ..textutil import sentences, single_sentence
from ._lex import function_words
from ._keyed import DocIds, Excerpt, Keyed, Part, Store, run
from .base import Rule, analysis
from ..arrays import sorted_unique

MIN_WORDS = 6  # a unit shorter than this is a phrase, not a statement
MIN_COVER = 0.6  # the aligned stretch covers this much of the shorter unit
MIN_AGREE = 0.6  # of the aligned stretch, this share of words is the same
MIN_SHARED = 2  # candidate forms share at least this many content words ...
SHARED_SHARE = 0.4  # ... and this share of the content words of the one with fewer
MAX_KEY_FORMS = 100  # a content word in more distinct quotations than this is no key
_BLOCK = 256  # forms whose shared keys are counted at once (see _compare_groups)
_CHUNK = 4096  # units (forms) whose content words are read at once (see _Tables, _compare_groups)
MAX_SUBSTITUTION = 3  # a replaced stretch longer than this (words) is a rewrite, not a synonym
WARN_SUBSTITUTIONS = 2  # this many substitutions make a warning
RESPELLING = 80  # rapidfuzz ratio at or above which two words are one word respelled
SAME_STEM = 5  # two words sharing this many first letters are forms of one word
# precision of each path: warning measured on planted re-translations (benchmarks/recall.py,
# quote set: 72 of 74 warnings); info (one substitution) an estimate, not measured
CONFIDENCE = {"warning": 0.97, "info": 0.5}
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CONTRACTION_RE = re.compile(r"['’](?:s|re|ve|ll|d|m|t)$|n['’]t$")
_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million "
    "billion trillion first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth half "
    "dozen percent per cent".split())


class _Unit:
    """A quotation or one of its sentences: its document (index ``doc``, id ``id``), its span,
    its position among the document's units (``seq``), and what is derived from its text:
    lower-cased words (one string object per distinct word), content words (distinct,
    sorted), and ``form``, a digest of the words equal in every process (one form: one
    quotation, however often copied). Made in pass 1 one document at a time; until pass 2
    the units are rows of :class:`_Units` (arrays), made again as objects only for the forms
    that match. Pickled without what is derived (derived again where it is read)."""

    __slots__ = ("doc", "id", "start", "end", "seq", "words", "content", "form")

    def __init__(self, doc: int, doc_id: str, start: int, end: int, seq: int, words: tuple, form: Optional[bytes] = None):
        self.doc, self.id, self.start, self.end, self.seq, self.words = doc, doc_id, start, end, seq, words
        # (a sorted tuple: a set of a few strings takes five times the memory)
        self.content = tuple(sorted(filter(_is_content, set(words))))
        self.form = hashlib.blake2b("\0".join(words).encode("utf-8", "surrogatepass"), digest_size=_DIGEST).digest() \
            if form is None else form

    def spans(self, text) -> list:
        """The span of each word (``text``: the document's text, or an excerpt of it that slices
        with its offsets)."""
        found = _WORD_RE.finditer(text[self.start : self.end])
        return [(self.start + m.start(), self.start + m.end()) for m in found]

    def __reduce__(self):
        return _Unit, (self.doc, self.id, self.start, self.end, self.seq, self.words)


_DIGEST = 12  # bytes of a form's digest


class _Units(Store):
    """quote-drift's pass-1 units grouped by content word (``Keyed.store``): content word ->
    the units holding it, in corpus order, as a mapping whose keys are sorted. Held as arrays
    (per unit its document index, position, span, form digest, and its words as numbers in
    one array, kept in a temporary file; per document its id), about a tenth of the memory of the unit objects and of
    a list per key: every quotation of the corpus is held until pass 2. The groups are found
    from the units' words in pass 2 (:meth:`tables`); a group read by key is made of unit
    objects again."""

    def __init__(self):
        self.vocabulary: defaultdict = defaultdict()  # word -> its number, in order of first sight
        self.vocabulary.default_factory = self.vocabulary.__len__
        self.doc, self.seq, self.start, self.end = array("q"), array("i"), array("i"), array("i")  # (a staged run's index: 64 bits)
        self.forms = bytearray()  # _DIGEST bytes per unit
        # the words of unit u: words[offsets[u]:offsets[u + 1]], in a temporary file (the words
        # of every quotation of the corpus, ~1.2 KB per article, read back a chunk at a time)
        from ..spill import Numbers

        self.offsets, self.words = array("q", [0]), Numbers("i")
        self.ids = DocIds()  # document index -> id
        self.keys: set = set()  # the content words whose groups are held
        self._tables = None

    def add(self, found) -> None:
        """Add pass-1 ``(content words, unit)`` pairs (in corpus order, as ``group_into`` takes
        them: a unit under its content words, as :func:`_collect` gives it, or under one
        content word in each of several pairs)."""
        self._tables = None  # (its arrays are views of these)
        last, seen, number = None, set(), self.vocabulary.__getitem__
        for words, unit in found:
            if type(words) is str:
                self.keys.add(words)
            else:
                self.keys.update(words)
            if unit is last or (unit.doc, unit.seq) in seen:
                continue
            last = unit
            seen.add((unit.doc, unit.seq))
            self.doc.append(unit.doc)
            self.seq.append(unit.seq)
            self.start.append(unit.start)
            self.end.append(unit.end)
            self.forms += unit.form
            self.words.extend(map(number, unit.words))
            self.offsets.append(len(self.words))
            self.ids.add(unit.doc, unit.id)

    def tables(self) -> "_Tables":
        if self._tables is None:
            self._tables = _Tables(self)
        return self._tables

    def held_keys(self) -> set:
        return self.keys

    def __getitem__(self, word: str) -> list:
        if word not in self.keys:
            raise KeyError(word)
        t = self.tables()
        return [t.unit(u) for u in t.group(word).tolist()]

    def holding(self, mine: set) -> set:
        """The keys whose group (:meth:`__getitem__`) holds a unit of a document of ``mine``
        (indexes), found from the arrays without making the groups' units (``_keyed.held``)."""
        import numpy as np

        t = self.tables()
        of_mine = np.isin(t.doc[t.content_unit], np.fromiter(mine, dtype=np.int64, count=len(mine)))
        return {w for w in (t.vocab[r] for r in sorted_unique(t.content_rank[of_mine]).tolist()) if w in self.keys}

    def only(self, keys: set) -> "_Units":
        """This store with the groups of ``keys`` alone (``_keyed.held``), sharing its arrays
        and tables: :func:`_compare_groups` compares a pair of forms only in a group held, and
        both forms of such a pair, all their units and every form holding that key are in
        it, so it finds what it finds in a store of those groups' units alone, without
        making the groups' units and then a store of them again."""
        view = copy.copy(self)
        view.keys = self.keys & set(keys)
        return view

    def noted(self) -> list:
        """The keys of :func:`_census` (a content word in more than ``MAX_KEY_FORMS`` forms),
        counted over the arrays, in key order."""
        t = self.tables()
        import numpy as np

        size = len(t.vocab)
        # the distinct forms of a key: the forms whose first unit holds it (the units of a
        # form have its words), counted without a table of (form, word) pairs
        first = np.zeros(len(t.doc), dtype=bool)
        first[t.forms()[2]] = True
        per_key = np.bincount(t.content_rank[first[t.content_unit]], minlength=size)
        return [t.vocab[r] for r in np.flatnonzero(per_key > MAX_KEY_FORMS).tolist() if t.vocab[r] in self.keys]


class _Tables:
    """What pass 2 reads of :class:`_Units`, as numpy arrays: units renumbered in corpus
    order, the form of each unit, their content words as ranks of the words in string order
    (so that the least rank is the first word in key order), and (made when first asked) the
    units of each content word."""

    def __init__(self, units: _Units):
        import numpy as np

        self.ids, self.numbers = units.ids, units.words
        words = list(units.vocabulary)  # by number
        order = sorted(range(len(words)), key=words.__getitem__)
        self.vocab = [words[i] for i in order]  # by rank
        self.rank_of = {w: r for r, w in enumerate(self.vocab)}
        self.rank = np.empty(len(words), dtype=np.int32)
        self.rank[order] = np.arange(len(words), dtype=np.int32)
        doc, seq = np.frombuffer(units.doc, dtype=np.int64), np.frombuffer(units.seq, dtype=np.int32)
        corpus = np.lexsort((seq, doc))  # (in pass 1 the units come in corpus order)
        n = len(corpus)
        offsets = np.frombuffer(units.offsets, dtype=np.int64)
        self.doc, self.seq = doc[corpus], seq[corpus]
        self.start, self.end = np.frombuffer(units.start, dtype=np.int32)[corpus], np.frombuffer(units.end, dtype=np.int32)[corpus]
        self.lo, self.hi = offsets[:-1][corpus], offsets[1:][corpus]
        self.digests = np.frombuffer(bytes(units.forms), dtype=np.dtype([("a", "<u8"), ("b", "<u4")]))[corpus]
        self.unit_form = np.unique(self.digests, return_inverse=True)[1].reshape(-1)
        # content words of each unit: distinct, in rank order (units as numbered in pass 1,
        # then in corpus order: ``position``), found over ``_CHUNK`` units at a time (the
        # tables of every word of the corpus' quotations at once took ~7 KB per article)
        position = np.empty(n, dtype=np.int64)
        position[corpus] = np.arange(n)
        is_content = np.fromiter(map(_is_content, words), dtype=bool, count=len(words))
        size = max(1, len(words))
        chunks = [(u0, min(n, u0 + _CHUNK)) for u0 in range(0, n, _CHUNK)]
        # (filled in place, then cut to size: at most one entry per content word)
        most = sum(int(np.count_nonzero(is_content[self.numbers.read(offsets[u0], offsets[u1])])) for u0, u1 in chunks)
        content_unit, self.content_rank = np.empty(most, dtype=np.int32), np.empty(most, dtype=np.int32)
        filled = 0
        for u0, u1 in chunks:
            numbers = self.numbers.read(offsets[u0], offsets[u1])
            keep = is_content[numbers]
            owner = np.repeat(position[u0:u1], np.diff(offsets[u0 : u1 + 1]))[keep]
            codes = sorted_unique(owner * size + self.rank[numbers[keep]])
            np.floor_divide(codes, size, out=content_unit[filled : filled + len(codes)], casting="unsafe")
            np.remainder(codes, size, out=self.content_rank[filled : filled + len(codes)], casting="unsafe")
            filled += len(codes)
        content_unit.resize(filled, refcheck=False)
        self.content_rank.resize(filled, refcheck=False)
        if n > 1 and not (corpus[1:] > corpus[:-1]).all():  # (pass 1 not in corpus order: each chunk is)
            order = np.lexsort((self.content_rank, content_unit))
            content_unit, self.content_rank = content_unit[order], self.content_rank[order]
        # (the unit of each entry is not held through pass 2: :attr:`content_unit` makes it)
        self.content_ptr = np.searchsorted(content_unit, np.arange(n + 1))
        self._groups = self._forms = None

    @property
    def content_unit(self):
        """The unit of each entry of ``content_rank`` (made when asked, from ``content_ptr``)."""
        import numpy as np

        return np.repeat(np.arange(len(self.content_ptr) - 1, dtype=np.int32), np.diff(self.content_ptr))

    def group(self, word: str):
        """The units (numbers) holding a content word, in corpus order."""
        import numpy as np

        if self._groups is None:
            content_unit = self.content_unit
            by_word = np.lexsort((content_unit, self.content_rank))
            self._groups = content_unit[by_word], np.searchsorted(self.content_rank[by_word], np.arange(len(self.vocab) + 1))
        units, ptr = self._groups
        r = self.rank_of[word]
        return units[ptr[r] : ptr[r + 1]]

    def forms(self) -> tuple:
        """``(by_form, form_ptr, first)``: the units (numbers) by form, in corpus order within
        a form, where each form's units begin in it, and the first unit of each form."""
        import numpy as np

        if self._forms is None:
            by_form = np.argsort(self.unit_form, kind="stable")
            forms = int(self.unit_form.max()) + 1 if len(by_form) else 0
            form_ptr = np.searchsorted(self.unit_form[by_form], np.arange(forms + 1))
            self._forms = by_form, form_ptr, by_form[form_ptr[:-1]]
        return self._forms

    def unit(self, u: int) -> _Unit:
        words = tuple(self.vocab[r] for r in self.rank[self.numbers.read(self.lo[u], self.hi[u])].tolist())
        doc = int(self.doc[u])
        return _Unit(doc, self.ids[doc], int(self.start[u]), int(self.end[u]), int(self.seq[u]), words,
                     self.digests[u].tobytes())


def _lower(words) -> tuple:
    return tuple(w.lower().replace("’", "'") for w in words)


def _pieces(text: str, quotes=None):
    """Per quotation (``quotes``: the text's, or those of its shared analysis), the spans of
    its units: the quotation, and each of its sentences when it has several."""
    for q in analysis(text).quotations if quotes is None else quotes:
        sents = [] if single_sentence(text, q.start, q.end) else list(sentences(text, q.start, q.end))
        yield q, [(q.start, q.end)] + (sents if len(sents) > 1 else [])


def _units(text: str, doc_index: int, doc_id: str = "", near: Optional[frozenset] = None) -> list[_Unit]:
    """The units of a document (with ``near``, those holding one of these content words;
    ``seq`` counts them all)."""
    out, seq = [], 0
    for q, spans in _pieces(text):
        # each piece's words read once: a quotation of several sentences has theirs, joined
        # (see _quote_units)
        pieces = [_piece_words(text[s:e]) for s, e in spans[1:] or spans]
        if len(spans) > 1:
            pieces.insert(0, tuple(chain.from_iterable(pieces)))
        for (s, e), words in zip(spans, pieces):
            if len(words) < MIN_WORDS:
                continue
            seq += 1
            if near is not None and near.isdisjoint(_content(words)):
                continue
            out.append(_Unit(doc_index, doc_id, s, e, seq - 1, words))
    return out


@lru_cache(maxsize=1 << 16)
def _is_content(word: str) -> bool:
    if word in function_words() or word in _NUMBER_WORDS or any(c.isdigit() for c in word):
        return False
    return _CONTRACTION_RE.sub("", word) not in function_words()  # he's, don't, we're


def quote_pieces(text: str, shared: bool = True):
    """Per quotation, the spans of its pieces (its sentences when it has several, else the
    whole quotation) and whether it has several. ``shared=False``: the quotations found
    here, without the text's shared analysis (an archived text is read once)."""
    from ._quotes import quotations

    for _, spans in _pieces(text, None if shared else quotations(text)):
        yield spans[1:] or spans, len(spans) > 1


_CONTRACTIONS = ("'s", "'re", "'ve", "'ll", "'d", "'m", "'t", "n't")


@lru_cache(maxsize=1)
def other_words():
    """The hashes (:func:`~dedupe.near.fast.hash_tokens`, sorted) of every word without a
    digit that is not a content word (:func:`_is_content`): the function words, the number
    words, and a function word with a contraction's ending (``_CONTRACTION_RE``, with the
    straight apostrophe) that the rule strips back to a function word. A word outside these
    holding no digit is a content word."""
    from ..near.fast import hash_tokens

    base = {w.replace("’", "'") for w in (*function_words(), *_NUMBER_WORDS)} | set(function_words())
    candidates = base | {w + c for w in base for c in _CONTRACTIONS}
    found = sorted(w for w in candidates if not any(c.isdigit() for c in w) and not _is_content(w))
    return sorted_unique(hash_tokens(found))


def _quote_units(text: str):
    """Per quotation, the words of its pieces (:func:`quote_pieces`) and its units
    (``_Unit.words`` of each, in order) as ranges of pieces: the whole quotation (its
    sentences' words: only white space lies between them, and no word crosses a sentence's
    end), then each piece long enough. Found as they are read."""
    for spans, several in quote_pieces(text):
        words = [_piece_words(text[s:e]) for s, e in spans]
        units = [range(len(words))] if several and sum(map(len, words)) >= MIN_WORDS else []
        yield words, units + [range(i, i + 1) for i, w in enumerate(words) if len(w) >= MIN_WORDS]


def quotation_words(text: str):
    """The words of each unit this rule compares, in order (``_Unit.words`` of each)."""
    for words, units in _quote_units(text):
        for u in units:
            yield words[u[0]] if len(u) == 1 else tuple(chain.from_iterable(words[i] for i in u))


def quotation_pieces(text: str) -> tuple[list, list]:
    """The words of every piece of the text's quotations, in order, and each unit this rule
    compares as a range ``(first, last + 1)`` of pieces (its words are theirs, joined)."""
    pieces, units = [], []
    for words, ranges in _quote_units(text):
        units += [(len(pieces) + r.start, len(pieces) + r.stop) for r in ranges]
        pieces += words
    return pieces, units


def quotation_content(text: str) -> list[list]:
    """The content words of each unit this rule compares (``_content(unit.words)`` of each
    of :func:`_units`)."""
    return [_content(w) for w in quotation_words(text)]


def _piece_words(piece: str) -> tuple:
    """``_Unit(piece).words`` (lower-casing ASCII text first changes no word boundary), each
    word one string object however often it occurs (``sys.intern``: the units of every
    quotation of the corpus are held until pass 2, their words would be most of it)."""
    words = _WORD_RE.findall(piece.lower()) if piece.isascii() else _lower(_WORD_RE.findall(piece))
    return tuple(map(sys.intern, words))


def _content(words) -> list:
    return [w for w in words if _is_content(w)]


def _same_word(a: list, b: list) -> bool:
    """Two stretches that are one wording: respelled (defence/defense), a compound written
    apart (data centers/datacenters), or forms of one word (muddled/muddle)."""
    from rapidfuzz.fuzz import ratio

    if "".join(a).replace("-", "") == "".join(b).replace("-", ""):
        return True
    if len(a) == len(b) and all(ratio(x, y) >= RESPELLING for x, y in zip(a, b)):
        return True
    return any(x[:SAME_STEM] == y[:SAME_STEM] or x.startswith(y) or y.startswith(x)
               for x in _content(a) for y in _content(b))


def _substitution(wa: list, wb: list) -> bool:
    """Is replacing ``wa`` by ``wb`` a content word swapped for a synonym?"""
    if not (0 < len(wa) <= MAX_SUBSTITUTION and 0 < len(wb) <= MAX_SUBSTITUTION):
        return False
    if not (_content(wa) and _content(wb)):
        return False
    if any(any(c.isdigit() for c in w) or w in _NUMBER_WORDS for w in (*wa, *wb)):
        return False  # a number in figures or in words, a time written two ways
    return not _same_word(wa, wb)


def may_align(shared, shorter):
    """Whether two units sharing ``shared`` words (as multisets) can match, the shorter
    having ``shorter`` words: the matched words (:func:`_compare`) are at most the words the
    two share, and a match needs ``MIN_WORDS`` of them and ``MIN_AGREE`` of a stretch
    covering ``MIN_COVER`` of the shorter. Numbers or arrays of them."""
    return (shared >= MIN_WORDS) & (shared >= MIN_AGREE * MIN_COVER * shorter - 1e-9)


def common_subsequence(a, b) -> int:
    """The length of the longest common subsequence of the sequences ``a`` and ``b``
    (rapidfuzz's bit-parallel ``LCSseq``, over any hashable items)."""
    from rapidfuzz.distance import LCSseq

    return LCSseq.similarity(a, b)


def _compare(a: tuple, b: tuple):
    """``(region_a, region_b, differences, substitutions, substituted content words,
    agreement)`` when unit words ``b`` render the statement of unit words ``a`` in other
    words, else None."""
    shorter = min(len(a), len(b))
    # the matching blocks are a common subsequence, so the words they match are at most the
    # longest one's (itself at most the words the two share as multisets; faster to count
    # than those, and ~9 times faster than the matching blocks)
    if not may_align(common_subsequence(a, b), shorter):
        return None
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    blocks = [blk for blk in sm.get_matching_blocks() if blk.size]
    if not blocks:
        return None
    a0, a1 = blocks[0].a, blocks[-1].a + blocks[-1].size
    b0, b1 = blocks[0].b, blocks[-1].b + blocks[-1].size
    matched = sum(blk.size for blk in blocks)
    if min(a1 - a0, b1 - b0) < MIN_COVER * shorter or matched < MIN_WORDS:
        return None
    agreement = matched / max(a1 - a0, b1 - b0)
    if agreement < MIN_AGREE:
        return None
    diffs, subs, swapped = [], [], 0
    for tag, i0, i1, j0, j1 in sm.get_opcodes():
        if tag == "equal":
            continue
        # a word replaced at either end is a substitution; one only on one side is a trim
        edge = tag == "replace" and ((i0, j0) == (0, 0) or (i1, j1) == (len(a), len(b)))
        if edge:
            a0, a1, b0, b1 = min(a0, i0), max(a1, i1), min(b0, j0), max(b1, j1)
        elif i0 < a0 or i1 > a1 or j0 < b0 or j1 > b1:
            continue
        diffs.append((i0, i1, j0, j1))
        wa, wb = list(a[i0:i1]), list(b[j0:j1])
        if tag == "replace" and _substitution(wa, wb):
            subs.append((i0, i1, j0, j1))
            swapped += min(len(_content(wa)), len(_content(wb)))  # "firmly defend" / "strongly protect": 2
    if not subs:
        return None
    return (a0, a1), (b0, b1), diffs, subs, swapped, agreement


def _text_of(text, spans: list, i0: int, i1: int) -> str:
    if i0 >= i1:
        return ""
    return text[spans[i0][0] : spans[i1 - 1][1]]


def _forms(units: list) -> dict:
    """Distinct word sequences -> their units (one quotation copied N times is one form), in
    the order of their first occurrence."""
    forms: dict = defaultdict(list)
    for u in units:
        forms[u.words].append(u)
    return forms


# Two passes (see ``_keyed``): each unit is keyed by each of its content words; a word in
# more than MAX_KEY_FORMS distinct quotations is no key (the census); a pair of forms is
# compared in the group of the first content word they share that is a key, when they share
# enough of those words. So the work is the sum of the postings actually shared, not the
# number of pairs of quotations.


def _collect(doc, index):
    # each unit once, under all of its content words (one pair, not one per word)
    return [(unit.content, unit) for unit in _units(doc.text, index, doc.id) if unit.content]


def _focus(drafts: list):
    """Pass 1 when only the drafts' findings are kept: the units holding a content word of
    a draft's unit. A finding in a draft is on a pair of forms one of which a draft holds,
    compared in the group of a key both hold, and both share at least ``MIN_SHARED`` of a
    draft unit's content words (which of them are no key is counted over the units holding
    them: the others' units are no part of it)."""
    near = frozenset(w for d in drafts for c in quotation_content(d.text) for w in c)

    def collect(doc, index):
        return [(unit.content, unit) for unit in _units(doc.text, index, doc.id, near) if unit.content]

    return collect


def _census(word: str, units: list) -> bool:
    return len({u.form for u in units}) > MAX_KEY_FORMS  # no key


def _plan(no_key: list, totals) -> frozenset:
    return frozenset(no_key)


def _compare_groups(groups, no_key: frozenset) -> list:
    """Matches ``(order, found, occurrences of a, occurrences of b)`` among the forms of
    ``groups`` (key -> its units: a :class:`_Units`, or a dict of lists of units), each pair
    of forms compared in the group of the first key they share (a word of ``no_key`` is no
    key), when that group is one of ``groups``.

    The shared keys of every pair of forms are counted at once, as a product of the sparse
    form-by-key matrix with its transpose (in blocks of forms, so that memory stays bounded),
    and only the pairs sharing enough keys are read one by one."""
    if not isinstance(groups, _Units):
        units = _Units()
        units.add((word, u) for word, group in groups.items() for u in group)
        groups = units
    if len(groups.ids) < 2:
        return []  # a match is between two documents (a scan of one file imports no scipy)
    import numpy as np
    from scipy.sparse import csr_matrix

    t = groups.tables()
    size = max(1, len(t.vocab))
    # form -> its units (a group holding one unit of a form holds them all: they have the
    # same content words), in corpus order; each form's content words are its first unit's
    by_form, form_ptr, first = t.forms()
    forms = len(first)
    sizes = t.content_ptr[first + 1] - t.content_ptr[first]
    # the form-by-key matrix from every form's content words (not from the groups at hand,
    # which may be some keys only), the words of no_key left out; its rows gathered for
    # ``_CHUNK`` forms at a time (index arrays over every form's words at once took three
    # times the matrix)
    is_key = np.ones(size, dtype=bool)
    is_key[[t.rank_of[w] for w in no_key if w in t.rank_of]] = False
    cols, per_form, filled = np.empty(int(sizes.sum()), dtype=t.content_rank.dtype), np.empty(forms, dtype=np.int64), 0
    for f0 in range(0, forms, _CHUNK):
        n = sizes[f0 : f0 + _CHUNK]
        words = t.content_rank[np.arange(int(n.sum())) + np.repeat(t.content_ptr[first[f0 : f0 + _CHUNK]] - (np.cumsum(n) - n), n)]
        kept = is_key[words]
        per_form[f0 : f0 + len(n)] = np.bincount(np.repeat(np.arange(len(n)), n)[kept], minlength=len(n))
        words = words[kept]
        cols[filled : filled + len(words)] = words
        filled += len(words)
    cols.resize(filled, refcheck=False)  # (filled in place, then cut to size: the words of no_key left out)
    indptr = np.concatenate(([0], np.cumsum(per_form)))
    # (counts of shared keys, at most a form's keys: 16 bits unless a form has more keys)
    count = np.int16 if not forms or int(per_form.max()) < np.iinfo(np.int16).max else np.int32
    matrix = csr_matrix((np.ones(len(cols), dtype=count), cols, indptr), shape=(forms, size))
    in_group = np.bincount(cols, minlength=size)  # key -> the forms its group holds
    transposed = matrix.T.tocsr()
    # the first and last document of each form's units: a pair of forms all in one document
    # is not compared (a match is between two documents)
    unit_docs = t.doc[by_form]
    low_doc = np.minimum.reduceat(unit_docs, form_ptr[:-1]) if forms else unit_docs
    high_doc = np.maximum.reduceat(unit_docs, form_ptr[:-1]) if forms else unit_docs
    one_doc = low_doc == high_doc
    made: dict = {}  # form -> its units as objects

    def occurrences(f: int) -> list:
        if f not in made:
            made[f] = [t.unit(u) for u in by_form[form_ptr[f] : form_ptr[f + 1]].tolist()]
        return made[f]

    out = []
    for lo in range(0, forms, _BLOCK):
        shared = (matrix[lo : lo + _BLOCK] @ transposed).tocoo()
        rows, other, n = shared.row + lo, shared.col, shared.data
        keep = (other > rows) & (n >= MIN_SHARED) & (n >= SHARED_SHARE * np.minimum(sizes[rows], sizes[other]))
        keep &= ~(one_doc[rows] & one_doc[other] & (low_doc[rows] == low_doc[other]))
        for i, j in zip(rows[keep].tolist(), other[keep].tolist()):
            word = min(set(cols[indptr[i] : indptr[i + 1]].tolist()).intersection(cols[indptr[j] : indptr[j + 1]].tolist()))
            if t.vocab[word] not in groups or in_group[word] > MAX_KEY_FORMS:
                continue
            if first[i] > first[j]:
                i, j = j, i  # the form that comes first in the group is a
            occ_a, occ_b = occurrences(i), occurrences(j)
            found = _compare(occ_a[0].words, occ_b[0].words)
            if found is not None:
                # longest first, so a whole quotation is reported before its sentences; then
                # in the order of the forms' first occurrences
                a, b = occ_a[0], occ_b[0]
                out.append(((-max(len(a.words), len(b.words)), (a.doc, a.seq), (b.doc, b.seq)), found, occ_a, occ_b))
    out.sort(key=lambda m: m[0])
    return out


def _findings(matches: list, plan, totals):
    # the units of the matches with an excerpt of their document's text each (its documents
    # read again, once each, in corpus order)
    units = {(u.doc, u.seq): u for m in matches for u in chain(m[2], m[3])}
    by_doc: dict = defaultdict(list)
    for u in units.values():
        by_doc[u.doc].append(u)
    indices = sorted(by_doc)
    parts = {}
    for index, text in zip(indices, totals.texts(indices)):
        for u in by_doc[index]:
            parts[u.doc, u.seq] = Part(u.id, Excerpt(text[u.start : u.end], u.start), index)
    flagged: dict = defaultdict(list)  # doc -> [(start, end)] already reported
    for _, found, occ_a, occ_b in sorted(matches, key=lambda m: m[0]):
        yield from _report(found, occ_a, occ_b, flagged, parts, side=0)
        yield from _report(found, occ_b, occ_a, flagged, parts, side=1)


def _holder(word: str, unit) -> int:
    # a pair's findings are on occurrences of its two forms, all in the group of its key
    return unit.doc


KEYED = Keyed(collect=_collect, compare=_compare_groups, batched=True, report=_findings, census=_census, plan=_plan, holder=_holder,
              focus=_focus, store=_Units)


def _check(docs, ctx):
    return run(RULE.id, docs)


def _report(found, occurrences, others, flagged, parts: dict, side: int):
    """One finding per occurrence of this form not yet reported, pointing at the other form
    (``parts``: (document, seq) -> the unit's document, with an excerpt of its text)."""
    (a0, a1), (b0, b1), diffs, subs, swapped_words, agreement = found
    lo, hi = ((a0, a1), (b0, b1)) if side == 0 else ((b0, b1), (a0, a1))
    pick = (lambda d: (d[0], d[1], d[2], d[3])) if side == 0 else (lambda d: (d[2], d[3], d[0], d[1]))
    severity = "warning" if swapped_words >= WARN_SUBSTITUTIONS else "info"
    for unit in occurrences:
        doc = parts[unit.doc, unit.seq]
        spans = unit.spans(doc.text)
        s, e = spans[lo[0]][0], spans[lo[1] - 1][1]
        if any(fs <= s and e <= fe for fs, fe in flagged[unit.doc]):
            continue
        other = next((o for o in others if o.doc != unit.doc), None)
        if other is None:
            continue
        flagged[unit.doc].append((s, e))
        odoc = parts[other.doc, other.seq]
        ospans = other.spans(odoc.text)
        os_, oe = ospans[hi[0]][0], ospans[hi[1] - 1][1]

        def pair(d):
            i0, i1, j0, j1 = pick(d)
            return {"this": _text_of(doc.text, spans, i0, i1), "other": _text_of(odoc.text, ospans, j0, j1)}

        swapped = "; ".join(f"'{c['this']}' / '{c['other']}'" for c in map(pair, subs[:4]))
        kind = "words replaced by others" if severity == "warning" else "one word replaced by another"
        yield RULE.finding(
            doc, s, e,
            f"this quotation is worded differently in {odoc.id} ({kind}): {swapped}",
            suggestion=odoc.text[os_:oe],
            confidence=CONFIDENCE[severity],
            severity=severity,
            evidence={"other": {"doc": odoc.id, "start": os_, "end": oe},
                      "differences": [pair(d) for d in diffs], "substituted_words": swapped_words,
                      "agreement": round(agreement, 3)},
        )


RULE = Rule(
    id="quote-drift",
    severity="warning",
    description="One quoted statement worded differently in two documents (re-translated, not copied).",
    check=_check,
    confidence=tuple(CONFIDENCE.items()),
    scope="corpus",
    keyed=KEYED,
    should_flag=(
        ('"The government will [[firmly defend the rights of farmers and guarantee fair prices for all '
         'their harvests]]," the minister said.',
         'The minister said: "The government will strongly protect the rights of farmers and guarantee '
         'fair prices for all their harvests."'),
        # synonyms spread over the quotation, and at its first word
        ('Reports say the mayor stated: "[[People should not think about changing their travel plans but should '
         'stay away from the flooded roads]]."',
         '"Residents should not believe about changing their travel plans but should stay away from the '
         'flooded streets," the mayor said.'),
    ),
    should_pass=(
        ('"The government will firmly defend the rights of farmers and guarantee fair prices," she said.',
         'She said: "The government will firmly defend the rights of farmers and guarantee fair prices."'),
        ('"We will defend the rights of farmers and guarantee fair prices for the harvest," she said.',
         'The company said "sales rose in the third quarter thanks to strong demand in Asia".'),
        # a trim at either end
        ('"The government will defend the rights of farmers," she said.',
         '"The government will defend the rights of farmers and guarantee fair prices," she added.'),
        # one function word heard differently, a compound written apart, a number in words
        ('"We would open the new data centers in the eleventh month of the year," he said.',
         '"We could open the new datacenters in the 11th month of the year," he said.'),
        # a clause left out, a contraction written in full
        ('"She is a tireless worker, as everyone knows, and a really good colleague to have around," he said.',
         '"She\'s a tireless worker and a really good colleague to have around," he said.'),
        # the same word in another form
        ('"It was a muddled mess from start to finish for the whole committee," he said.',
         '"It was a muddle from start to finish for the whole committee," he said.'),
    ),
)
