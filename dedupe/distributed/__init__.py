"""Staged, resumable runs over files, on this machine or on Ray (``--engine ray``).

The near-duplicate search runs in stages that hand off through files in a work folder:
sign (per shard) -> ids, twins (per id / key partition) -> bucket (per band-key partition) -> verify (per
shard) -> cluster (components on the driver, spanning sets per slice) -> emit (per shard). Each stage calls the same functions as the
in-process path (:mod:`dedupe.near`, :mod:`dedupe.io.writers.dedup`), so the results are the same.

Modules: :mod:`.engine` (local and Ray), :mod:`.pipeline` (the stages in order),
:mod:`.commands` (``dedup`` and ``scan`` over them), one module per stage. Nothing is
imported here, so that the command line loads none of it unless a staged run is asked for.
"""
