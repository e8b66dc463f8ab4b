"""The kernels of :mod:`~dedupe.archive.compiled`, compiled ahead of time by numba's ``pycc``
into an extension module (``python -m dedupe.archive.kernels FOLDER`` builds it there; only
the build imports numba): each computes in one pass what the array code of
:mod:`~dedupe.archive.runs` (and of the quote-drift rule's finder) computes with a pass per
step."""

from __future__ import annotations

import sys

import numpy as np
from numba import njit

from dedupe.archive.compiled import ALNUM, DIGIT, LETTER, SPACE, UNSEEN
from dedupe.near.kernels import _fmix
from dedupe.near.shingles import TOKEN_BASE, TOKEN_LEN_MULT

MODULE = "_dedupe_archive_kernels"
_HEADER = 6  # runs.HEADER
_PLUS = 0x80  # runs.PLUS


@njit(inline="always")
def _bit_length(v):
    n = 0
    while v:
        v >>= 1
        n += 1
    return n


@njit(inline="always")
def _stored(v, plus):
    """A value as a block stores it: minus 1 in a block of positive values, else zigzag."""
    return v - 1 if plus else (v << 1) ^ (v >> 63)


def encode_blocks(keys, values, shift, plus_ok):
    """What ``runs._encode`` writes, joined: the blocks' bytes (one after the other), each
    block's number and where its bytes start (one more offset than blocks). ``keys``
    sorted, below ``2**47``; ``|values| < 2**31``; ``plus_ok``: blocks of positive values
    may store them minus 1 (schema 7). The bits are written as a little-endian stream, the
    first field of a block at its first bit, as ``runs._pack`` ORs them in."""
    n = keys.size
    # the blocks: their first pair, widths and whether their values are all positive
    nb = 0
    for i in range(n):
        if i == 0 or (keys[i] >> shift) != (keys[i - 1] >> shift):
            nb += 1
    first = np.empty(nb + 1, np.int64)
    kw = np.zeros(nb, np.int64)
    vw = np.zeros(nb, np.int64)
    plus = np.zeros(nb, np.bool_)
    numbers = np.empty(nb, np.int64)
    b = -1
    for i in range(n):
        block = keys[i] >> shift
        if i == 0 or block != (keys[i - 1] >> shift):
            b += 1
            first[b] = i
            numbers[b] = block
    first[nb] = n
    offsets = np.empty(nb + 1, np.int64)
    offsets[0] = 0
    for b in range(nb):
        lo, hi = first[b], first[b + 1]
        top = keys[lo] - (numbers[b] << shift)
        low = values[lo]
        for i in range(lo + 1, hi):
            top = max(top, keys[i] - keys[i - 1])
            low = min(low, values[i])
        plus[b] = plus_ok and low >= 1
        z = 0
        for i in range(lo, hi):
            z = max(z, _stored(values[i], plus[b]))
        kw[b] = _bit_length(top)
        vw[b] = _bit_length(z)
        count = hi - lo
        offsets[b + 1] = offsets[b] + _HEADER + ((count * kw[b] + 7) >> 3) + ((count * vw[b] + 7) >> 3)
    buf = np.zeros(offsets[nb], np.uint8)
    for b in range(nb):
        lo, hi = first[b], first[b + 1]
        count = hi - lo
        p = offsets[b]
        buf[p] = kw[b]
        buf[p + 1] = vw[b] | (_PLUS if plus[b] else 0)
        for j in range(4):
            buf[p + 2 + j] = (count >> (8 * j)) & 0xFF
        p += _HEADER
        # the gaps, then the values, each field padded to a byte
        for part in range(2):
            width = kw[b] if part == 0 else vw[b]
            if width == 0:
                continue
            acc = np.uint64(0)
            held = 0
            for i in range(lo, hi):
                if part == 0:
                    v = keys[i] - (keys[i - 1] if i > lo else numbers[b] << shift)
                else:
                    v = _stored(values[i], plus[b])
                acc |= np.uint64(v) << np.uint64(held)
                held += width
                while held >= 8:
                    buf[p] = np.uint8(acc & np.uint64(0xFF))
                    acc >>= np.uint64(8)
                    held -= 8
                    p += 1
            if held:
                buf[p] = np.uint8(acc & np.uint64(0xFF))
                p += 1
    return buf, numbers, offsets


