"""The staged run: sign -> ids, twins -> bucket -> verify -> cluster (-> emit), each stage a set
of tasks over files in the work folder, run by an engine (:mod:`.engine`). See
``docs/distributed.md``."""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from .. import __version__
from ..errors import ConfigError
from ..io.writers import atomic_writer
from ..model import InputError
from ..near import banding
from ..near.lsh import ENSEMBLE_PARTITIONS, ENSEMBLE_WEIGHTS
from ..near.sketch import SketchSettings
from . import defaults
from . import shards as sh
from .bucket import BucketTask, bucket_partition
from .cluster import SpanTask, gather, groups_of, slices, span_clusters
from .emit import EmitTask, emit_shard
from .ids import IdsTask, find_duplicates
from .sign import SignTask, sign_shard
from .texts import Documents
from .twins import TwinsTask, all_twins, find_twins
from .verify import VerifyTask, verify_shard
from .workdir import WorkDir, folder_bytes, load, save, write_json

DEFAULT_PARTITIONS, DEFAULT_SHARD_BYTES = defaults.PARTITIONS, defaults.SHARD_BYTES


@dataclass(frozen=True)
class Inputs:
    paths: tuple
    format: Optional[str] = None
    id_field: str = "id"
    text_field: str = "text"


@dataclass
class Staged:
    """What the stages found: enough for the kept/dropped output and the report."""

    shards: list
    signed: list  # per shard: the sign stage's metadata
    duplicates: list
    line_offsets: list
    clusters: list
    assignment: dict  # document key -> (cluster id, keep)
    stats: list = field(default_factory=list)  # per stage: name, seconds, bytes written, tasks, skipped

    @property
    def excluded(self) -> set:
        """Keys of the documents left out (duplicate ids)."""
        return {self.shards[d[0]].key(d[2]) for d in self.duplicates if d[2] >= 0}

    def errors(self, work: WorkDir) -> list[InputError]:
        """The input errors in input order, as one process reports them."""
        dups_by_shard: dict = {}
        for s, seq, row, size, doc_id, path, line, fs, fpath, fline in self.duplicates:
            first = fpath if fline is None else f"{fpath}:{fline + self.line_offsets[fs]}"
            message = f"duplicate id {doc_id!r} (first read at {first}); skipped"
            dups_by_shard.setdefault(s, {})[seq] = (path, line, message)
        out = []
        for meta in self.signed:
            s = meta["shard"]
            if not meta["errors"] and s not in dups_by_shard:
                continue
            found = {seq: (path, line, message) for seq, path, line, message in load(work.root / "1-sign" / f"s{s:05d}", "index")["errors"]}
            found.update(dups_by_shard.get(s, {}))
            for seq in sorted(found):
                path, line, message = found[seq]
                out.append(InputError(path, None if line is None else line + self.line_offsets[s], message))
        return out


def fingerprint(inputs: Inputs, config, partitions: int, shard_bytes: int) -> dict:
    files = []
    for p in inputs.paths:
        try:
            st = os.stat(p)
            files.append([str(p), st.st_size, st.st_mtime_ns])
        except OSError:
            files.append([str(p), None, None])
    return {
        "version": __version__,
        "inputs": files,
        "format": inputs.format,
        "fields": [inputs.id_field, inputs.text_field],
        "parameters": config.parameters(),
        "detect_language": config.detect_language,
        "partitions": partitions,
        "shard_bytes": shard_bytes,
    }


def band_plan(config) -> tuple:
    """``(r, j, jaccard, containment)`` for every band a candidate index reads."""
    b, r = config.lsh_params
    plan = {(r, j): [True, False] for j in range(b)}
    if config.containment < 1.0:
        for rj in banding.containment_bands(config.containment, config.num_perm, ENSEMBLE_WEIGHTS):
            plan.setdefault(rj, [False, False])[1] = True
    return tuple((r, j, jac, con) for (r, j), (jac, con) in sorted(plan.items()))


