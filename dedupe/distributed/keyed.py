"""The keyed corpus rules of a staged scan (name-variant, quote-drift, boilerplate,
gender-mismatch: :mod:`dedupe.rules._keyed`) as tasks, as the bucket stage groups band keys:

1. collect: one task per shard reads its documents again and runs pass 1 of the rule on the
   ones the driver checks; it writes the keyed items split into P files by key
   (``7-keyed/<rule>/collect/s<shard>/p<partition>.pkl``) and the shard's tally;
2. census: one task per partition groups its items by key (every item of one key is in one
   partition) and returns the keys the rule notes (a word in too many quotations, a name form);
3. compare: the driver makes the rule's plan from the noted keys and the tallies; one task
   per partition compares the items of each key and writes the matches
   (``7-keyed/<rule>/compare/p<partition>/``);
4. passes (``Keyed.passes``, gender-mismatch): one task per shard per pass reads its
   documents again and visits them with the plan, which the driver writes to a file
   (``7-keyed/<rule>/pass<n>/plan``), and what each document carries from the pass before
   (read from the shard's file of that pass, written beside it: it never reaches the driver);
   it writes what they carry on, its tally and its matches
   (``7-keyed/<rule>/pass<n>/s<shard>/``); the driver adds up the tallies into the next plan;
5. the driver makes the findings from the matches (the report step of the rule).

A rule that keys no items (``compare`` None) has no census or compare stage.

The functions are those :func:`dedupe.rules._keyed.run` calls in one process, so the
findings are the same. A document's index is its key (shard, row), which orders as the
corpus does. Tasks get small metadata only (rows, the plan); texts are read where the task
runs, except those of the documents the report step asks about (name-variant: the documents
using variant forms, for their TF-IDF vectors), which the driver reads by key.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

from ..rules import _keyed
from . import shards as sh
from .texts import Documents
from .workdir import load, save, task_output


@dataclass(frozen=True)
class CollectTask:
    shard: sh.Shard
    rows: frozenset  # the rows the driver checks
    rule_id: str
    documents: Documents
    folder: str
    partitions: int


def collect_shard(task: CollectTask) -> int:
    final = Path(task.folder) / f"s{task.shard.index:05d}"
    if final.exists():
        return 0
    docs = [(task.shard.key(row), doc) for row, doc in task.documents.of_shard(task.shard) if row in task.rows]
    items, tally = _keyed.collect((task.rule_id,), docs)[task.rule_id]
    parts: list = [[] for _ in range(task.partitions)]
    for item in _keyed.each_key(items):
        parts[_keyed.partition_of(item[0], task.partitions)].append(item)
    with task_output(final) as out:
        if _keyed.keyed_rule(task.rule_id).compare is not None:
            for p, part in enumerate(parts):
                save(out, f"p{p:05d}", part, compress=True)
        save(out, "tally", tally)
    return len(items)


@dataclass(frozen=True)
class PassTask:
    shard: sh.Shard
    rows: frozenset  # the rows the driver checks
    rule_id: str
    step: int  # which of the rule's passes
    documents: Documents
    folder: str  # of this pass: the plan, then one folder per shard
    before: Optional[str] = None  # of the pass before (what the documents carry), if any


def pass_shard(task: PassTask) -> int:
    """A pass of the rule over the shard's documents (:func:`dedupe.rules._keyed.visit`)."""
    final = Path(task.folder) / f"s{task.shard.index:05d}"
    if final.exists():
        return 0
    passes = _keyed.keyed_rule(task.rule_id).passes
    plan = load(Path(task.folder), "plan")
    carried = load(Path(task.before) / final.name, "carried") if task.before is not None else {}
    docs = [(task.shard.key(row), doc) for row, doc in task.documents.of_shard(task.shard) if row in task.rows]
    out, tally, matches = _keyed.visit(passes[task.step], plan, docs, carried)
    found = [m for key in sorted(matches) for m in matches[key]]
    with task_output(final) as folder:
        if task.step + 1 < len(passes):
            save(folder, "carried", out, compress=True)
        save(folder, "tally", tally)
        save(folder, "matches", found)
    return len(found)


