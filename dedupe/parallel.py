"""An ordered, bounded parallel map over chunks of work, with processes.

``pmap(fn, chunks, workers)`` yields ``fn(chunk)`` for every chunk in input order, whatever
the number of workers, so results never depend on it. With one worker it runs in this process
(no pickling). At most ``2 * workers`` chunks are in flight, so memory stays bounded while a
large input streams through. ``fn`` must be a module-level function (picklable).

Stages other than signatures (passage alignment, per-document rules) can reuse it:
``for results in pmap(check_batch, batches(docs, 200), config.workers): ...``.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    it = iter(items)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


def _context():
    # fork is cheap and safe here (workers only compute); fall back where it does not exist
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def pmap(fn: Callable[[T], R], chunks: Iterable[T], workers: int = 1) -> Iterator[R]:
    """``fn`` over ``chunks`` in order, with up to ``workers`` processes."""
    if workers <= 1:
        for chunk in chunks:
            yield fn(chunk)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.submit(fn, chunk))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
