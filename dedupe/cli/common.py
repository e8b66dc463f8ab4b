"""Option bundles shared by commands, config merging, error reporting and progress."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..config import Config, default_workers, find_config_file, load_file_settings
from ..errors import DedupeError
from .app import STATE

EXIT_OK, EXIT_FAIL_ON, EXIT_ERROR = 0, 1, 2

# ----- option types: the same flag means the same thing in every command -----
Inputs = Annotated[
    list[str],
    typer.Argument(help="Folders, .txt/.md, .jsonl/.ndjson, .csv or .parquet files; '-' reads JSONL from stdin."),
]
Format = Annotated[
    Optional[str],
    typer.Option("--format", help="Input format for every input: folder, text, jsonl, csv, parquet (default: by suffix)."),
]
IdField = Annotated[str, typer.Option("--id-field", help="Field holding the document id (JSONL, CSV, Parquet).")]
TextField = Annotated[str, typer.Option("--text-field", help="Field holding the text (JSONL, CSV, Parquet).")]
Threshold = Annotated[Optional[float], typer.Option("--threshold", help="Jaccard threshold for near-duplicates [default: 0.8].")]
Containment = Annotated[
    Optional[float],
    typer.Option("--containment", help="Containment threshold: a text this much inside another is a duplicate [default: 0.8]."),
]
Ngram = Annotated[Optional[int], typer.Option("--ngram", help="Shingle size in words (or characters) [default: 5].")]
Shingle = Annotated[Optional[str], typer.Option("--shingle", help="Shingle kind: word or char [default: word].")]
NumPerm = Annotated[Optional[int], typer.Option("--num-perm", help="MinHash permutations [default: 128].")]
Seed = Annotated[Optional[int], typer.Option("--seed", help="MinHash seed [default: 1].")]
Keep = Annotated[
    Optional[str],
    typer.Option("--keep", help="Which cluster member to keep: longest, first or shortest [default: longest]."),
]
ConfigFile = Annotated[
    Optional[Path],
    typer.Option("--config", help="Settings file (dedupe.toml or pyproject.toml); default: the nearest one found."),
]
Select = Annotated[
    Optional[list[str]],
    typer.Option("--select", help="Run only these rule ids (repeat or comma-separate; see 'dedupe rules')."),
]
Ignore = Annotated[
    Optional[list[str]],
    typer.Option("--ignore", help="Skip these rule ids (repeat or comma-separate)."),
]
MinSeverity = Annotated[
    Optional[str],
    typer.Option("--min-severity", help="Report findings at or above: info, warning or error [default: info]."),
]
Baseline = Annotated[
    Optional[Path],
    typer.Option("--baseline", help="A previous JSON report: hide the findings it already holds (accepted ones)."),
]
Workers = Annotated[Optional[int], typer.Option("--workers", help="Worker processes [default: all cores].")]
Engine = Annotated[
    str,
    typer.Option("--engine", help="Where the near-duplicate stages run: local (this machine) or ray (pip install 'dedupe-news[ray]')."),
]
RayAddress = Annotated[
    Optional[str],
    typer.Option("--ray-address", help="Ray cluster to join ('auto': the one running here) [default: start a local Ray]."),
]
WorkDir = Annotated[
    Optional[str],
    typer.Option(
        "--work-dir",
        help="Folder for the stages' files; a rerun with the same inputs and settings skips the finished "
        "stages (with --engine local, runs the same stages) [default: a temporary folder].",
    ),
]
Partitions = Annotated[int, typer.Option("--partitions", help="Band-key partitions of a staged run (one bucket task each).")]
ShardBytes = Annotated[int, typer.Option("--shard-bytes", help="Bytes of JSONL per sign task in a staged run.")]
Scheme = Annotated[
    Optional[str],
    typer.Option("--scheme", help="MinHash scheme: oph (one permutation, densified) or kperm (classic) [default: oph]."),
]


def build_config(config_file: Optional[Path], **cli) -> tuple[Config, dict]:
    """Defaults <- config file <- command line. Returns the Config and CLI-level file settings."""
    path = config_file if config_file is not None else find_config_file()
    settings = load_file_settings(path)
    extras = {k: settings.pop(k) for k in list(settings) if k not in Config.__dataclass_fields__}
    settings.update({k: v for k, v in cli.items() if v is not None})
    if "workers" in cli and settings.get("workers") is None:
        settings["workers"] = default_workers()  # the CLI uses every core unless told
    return Config(**settings), extras


def fail(message: str, code: int = EXIT_ERROR):
    sys.stderr.write(f"dedupe: {message}\n")
    raise typer.Exit(code)


@contextmanager
def errors_to_exit():
    """Turn dedupe errors into one line on stderr and exit code 2 (tracebacks with --debug)."""
    try:
        yield
    except typer.Exit:
        raise
    except DedupeError as e:
        if STATE["debug"]:
            raise
        fail(str(e), e.exit_code)
    except Exception as e:  # unexpected: still one line unless --debug
        if STATE["debug"]:
            raise
        fail(f"internal error: {type(e).__name__}: {e} (run with --debug for a traceback)", 3)


class StageProgress:
    """A progress bar on stderr, shown only on a terminal and only once a run is long."""

    def __init__(self, delay: float = 1.0, enabled: Optional[bool] = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.delay = delay
        self.start = time.monotonic()
        self._progress = None
        self._tasks: dict = {}

    def __call__(self, stage: str, done: int, total: Optional[int]) -> None:
        if not self.enabled:
            return
        if self._progress is None:
            if time.monotonic() - self.start < self.delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=total)
        self._progress.update(self._tasks[stage], completed=done, total=total)

    def close(self):
        if self._progress is not None:
            self._progress.stop()


MAX_ERROR_LINES = 50  # a file with a million bad lines must not flood the terminal


def report_input_errors(errors, limit: int = MAX_ERROR_LINES) -> None:
    """One line per input error on stderr, the first ``limit`` of them (the report has all)."""
    for e in errors[:limit]:
        sys.stderr.write(f"dedupe: {e}\n")
    if len(errors) > limit:
        sys.stderr.write(f"dedupe: ... and {len(errors) - limit} more input errors (all are in the report's errors)\n")



def staging(engine: str, ray_address, work_dir, partitions: int, shard_bytes: int):
    """The staged-run settings of the command line (:class:`~dedupe.distributed.Staging`)."""
    from ..distributed.commands import Staging
    from ..distributed.engine import ENGINES

    if engine not in ENGINES:
        fail(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    return Staging(engine, ray_address, work_dir, partitions, shard_bytes)
