"""Corpus-wide rules in two passes, so that their cost follows the matches, not the pairs of
documents, and per document only small keyed items are kept.

A keyed rule (:class:`Keyed`) says:

- ``collect(doc, index)``, pass 1, one document at a time: ``(key, item)`` pairs (a person
  mention keyed by its surname), or ``(tuple of keys, item)`` for an item under several keys
  (a quotation keyed by each of its content words: :func:`each_key`), and
  optionally ``tally(doc)``, a :class:`~collections.Counter` added up over the corpus
  (document frequencies), or an iterable of keys, each occurrence counting one (added up by
  ``Counter.update`` without a Python loop per key);
- ``census(key, items)``, optional, per key: whether to note the key (a word in too many
  quotations to be a key; a name form), and ``plan(noted keys, totals)`` on the driver;
- ``compare(key, items, plan)``, pass 2, per key: the matches found among the items of one
  key, in corpus order (documents in input order, then the order ``collect`` gave them:
  pass 1 keeps that order, and grouping keeps it); with ``batched``, ``compare(groups, plan)``
  over all the groups at hand at once (every group here, a partition's in a staged run), for
  a rule whose pairs are counted over many keys at once (quote-drift);
- ``report(matches, plan, totals)`` on the driver: the findings, from the matches alone
  (and the texts of the documents they name, ``totals.texts``);
- ``store``, optional: makes the container that holds the rule's pass-1 items grouped by
  key until pass 2 (:func:`new_groups`), in place of a list per key: a mapping (key ->
  its items, keys sorted) with ``add(pairs)`` and, with ``census``, ``noted()`` (the keys the
  census notes), that may hold the items compactly (quote-drift's units as arrays);
- ``holder(key, item)``, optional: the index of the document holding the item, or None
  when the key's group must be compared whatever documents it holds. With it, a run that
  keeps the findings of some documents only (drafts against an archive) compares only the
  groups holding an item of one of them: the rule says that a group without one makes no
  finding in them (each finding is on an item of the group that matched);
- ``together(plan)``, optional: lists of keys whose groups are compared all or none (a
  report that reads them as one), for ``holder``;
- ``seeded(noted keys, totals, seeds)``, optional, for such a run: the plan as far as the
  groups compared can use it (``seeds``: the noted keys holding an item of one of the kept
  documents), e.g. only the groups of ``together`` holding a seed;
- ``focus(drafts)``, optional: pass 1 (a ``collect``) for such a run, given the drafts'
  documents: the items that a finding in a draft, and the census of the keys it is
  compared under, can depend on (fewer documents read in full);
- ``passes``, optional: further passes over the documents after the plan (:class:`Pass`),
  for evidence that comes in dependent rounds (gender-mismatch resolves each document's
  pronouns with the corpus' evidence, adds up the pronouns per person, then judges each
  document with those sums). A pass visits one document at a time with the plan and what
  the document carried from the pass before, and gives what it carries on, a tally added up
  over the corpus (which makes the next pass's plan: ``then``) and matches. Only tallies
  (small: per key or word, not per document) meet; what a document carries stays with its
  shard. A rule may key no items at all (``compare`` None): its matches are its passes'.

:func:`run` runs them in this process (pass 1 over batches in ``workers`` processes, the
items grouped in memory); :mod:`dedupe.distributed.keyed` runs the same functions as tasks
per shard (pass 1, items written to partitions by key) and per partition (pass 2). The
``index`` of a document only orders: its position in the corpus here, its document key
(shard, row) in a staged run, both in input order.
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Callable, Optional

from ..parallel import Arrivals

BATCH = 200  # documents per pass-1 job


@dataclass(frozen=True)
class Keyed:
    collect: Callable  # (doc, index) -> iterable of (key, item)
    compare: Optional[Callable]  # (key, items, plan) -> list of matches; None: no items
    report: Callable  # (matches, plan, totals) -> iterable of findings
    census: Optional[Callable] = None  # (key, items) -> note the key?
    plan: Optional[Callable] = None  # (noted keys, totals) -> plan
    tally: Optional[Callable] = None  # (doc) -> Counter
    holder: Optional[Callable] = None  # (key, item) -> document index or None, see above
    together: Optional[Callable] = None  # (plan) -> lists of keys, see above
    seeded: Optional[Callable] = None  # (noted keys, totals, seeds) -> plan, see above
    focus: Optional[Callable] = None  # (drafts) -> collect, see above
    passes: tuple = ()  # of Pass, after the plan, see above
    batched: bool = False  # compare takes every group at hand at once, see above
    store: Optional[Callable] = None  # () -> a container of the grouped items, see group_into


class Store(Mapping):
    """Base of a rule's container of its pass-1 items (``Keyed.store``): a mapping key -> its
    group, iterated in key order, over the keys :meth:`held_keys` gives; a subclass adds
    ``add(pairs)`` and ``__getitem__``, and may add ``noted()`` (the keys its census notes)
    and ``holding(mine)`` (the keys whose group holds an item of a document of ``mine``),
    each computed from what it holds instead of from the groups' items."""

    def held_keys(self):
        raise NotImplementedError

    def __iter__(self):
        return iter(sorted(self.held_keys()))

    def __len__(self) -> int:
        return len(self.held_keys())

    def __contains__(self, key) -> bool:
        return key in self.held_keys()


