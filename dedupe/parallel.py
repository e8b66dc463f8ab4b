"""An ordered, bounded parallel map over chunks of work, with processes.

``pmap(fn, chunks, workers)`` yields ``fn(chunk)`` for every chunk in input order, whatever
the number of workers, so results never depend on it. With one worker it runs in this process
(no pickling). At most ``2 * workers`` chunks are in flight, so memory stays bounded while a
large input streams through. ``fn`` must be a module-level function (picklable).

Stages other than signatures (passage alignment, per-document rules) can reuse it:
``for results in pmap(check_batch, batches(docs, 200), config.workers): ...``. Data every
chunk needs (the words of all documents, for aligning pairs of them) goes in ``shared``:
``fn(shared, chunk)`` is called, and ``shared`` reaches each worker once, when it starts
(with fork, the default where it exists, it is not copied at all), not with every chunk.

Workers end with their parent: when the map is left early (an error, an interrupt, a
signal, a consumer that stops), the workers are terminated at once instead of finishing
their queue; on Linux each worker also asks the kernel for SIGTERM when its parent dies
(even by SIGKILL). Workers ignore SIGINT: the terminal's Ctrl-C reaches the whole process
group, and only the parent decides what an interrupt means. Workers run at a lower priority
than their parent (``WORKER_NICENESS``).

``Workers(n, shared)`` is the pool under ``pmap``, for jobs submitted as earlier results
come in (:meth:`Workers.submit`).

``background(fn, *args)`` runs one function in another process while this one goes on (the
rules beside the passages); it may start its own workers.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
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


_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4  # glibc's mallopt parameters


def keep_freed_memory() -> bool:
    """Ask glibc's allocator to keep freed memory for the next allocations (no ``mmap`` per
    large block, no trimming of the heap), in this process and the workers it forks: a
    process that makes and drops many arrays of tens of MB (a bulk ``archive add``) then
    stops paying page faults to map and zero them again (20,000 articles: 4.3 -> 2.0 CPU
    seconds of system time, peak RSS +5%). Whether the request was taken (False where the
    C library is not glibc)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return False
    return bool(mallopt(_M_MMAP_MAX, 0)) and bool(mallopt(_M_TRIM_THRESHOLD, 1 << 30))


def _context():
    # fork is cheap and safe here (workers only compute); fall back where it does not exist
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


_PR_SET_PDEATHSIG = 1


_NOTHING = object()
_shared = _NOTHING  # in a worker: the ``shared`` argument of the pmap that started it


# how much lower a map's workers run than the process that waits for them: a process that
# has serial work to do while workers run (the rules' pass 2 beside their batches, the
# passages' banding beside the rules) is not slowed by them; alone on a machine, workers
# still take every idle core
WORKER_NICENESS = 5


def _worker_init(parent: int, shared=_NOTHING, niceness: int = WORKER_NICENESS) -> None:
    """In each worker: default SIGTERM, no SIGINT, SIGTERM when the parent dies, and a lower
    priority (``niceness``) than the parent's."""
    global _shared
    _shared = shared
    if niceness:
        try:
            os.nice(niceness)
        except (OSError, AttributeError):  # pragma: no cover - no nice on this platform
            pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):  # pragma: no cover - no prctl
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Terminate the workers now: queued and running chunks are abandoned."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(timeout=2)


def _first_submit(pool: ProcessPoolExecutor, *job):
    """The first ``pool.submit``, which forks the workers, with this process's objects frozen
    (``gc.freeze``): the workers' garbage collector then never walks them, so that it neither
    spends time on them nor writes to their pages (which fork shares until written)."""
    gc.freeze()
    try:
        return pool.submit(*job)
    finally:
        gc.unfreeze()


def _with_shared(fn: Callable, chunk):
    return fn(_shared, chunk)


class Workers:
    """``workers`` processes that run jobs as they are submitted: ``submit(fn, chunk)`` (with
    ``shared``: ``fn(shared, chunk)`` in the worker, ``shared`` reaching each worker once, when
    it starts) returns a :class:`~concurrent.futures.Future`. The workers are forked at the
    first submission, with this process's objects frozen (see :func:`_first_submit`). For a
    caller whose later jobs depend on the results of earlier ones (the keyed rules' passes
    after their pass 1); :func:`pmap` is the ordered map over it. Use it as a context manager:
    leaving the block normally waits for the jobs, leaving it early (an error, an interrupt,
    a generator closed) terminates the workers at once."""

    def __init__(self, workers: int, shared=_NOTHING):
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=_context(), initializer=_worker_init, initargs=(os.getpid(), shared)
        )
        self._shared = shared is not _NOTHING
        self._started = False

    def submit(self, fn: Callable, chunk) -> Future:
        job = (_with_shared, fn, chunk) if self._shared else (fn, chunk)
        if self._started:
            return self._pool.submit(*job)
        self._started = True
        return _first_submit(self._pool, *job)

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, kind, *exc) -> None:
        if kind is None:
            self._pool.shutdown(wait=True)
        else:  # an error, an interrupt, or a consumer that stopped early
            _stop(self._pool)


