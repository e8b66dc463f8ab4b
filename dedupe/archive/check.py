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
from typing import Iterable

import numpy as np

from ..api import as_document, scan
from ..model import Document, Report
from . import Archive
from .keys import batch_keys

# rounds of following Jaccard bands from candidates to their own near-duplicates
CLUSTER_ROUNDS = 3


def candidate_numbers(archive: Archive, drafts: list[Document]) -> list[int]:
    """Archive document numbers (in archive order) a check of ``drafts`` must see."""
    if not drafts:
        return []
    keys = batch_keys([d.text for d in drafts], archive.config)
    found = set(archive.candidates(keys.bands).tolist())
    frontier = sorted(found)
    for _ in range(CLUSTER_ROUNDS):
        if not frontier:
            break
        own = np.concatenate([s.jaccard for s in archive.documents(frontier, text=False)])
        new = set(np.concatenate([np.zeros(0, dtype=np.int64), *archive.follow(np.unique(own))]).tolist()) - found
        found |= new
        frontier = sorted(new)
    return sorted(found)


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