class DocIds:
    """Document index -> id, for a store's items (``Keyed.store``): the ids as UTF-8 bytes in
    one array, the indexes in order beside them (~20 bytes a document, a dict entry and a
    string each took ~120 in each of three stores). ``add`` in corpus order (an index that
    comes out of order is kept in a dict)."""

    def __init__(self):
        self._index, self._ends, self._text, self._other = array("q"), array("q", [0]), bytearray(), {}

    def add(self, index: int, doc_id: str) -> None:
        if self._index and index <= self._index[-1]:
            if index != self._index[-1] and index not in self:
                self._other[index] = doc_id
            return
        self._index.append(index)
        self._text += doc_id.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._text))

    def _at(self, index: int) -> int:
        i = bisect_left(self._index, index)
        return i if i < len(self._index) and self._index[i] == index else -1

    def __getitem__(self, index: int) -> str:
        i = self._at(index)
        if i < 0:
            return self._other[index]
        return self._text[self._ends[i] : self._ends[i + 1]].decode("utf-8", "surrogatepass")

    def __contains__(self, index) -> bool:
        return self._at(index) >= 0 or index in self._other

    def __len__(self) -> int:
        return len(self._index) + len(self._other)


@dataclass(frozen=True)
class Pass:
    """A pass over the documents after the plan: ``visit(doc, index, plan, carried)`` ->
    ``(carried, tally, matches)`` (``carried``: what the document carries to the next pass,
    None into the first; ``tally``: a Counter added up over the corpus; ``matches`` of the
    document); ``then(plan, tally)`` -> the plan of the next pass (and of ``report``).
    ``wider(plan, carried)``, optional, for a run that keeps the findings of some documents
    only: given what those documents carry out of this pass (by index), a test
    ``(doc, index) -> bool`` of the other documents this pass must visit too (whose tallies
    may change their findings); later passes visit the documents this one visited."""

    visit: Callable
    then: Optional[Callable] = None
    wider: Optional[Callable] = None


@dataclass
class Totals:
    """What pass 1 adds up over the corpus: the number of documents and the tallies; and how
    to read the texts of a few documents again (``texts(indices)``, an iterable read once: each
    text read as its turn comes), for the report."""

    documents: int = 0
    tally: Counter = field(default_factory=Counter)
    texts: Optional[Callable] = None


class Excerpt:
    """A piece of a document's text that slices with the document's offsets, so that a
    finding can be made from a keyed item without the whole text."""

    __slots__ = ("text", "offset")

    def __init__(self, text: str, offset: int):
        self.text, self.offset = text, offset

    def __getitem__(self, span: slice) -> str:
        return self.text[span.start - self.offset : span.stop - self.offset]


@dataclass(frozen=True, slots=True)
class Part:
    """A document as a keyed item knows it: its id, an excerpt of its text, its index."""

    id: str
    text: Excerpt
    index: int = 0


def keyed_rule(rule_id: str) -> Keyed:
    from . import all_rules

    return {r.id: r for r in all_rules()}[rule_id].keyed


