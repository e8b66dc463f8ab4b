"""Kernels compiled ahead of time, once per machine (numba's ``pycc``, in the ``fast``
extra), and loaded by every later process without importing numba.

A kernels module (``dedupe.near.kernels`` is one) holds numba functions, a ``MODULE`` name,
and a ``build(folder)`` that compiles them into an extension module there (with the ``CC`` of
:func:`compiler`, for this machine's CPU); ``python -m <kernels module> FOLDER`` runs it.
:class:`Kernels` finds that extension in dedupe's cache (:mod:`dedupe.cache`), keyed by the
kernels' source, numpy's version, the interpreter and the CPU (see :func:`cpu`), builds it
the first time it is wanted (in a process of its own: numba's import and
compilation take seconds, and a C compiler links the module), and imports it (about a
millisecond). Where it cannot be built (no numba, no C compiler) the caller runs its own
array code, and a ``failed`` marker in the folder keeps later processes from trying again.
``DEDUPE_COMPILED=0`` turns every kernels module off.

Each caller keeps its array code as the reference; its tests compare both on many inputs.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys


class Kernels:
    """The compiled extension of one kernels module ``source`` (a dotted module name whose
    ``MODULE`` is ``name``), described as ``what`` in the one message a build prints."""

    def __init__(self, source: str, name: str, what: str):
        self.source, self.name, self.what = source, name, what
        self.module = None  # the extension once loaded; False when it is not to be used

    def loaded(self):
        """The extension module if a call before loaded it, else None."""
        return self.module or None

    def wanted(self, size: int, worth: int):
        """The extension module when it is worth using for a call over ``size`` items, at
        least ``worth`` (loaded, or built first), else None: then the caller runs its own
        array code. A small call never looks for the module, let alone builds it."""
        if self.module is None and size >= worth:
            self.module = self.load() or False
        return self.module or None

    def folder(self):
        """The cache folder of this version of the kernels, or None when the cache cannot be
        written."""
        import numpy as np

        from .cache import writable_folder

        with open(importlib.util.find_spec(self.source).origin, "rb") as f:  # (found, not imported)
            source = f.read()
        key = hashlib.sha256(source + f"|{np.__version__}|{sys.implementation.cache_tag}|{cpu()}".encode()).hexdigest()
        return writable_folder(os.path.join(self.source.replace(".", "-"), key[:16]))

    def load(self):
        """The extension module (built first if missing), or None where it is not to be used."""
        if os.environ.get("DEDUPE_COMPILED", "1") == "0":
            return None
        folder = self.folder()
        if folder is None:
            return None
        path = _module_path(folder, self.name)
        try:
            if not os.path.exists(path) and not self._build(folder, path):
                return None
        except (ImportError, OSError, subprocess.SubprocessError):  # (no fcntl, a full disk: the array code)
            return None
        try:
            spec = importlib.util.spec_from_file_location(self.name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        except ImportError:
            return None
        return module

    def _build(self, folder: str, path: str) -> bool:
        """Build the module into ``folder`` (once: a lock keeps concurrent processes from
        building it twice; a failure is recorded in ``failed``, and not tried again)."""
        import fcntl

        failed = os.path.join(folder, "failed")
        if os.path.exists(failed) or importlib.util.find_spec("numba") is None:
            return False
        with open(os.path.join(folder, "lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if os.path.exists(path):
                return True
            if sys.stderr is not None and sys.stderr.isatty():
                print(f"dedupe: compiling {self.what} for this machine (once; numba)", file=sys.stderr)
            tmp = os.path.join(folder, f"build-{os.getpid()}")
            os.makedirs(tmp, exist_ok=True)
            proc = subprocess.run([sys.executable, "-m", self.source, tmp], capture_output=True, text=True,
                                  env={**os.environ, "PYTHONPATH": _import_root()})
            built = _module_path(tmp, self.name)
            if proc.returncode or not os.path.exists(built):
                with open(failed, "w") as f:
                    f.write(proc.stdout[-4000:] + proc.stderr[-4000:])
                return False
            os.replace(built, path)
            shutil.rmtree(tmp, ignore_errors=True)
            return True


def cpu() -> str:
    """What identifies this machine's CPU, for code generated for it: the first processor's
    vendor, family, model, model name and flags (the features it offers, as a virtual
    machine reports them) from ``/proc/cpuinfo`` (Linux, ~0.1 ms), or "" where it cannot be
    read (then the kernels are built for the architecture's generic CPU). A cache folder
    copied to another CPU has another key there, so its module is never loaded there."""
    try:
        with open("/proc/cpuinfo", "rb") as f:
            first = f.read(1 << 14).split(b"\n\n", 1)[0]
    except OSError:
        return ""
    wanted = (b"vendor_id", b"cpu family", b"model", b"model name", b"flags", b"Features", b"CPU part")
    fields = [line for line in first.splitlines() if line.split(b":", 1)[0].strip() in wanted]
    return hashlib.sha256(b"\n".join(fields)).hexdigest()[:16] if fields else ""


def compiler(name: str, folder: str):
    """numba's pycc ``CC`` for the extension module ``name`` in ``folder`` (for a kernels
    module's ``build``), generating code for this machine's CPU: its model and the features
    it reports, as numba's JIT does (pycc's default, a generic CPU of the architecture, made
    the near-duplicate word kernel ~15% slower); a generic CPU where :func:`cpu` cannot tell
    the CPU (the key would not tell two machines apart)."""
    from numba.pycc import CC

    cc = CC(name)
    cc.output_dir = folder
    try:  # (numba's own classes, not its public interface: where they differ, a generic CPU)
        from numba.core.codegen import AOTCPUCodegen

        host_features = AOTCPUCodegen._get_host_cpu_features
        AOTCPUCodegen._customize_tm_features
    except (ImportError, AttributeError):
        return cc
    if cpu():
        cc.target_cpu = "host"  # (LLVM's name of this CPU)
        # pycc leaves the features to the model's defaults, which a virtual machine may not
        # offer all of: the features the CPU reports, as the JIT takes them (the build is a
        # process of its own, see Kernels._build)
        AOTCPUCodegen._customize_tm_features = host_features
    return cc


def build(name: str, exports, folder: str) -> None:
    """Compile ``exports`` (``(name, function, signature)`` each) into the extension module
    ``name`` in ``folder`` (numba's pycc for this machine's CPU, :func:`compiler`; a C compiler
    links it): a kernels module's ``build(folder)``."""
    cc = compiler(name, folder)
    for export, function, signature in exports:
        cc.export(export, signature)(function)
    cc.compile()


def _module_path(folder: str, name: str) -> str:
    return os.path.join(folder, name + importlib.machinery.EXTENSION_SUFFIXES[0])


def _import_root() -> str:
    """The folder the running ``dedupe`` package is imported from, first on the build's path
    (so the build compiles this very source), then the caller's own path."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])
