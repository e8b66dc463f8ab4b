"""The work folder: stage outputs handed from one stage to the next, safe to resume.

Every task writes its output into a temporary folder and renames it to its final name when
complete (a rename is atomic), so a killed run leaves only temporary folders, which nothing
trusts. A stage that finished writes ``_DONE.json`` with the small metadata its tasks
returned; a rerun with the same inputs and settings (``run.json``) skips finished stages,
and, in an unfinished stage, the tasks whose output exists. Other inputs or settings clear
the stages first.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

import numpy as np

ZLIB_LEVEL = 3  # fast; text pickles shrink 3-5x

STAGES = ("1-sign", "2-ids", "2-twins", "3-bucket", "4-verify", "5-cluster", "6-emit", "7-grams", "7-stock", "7-units", "7-pairs", "7-passages", "7-rules", "7-keyed")


class WorkDir:
    def __init__(self, root: str):
        self.root = Path(root)

    def prepare(self, fingerprint: dict) -> None:
        """Create the folder; clear its stages if they were made for other inputs or settings."""
        self.root.mkdir(parents=True, exist_ok=True)
        run = self.root / "run.json"
        if run.exists() and json.loads(run.read_text(encoding="utf-8")) == fingerprint:
            return
        for stage in STAGES:
            shutil.rmtree(self.root / stage, ignore_errors=True)
        write_json(run, fingerprint)

    def stage(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def finished(self, name: str) -> Optional[Any]:
        """The metadata a finished stage recorded, or None."""
        done = self.root / name / "_DONE.json"
        return json.loads(done.read_text(encoding="utf-8")) if done.exists() else None

    def finish(self, name: str, meta: Any) -> None:
        write_json(self.stage(name) / "_DONE.json", meta)


def write_json(path: Path, value: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(value, f)
    os.replace(tmp, path)


@contextmanager
def task_output(final: Path) -> Iterator[Path]:
    """A temporary folder beside ``final``, renamed to ``final`` when the block completes."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=final.parent))
    try:
        yield tmp
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def save(folder: Path, name: str, value: Any, compress: bool = False) -> None:
    """``name.npy`` (arrays), ``name.pkl``, or with ``compress`` ``name.pkl.z`` (zlib: for
    objects holding text) in ``folder``, written under a temporary name and renamed."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    with os.fdopen(fd, "wb") as f:
        if isinstance(value, np.ndarray):
            np.save(f, value)
        elif compress:
            f.write(zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), ZLIB_LEVEL))
        else:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    suffix = "npy" if isinstance(value, np.ndarray) else "pkl.z" if compress else "pkl"
    os.replace(tmp, Path(folder) / f"{name}.{suffix}")


def load(folder: Path, name: str, mmap: bool = False) -> Any:
    npy = folder / f"{name}.npy"
    if npy.exists():
        return np.load(npy, mmap_mode="r" if mmap else None)
    packed = folder / f"{name}.pkl.z"
    if packed.exists():
        return pickle.loads(zlib.decompress(packed.read_bytes()))
    with open(folder / f"{name}.pkl", "rb") as f:
        return pickle.load(f)


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