@dataclass(frozen=True)
class GroupTask:
    partition: int
    rule_id: str
    shards: tuple  # the collect tasks' shard indices
    collect_folder: str
    folder: str
    plan: object = None


def _groups(task: GroupTask) -> dict:
    """The partition's items of every shard (one file open at a time), grouped by key."""
    name = f"p{task.partition:05d}"
    return _keyed.grouped(item for s in task.shards for item in load(Path(task.collect_folder) / f"s{s:05d}", name))


def census_partition(task: GroupTask) -> list:
    return _keyed.census(_keyed.keyed_rule(task.rule_id), _groups(task))


def compare_partition(task: GroupTask) -> int:
    final = Path(task.folder) / f"p{task.partition:05d}"
    if final.exists():
        return len(load(final, "matches"))
    matches = _keyed.compare(_keyed.keyed_rule(task.rule_id), _groups(task), task.plan)
    with task_output(final) as out:
        save(out, "matches", matches)
    return len(matches)


def keyed_findings(runner, documents: Documents, partitions: int, key_of: dict):
    """``keyed_findings(rule_id, docs)`` for :func:`dedupe.rules.run_rules`, run as tasks
    (``key_of``: document id -> document key)."""

    def findings(rule_id: str, docs: list) -> list:
        keyed = _keyed.keyed_rule(rule_id)
        root = runner.work.stage("7-keyed") / rule_id
        rows: dict = {}
        for doc in docs:
            key = key_of[doc.id]
            rows.setdefault(int(sh.shard_of(key)), set()).add(int(sh.row_of(key)))
        collect = root / "collect"
        collect.mkdir(parents=True, exist_ok=True)
        tasks = [CollectTask(documents.shards[s], frozenset(rows[s]), rule_id, documents, str(collect), partitions) for s in sorted(rows)]
        runner.stage(f"7-keyed/{rule_id}/collect", collect_shard, tasks)
        shards = tuple(t.shard.index for t in tasks)
        totals = _keyed.Totals(documents=len(docs), texts=documents.texts)
        if keyed.tally is not None:
            for s in shards:
                totals.tally.update(load(collect / f"s{s:05d}", "tally"))
        groups = [GroupTask(p, rule_id, shards, str(collect), str(root / "compare")) for p in range(partitions)]
        noted = []
        if keyed.census is not None and keyed.compare is not None:
            noted = sorted(k for part in runner.stage(f"7-keyed/{rule_id}/census", census_partition, groups) for k in part)
        plan = _keyed.make_plan(keyed, noted, totals)
        matches = []
        if keyed.compare is not None:
            (root / "compare").mkdir(parents=True, exist_ok=True)
            runner.stage(f"7-keyed/{rule_id}/compare", compare_partition, [replace(g, plan=plan) for g in groups])
            matches = [m for p in range(partitions) for m in load(root / "compare" / f"p{p:05d}", "matches")]
        before = None
        for n, step in enumerate(keyed.passes):
            folder = root / f"pass{n}"
            folder.mkdir(parents=True, exist_ok=True)
            save(folder, "plan", plan)
            runner.stage(f"7-keyed/{rule_id}/pass{n}", pass_shard,
                         [PassTask(t.shard, t.rows, rule_id, n, documents, str(folder), before) for t in tasks])
            tally: Counter = Counter()
            for s in shards:
                tally.update(load(folder / f"s{s:05d}", "tally"))
                matches.extend(load(folder / f"s{s:05d}", "matches"))
            plan = step.then(plan, tally) if step.then is not None else plan
            before = str(folder)
        return list(keyed.report(matches, plan, totals))

    return findings
