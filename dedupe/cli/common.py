"""Option bundles shared by commands, config merging, error reporting and progress."""

from __future__ import annotations

import functools
import inspect
import re
import sys
import time
import typing
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..config import Config, default_workers, find_config_file, load_file_settings
from ..distributed import defaults  # two constants, cheap
from ..errors import DedupeError
from ..io.writers import stdout_closed
from .app import STATE

EXIT_OK, EXIT_FAIL_ON, EXIT_ERROR = 0, 1, 2

# ----- option types: the same flag means the same thing in every command -----
def option(kind, *decls: str, metavar: Optional[str] = None, help: str):
    """The type of a command parameter that is the option ``decls`` (``"--seed"``, or ``"--quiet", "-q"``)."""
    return Annotated[kind, typer.Option(*decls, metavar=metavar, help=help)]


Inputs = Annotated[
    list[str],
    typer.Argument(metavar="INPUT...", help="Folders, .txt/.md, .jsonl/.ndjson, .csv or .parquet files; '-' reads JSONL from stdin."),
]
Format = option(
    Optional[str], "--format", metavar="FORMAT",
    help="Input format for every input: folder, text, jsonl, csv, parquet (default: by suffix).",
)
IdField = option(str, "--id-field", metavar="FIELD", help="Field holding the document id (JSONL, CSV, Parquet).")
TextField = option(str, "--text-field", metavar="FIELD", help="Field holding the text (JSONL, CSV, Parquet).")
Threshold = option(Optional[float], "--threshold", metavar="X", help="Jaccard threshold for near-duplicates [default: 0.8].")
Containment = option(
    Optional[float], "--containment", metavar="X",
    help="Containment threshold: a text this much inside another is a duplicate [default: 0.8].",
)
Ngram = option(Optional[int], "--ngram", metavar="N", help="Shingle size in words (or characters) [default: 5].")
Shingle = option(Optional[str], "--shingle", metavar="KIND", help="Shingle kind: word or char [default: word].")
NumPerm = option(Optional[int], "--num-perm", metavar="N", help="MinHash permutations [default: 128].")
Seed = option(Optional[int], "--seed", metavar="N", help="MinHash seed [default: 1].")
Keep = option(
    Optional[str], "--keep", metavar="POLICY",
    help="Which cluster member to keep: longest, first or shortest [default: longest].",
)
ConfigFile = option(
    Optional[Path], "--config", metavar="FILE",
    help="Settings file (dedupe.toml or pyproject.toml); default: the nearest one found.",
)
Select = option(
    Optional[list[str]], "--select", metavar="RULES",
    help="Run only these rule ids (repeat or comma-separate; see 'dedupe rules').",
)
Ignore = option(Optional[list[str]], "--ignore", metavar="RULES", help="Skip these rule ids (repeat or comma-separate).")
MinSeverity = option(
    Optional[str], "--min-severity", metavar="LEVEL",
    help="Report findings at or above: info, warning or error [default: info].",
)
Baseline = option(
    Optional[Path], "--baseline", metavar="FILE",
    help="A previous JSON report: hide the findings it already holds (accepted ones).",
)
LshBands = option(
    Optional[int], "--lsh-bands", metavar="N",
    help="LSH bands (with --lsh-rows; bands x rows at most --num-perm) [default: chosen from the "
    "threshold for 99.9% recall, recorded in the report].",
)
LshRows = option(Optional[int], "--lsh-rows", metavar="N", help="Rows (signature values) per LSH band (with --lsh-bands).")
Workers = option(Optional[int], "--workers", metavar="N", help="Worker processes [default: all cores].")
JsonPath = option(
    Optional[str], "--json", metavar="PATH", help="JSON report path; '-' for stdout [default: reports/report.json]."
)
HtmlPath = option(Optional[str], "--html", metavar="PATH", help="HTML report path [default: reports/report.html].")
NoHtml = option(bool, "--no-html", help="Write no HTML report.")
NoTimestamp = option(bool, "--no-timestamp", help="Leave generated_at out, for byte-identical reports.")
FailOn = option(
    Optional[str], "--fail-on", metavar="WHEN",
    help="Exit 1 when met: never, duplicate (any near-duplicate cluster), or a severity "
    "(any finding at or above it) [default: never].",
)
NoRules = option(bool, "--no-rules", help="Run no translation-artifact rules.")
NoPassages = option(bool, "--no-passages", help="Skip shared-passage detection.")
NoLanguage = option(bool, "--no-language", help="Skip language identification.")
Quiet = option(bool, "--quiet", "-q", help="Print no summary and no progress (errors still go to stderr).")
Engine = option(
    str, "--engine", metavar="ENGINE",
    help="Where the near-duplicate stages run: local (this machine) or ray (pip install 'dedupe-news[ray]').",
)
RayAddress = option(
    Optional[str], "--ray-address", metavar="ADDRESS",
    help="Ray cluster to join ('auto': the one running here) [default: start a local Ray].",
)
WorkDir = option(
    Optional[str], "--work-dir", metavar="DIR",
    help="Folder for the stages' files; a rerun with the same inputs and settings skips the finished "
    "stages (with --engine local, runs the same stages) [default: a temporary folder].",
)
Partitions = option(int, "--partitions", metavar="N", help="Band-key partitions of a staged run (one bucket task each).")
ShardBytes = option(int, "--shard-bytes", metavar="BYTES", help="Bytes of JSONL per sign task in a staged run.")
Scheme = option(
    Optional[str], "--scheme", metavar="SCHEME",
    help="MinHash scheme: oph (one permutation, densified) or kperm (classic) [default: oph].",
)


