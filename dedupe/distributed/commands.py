"""The two commands over the staged pipeline: ``dedupe dedup`` (kept/dropped output,
emitted per shard) and ``dedupe scan`` (the report: stages 1-5 on the engine, then the
passages, rules and report on the driver, as in one process; see docs/distributed.md)."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import numpy as np

from ..corpus import Corpus
from ..io.writers.dedup import raw_copy_possible, same_output
from ..errors import ConfigError
from ..model import Document, DocumentResult, Source
from . import pipeline, review
from .engine import get_engine
from .pipeline import Inputs, Staged
from .texts import Documents, valid_documents
from .workdir import WorkDir, load, write_json


@dataclass(frozen=True)
class Staging:
    """How a staged run runs: engine, Ray address, work folder, partitions, shard size."""

    engine: str = "local"
    ray_address: Optional[str] = None
    work_dir: Optional[str] = None
    partitions: int = pipeline.DEFAULT_PARTITIONS
    shard_bytes: int = pipeline.DEFAULT_SHARD_BYTES

    @property
    def staged(self) -> bool:
        """Whether to run the staged pipeline (else the in-process path)."""
        return self.engine != "local" or self.work_dir is not None or self.ray_address is not None


@contextmanager
def _session(staging: Staging, workers: int) -> Iterator[tuple]:
    """``(engine, work folder)``; a temporary work folder is removed afterwards."""
    engine = get_engine(staging.engine, workers, staging.ray_address)
    work_dir = staging.work_dir or tempfile.mkdtemp(prefix="dedupe-work-")
    try:
        yield engine, work_dir
    finally:
        engine.close()
        if staging.work_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)


def dedup_files(inputs: Inputs, config, staging: Staging, out: str, dropped: Optional[str], progress=None):
    """``(kept, dropped, clusters, input errors)`` of ``dedupe dedup`` run in stages."""
    if dropped is not None and same_output(out, dropped):
        raise ConfigError(f"--out and --dropped cannot be the same file ({out})")
    with _session(staging, config.workers) as (engine, work_dir):
        staged = pipeline.run(inputs, config, engine, work_dir, staging.partitions, staging.shard_bytes, progress)
        raw = raw_copy_possible(inputs.paths, inputs.format)
        kept_n, dropped_n = pipeline.emit(staged, work_dir, engine, inputs, raw, out, dropped)
        return kept_n, dropped_n, len(staged.clusters), staged.errors(WorkDir(work_dir))


def scan_files(inputs: Inputs, config, staging: Staging, progress=None, timestamp: bool = True, baseline=None):
    """The report of ``dedupe scan`` with its near-duplicate stages run in stages
    (``baseline``: as :func:`dedupe.api.scan` takes it)."""
    from ..api import finish
    from ..baseline import load_baseline

    accepted = load_baseline(baseline) if isinstance(baseline, (str, Path)) else baseline  # before a long run
    with _session(staging, config.workers) as (engine, work_dir):
        staged = pipeline.run(inputs, config, engine, work_dir, staging.partitions, staging.shard_bytes, progress)
        work = WorkDir(work_dir)
        corpus, keys = corpus_of(staged, work, inputs, config)
        index_of = {k: i for i, k in enumerate(keys.tolist())}
        assignment = {index_of[key]: decision for key, decision in staged.assignment.items()}
        documents = Documents(tuple(staged.shards), str(work.root / "1-sign"), inputs.format, inputs.id_field, inputs.text_field)
        runner = pipeline.Runner(work, engine, progress)
        report = finish(
            corpus, staged.errors(work), staged.clusters, assignment, config, accepted=accepted, progress=progress,
            timestamp=timestamp, elsewhere=review.elsewhere(runner, documents, corpus, keys, staged.excluded, config, staging.partitions),
            documents=review.lazy_documents(corpus), texts=corpus.texts(),
        )
        write_json(work.root / "stats.json", staged.stats + runner.stats)
        return report


def corpus_of(staged: Staged, work: WorkDir, inputs: Inputs, config) -> tuple[Corpus, np.ndarray]:
    """The corpus one process would have built (per document: metadata; texts read again from
    their source, or held when they cannot be; no signatures, which the stages used), from
    the sign stage's files; and the document key of each corpus index."""
    corpus = Corpus(num_perm=config.num_perm)
    excluded = staged.excluded
    keys: list = []
    for shard in staged.shards:
        folder = work.root / "1-sign" / f"s{shard.index:05d}"
        index = load(folder, "index")
        chars, words, sizes, offsets = (load(folder, n) for n in ("chars", "words", "sizes", "offsets"))
        held = None
        if any(k is None for k in index["kind"]):
            held = list(valid_documents(shard, inputs.format, inputs.id_field, inputs.text_field))
        rows = [r for r in range(len(index["id"])) if shard.key(r) not in excluded]
        docs, results = [], []
        offset = staged.line_offsets[shard.index]
        for r in rows:
            line = index["line"][r]
            line = None if line is None else line + offset
            if held is not None and index["kind"][r] is None:
                doc = held[r]
            else:
                source = Source(index["kind"][r], int(offsets[r]), inputs.text_field)
                doc = Document(id=index["id"][r], text="", path=index["path"][r], line=line, source=source)
            docs.append(doc)
            results.append(
                DocumentResult(
                    id=doc.id, path=doc.location, chars=int(chars[r]), words=int(words[r]), language=index["language"][r],
                    language_probability=index["language_probability"][r],
                )
            )
            keys.append(shard.key(r))
        if docs:
            corpus.add_batch(docs, results, sizes[rows], None)  # no signatures: the stages used them
    return corpus, np.array(keys, dtype=np.int64)
