"""Passages and document-scope rules of a staged scan, as tasks per shard (see
``docs/distributed.md``).

- passages: stages of tasks per shard and per partition (:mod:`.passages`), the candidate
  pairs from keyed files as the bucket stage finds near-duplicates. Output ``7-passages/``.
- document-scope rules: one task per shard reads its documents again and runs the rules
  on those the driver checks (:func:`~dedupe.rules.document_findings`, as in one process).
  Output ``7-rules/s<shard>/``.
- keyed corpus-scope rules (name-variant, quote-drift, boilerplate, gender-mismatch): tasks
  per shard and per partition of their keyed items, and per shard for their further passes
  (:mod:`.keyed`). The findings' fingerprints, the derivation verdicts and the report stay
  on the driver, which reads texts only when they ask (:class:`LazyDocument`), not holding
  them.

Tasks get small metadata only (rows, per-document results); the texts are read where the
task runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..rules import document_findings
from . import shards as sh
from .keyed import keyed_findings
from .passages import find_reuse
from .texts import Documents
from .workdir import load, save, task_output

RULE_BATCH = 200  # documents per call of the rules, as in one process


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
    docs = [doc for row, doc in task.documents.of_shard(task.shard) if row in task.rows]
    found = []
    for k in range(0, len(docs), RULE_BATCH):
        chunk = docs[k : k + RULE_BATCH]
        found.extend(document_findings(task.rule_ids, task.config, chunk, {doc.id: task.results[doc.id] for doc in chunk if doc.id in task.results}))
    with task_output(final) as out:
        save(out, "findings", found)
    return len(found)


def elsewhere(runner, documents: Documents, corpus, keys: np.ndarray, excluded_keys, config, partitions: int) -> dict:
    """The steps of :func:`dedupe.api.finish` that run as tasks (``runner``: a pipeline runner; ``keys[i]``: the document key of
    corpus index ``i``; ``excluded_keys``: the keys left out of the corpus; ``partitions``:
    of the passages' and the keyed corpus rules' items)."""
    ids = corpus.ids
    key_of = dict(zip(ids, keys.tolist()))
    excluded: dict = {}
    for key in excluded_keys:
        excluded.setdefault(int(sh.shard_of(key)), set()).add(int(sh.row_of(key)))

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

    return {"find_reuse": lambda: find_reuse(runner, documents, excluded, config, partitions),
            "document_findings": rules,
            "keyed_findings": keyed_findings(runner, documents, partitions, key_of)}


def lazy_documents(corpus) -> list:
    """The corpus' documents as :class:`LazyDocument`: their texts are read when asked."""
    return [LazyDocument(doc_id, corpus, i) for i, doc_id in enumerate(corpus.ids)]


class LazyDocument:
    """A corpus document whose text (and other fields) are read when asked, not held."""

    __slots__ = ("id", "_corpus", "_i")

    def __init__(self, doc_id: str, corpus, i: int):
        self.id, self._corpus, self._i = doc_id, corpus, i

    @property
    def text(self) -> str:
        return self._corpus.text(self._i)

    def __getattr__(self, name: str):
        if name.startswith("_"):  # (copy and pickle probe for these before the slots are set)
            raise AttributeError(name)
        return getattr(self._corpus.document(self._i), name)