# ----- option groups: options several commands take together, each declared once -----
OPTIONS = {  # parameter name -> (option type, default), for the groups below
    "format": (Format, None),
    "id_field": (IdField, "id"),
    "text_field": (TextField, "text"),
    "threshold": (Threshold, None),
    "containment": (Containment, None),
    "ngram": (Ngram, None),
    "shingle": (Shingle, None),
    "num_perm": (NumPerm, None),
    "lsh_bands": (LshBands, None),
    "lsh_rows": (LshRows, None),
    "seed": (Seed, None),
    "keep": (Keep, None),
    "scheme": (Scheme, None),
    "workers": (Workers, None),
    "engine": (Engine, "local"),
    "ray_address": (RayAddress, None),
    "work_dir": (WorkDir, None),
    "partitions": (Partitions, defaults.PARTITIONS),
    "shard_bytes": (ShardBytes, defaults.SHARD_BYTES),
    "json_path": (JsonPath, None),
    "html_path": (HtmlPath, None),
    "no_html": (NoHtml, False),
    "select": (Select, None),
    "ignore": (Ignore, None),
    "min_severity": (MinSeverity, None),
    "no_rules": (NoRules, False),
}


class Group:
    """A command parameter whose default is a Group stands for these options, in this order
    (see :func:`grouped`); the command receives their values as one :class:`Given`."""

    def __init__(self, *names: str):
        self.names = names


class Given(dict):
    """The values of a group's options, by parameter name: ``reader.format``, or ``**hashing``."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


READER = Group("format", "id_field", "text_field")  # in the order read_inputs takes them
HASHING = Group(  # the near-duplicate settings of a run in this process (scan, dedup)
    "threshold", "containment", "ngram", "shingle", "num_perm", "lsh_bands", "lsh_rows", "seed", "keep", "scheme", "workers"
)
ARCHIVE_HASHING = Group("ngram", "shingle", "num_perm", "seed", "scheme", "threshold")  # recorded by an archive
STAGING = Group("engine", "ray_address", "work_dir", "partitions", "shard_bytes")
REPORT_PATHS = Group("json_path", "html_path", "no_html")
RULES = Group("select", "ignore", "min_severity", "no_rules")


def grouped(command):
    """``command`` with each :class:`Group` parameter spelt out as its options (for typer, which
    reads the signature); they are gathered back into a :class:`Given` when it runs."""
    hints = typing.get_type_hints(command, include_extras=True)
    params, groups = [], {}
    for p in inspect.signature(command).parameters.values():
        if isinstance(p.default, Group):
            groups[p.name] = p.default.names
            params += [p.replace(name=n, annotation=OPTIONS[n][0], default=OPTIONS[n][1]) for n in p.default.names]
        else:
            params.append(p.replace(annotation=hints[p.name]))

    @functools.wraps(command)
    def run(**values):
        for name, names in groups.items():
            values[name] = Given({n: values.pop(n) for n in names})
        return command(**values)

    run.__signature__ = inspect.Signature(params)
    run.__annotations__ = {p.name: p.annotation for p in params}
    return run


def rule_settings(rules: Given) -> dict:
    """The Config settings of the RULES options."""
    return dict(select=rules.select, ignore=rules.ignore, min_severity=rules.min_severity,
                rules=False if rules.no_rules else None)


def check_format(format: Optional[str]) -> None:
    """--format names a reader (checked before any reading)."""
    from ..io.readers import FORMATS  # not at start-up: numpy

    if format is not None and format not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, got {format!r}")


def given_settings(config_file: Optional[Path], **cli) -> tuple[dict, dict]:
    """The Config settings given in the config file or on the command line (no defaults), and
    the CLI-level file settings."""
    path = config_file if config_file is not None else find_config_file()
    settings = load_file_settings(path)
    extras = {k: settings.pop(k) for k in list(settings) if k not in Config.__dataclass_fields__}
    settings.update({k: v for k, v in cli.items() if v is not None})
    if "workers" in cli and settings.get("workers") is None:
        settings["workers"] = default_workers()  # the CLI uses every core unless told
    return settings, extras


def build_config(config_file: Optional[Path], **cli) -> tuple[Config, dict]:
    """Defaults <- config file <- command line. Returns the Config and CLI-level file settings."""
    settings, extras = given_settings(config_file, **cli)
    return Config(**settings), extras


# C0/C1 controls, and the bidirectional controls that reorder a terminal line
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(message: str) -> str:
    """``message`` with control characters escaped (``\\n``, ``\\x1b``, ``\\u202e``): a file name
    holding a newline or an escape sequence cannot forge or recolour a line of its own."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), message)