def partition_of(key: str, partitions: int) -> int:
    """The partition of a key: the same in every process (not Python's salted ``hash``)."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % partitions


def collect(rule_ids: tuple, indexed_docs, drafts: Optional[list] = None) -> dict:
    """Pass 1 over ``(index, doc)`` pairs: ``{rule id: (items, tally)}``, items as
    ``(key, item)`` in corpus order (equal keys made one string). With ``drafts`` (documents:
    only their findings are kept), a rule's ``focus`` collects where it has one."""
    out = {}
    for rid in rule_ids:
        keyed = keyed_rule(rid)
        take = keyed.focus(drafts) if drafts is not None and keyed.focus is not None else keyed.collect
        items, tally, keys = [], Counter(), {}
        for index, doc in indexed_docs:
            for key, item in take(doc, index):
                items.append((keys.setdefault(key, key) if type(key) is str else key, item))
            if keyed.tally is not None:
                tally.update(keyed.tally(doc))
        out[rid] = (items, tally)
    return out


def _collect_job(job) -> dict:
    return collect(*job)


def grouped(items) -> dict:
    """``(key, item)`` pairs in corpus order -> {key: its items, in corpus order}, keys sorted."""
    groups: dict = defaultdict(list)
    group_into(groups, items)
    return {k: groups[k] for k in sorted(groups)}


def census(keyed: Keyed, groups) -> list:
    """The keys the census notes, in key order."""
    if keyed.census is None:
        return []
    noted = getattr(groups, "noted", None)  # a rule's store may count them its own way
    if noted is not None:
        return noted()
    return [k for k, items in groups.items() if keyed.census(k, items)]


def compare(keyed: Keyed, groups: dict, plan) -> list:
    if keyed.batched:
        return keyed.compare(groups, plan)
    return [m for k, items in groups.items() for m in keyed.compare(k, items, plan)]


def make_plan(keyed: Keyed, noted: list, totals: Totals):
    return keyed.plan(noted, totals) if keyed.plan is not None else None


def visit(step: Pass, plan, indexed, carried: Mapping, keep: bool = True) -> tuple:
    """One pass over ``(index, doc)`` pairs (``carried``: index -> what the document carries
    in): ``(carried out, by index; tally; matches, by index)`` (only the documents with
    matches: a list per document held for the whole corpus was ~100 bytes a document).
    ``keep``: False for a last pass, whose documents carry nothing on (nothing is held)."""
    out, tally, matches = {}, Counter(), {}
    for index, doc in indexed:
        carries, found, here = step.visit(doc, index, plan, carried.get(index))
        if keep:
            out[index] = carries
        if here:
            matches[index] = here
        tally.update(found)
    return out, tally, matches


def revisit(keyed: Keyed, plan, docs: list, mine: Optional[set] = None, first: Optional[tuple] = None) -> tuple:
    """The passes of ``keyed`` over ``docs`` in this process: ``(matches in corpus order, the
    last plan)``. With ``mine`` (indexes of the documents whose findings are kept), the first
    pass visits those and the others its ``wider`` asks for (all without it). ``first``: what
    the first pass gave when it ran elsewhere (:func:`visit` over every document, in batches
    whose results are gathered by :class:`Visits`)."""
    carried: dict = {}
    found: list = []
    todo = range(len(docs))  # the indexes of the documents to visit (read as visited, not held)
    for n, step in enumerate(keyed.passes):
        if n == 0 and first is not None:
            carried, tally, matches = first
        elif n == 0 and mine is not None and step.wider is not None:
            carried, tally, matches = visit(step, plan, [(i, docs[i]) for i in sorted(mine)], carried)
            wanted = step.wider(plan, carried)
            more = visit(step, plan, ((i, d) for i, d in _read(docs, todo) if i not in mine and wanted(d, i)), carried)
            carried, matches = {**carried, **more[0]}, {**matches, **more[2]}
            tally.update(more[1])
        else:
            carried, tally, matches = visit(step, plan, _read(docs, todo), carried, n + 1 < len(keyed.passes))
        found.extend(m for i in sorted(matches) for m in matches[i])
        todo = sorted(carried)
        plan = step.then(plan, tally) if step.then is not None else plan
    return found, plan


def _read(docs, indexes):
    """``(index, document)`` for each of ``indexes``, each document read when its turn comes."""
    return ((i, docs[i]) for i in indexes)


