"""Defaults of a staged run (kept apart so that the command line can show them cheaply)."""

PARTITIONS = 16  # band-key partitions: one bucket task each
SHARD_BYTES = 32 << 20  # bytes of JSONL per sign task
