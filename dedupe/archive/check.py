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
import functools
from typing import Iterable, Optional

import numpy as np

from ..api import as_document, fewer_collections, scan
from ..model import Document, Report
from . import Archive
from ..rules.quote_drift import MIN_SHARED, SHARED_SHARE, _compare, may_align
from .keys import (QUOTE_WORD_BITS, batch_keys, quotation_units, quote_sets, quote_words_joined, unit_words,
                   unit_words_joined)
from ..arrays import sorted_unique

# rounds of following Jaccard bands from candidates to their own near-duplicates
CLUSTER_ROUNDS = 3


def candidate_numbers(archive: Archive, drafts: list[Document]) -> list[int]:
    """Archive document numbers (in archive order) a check of ``drafts`` must see."""
    return candidates_of(archive, drafts)[0]


def candidates_of(archive: Archive, drafts: list[Document], read: Optional[dict] = None) -> tuple[list[int], set]:
    """:func:`candidate_numbers`, and those of them kept for a quotation alone (``read``:
    see :func:`quoting`)."""
    if not drafts:
        return [], set()
    keys = batch_keys([d.text for d in drafts], archive.config)
    found, quoted = archive.candidates(keys.bands)
    quoted = set(quoting(archive, quoted, drafts, keys.quotes, keys.unit_words, read))
    found = set(found.tolist()) | quoted
    frontier = sorted(found)
    for _ in range(CLUSTER_ROUNDS):
        if not frontier:
            break
        own = sorted_unique(np.concatenate([np.zeros(0, dtype=np.int64), *_own_keys(archive, frontier, read)]))
        own = own[archive.store.shared(own)]  # (a key no other document holds leads nowhere new)
        new = set(np.concatenate([np.zeros(0, dtype=np.int64), *archive.follow(own)]).tolist()) - found
        found |= new
        frontier = sorted(new)
    return sorted(found), quoted


def _own_keys(archive: Archive, numbers: list, read: Optional[dict]) -> list:
    """The Jaccard keys of the documents ``numbers``. With ``read`` (the check reads every
    candidate's text), those not read yet are read whole, keys and text, into ``read``: one
    read of their rows, not one for their keys and another for their texts."""
    if read is None:
        return archive.store.jaccard_keys(numbers)
    read.update((s.doc, s) for s in archive.store.documents([n for n in numbers if n not in read], quotes=False))
    # (the quotation candidates' texts were read without their keys)
    return [read[n].jaccard for n in numbers if n in read and read[n].jaccard.size] + archive.store.jaccard_keys(
        [n for n in numbers if n in read and not read[n].jaccard.size])