def pmap(
    fn: Callable[..., R], chunks: Iterable[T], workers: int = 1, shared=_NOTHING, ahead: int = 0, here: int = 0
) -> Iterator[R]:
    """``fn(chunk)`` (``fn(shared, chunk)`` when ``shared`` is given) over ``chunks`` in order,
    with up to ``workers`` processes; in this process when there is a single chunk (a small
    input need not start workers that each load the word lists and language profiles again).
    ``ahead``: chunks in flight at most (default ``2 * workers``; more when the first chunks
    take much longer than the rest, so that the other workers do not wait for them).
    ``here``: the first chunks run in this process before the workers start, so that the
    workers (forked) share what those loaded (word lists, caches) instead of each loading it:
    for a process that runs beside other work (see :func:`background`)."""
    chunks = iter(chunks)
    first = list(itertools.islice(chunks, here + 2))
    chunks = itertools.chain(first, chunks)
    if workers <= 1 or len(first) < here + 2:
        for chunk in chunks:
            yield fn(chunk) if shared is _NOTHING else fn(shared, chunk)
        return
    for chunk in itertools.islice(chunks, here):
        yield fn(chunk) if shared is _NOTHING else fn(shared, chunk)
    with Workers(workers, shared) as pool:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.submit(fn, chunk))
            if len(pending) >= max(ahead, 2 * workers):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _run_shared():
    fn, args = _shared
    return fn(*args)


class Background:
    """``fn(*args)`` running in one other process (see :func:`background`)."""

    def __init__(self, fn: Callable, args: tuple):
        self._pool = ProcessPoolExecutor(
            max_workers=1, mp_context=_context(), initializer=_worker_init, initargs=(os.getpid(), (fn, args), 0)
        )
        self._future = _first_submit(self._pool, _run_shared)

    def result(self):
        """Wait for the result (an exception of ``fn`` is raised here)."""
        try:
            out = self._future.result()
        except BaseException:
            _stop(self._pool)
            raise
        self._pool.shutdown(wait=True)
        return out

    def __enter__(self) -> "Background":
        return self

    def __exit__(self, *exc) -> None:
        if not self._future.done() or exc[0] is not None:
            _stop(self._pool)  # left early (an error or an interrupt here): the process ends now
        else:
            self._pool.shutdown(wait=True)


def background(fn: Callable[..., R], *args) -> Background:
    """Start ``fn(*args)`` in one other process and return at once: this process goes on with
    other work and takes the result with ``.result()``. With fork the arguments are not copied
    or pickled (only the result is); ``fn`` may start its own :func:`pmap` workers. Use it as a
    context manager: leaving the block early ends the process. For a stage that does not
    depend on the one this process runs meanwhile (the rules while the passages are found)."""
    return Background(fn, args)


class Arrivals:
    """The results of futures taken as each is done, in the thread that completes it (the
    futures, and so their results, are not kept): a subclass's :meth:`arrived` keeps what it
    needs of each, under the lock (a future done before :meth:`add` calls back in the
    caller's thread while the executor's thread may be calling back for another);
    :meth:`wait` returns once every future added is in, raising the first error met."""

    def __init__(self):
        self._left, self._error, self._done = 0, None, threading.Condition()  # (an RLock inside)

    def add(self, future, tag=None) -> None:
        with self._done:
            self._left += 1
        future.add_done_callback(lambda done: self._take(tag, done))

    def arrived(self, tag, result) -> None:
        raise NotImplementedError

    def _take(self, tag, future) -> None:
        with self._done:
            try:
                self.arrived(tag, future.result())
            except BaseException as error:  # (given to the caller by wait)
                self._error = self._error or error
            self._left -= 1
            self._done.notify_all()

    def wait(self) -> None:
        with self._done:
            self._done.wait_for(lambda: self._left == 0)
        if self._error is not None:
            raise self._error