class Runner:
    def __init__(self, work: WorkDir, engine, progress: Optional[Callable]):
        self.work, self.engine, self.progress = work, engine, progress
        self.stats: list = []

    def stage(self, name: str, fn: Callable, tasks: Sequence):
        """Run a stage's tasks (unless it finished before) and return their results."""
        done = self.work.finished(name)
        if done is not None:
            self.stats.append({"stage": name, "seconds": 0.0, "bytes": folder_bytes(self.work.root / name), "tasks": len(tasks), "skipped": True})
            return done
        start = time.perf_counter()
        self.work.stage(name)
        results = self.engine.map(fn, tasks)
        self.work.finish(name, results)
        seconds = time.perf_counter() - start
        self.stats.append({"stage": name, "seconds": seconds, "bytes": folder_bytes(self.work.root / name), "tasks": len(tasks), "skipped": False})
        if self.progress:
            self.progress(name, len(tasks), len(tasks))
        return results


def run(
    inputs: Inputs,
    config,
    engine,
    work_dir: str,
    partitions: int = DEFAULT_PARTITIONS,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    progress: Optional[Callable] = None,
) -> Staged:
    """Stages 1-5 over the inputs; finished stages in ``work_dir`` are reused."""
    if not 1 <= partitions <= 65535:
        raise ConfigError(f"--partitions must be in [1, 65535], got {partitions}")
    shards = sh.plan(inputs.paths, inputs.format, shard_bytes)
    work = WorkDir(work_dir)
    work.prepare(fingerprint(inputs, config, partitions, shard_bytes))
    runner = Runner(work, engine, progress)
    folder = {name: str(work.stage(name)) for name in ("1-sign", "2-ids", "2-twins", "3-bucket", "4-verify", "5-cluster")}
    bands = band_plan(config)
    full = len(bands)  # the last band of the sign stage: whole signatures (for twins)
    signed = runner.stage(
        "1-sign",
        sign_shard,
        [
            SignTask(s, folder["1-sign"], inputs.format, inputs.id_field, inputs.text_field, SketchSettings.of(config),
                     config.batch_size, (*((r, j) for r, j, _, _ in bands), (config.num_perm, 0)), partitions)
            for s in shards
        ],
    )
    dups = [d for part in runner.stage("2-ids", find_duplicates, [IdsTask(p, folder["1-sign"], len(shards)) for p in range(partitions)]) for d in part]
    dups.sort(key=lambda d: (d[0], d[1]))
    line_offsets, seen = [], Counter()
    for s, meta in zip(shards, signed):
        line_offsets.append(seen[s.path] if s.end is not None else 0)
        seen[s.path] += meta["lines"]
    staged = Staged(shards, signed, dups, line_offsets, [], {})
    documents = Documents(tuple(shards), folder["1-sign"], inputs.format, inputs.id_field, inputs.text_field)
    duplicate_keys = tuple(sorted(staged.excluded))
    twin_sizes = runner.stage(
        "2-twins", find_twins, [TwinsTask(p, documents, folder["2-twins"], full, duplicate_keys, config) for p in range(partitions)]
    )
    twins = all_twins(folder["2-twins"], partitions)
    sizes = Counter()
    for meta in signed:
        sizes.update({v: c for v, c in meta["sizes"]})
    sizes.subtract(Counter(d[3] for d in dups if d[3] > 0))
    for part in twin_sizes:
        sizes.subtract({v: c for v, c in part})
    sizes = +sizes
    nonempty = sum(sizes.values())
    ensemble = None
    if config.containment < 1.0 and nonempty > 1:
        values = np.array(sorted(sizes), dtype=np.int64)
        counts = np.array([sizes[v] for v in values.tolist()], dtype=np.int64)
        # (built once here: its size partitions are a dynamic programme over the distinct sizes)
        ensemble = banding.Ensemble(values, counts, config.containment, config.num_perm, min(ENSEMBLE_PARTITIONS, nonempty), ENSEMBLE_WEIGHTS)
    excluded = tuple(sorted({*duplicate_keys, *twins[:, 1].tolist()}))  # twins enter no band: their firsts do
    runner.stage(
        "3-bucket",
        bucket_partition,
        [BucketTask(p, folder["1-sign"], folder["3-bucket"], len(shards), bands, excluded, ensemble) for p in range(partitions)],
    )
    runner.stage(
        "4-verify",
        verify_shard,
        [VerifyTask(s, documents, folder["3-bucket"], folder["4-verify"], partitions, config) for s in shards],
    )
    cluster_folder = Path(folder["5-cluster"])
    if work.finished("5-cluster") is None and not (cluster_folder / "groups.pkl").exists():
        start = time.perf_counter()
        save(cluster_folder, "groups", groups_of(folder["4-verify"], len(shards), twins))  # on the driver
        runner.stats.append({"stage": "5-cluster (components)", "seconds": time.perf_counter() - start, "bytes": 0, "tasks": 1, "skipped": False})
    groups = load(cluster_folder, "groups")
    spans = slices(groups, max(1, len(shards)))
    del groups
    runner.stage(
        "5-cluster",
        span_clusters,
        [SpanTask(i, a, b, str(cluster_folder / "groups.pkl"), documents, folder["5-cluster"], config) for i, (a, b) in enumerate(spans)],
    )
    staged.clusters, staged.assignment = gather(folder["5-cluster"], len(spans))
    staged.stats = runner.stats
    write_json(work.root / "stats.json", staged.stats)
    return staged