# the quote-drift rule's quotation finder (``rules._quotes._double_quotes``) and sentence
# splitter (``textutil.sentences``); the classes of code points (of the BMP) come from the
# caller's table (:data:`dedupe.archive.compiled.SPACE` ...)
_NL, _STRAIGHT, _OPEN_CURLY, _CLOSE_CURLY, _LOW_CURLY, _LEFT_GUILLEMET, _RIGHT_GUILLEMET = 10, 34, 0x201C, 0x201D, 0x201E, 0xAB, 0xBB
_SINGLE_OPEN = 0x2018  # a text holding it is left to the rule's own finder (its regular expression)
_BMP = 0x10000
# the marks' kinds: an opener, a closer, either, a line break
_OPENER, _CLOSER, _EITHER, _BREAK, _NONE = 0, 1, 2, 3, 4


@njit(inline="always")
def _mark(c):
    if c == _NL:
        return _BREAK
    if c == _STRAIGHT:
        return _EITHER
    if c == _OPEN_CURLY or c == _LOW_CURLY or c == _LEFT_GUILLEMET:
        return _OPENER
    if c == _CLOSE_CURLY or c == _RIGHT_GUILLEMET:
        return _CLOSER
    return _NONE


@njit(inline="always")
def _space(text, i, flags):
    return (flags[text[i]] & SPACE) != 0


@njit(inline="always")
def _dot(c):  # . ! ? …
    return c == 46 or c == 33 or c == 63 or c == 0x2026


@njit(inline="always")
def _cjk_stop(c):  # 。！？
    return c == 0x3002 or c == 0xFF01 or c == 0xFF1F


@njit(inline="always")
def _closer(c, cjk):  # ' " ’ ” ) ] (and 」 』 after a CJK full stop)
    return (c == 39 or c == 34 or c == 0x2019 or c == 0x201D or c == 41 or c == 93
            or (cjk and (c == 0x300D or c == 0x300F)))


@njit(inline="always")
def _sentence_end(text, i, end, flags):
    """Where ``textutil._SENT_END_RE``'s match starting at ``i`` (``i < end``, the search's
    end) ends, or -1 when none does (only its greedy match can be followed by white space
    or the end, as the expression asks after . ! ? …)."""
    c = text[i]
    if c == _NL:
        return i + 1
    cjk = _cjk_stop(c)
    if not (cjk or _dot(c)):
        return -1
    j = i + 1
    while j < end and (_cjk_stop(text[j]) if cjk else _dot(text[j])):
        j += 1
    while j < end and _closer(text[j], cjk):
        j += 1
    if cjk or j == end or _space(text, j, flags):
        return j
    return -1


@njit
def _abbreviation_before(text, lo, dot, flags, lower, abbrevs):
    """``textutil._abbreviation_before``: the word of letters, digits, ``_`` and dots before
    the dot (read back at most one character further than the longest abbreviation, 6),
    lower-cased, is an abbreviation (``abbrevs``: each packed a byte per character, sorted)
    or a single letter."""
    i = dot
    while i > lo and dot - i <= 6 and ((flags[text[i - 1]] & ALNUM) != 0 or text[i - 1] == 46 or text[i - 1] == 95):
        i -= 1
    if dot - i > 6:
        return False
    if dot - i == 1:
        return (flags[text[i]] & LETTER) != 0
    packed = 0
    for k in range(i, dot):
        low = np.int64(lower[text[k]])  # (0: lowers to several code points; none outside ASCII is in an abbreviation)
        if low == 0 or low >= 128:
            return False
        packed = (packed << 8) | low
    return _in_sorted(abbrevs, packed)


@njit(inline="always")
def _in_sorted(values, x):
    """Whether ``x`` is one of ``values`` (sorted): a binary search (numba's
    ``np.searchsorted`` of a scalar made an array a call)."""
    lo, hi = 0, values.size
    while lo < hi:
        mid = (lo + hi) >> 1
        if values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo < values.size and values[lo] == x


@njit
def _grown(a, n):
    out = np.empty(max(2 * a.size, n + 1), a.dtype)
    out[: a.size] = a
    return out


