"""``check``: drafts against a stored archive, with the report of ``scan --against``.

Instead of reading the whole archive, the drafts' keys (:mod:`dedupe.archive.keys`) are
looked up: the archive documents that share a Jaccard band or a passage unit band with a
draft are the candidates, together with the archive documents that
share a Jaccard band with a candidate (a draft's cluster can reach them through it). Then
:func:`dedupe.api.scan` runs on the drafts and only those candidates, in archive order, with
the word n-gram document frequencies of the whole archive for the stock-phrase filter.

Where the result can differ from ``scan DRAFT --against ARCHIVE_INPUT`` (see docs/archive.md):
the report lists the candidates, not every archive document, and clusters of archive
documents alone are not reported; corpus-wide statistics of the rules (TF-IDF weights, the
"most used" spelling, repeated lines) are computed over the drafts and candidates.
"""

from __future__ import annotations

import dataclasses
from typing import Iterable, Optional

import numpy as np

from ..api import as_document, scan
from ..model import Document, Report
from . import Archive
from ..rules.quote_drift import MIN_SHARED, SHARED_SHARE, _compare, may_align
from .keys import QUOTE_WORD_BITS, batch_keys, quotation_units, quote_sets, quote_words

# rounds of following Jaccard bands from candidates to their own near-duplicates
CLUSTER_ROUNDS = 3


def candidate_numbers(archive: Archive, drafts: list[Document]) -> list[int]:
    """Archive document numbers (in archive order) a check of ``drafts`` must see."""
    if not drafts:
        return []
    keys = batch_keys([d.text for d in drafts], archive.config)
    found, quoted = archive.candidates(keys.bands)
    found = set(found.tolist()) | set(quoting(archive, quoted, drafts, keys.quotes, keys.unit_words))
    frontier = sorted(found)
    for _ in range(CLUSTER_ROUNDS):
        if not frontier:
            break
        own = np.concatenate([s.jaccard for s in archive.documents(frontier, text=False)])
        new = set(np.concatenate([np.zeros(0, dtype=np.int64), *archive.follow(np.unique(own))]).tolist()) - found
        found |= new
        frontier = sorted(new)
    return sorted(found)


def quoting(archive: Archive, numbers, drafts: list[Document], draft_quotes: list[bytes],
            draft_words: Optional[list[bytes]] = None) -> list[int]:
    """Of the archive documents ``numbers``, those with a quotation the quote-drift rule may
    report against one of the drafts'. First from the stored content words and words (no
    text read): the pairs of a draft's and a stored quotation unit sharing at least
    ``MIN_SHARED`` content words and ``SHARED_SHARE`` of the content words of the unit with
    fewer (the rule's own candidate test, over all content words), and sharing as many
    words, counted with repeats, as the rule's comparison needs to match (``may_align``;
    with ``draft_words``, the drafts' :attr:`~dedupe.archive.keys.BatchKeys.unit_words`):
    a superset of the rule's pairs; then, for those pairs only, the same tests on the words
    themselves and the rule's comparison of the two units' wording (either way round)."""
    mine = [u for blob in draft_quotes for u in quote_sets(blob)]
    if not mine or not len(numbers):
        return []
    mine_words = [u for blob in draft_words or () for u in quote_sets(blob)]
    stored = [(s.doc, *quote_words(s.quotes), *quote_words(s.unit_words)) for s in archive.documents(numbers, text=False)]
    stored = [x for x in stored if x[1].size]
    if not stored:
        return []
    sizes = np.concatenate([x[1] for x in stored]).astype(np.int64)  # per unit
    words = np.concatenate([x[2] for x in stored])
    unit_doc = np.repeat([x[0] for x in stored], [x[1].size for x in stored])
    unit_k = np.concatenate([np.arange(x[1].size) for x in stored])  # its place among its document's
    unit_of = np.repeat(np.arange(sizes.size), sizes)
    member = np.zeros(1 << QUOTE_WORD_BITS, dtype=bool)
    bound = _Words(stored, sizes.size) if len(mine_words) == len(mine) else None
    pairs: dict = {}  # archive document -> {its unit (stored order): [draft units]}
    for i, u in enumerate(mine):
        member[u] = True
        shared = np.bincount(unit_of, weights=member[words], minlength=sizes.size)
        member[u] = False
        ok = shared >= np.maximum(MIN_SHARED, SHARED_SHARE * np.minimum(sizes, u.size))
        if bound is not None and ok.any():
            ok &= bound.may_align(mine_words[i])
        for x in np.flatnonzero(ok).tolist():
            pairs.setdefault(int(unit_doc[x]), {}).setdefault(int(unit_k[x]), []).append(i)
    ours = [u for d in drafts for u in quoted(d.text)]  # in the order of ``mine``
    out = []
    for s in archive.documents(sorted(pairs)):
        wanted = pairs[s.doc]
        theirs = quoted(s.text, max(wanted) + 1)  # the units up to the last one wanted
        if len(ours) != len(mine) or len(theirs) <= max(wanted):  # stored by another quotation finder: every pair
            theirs = quoted(s.text)
            wanted = {k: range(len(ours)) for k in range(len(theirs))}
        if any(_compared(ours[i], theirs[k]) for k, mine_of in wanted.items() for i in mine_of):
            out.append(s.doc)
    return out


