"""Passages and document-scope rules of a staged scan, as tasks per shard (see
``docs/distributed.md``).

- passages: the driver finds the candidate pairs (:func:`~dedupe.passages.find_passages`:
  stock n-grams and the candidate index need the whole corpus); one task per shard aligns
  the pairs whose first document is in it (:func:`~dedupe.passages.align_pairs`, as in one
  process), reading both ends' texts again. Output ``7-passages/s<shard>/``.
- document-scope rules: one task per shard reads its documents again and runs the rules
  on those the driver checks (:func:`~dedupe.rules.document_findings`, as in one process).
  Output ``7-rules/s<shard>/``.
- keyed corpus-scope rules (name-variant, quote-drift): tasks per shard and per partition
  of their keyed items (:mod:`.keyed`). The other corpus-scope rules, the findings'
  fingerprints and the report stay on the driver.

Tasks get small metadata only (pairs of document keys, rows, per-document results); the
texts are read where the task runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..passages import SEED_NGRAM, Reuse, align_pairs
from ..passages.tokens import words_of
from ..rules import document_findings
from . import shards as sh
from .keyed import keyed_findings
from .texts import Documents, valid_documents
from .workdir import load, save, task_output

RULE_BATCH = 200  # documents per call of the rules, as in one process


@dataclass(frozen=True)
class AlignTask:
    shard: int
    pairs: np.ndarray  # (n, 2) document keys, in pair order
    stop_folder: str
    documents: Documents
    folder: str
    config: object


def align_shard(task: AlignTask) -> int:
    final = Path(task.folder) / f"s{task.shard:05d}"
    if not final.exists():
        keys = np.unique(task.pairs).tolist()
        words = {k: words_of(t, SEED_NGRAM) for k, t in zip(keys, task.documents.texts(keys))}
        ids, _ = task.documents.ids_and_chars(keys)
        stop = load(Path(task.stop_folder), "stop")
        reuse = align_pairs([tuple(p) for p in task.pairs.tolist()], ids, words, stop, task.config)
        with task_output(final) as out:
            save(out, "passages", reuse.passages)
            save(out, "related", reuse.related)
    return int(len(task.pairs))


@dataclass(frozen=True)
class RulesTask:
    shard: sh.Shard
    rows: frozenset  # the rows the driver checks
    results: dict  # document id -> DocumentResult, for those rows
    rule_ids: tuple
    documents: Documents
    folder: str
    config: object


def rules_shard(task: RulesTask) -> int:
    final = Path(task.folder) / f"s{task.shard.index:05d}"
    if final.exists():
        return len(load(final, "findings"))
    d = task.documents
    docs = [doc for row, doc in enumerate(valid_documents(task.shard, d.format, d.id_field, d.text_field)) if row in task.rows]
    found = []
    for k in range(0, len(docs), RULE_BATCH):
        chunk = docs[k : k + RULE_BATCH]
        found.extend(document_findings(task.rule_ids, task.config, chunk, {doc.id: task.results[doc.id] for doc in chunk if doc.id in task.results}))
    with task_output(final) as out:
        save(out, "findings", found)
    return len(found)


def elsewhere(runner, documents: Documents, keys: np.ndarray, ids: list, config, partitions: int) -> dict:
    """The steps of :func:`dedupe.api.finish` that run as tasks (``runner``: a pipeline
    runner; ``keys[i]``, ``ids[i]``: the document key and id of corpus index ``i``;
    ``partitions``: of the keyed corpus rules' items)."""
    key_of = dict(zip(ids, keys.tolist()))

    def align_all(pairs: list, stop: np.ndarray) -> Reuse:
        folder = runner.work.stage("7-passages")
        save(folder, "stop", stop)
        pk = keys[np.asarray(pairs, dtype=np.int64).reshape(-1, 2)]
        bounds = np.flatnonzero(np.diff(sh.shard_of(pk[:, 0]))) + 1  # pairs are sorted: one run per shard
        parts = np.split(pk, bounds) if len(pk) else []
        tasks = [AlignTask(int(sh.shard_of(p[0, 0])), p, str(folder), documents, str(folder), config) for p in parts]
        runner.stage("7-passages", align_shard, tasks)
        return Reuse(
            passages=[x for t in tasks for x in load(folder / f"s{t.shard:05d}", "passages")],
            related=[x for t in tasks for x in load(folder / f"s{t.shard:05d}", "related")],
        )

    def rules(rule_ids: tuple, docs: list, results) -> list:
        folder = runner.work.stage("7-rules")
        rows: dict = {}
        shard_results: dict = {}
        for d in docs:
            s, row = (int(x) for x in (sh.shard_of(key_of[d.id]), sh.row_of(key_of[d.id])))
            rows.setdefault(s, set()).add(row)
            if d.id in results:
                shard_results.setdefault(s, {})[d.id] = results[d.id]
        tasks = [
            RulesTask(documents.shards[s], frozenset(rows[s]), shard_results.get(s, {}), tuple(rule_ids), documents, str(folder), config)
            for s in sorted(rows)
        ]
        runner.stage("7-rules", rules_shard, tasks)
        return [f for t in tasks for f in load(folder / f"s{t.shard.index:05d}", "findings")]

    return {"align_all": align_all, "document_findings": rules,
            "keyed_findings": keyed_findings(runner, documents, partitions, key_of)}
