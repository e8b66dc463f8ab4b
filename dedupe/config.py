"""Validated settings shared by every stage (signatures, LSH, clusters, passages, rules).

Settings come, in increasing priority, from the defaults here, ``[tool.dedupe]`` in a
``pyproject.toml`` or a ``dedupe.toml`` (found in the working folder or its parents), and
the command line.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .errors import ConfigError
from .model import SEVERITIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KEEP_POLICIES = ("longest", "first", "shortest")
SHINGLE_KINDS = ("word", "char")
SCHEMES = ("kperm", "oph")


@dataclass(frozen=True)
class Config:
    # near-duplicates
    ngram: int = 5
    shingle: str = "word"
    num_perm: int = 128
    seed: int = 1
    scheme: str = "oph"
    threshold: float = 0.8
    containment: float = 0.8
    keep: str = "longest"
    # recall target of the LSH banding at the threshold (bands and rows are chosen so that a
    # pair with Jaccard == threshold is a candidate with at least this probability)
    lsh_recall: float = 0.999
    # the LSH bands and rows per band, when set (both, or neither: 0 = chosen from the
    # threshold and lsh_recall, see ``lsh_params``), as datasketch's ``MinHashLSH(params=...)``
    lsh_bands: int = 0
    lsh_rows: int = 0
    # passages (shared wire copy)
    passages: bool = True
    passage_min_words: int = 8
    # word n-grams found in more documents than this are stock phrases: they seed no passage
    passage_max_df: int = 100
    # documents
    detect_language: bool = True
    # rules
    rules: bool = True
    select: tuple = ()
    ignore: tuple = ()
    min_severity: str = "info"
    # execution (never changes results)
    workers: int = 1
    batch_size: int = 1000

    def __post_init__(self):
        def bad(msg):
            raise ConfigError(msg)

        _check_types(self)

        if not isinstance(self.ngram, int) or self.ngram < 1:
            bad(f"ngram must be a positive integer, got {self.ngram!r}")
        if self.shingle not in SHINGLE_KINDS:
            bad(f"shingle must be one of {', '.join(SHINGLE_KINDS)}, got {self.shingle!r}")
        if not isinstance(self.num_perm, int) or not 16 <= self.num_perm <= 1024:
            bad(f"num_perm must be an integer between 16 and 1024, got {self.num_perm!r}")
        if not 0 <= self.seed < 2**32:  # numpy's RandomState and the hash seed take 32 bits
            bad(f"seed must be an integer from 0 to {2**32 - 1}, got {self.seed!r}")
        if self.scheme not in SCHEMES:
            bad(f"scheme must be one of {', '.join(SCHEMES)}, got {self.scheme!r}")
        for name in ("threshold", "containment"):
            v = getattr(self, name)
            if not 0.0 < v <= 1.0:
                bad(f"{name} must be in (0, 1], got {v!r}")
        if not 0.5 <= self.lsh_recall < 1.0:
            bad(f"lsh_recall must be in [0.5, 1), got {self.lsh_recall!r}")
        if self.lsh_bands < 0 or self.lsh_rows < 0 or (self.lsh_bands == 0) != (self.lsh_rows == 0):
            bad(
                f"lsh_bands and lsh_rows must both be positive (or both 0 to choose them from the "
                f"threshold), got {self.lsh_bands} and {self.lsh_rows}"
            )
        if self.lsh_bands * self.lsh_rows > self.num_perm:
            bad(
                f"lsh_bands * lsh_rows must be at most num_perm: {self.lsh_bands} * {self.lsh_rows} = "
                f"{self.lsh_bands * self.lsh_rows} > {self.num_perm}; lower them or raise num_perm"
            )
        if self.keep not in KEEP_POLICIES:
            bad(f"keep must be one of {', '.join(KEEP_POLICIES)}, got {self.keep!r}")
        if self.passage_min_words < 3:
            bad(f"passage_min_words must be at least 3, got {self.passage_min_words!r}")
        if not isinstance(self.passage_max_df, int) or self.passage_max_df < 2:
            bad(f"passage_max_df must be an integer of at least 2, got {self.passage_max_df!r}")
        if self.min_severity not in SEVERITIES:
            bad(f"min_severity must be one of {', '.join(SEVERITIES)}, got {self.min_severity!r}")
        if self.workers < 1:
            bad(f"workers must be at least 1, got {self.workers!r}")
        if self.batch_size < 1:
            bad(f"batch_size must be at least 1, got {self.batch_size!r}")
        object.__setattr__(self, "select", rule_ids(self.select))
        object.__setattr__(self, "ignore", rule_ids(self.ignore))

    @property
    def hash_scheme(self) -> str:
        """A full description of the MinHash hashing, recorded in every output."""
        from .near.signatures import scheme_description

        return scheme_description(self)

    @property
    def lsh_params(self) -> tuple[int, int]:
        """The LSH ``(bands, rows)``: as set, else chosen from the threshold and ``lsh_recall``."""
        if self.lsh_bands:
            return self.lsh_bands, self.lsh_rows
        from .near.lsh import recall_params

        return recall_params(self.threshold, self.num_perm, self.lsh_recall)

    def parameters(self) -> dict:
        """Every setting that affects results, for the report."""
        return {
            "shingle": self.shingle,
            "ngram": self.ngram,
            "num_perm": self.num_perm,
            "seed": self.seed,
            "scheme": self.scheme,
            "hash_scheme": self.hash_scheme,
            "threshold": self.threshold,
            "containment": self.containment,
            "keep": self.keep,
            "lsh_recall": self.lsh_recall,
            "lsh_bands": self.lsh_params[0],
            "lsh_rows": self.lsh_params[1],
            "passages": self.passages,
            "passage_min_words": self.passage_min_words,
            "passage_max_df": self.passage_max_df,
            "detect_language": self.detect_language,
            "rules": self.rules,
            "select": list(self.select),
            "ignore": list(self.ignore),
            "min_severity": self.min_severity,
        }


def _kind(default) -> tuple[str, tuple]:
    """What a setting whose default is ``default`` accepts: a name for messages and types."""
    if isinstance(default, bool):
        return "true or false", (bool,)
    if isinstance(default, int):
        return "an integer", (int,)
    if isinstance(default, float):
        return "a number", (int, float)
    if isinstance(default, str):
        return "a string", (str,)
    return "a list of strings", (str, list, tuple, type(None))


def _check_types(config: "Config") -> None:
    """A wrong type (``threshold = "high"``, ``passages = "no"``) is a ConfigError, not a crash
    or, worse, a truthy string taken as ``true``."""
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        name, types = _kind(f.default)
        ok = isinstance(value, types) and (bool in types or not isinstance(value, bool))
        if ok and isinstance(value, (list, tuple)):
            ok = all(isinstance(v, str) for v in value)
        if not ok:
            raise ConfigError(f"{f.name} must be {name}, got {value!r}")


def rule_ids(value) -> tuple:
    """Rule ids from a list and/or comma-separated strings: ``["a,b", "c"]`` -> ``("a", "b", "c")``."""
    items = [value] if isinstance(value, str) else list(value or ())
    return tuple(part.strip() for item in items for part in str(item).split(",") if part.strip())


CONFIG_KEYS = {f.name for f in dataclasses.fields(Config)}
# keys a config file may also hold that are CLI-level, not Config fields
EXTRA_FILE_KEYS = {"fail_on", "baseline", "json", "html"}


def find_config_file(start: Optional[Path] = None) -> Optional[Path]:
    """The nearest ``dedupe.toml``, or ``pyproject.toml`` with a ``[tool.dedupe]`` table."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        cand = folder / "dedupe.toml"
        if cand.is_file():
            return cand
        cand = folder / "pyproject.toml"
        if cand.is_file():
            try:
                data = tomllib.loads(cand.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError):
                continue
            if "dedupe" in data.get("tool", {}):
                return cand
    return None


def load_file_settings(path: Optional[Path]) -> dict:
    """Settings from a config file, keys normalised (``min-severity`` -> ``min_severity``)."""
    if path is None:
        return {}
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"{path}: cannot read config file: {e.strerror}") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from e
    if Path(path).name == "pyproject.toml":
        data = data.get("tool", {}).get("dedupe", {})
    elif "tool" in data and "dedupe" in data["tool"]:
        data = data["tool"]["dedupe"]
    out = {}
    for key, value in data.items():
        k = key.replace("-", "_")
        if k not in CONFIG_KEYS and k not in EXTRA_FILE_KEYS:
            raise ConfigError(f"{path}: unknown setting {key!r}")
        if isinstance(value, list):
            value = tuple(value)
        if k in EXTRA_FILE_KEYS and not isinstance(value, str):
            raise ConfigError(f"{path}: {key} must be a string, got {value!r}")
        out[k] = value
    try:  # check the file's own settings now, so an error names the file
        Config(**{k: v for k, v in out.items() if k in CONFIG_KEYS})
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None
    return out


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover
        return max(1, os.cpu_count() or 1)