class _Words:
    """Every word of the stored quotation units (``(doc, sizes, content words, words per
    unit, words)`` per document, units numbered in that order), to bound the words, counted
    with repeats, a draft's unit shares with each. A document whose stored words have other
    units than its content words (or none: stored by an older version) is not bounded."""

    def __init__(self, stored: list, units: int):
        self.lengths, self.bounded = np.zeros(units, dtype=np.int64), np.zeros(units, dtype=bool)
        values, owner, first = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], 0
        for _, sizes, _, lengths, words in stored:
            if lengths.size == sizes.size:
                self.lengths[first : first + sizes.size], self.bounded[first : first + sizes.size] = lengths, True
                values.append(words.astype(np.int64))
                owner.append(np.repeat(np.arange(first, first + sizes.size), lengths.astype(np.int64)))
            first += sizes.size
        self.values, self.unit = np.concatenate(values), np.concatenate(owner)
        # each word's rank among the equal values of its unit (stored sorted per unit): a
        # unit holding a value c times shares min(c, c') of it with one holding it c' times
        key = (self.unit << QUOTE_WORD_BITS) | self.values
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        self.rank = np.arange(key.size) - np.repeat(starts, np.diff(np.append(starts, key.size)))
        self.count = np.zeros(1 << QUOTE_WORD_BITS, dtype=np.int64)

    def may_align(self, words: np.ndarray) -> np.ndarray:
        """Per stored unit: whether it may match a unit of ``words`` (its sorted values)."""
        values, counts = np.unique(words, return_counts=True)
        self.count[values] = counts
        shared = np.bincount(self.unit, weights=self.rank < self.count[self.values], minlength=self.lengths.size)
        self.count[values] = 0
        return ~self.bounded | may_align(shared, np.minimum(self.lengths, words.size))


def quoted(text: str, limit: Optional[int] = None) -> list[tuple]:
    """``(words, content words)`` of the quotation units of ``text`` that have content words,
    in the order of the stored sets (:func:`~dedupe.archive.keys.quote_sets`): the first
    ``limit`` of them."""
    return [(w, set(c)) for w, c in quotation_units(text, limit)]


def _compared(ours: tuple, theirs: tuple) -> bool:
    """Whether two quotation units (``(words, content words)``) pass the quote-drift rule's
    candidate test and its comparison of their wording."""
    (u, cu), (v, cv) = ours, theirs
    n = len(cu & cv)
    return n >= max(MIN_SHARED, SHARED_SHARE * min(len(cu), len(cv))) and bool(_compare(u, v) or _compare(v, u))


def check(drafts: Iterable, archive: Archive, *, baseline=None, progress=None, timestamp: bool = True) -> Report:
    """The report of ``scan(drafts, archive=<the whole archive>)``, reading only candidates
    (``baseline`` as in :func:`dedupe.api.scan`).

    >>> import tempfile, os
    >>> from dedupe.config import Config
    >>> shared = "the council voted on Tuesday to close the old harbour bridge for repairs lasting a year"
    >>> a = Archive.open(os.path.join(tempfile.mkdtemp(), "a.db"), Config(detect_language=False))
    >>> _ = a.add([("w1", f"Wire: {shared}."), ("w2", "Gardens bloom early in the hills this spring.")])
    >>> r = check([("draft", f"Morning. {shared}. Traffic is diverted.")], a)
    >>> [(p.a.doc, p.b.doc) for p in r.passages], sorted(d.id for d in r.documents)
    ([('draft', 'w1')], ['draft', 'w1'])
    """
    items = [as_document(item, n) for n, item in enumerate(drafts)]
    docs = [d for d in items if isinstance(d, Document)]
    numbers = candidate_numbers(archive, docs)
    draft_ids = {d.id for d in docs}
    candidates = [
        Document(id=s.id, text=s.text, path=s.path or "", line=s.line)
        for s in archive.documents(numbers)
        if s.id not in draft_ids
    ]
    report = scan(
        items,
        archive.config,
        archive=candidates,
        archive_df=archive.df,
        baseline=baseline,
        progress=progress,
        timestamp=timestamp,
    )
    return draft_clusters_only(report)


def draft_clusters_only(report: Report) -> Report:
    """Keep the clusters that hold a draft (renumbered in order); an archive document in a
    cluster of archive documents alone gets no cluster (a check reads only some of them)."""
    drafts = {d.id for d in report.documents if d.role == "draft"}
    kept = [c for c in report.clusters if drafts.intersection(c.members)]
    number = {c.id: n for n, c in enumerate(kept)}
    report.clusters = [dataclasses.replace(c, id=number[c.id]) for c in kept]
    for d in report.documents:
        if d.cluster is not None:
            d.keep = d.keep if d.cluster in number else True
            d.cluster = number.get(d.cluster)
    return report