def quoting(archive: Archive, numbers, drafts: list[Document], draft_quotes: list[bytes],
            draft_words: Optional[list[bytes]] = None, read: Optional[dict] = None) -> list[int]:
    """Of the archive documents ``numbers``, those with a quotation the quote-drift rule may
    report against one of the drafts'. First from the stored content words and words (no
    text read): the pairs of a draft's and a stored quotation unit sharing at least
    ``MIN_SHARED`` content words and ``SHARED_SHARE`` of the content words of the unit with
    fewer (the rule's own candidate test, over all content words), and sharing as many
    words, counted with repeats, as the rule's comparison needs to match (``may_align``;
    with ``draft_words``, the drafts' :attr:`~dedupe.archive.keys.BatchKeys.unit_words`):
    a superset of the rule's pairs; then, for those pairs only, the same tests on the words
    themselves and the rule's comparison of the two units' wording (either way round).
    ``read``: a dict given gets the documents whose texts were read (number -> stored
    document, without quotations and keys), for the caller to read no text twice."""
    sets = [quote_sets(blob) for blob in draft_quotes]
    mine = [u for units in sets for u in units]
    if not mine or not len(numbers):
        return []
    mine_words = _draft_words(draft_words, sets) if draft_words is not None else []
    found = archive.store.quotations((int(n) for n in numbers), words=False)
    counts, sizes, words = quote_words_joined([units for _, units, _ in found])  # (every document's at once)
    held = counts > 0
    if not held.any():
        return []
    stored, counts = np.array([n for n, _, _ in found], dtype=np.int64)[held], counts[held]
    unit_doc = np.repeat(stored, counts)
    unit_k = np.arange(sizes.size) - np.repeat(np.cumsum(counts) - counts, counts)  # its place among its document's
    member = np.zeros(1 << QUOTE_WORD_BITS, dtype=bool)
    # the stored words that are a draft unit's content word (the others count for no unit)
    member[np.concatenate(mine)] = True
    hit = np.flatnonzero(member[words])
    member[:] = False
    words, word_unit = words[hit], np.repeat(np.arange(sizes.size), sizes)[hit]
    passing = []  # per draft unit: the stored units passing the content test, and the words they share
    for u in mine:
        member[u] = True
        shared = np.bincount(word_unit, weights=member[words], minlength=sizes.size)
        member[u] = False
        units = np.flatnonzero(shared >= np.maximum(MIN_SHARED, SHARED_SHARE * np.minimum(sizes, u.size)))
        passing.append((units, shared[units]))
    if len(mine_words) == len(mine):  # the bound, from the unit words of the documents holding those units
        docs = sorted_unique(unit_doc[np.concatenate([units for units, _ in passing])]).tolist()
        blobs = {n: w for n, _, w in archive.store.quotations(docs, units=False)}
        kept = np.fromiter((n in blobs for n in stored.tolist()), dtype=bool, count=stored.size)
        local = np.full(sizes.size, -1, dtype=np.int64)  # a unit's number among those of ``kept``
        held = np.repeat(kept, counts)
        local[held] = np.arange(int(held.sum()))
        bound = _Words(counts[kept], sizes[held], [blobs[n] for n in stored[kept].tolist()]) if kept.any() else None
        passing = [(units[bound.may_align(w, local[units], n)], None) if units.size else (units, None)
                   for (units, n), w in zip(passing, mine_words)]
    pairs: dict = {}  # archive document -> {its unit (stored order): [draft units]}
    for i, (units, _) in enumerate(passing):
        for x in units.tolist():
            pairs.setdefault(int(unit_doc[x]), {}).setdefault(int(unit_k[x]), []).append(i)
    ours = [u for d in drafts for u in quoted(d.text)]  # in the order of ``mine``
    out = []
    for s in archive.store.documents(sorted(pairs), quotes=False, keys=False):
        if read is not None:
            read[s.doc] = s
        wanted = pairs[s.doc]
        theirs = quoted(s.text, max(wanted) + 1)  # the units up to the last one wanted
        if len(ours) != len(mine) or len(theirs) <= max(wanted):  # stored by another quotation finder: every pair
            theirs = quoted(s.text)
            wanted = {k: range(len(ours)) for k in range(len(theirs))}
        if any(_compared(ours[i], theirs[k]) for k, mine_of in wanted.items() for i in mine_of):
            out.append(s.doc)
    return out


