"""Compiled kernels of the word-shingle sketch, built once per machine (numba, in the
``fast`` extra): one pass over each document's code points gives its tokens, their hashes
and its n-gram hashes; one pass over its shingles its OPH signature, and another its number
of distinct shingles (:mod:`~dedupe.near.kernels`).

They compute exactly what the array code of :mod:`~dedupe.near.fast` and
:mod:`~dedupe.near.signatures` computes (the same hash scheme, wrapping uint64 arithmetic;
the tests compare both on many texts), without numpy's pass per step: the per-character
prefix sums, the table gather, the n-gram passes, the sort of the distinct counts, the
densification's rounds.

The kernels are compiled ahead of time by numba's ``pycc`` into an extension module in
dedupe's cache folder (:mod:`dedupe.cache`), keyed by their source and numpy's version: the
first process on a machine that shingles a large enough batch builds it (in a process of its
own: numba's import and compilation, ~10 s CPU, and a C compiler to link it); every later
process imports it in about a millisecond and never imports numba (whose import and
start-up would cost ~0.9 s CPU a process). Where it cannot be built (no numba, no C
compiler) the array code runs, and a marker in the folder keeps later processes from trying
again. ``DEDUPE_COMPILED=0`` turns the kernels off.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys

# below this many code points in one call, the array code runs (unless the kernels are loaded
# already): a small scan never looks for the module, let alone builds it
WORTH_CHARS = 1 << 16

_kernels = None  # the extension module once loaded; False when it is not to be used


def loaded():
    """The kernels (the extension module) if a call before loaded them, else None."""
    return _kernels or None


def wanted(chars: int):
    """The kernels when they are worth using for a call over ``chars`` code points (loaded,
    or built first), else None: then the caller runs its array code."""
    global _kernels
    if _kernels is None and chars >= WORTH_CHARS:
        _kernels = _load() or False
    return _kernels or None


def _folder():
    """The cache folder of this version of the kernels (their source, numpy's version, the
    interpreter), or None when the cache cannot be written."""
    import numpy as np

    from ..cache import writable_folder

    with open(os.path.join(os.path.dirname(__file__), "kernels.py"), "rb") as f:
        key = hashlib.sha256(f.read() + f"|{np.__version__}|{sys.implementation.cache_tag}".encode()).hexdigest()
    return writable_folder(os.path.join("near-kernels", key[:16]))


def _module_path(folder: str, name: str) -> str:
    return os.path.join(folder, name + importlib.machinery.EXTENSION_SUFFIXES[0])


def _load():
    if os.environ.get("DEDUPE_COMPILED", "1") == "0":
        return None
    folder = _folder()
    if folder is None:
        return None
    name = "_dedupe_near_kernels"
    path = _module_path(folder, name)
    try:
        if not os.path.exists(path) and not _build(folder, path):
            return None
    except (ImportError, OSError, subprocess.SubprocessError):  # (no fcntl, a full disk: the array code)
        return None
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except ImportError:
        return None
    return module


def _build(folder: str, path: str) -> bool:
    """Build the module into ``folder`` (once: a lock keeps concurrent processes from building
    it twice; a failure is recorded in ``failed``, and not tried again)."""
    import fcntl

    failed = os.path.join(folder, "failed")
    if os.path.exists(failed) or importlib.util.find_spec("numba") is None:
        return False
    with open(os.path.join(folder, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(path):
            return True
        if sys.stderr is not None and sys.stderr.isatty():
            print("dedupe: compiling the near-duplicate kernels for this machine (once; numba)", file=sys.stderr)
        tmp = os.path.join(folder, f"build-{os.getpid()}")
        os.makedirs(tmp, exist_ok=True)
        proc = subprocess.run([sys.executable, "-m", "dedupe.near.kernels", tmp], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": _import_root()})
        built = _module_path(tmp, "_dedupe_near_kernels")
        if proc.returncode or not os.path.exists(built):
            with open(failed, "w") as f:
                f.write(proc.stdout[-4000:] + proc.stderr[-4000:])
            return False
        os.replace(built, path)
        shutil.rmtree(tmp, ignore_errors=True)
        return True


def _import_root() -> str:
    """The folder the running ``dedupe`` package is imported from, first on the build's path
    (so the build compiles this very source), then the caller's own path."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])