def emit(staged: Staged, work_dir: str, engine, inputs: Inputs, raw: bool, out: str, dropped: Optional[str]) -> tuple[int, int]:
    """Stage 6: kept and dropped records per shard, joined into ``out`` and ``dropped``."""
    work = WorkDir(work_dir)
    folder = str(work.stage("6-emit"))
    by_shard: dict = {}
    for key, (cid, keep) in staged.assignment.items():
        by_shard.setdefault(int(sh.shard_of(key)), {})[int(sh.row_of(key))] = (keep, cid)
    reps = {c.id: c.representative for c in staged.clusters}
    excluded: dict = {}
    for d in staged.duplicates:
        if d[2] >= 0:
            excluded.setdefault(d[0], set()).add(d[2])
    tasks = []
    for s in staged.shards:
        decisions = by_shard.get(s.index, {})
        shard_reps = {cid: reps[cid] for _, cid in decisions.values()}
        tasks.append(
            EmitTask(s, str(work.root / "1-sign"), folder, decisions, shard_reps, frozenset(excluded.get(s.index, ())),
                     staged.line_offsets[s.index], raw, inputs.format, inputs.id_field, inputs.text_field)
        )
    runner = Runner(work, engine, None)
    counts = runner.stage("6-emit", emit_shard, tasks)
    start = time.perf_counter()
    _join([Path(folder) / f"s{s.index:05d}" / "kept.jsonl" for s in staged.shards], out)
    if dropped:
        _join([Path(folder) / f"s{s.index:05d}" / "dropped.jsonl" for s in staged.shards], dropped)
    runner.stats[-1]["seconds"] += time.perf_counter() - start
    staged.stats.extend(runner.stats)
    write_json(work.root / "stats.json", staged.stats)
    return sum(k for k, _ in counts), sum(d for _, d in counts)


def _join(parts: list, target: str) -> None:
    with atomic_writer(target) as f:
        f.flush()
        buffer = getattr(f, "buffer", None)
        for part in parts:
            with open(part, "rb") as src:
                if buffer is None:
                    f.write(src.read().decode("utf-8"))
                else:
                    shutil.copyfileobj(src, buffer, 1 << 20)
        if buffer is not None:
            buffer.flush()