def quote_pieces(codes, doc_starts, lengths, flags, lower, abbrevs):
    """The rule's ``quote_pieces(text, shared=False)`` of each text at
    ``codes[doc_starts[i]:+lengths[i]]``: per quotation (in the order of ``sorted`` quotes)
    its text, whether it has several sentences, its first piece (one more entry: the pieces'
    end), and per piece its start and end in its text. A text holding a single curly quote
    or a code point beyond the BMP is left out, flagged in the first array (the caller
    reads it with the rule's functions). Returned first: the number of code points whose
    classes the table does not hold yet (flag UNSEEN; then the arrays are empty: the
    caller fills the table and calls again).

    Quotations as ``_double_quotes`` finds them (each trimmed of white space, the empty
    ones dropped, sorted by start and end); a quotation's pieces are its sentences
    (``textutil.sentences``) when it has several, else the quotation itself (the rule's
    ``single_sentence`` test only saves that search)."""
    d = doc_starts.size
    left = np.zeros(d, np.bool_)
    unseen = 0
    for i in range(codes.size):
        if codes[i] >= 128 and codes[i] < _BMP and (flags[codes[i]] & UNSEEN) != 0:
            unseen += 1
    if unseen:  # (the caller fills the table and calls again)
        empty = np.zeros(0, np.int64)
        return unseen, left, empty, left[:0], empty, empty, empty
    quote_doc = np.empty(64, np.int64)
    several = np.empty(64, np.bool_)
    first = np.empty(64, np.int64)
    starts = np.empty(256, np.int64)
    ends = np.empty(256, np.int64)
    nq = 0
    npieces = 0
    qs = np.empty(64, np.int64)  # one text's quotations, found
    qe = np.empty(64, np.int64)
    marks = np.empty(256, np.int64)
    for t in range(d):
        a = doc_starts[t]
        m = lengths[t]
        text = codes[a : a + m]
        nm = 0
        for i in range(m):
            c = text[i]
            if c < 128 and c != _NL and c != _STRAIGHT:  # (most code points: no mark)
                continue
            if c >= _BMP or c == _SINGLE_OPEN:
                left[t] = True
                break
            if _mark(c) != _NONE:
                if nm == marks.size:
                    marks = _grown(marks, nm)
                marks[nm] = i
                nm += 1
        if left[t]:
            continue
        # _double_quotes
        n = 0
        open_at = -1
        para_start = 0
        for k in range(nm + 1):
            if k == nm:  # (the end: a quote still open runs to it)
                if open_at < 0:
                    break
                s, e = open_at, m
            else:
                pos = marks[k]
                kind = _mark(text[pos])
                if kind == _BREAK:
                    para_start = pos + 1
                    if open_at < 0:
                        continue
                    # does the quote go on into the next line? when the next mark is no
                    # break, the next line does not open with it and it is a closer
                    goes_on = False
                    if k + 1 < nm and _mark(text[marks[k + 1]]) != _BREAK:
                        for i in range(pos + 1, marks[k + 1]):
                            if not _space(text, i, flags):
                                goes_on = _mark(text[marks[k + 1]]) != _OPENER
                                break
                    if goes_on:
                        continue
                    s, e = open_at, pos
                    open_at = -1
                elif open_at < 0:
                    if kind != _CLOSER:
                        open_at = pos + 1
                        continue
                    s, e = para_start, pos  # a closer with no opener: from the paragraph's start
                else:
                    s, e = open_at, pos
                    open_at = pos + 1 if kind == _OPENER else -1
            while s < e and _space(text, s, flags):
                s += 1
            while e > s and _space(text, e - 1, flags):
                e -= 1
            if e > s:
                if n == qs.size:
                    qs = _grown(qs, n)
                    qe = _grown(qe, n)
                # sorted as they come (by start, then end; few are out of order)
                j = n
                while j > 0 and (qs[j - 1] > s or (qs[j - 1] == s and qe[j - 1] > e)):
                    qs[j] = qs[j - 1]
                    qe[j] = qe[j - 1]
                    j -= 1
                qs[j] = s
                qe[j] = e
                n += 1
        # each quotation's sentences
        for q in range(n):
            if nq + 1 >= quote_doc.size:
                quote_doc = _grown(quote_doc, nq + 1)
                several = _grown(several, nq + 1)
                first = _grown(first, nq + 1)
            quote_doc[nq] = t
            first[nq] = npieces
            qstart, qend = qs[q], qe[q]
            pos = qstart
            i = qstart
            while True:
                if i < qend:
                    c = text[i]
                    if not (c == _NL or c == 46 or c == 33 or c == 63 or c >= 0x2026):  # (_dot, _cjk_stop)
                        i += 1
                        continue
                    j = _sentence_end(text, i, qend, flags)
                    if j < 0:
                        i += 1
                        continue
                    if text[i] == 46 and _abbreviation_before(text, pos, i, flags, lower, abbrevs):
                        i = j
                        continue
                    s, e = pos, (i if text[i] == _NL else j)
                    pos = j
                    i = j
                else:
                    s, e = pos, qend
                while s < e and _space(text, s, flags):
                    s += 1
                while e > s and _space(text, e - 1, flags):
                    e -= 1
                if s < e:
                    if npieces + 1 >= starts.size:
                        starts = _grown(starts, npieces + 1)
                        ends = _grown(ends, npieces + 1)
                    starts[npieces] = s
                    ends[npieces] = e
                    npieces += 1
                if i >= qend:
                    break
            several[nq] = npieces - first[nq] > 1
            if not several[nq]:  # one sentence (or none): the quotation is the piece
                npieces = first[nq] + 1
                starts[npieces - 1] = qstart
                ends[npieces - 1] = qend
            nq += 1
    first[nq] = npieces
    return 0, left, quote_doc[:nq].copy(), several[:nq].copy(), first[: nq + 1].copy(), starts[:npieces].copy(), ends[:npieces].copy()