class _Words:
    """The stored words of quotation units other than their content words, to bound the
    words, counted with repeats, a draft's unit shares with each: at most the distinct
    content values they share (what the content test counts), plus the fewer of the two
    units' repeated content words (occurrences beyond their distinct values), plus the
    other words they share, counted with repeats. Given per document its number of units
    (content sets), per unit its number of distinct content values, and per document its
    blob of unit words (units numbered in that order). A document whose blob has other
    units than its content sets (or none: stored by an older version) is not bounded."""

    def __init__(self, counts: np.ndarray, distinct: np.ndarray, blobs: list):
        units, lengths, others, values = unit_words_joined(blobs)
        same = units == counts
        self.bounded = np.repeat(same, counts)
        of_same = np.repeat(same, units)
        self.lengths = np.zeros(distinct.size, dtype=np.int64)
        self.others = np.zeros(distinct.size, dtype=np.int64)
        self.lengths[self.bounded], self.others[self.bounded] = lengths[of_same], others[of_same]
        self.values = values[np.repeat(of_same, others)].astype(np.int64)  # (each unit's other words' values)
        self.repeats = np.maximum(self.lengths - self.others - distinct.astype(np.int64), 0)
        self.starts = np.cumsum(self.others) - self.others
        # each word's rank among the equal values of its unit (stored sorted per unit): a
        # unit holding a value c times shares min(c, c') of it with one holding it c' times
        key = (np.repeat(np.arange(self.others.size), self.others) << QUOTE_WORD_BITS) | self.values
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        self.rank = np.arange(key.size) - np.repeat(starts, np.diff(np.append(starts, key.size)))
        self.count = np.zeros(1 << QUOTE_WORD_BITS, dtype=np.int64)

    def may_align(self, mine: tuple, units: np.ndarray, shared: np.ndarray) -> np.ndarray:
        """Whether each of the stored ``units`` (sharing ``shared`` distinct content values
        with it) may match the draft's unit ``mine`` (its words, repeated content words and
        other words' values)."""
        length, repeats, values = mine
        others = self.others[units]
        owner = np.repeat(np.arange(units.size), others)
        at = np.repeat(self.starts[units] - (np.cumsum(others) - others), others) + np.arange(owner.size)
        distinct, counts = np.unique(values, return_counts=True)
        self.count[distinct] = counts
        common = np.bincount(owner, weights=self.rank[at] < self.count[self.values[at]], minlength=units.size)
        self.count[distinct] = 0
        bound = shared + np.minimum(self.repeats[units], repeats) + common
        return ~self.bounded[units] | may_align(bound, np.minimum(self.lengths[units], length))


def _draft_words(blobs: list[bytes], sets: list[list]) -> list[tuple]:
    """Per draft unit (in the order of the content sets ``sets``, per draft): its number of
    words, of repeated content words, and its other words' values; [] when a blob does not
    hold the units of its content words."""
    out = []
    for blob, units in zip(blobs, sets):
        lengths, others, values = unit_words(blob)
        if lengths.size != len(units):
            return []
        out.extend((int(n), int(n - k - u.size), v) for n, k, u, v
                   in zip(lengths, others, units, np.split(values, np.cumsum(others)[:-1])))
    return out


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
    # the collector run less often, as in a scan (the whole check, not only its scan): at 1M
    # articles the near-copy's checks spent 49 ms in it over 20 checks, 2 ms with this; every
    # read of the check in one snapshot of the archive (an add by another process may commit
    # while it runs)
    with fewer_collections(), archive.store.snapshot():
        return _check(drafts, archive, baseline, progress, timestamp)


def _check(drafts: Iterable, archive: Archive, baseline, progress, timestamp: bool) -> Report:
    items = [as_document(item, n) for n, item in enumerate(drafts)]
    docs = [d for d in items if isinstance(d, Document)]
    read: dict = {}  # (the texts of the quotation candidates read already)
    numbers, quoted = candidates_of(archive, docs, read)
    draft_ids = {d.id for d in docs}
    rest = {s.doc: s for s in archive.store.documents([n for n in numbers if n not in read], quotes=False, keys=False)}
    stored = [s for s in (read.get(n) or rest.get(n) for n in numbers) if s is not None and s.id not in draft_ids]
    candidates = [Document(id=s.id, text=s.text, path=s.path or "", line=s.line) for s in stored]
    # the rules read these, the drafts' near-duplicates and the documents sharing a
    # non-stock n-gram with a draft; the others (reached through stock fingerprints or a
    # near-duplicate of one) are listed only (see docs/archive.md)
    quoted_ids = {s.id for s in stored if s.doc in quoted}
    report = scan(
        items,
        archive.config,
        archive=candidates,
        # the stock tests add at most one count per draft to these: exact above that
        archive_df=functools.partial(archive.df, above=archive.config.passage_max_df - len(docs)),
        baseline=baseline,
        progress=progress,
        timestamp=timestamp,
        related=quoted_ids,
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