def say(message: str) -> None:
    """One line on stderr, prefixed ``dedupe:``, with control characters escaped."""
    sys.stderr.write(f"dedupe: {printable(message)}\n")


def fail(message: str, code: int = EXIT_ERROR):
    say(message)
    raise typer.Exit(code)


@contextmanager
def errors_to_exit():
    """Turn dedupe errors into one line on stderr and exit code 2 (tracebacks with --debug)."""
    try:
        yield
    except typer.Exit:
        raise
    except BrokenPipeError:  # stdout's reader went away (``| head``): not an error
        stdout_closed()
        raise typer.Exit(EXIT_OK)
    except DedupeError as e:
        if STATE["debug"]:
            raise
        fail(str(e), e.exit_code)
    except Exception as e:  # unexpected: still one line unless --debug
        if STATE["debug"]:
            raise
        fail(f"internal error: {type(e).__name__}: {e} (run with --debug for a traceback)", 3)


class StageProgress:
    """Progress on stderr once a run is long: a bar per stage on a terminal; elsewhere (a log,
    a CI job) one line when each stage starts, so a long run is never silent until its end."""

    LOG_DELAY = 10.0  # seconds before a non-terminal run starts logging its stages

    def __init__(self, delay: float = 1.0, enabled: Optional[bool] = None, quiet: bool = False):
        self.terminal = sys.stderr.isatty() if enabled is None else enabled
        self.quiet = quiet  # --quiet: no progress either (errors are still printed)
        self.delay = delay
        self.start = time.monotonic()
        self._progress = None
        self._tasks: dict = {}
        self._logged: set = set()

    def __call__(self, stage: str, done: int, total: Optional[int]) -> None:
        if self.quiet:
            return
        elapsed = time.monotonic() - self.start
        if not self.terminal:
            if elapsed >= self.LOG_DELAY and stage not in self._logged:
                self._logged.add(stage)
                of = f" of {total}" if total and total > 1 else ""
                say(f"[{elapsed:.0f} s] {stage}: {done}{of}")
            else:
                self._logged.add(stage)  # stages begun before the delay are not logged late
            return
        if self._progress is None:
            if elapsed < self.delay:
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
        say(str(e))
    if len(errors) > limit:
        say(f"... and {len(errors) - limit} more input errors (all are in the report's errors)")



def staging(engine: str, ray_address, work_dir, partitions: int, shard_bytes: int):
    """The staged-run settings of the command line (:class:`~dedupe.distributed.Staging`), or
    None for a run in this process (the default: the staged pipeline is then not imported)."""
    from ..distributed.engine import ENGINES

    if engine not in ENGINES:
        fail(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "local" and ray_address is None and work_dir is None:
        return None
    from ..distributed.commands import Staging

    return Staging(engine, ray_address, work_dir, partitions, shard_bytes)
