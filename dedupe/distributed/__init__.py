"""Staged, resumable runs over files, on this machine or on Ray (``--engine ray``).

The near-duplicate search runs in stages that hand off through files in a work folder:
sign (per shard) -> ids (per id partition) -> bucket (per band-key partition) -> verify (per
shard) -> cluster (driver) -> emit (per shard). Each stage calls the same functions as the
in-process path (:mod:`dedupe.near`, :mod:`dedupe.dedup`), so the results are the same.
"""

from .engine import ENGINES, LocalEngine, RayEngine, get_engine
from .pipeline import Inputs, Staged, emit, run

__all__ = ["ENGINES", "LocalEngine", "RayEngine", "get_engine", "Inputs", "Staged", "emit", "run"]