class Carried(Mapping):
    """Index -> what a document carries to the next pass, for a pass whose visits ran
    elsewhere: values that are bytes (gender-mismatch's pronouns, pickled: ~3 KB a news
    article, held for the whole corpus between its passes) kept in a temporary file
    (:class:`~dedupe.spill.Records`), 8 bytes a document in memory; other values in a dict."""

    def __init__(self):
        from ..spill import Records

        self._records, self._at, self._other = Records(), array("q"), {}

    def update(self, carried: dict) -> None:
        """Add a batch's ``{index: value}``."""
        raw = [(i, v) for i, v in carried.items() if type(v) is bytes]
        self._other.update((i, v) for i, v in carried.items() if type(v) is not bytes)
        if not raw:
            return
        top = max(i for i, _ in raw)
        if top >= len(self._at):
            self._at.extend([-1] * (top + 1 - len(self._at)))
        first = len(self._records)
        self._records.extend(v for _, v in raw)
        for n, (i, _) in enumerate(raw, first):
            self._at[i] = n

    def __getitem__(self, index: int):
        if 0 <= index < len(self._at) and self._at[index] >= 0:
            return bytes(self._records.get(self._at[index]))
        return self._other[index]

    def __iter__(self):
        return iter(sorted([i for i, n in enumerate(self._at) if n >= 0] + list(self._other)))

    def __len__(self) -> int:
        return len(self._records) + len(self._other)

    def close(self) -> None:
        self._records.close()


class Visits(Arrivals):
    """The results of :func:`visit` over consecutive batches of documents run elsewhere
    (``add`` a :class:`~concurrent.futures.Future` of each), taken as each comes, in the
    thread that completes it: :meth:`result` gives them as one visit over all of them gives
    them. What the documents carry out is kept in a :class:`Carried` (the futures' results
    are not held: the futures are not kept)."""

    def __init__(self):
        super().__init__()
        self._carried, self._tally, self._matches = Carried(), Counter(), {}

    def arrived(self, tag, result) -> None:
        carried, tally, matches = result
        self._carried.update(carried)
        self._tally.update(tally)
        self._matches.update(matches)

    def result(self) -> tuple:
        """``(carried, tally, matches)``, once every visit added is in."""
        self.wait()
        return self._carried, self._tally, self._matches


def run(rule_id: str, docs: list, workers: int = 1, only: Optional[set] = None) -> list:
    """The findings of the keyed rule ``rule_id`` over ``docs``, in this process (pass 1 in
    ``workers`` processes when there are many documents; ``only``: see :func:`conclude`)."""
    from ..parallel import batches, pmap

    indexed = list(enumerate(docs))
    jobs = (((rule_id,), chunk) for chunk in batches(indexed, BATCH))
    parts = pmap(_collect_job, jobs, workers if len(docs) > BATCH else 1)
    return conclude(rule_id, *gathered((part[rule_id] for part in parts), keyed_rule(rule_id)), docs, only)


def conclude(rule_id: str, groups: dict, tally: Counter, docs: list, only: Optional[set] = None) -> list:
    """Pass 2 of the keyed rule ``rule_id`` in this process: its findings, given its pass-1
    items grouped by key (in corpus order, as :func:`group_into` adds them) and its tallies
    added up over ``docs`` (a ``Counter``, taken over: not copied).
    With ``only`` (document ids) and the rule's ``holder``, the findings in those documents
    (others may be missing): the groups holding no item of theirs are not compared (the
    census and plan still see every group; the passes visit the documents ``Pass.wider`` says)."""
    return finished(rule_id, planned(rule_id, groups, tally, docs, only), docs)


def new_groups(keyed: Keyed):
    """An empty container of a rule's pass-1 items grouped by key: its ``store``, else a
    ``defaultdict(list)`` (key -> its items)."""
    return keyed.store() if keyed.store is not None else defaultdict(list)


def group_into(groups, found) -> None:
    """Add pass-1 ``(key, item)`` pairs to ``groups`` (made by :func:`new_groups`), as they
    come (in corpus order): the pairs themselves are not held. (A tuple of keys: the item
    under each, see :func:`each_key`.)"""
    if isinstance(groups, Store):
        groups.add(found)
        return
    for key, item in each_key(found):
        groups[key].append(item)


