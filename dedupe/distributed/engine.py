"""Engines: where the stage tasks run. One interface, ``map(fn, tasks) -> results``.

- :class:`LocalEngine`: this machine, with :func:`dedupe.parallel.pmap` (processes).
- :class:`RayEngine`: Ray tasks (a local Ray started here, or a running cluster).

A task is a module-level function and one small picklable argument; tasks read their inputs
from and write their outputs to files in the work folder, and return small metadata only,
so the same stage functions run under either engine.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from ..errors import ConfigError, MissingExtraError
from ..parallel import pmap

ENGINES = ("local", "ray")


class LocalEngine:
    name = "local"

    def __init__(self, workers: int = 1):
        self.workers = workers

    def map(self, fn: Callable, tasks: Sequence) -> list:
        return list(pmap(fn, tasks, self.workers))

    def close(self) -> None:
        pass


class RayEngine:
    """Ray tasks, one CPU each. ``address``: None starts a local Ray with ``num_cpus`` CPUs
    (unless this process has one already); ``"auto"`` or ``host:port`` joins a cluster."""

    name = "ray"

    def __init__(self, address: Optional[str] = None, num_cpus: Optional[int] = None):
        try:
            import ray
        except ImportError:
            raise MissingExtraError("ray", "ray", "--engine ray") from None
        self._ray = ray
        self._owned = False
        if not ray.is_initialized():
            options = dict(include_dashboard=False, logging_level="ERROR", configure_logging=False)
            if address is None:
                ray.init(num_cpus=num_cpus, **options)
            else:
                ray.init(address=address, **options)
            self._owned = True
        self._remotes: dict = {}

    def map(self, fn: Callable, tasks: Sequence) -> list:
        remote = self._remotes.get(fn)
        if remote is None:
            remote = self._remotes[fn] = self._ray.remote(num_cpus=1, max_retries=2)(fn)
        return self._ray.get([remote.remote(t) for t in tasks])

    def close(self) -> None:
        if self._owned:
            self._ray.shutdown()


def get_engine(name: str, workers: int = 1, address: Optional[str] = None):
    """The engine called ``name`` (``local`` or ``ray``)."""
    if name == "local":
        if address is not None:
            raise ConfigError("--ray-address needs --engine ray")
        return LocalEngine(workers)
    if name == "ray":
        return RayEngine(address, workers)
    raise ConfigError(f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")