_TOKEN_BASE = np.uint64(TOKEN_BASE)
_TOKEN_LEN_MULT = np.uint64(TOKEN_LEN_MULT)
_CAPITAL_SIGMA, _CAPITAL_I_DOT, _APOSTROPHE, _CURLY_APOSTROPHE = 0x03A3, 0x0130, 39, 0x2019


def piece_words(codes, piece_starts, piece_lengths, flags, lower, others):
    """The quote-drift rule's words of each piece at ``codes[piece_starts[i]:+piece_lengths[i]]``
    (``quote_drift._piece_words``: runs of letters and digits, joined by an apostrophe
    between two of them, lower-cased, ``’`` read as ``'``), as the hashes
    ``near.shingles.token_hash`` gives them (concatenated), whether each is a content word
    (no digit, and its hash not one of ``others``, the rule's other words, sorted), and each
    piece's number of words. Returned first: the number of code points the table does not
    hold yet (then nothing else: the caller fills the table and calls again); a piece
    holding a code point beyond the BMP, a capital sigma (lowered by its context) or one that
    lowers to several code points is left out (flagged; the caller reads it by the rule's
    functions). ``lower``: each code point lowered, 0 if to several."""
    unseen = 0
    for i in range(codes.size):
        if codes[i] >= 128 and codes[i] < _BMP and (flags[codes[i]] & UNSEEN) != 0:
            unseen += 1
    d = piece_starts.size
    left = np.zeros(d, np.bool_)
    sizes = np.zeros(d, np.int64)
    # (a piece of m code points holds at most (m + 1) // 2 words: a word and what parts it from the next)
    hashes = np.empty((codes.size + d) // 2 + 1, np.uint64)
    content = np.empty((codes.size + d) // 2 + 1, np.bool_)
    if unseen:
        return unseen, left, hashes[:0], content[:0], sizes
    n = 0
    for p in range(d):
        a = piece_starts[p]
        m = piece_lengths[p]
        text = codes[a : a + m]
        first = n
        i = 0
        while i < m:
            c = text[i]
            if c >= _BMP or c == _CAPITAL_SIGMA or c == _CAPITAL_I_DOT:
                left[p] = True
                break
            if (flags[c] & ALNUM) == 0:
                i += 1
                continue
            acc = np.uint64(0)
            power = np.uint64(1)
            length = 0
            digit = False
            while True:
                while i < m and text[i] < _BMP and (flags[text[i]] & ALNUM) != 0:
                    c = text[i]
                    low = lower[c]
                    if low == 0 or c == _CAPITAL_SIGMA or c == _CAPITAL_I_DOT:
                        left[p] = True
                        break
                    digit |= (flags[c] & DIGIT) != 0
                    acc += np.uint64(low) * power
                    power *= _TOKEN_BASE
                    length += 1
                    i += 1
                if left[p]:
                    break
                if (i + 1 < m and (text[i] == _APOSTROPHE or text[i] == _CURLY_APOSTROPHE) and text[i + 1] < _BMP
                        and (flags[text[i + 1]] & ALNUM) != 0):
                    acc += np.uint64(_APOSTROPHE) * power
                    power *= _TOKEN_BASE
                    length += 1
                    i += 1
                    continue
                break
            if left[p]:
                break
            h = _fmix(acc + np.uint64(length) * _TOKEN_LEN_MULT)
            hashes[n] = h
            content[n] = not digit and not _in_sorted(others, h)
            n += 1
        if left[p]:
            n = first
        else:
            sizes[p] = n - first
    return 0, left, hashes[:n].copy(), content[:n].copy(), sizes


EXPORTS = (
    ("encode_blocks", encode_blocks, "Tuple((u1[:], i8[:], i8[:]))(i8[:], i8[:], i8, b1)"),
    ("piece_words", piece_words, "Tuple((i8, b1[:], u8[:], b1[:], i8[:]))(u4[:], i8[:], i8[:], u1[:], u4[:], u8[:])"),
    ("quote_pieces", quote_pieces,
     "Tuple((i8, b1[:], i8[:], b1[:], i8[:], i8[:], i8[:]))(u4[:], i8[:], i8[:], u1[:], u4[:], i8[:])"),
)


def build(folder: str) -> None:
    """Compile the kernels into the extension module ``MODULE`` in ``folder`` (numba's pycc,
    for this machine's CPU: :func:`dedupe.compiled.build`)."""
    from dedupe.compiled import build as build_module

    build_module(MODULE, EXPORTS, folder)

if __name__ == "__main__":
    build(sys.argv[1])