def pairs(items: list) -> int:
    """The number of ``(key, item)`` pairs of pass-1 items (an item under several keys counts
    once per key, see :func:`each_key`)."""
    return sum(len(key) if type(key) is tuple else 1 for key, _ in items)


def each_key(found):
    """Pass-1 pairs with one key each: ``collect`` may give an item under several keys at
    once, ``(tuple of keys, item)`` (quote-drift: a quotation under each of its content
    words), one pair instead of one per key until the items are grouped or partitioned."""
    for key, item in found:
        if type(key) is tuple:
            for k in key:
                yield k, item
        else:
            yield key, item


def gathered(parts, keyed: Optional[Keyed] = None) -> tuple:
    """The pass-1 ``(items, tally)`` of batches in corpus order (what :func:`collect` gives)
    as the items grouped by key (in ``keyed``'s store, when it has one) and the tallies added
    up, for :func:`conclude`."""
    groups = new_groups(keyed) if keyed is not None else defaultdict(list)
    tally: Counter = Counter()
    for found, part_tally in parts:
        group_into(groups, found)
        tally.update(part_tally)
    return groups, tally


def planned(rule_id: str, groups: dict, tally: Counter, docs: list, only: Optional[set] = None) -> tuple:
    """The first part of :func:`conclude`, up to the passes: ``(plan, matches, totals, mine)``.
    The first of the rule's passes may then run elsewhere (its visits need only the plan)."""
    keyed = keyed_rule(rule_id)
    # the tally taken over, not copied (the callers give theirs up): two copies of a tally
    # over the corpus' vocabulary were held through pass 2
    totals = Totals(documents=len(docs), tally=tally, texts=lambda indices: (docs[i].text for i in indices))
    if not isinstance(groups, Store):  # (a store gives its keys sorted)
        groups = {k: groups[k] for k in sorted(groups)}
    noted = census(keyed, groups)
    mine = None if only is None else {i for i, d in enumerate(docs) if d.id in only}
    if mine is not None and keyed.holder is not None and keyed.seeded is not None:
        if hasattr(groups, "holding"):  # a rule's own store: from what it holds, no item made
            holding = groups.holding(mine)
            seeds = [k for k in noted if k in holding]
        else:
            seeds = [k for k in noted if _holds(keyed, k, groups[k], mine)]
        plan = keyed.seeded(noted, totals, seeds)
    else:
        plan = make_plan(keyed, noted, totals)
    if only is not None and keyed.holder is not None:
        groups = held(keyed, groups, mine, plan)
    return plan, compare(keyed, groups, plan), totals, mine


def finished(rule_id: str, state: tuple, docs: list, first: Optional[tuple] = None) -> list:
    """The rest of :func:`conclude` after :func:`planned` (``state``): the passes (``first``:
    see :func:`revisit`) and the findings."""
    keyed = keyed_rule(rule_id)
    plan, matches, totals, mine = state
    if keyed.passes:
        found, plan = revisit(keyed, plan, docs, mine, first)
        matches.extend(found)
    return list(keyed.report(matches, plan, totals))


def held(keyed: Keyed, groups: dict, mine: set, plan) -> dict:
    """The groups holding an item of a document of ``mine`` (indexes) or one whose holder is
    not known (None), and those compared together with one of them (``together``)."""
    if hasattr(groups, "holding"):  # a rule's own store (``Keyed.store``): its groups made only when read
        wanted = groups.holding(mine)
    else:
        wanted = {k for k, items in groups.items() if _holds(keyed, k, items, mine)}
    for keys in keyed.together(plan) if keyed.together is not None else ():
        if wanted.intersection(keys):
            wanted.update(k for k in keys if k in groups)
    if hasattr(groups, "only"):  # a store that compares from what it holds: those keys' groups, none made
        return groups.only(wanted)
    return {k: groups[k] for k in groups if k in wanted}


def _holds(keyed: Keyed, key: str, items: list, mine: set) -> bool:
    """Whether the group of ``key`` holds an item of a document of ``mine`` or one whose
    holder is not known."""
    return any((h := keyed.holder(key, item)) is None or h in mine for item in items)
