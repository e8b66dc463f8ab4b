"""Writers render the one report model; each writes whole or not at all.

Reports are written to a temporary file beside the target and renamed over it, so a reader
never sees half a report and a failed write leaves nothing behind. A symbolic link is
followed (its target is replaced, the link stays); a device or a FIFO is written in place,
never replaced by a file; ``-`` is stdout, and a stdout closed by its reader (``| head``)
is not an error. A failed write is always an :class:`OutputError` (exit 2). The file gets the mode a
plain ``open(path, "w")`` would leave (a new file ``0o666`` less the umask, a replaced file its
old mode), not ``mkstemp``'s private ``0o600``: reports are meant to be shared.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator, Union

from ...errors import DedupeError


class OutputError(DedupeError):
    """An output file cannot be written (the message names it and says why)."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    """The mode ``open(target, "w")`` would leave: an existing file's own, else 0o666 - umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def check_writable(path: str) -> None:
    """Fail early, before a long scan, when ``path`` cannot be written (``-`` always can)."""
    if path == "-":
        return
    target = resolve(path)
    if is_stream(target):
        return
    if target.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    parent = target.parent
    for folder in (parent, *parent.parents):  # the nearest existing ancestor decides
        if folder.exists():
            if not folder.is_dir():
                raise OutputError(f"cannot write {path}: {folder} is not a folder")
            if not os.access(folder, os.W_OK | os.X_OK):
                raise OutputError(f"cannot write {path}: permission denied in {folder}")
            return


def stdout_closed() -> None:
    """The reader of stdout went away: send what is left (and Python's final flush) to
    /dev/null, so nothing more is written there and no "Broken pipe" is printed."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # pragma: no cover - stdout without a descriptor
        pass


def resolve(path: str) -> Path:
    """The file a write to ``path`` lands in: a symbolic link's target (followed to its end,
    even when the target does not exist yet), else ``path`` itself."""
    target = Path(path)
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def is_stream(target: Path) -> bool:
    """Whether ``target`` exists and is not a regular file (a device, a FIFO, a socket):
    such outputs are written in place, never replaced by a file."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextmanager
def _stdout_writer() -> Iterator[IO[str]]:
    try:
        yield sys.stdout
        sys.stdout.flush()
    except BrokenPipeError:  # its reader has what it wanted (``| head``): not an error
        stdout_closed()
    except OSError as e:  # stdout is /dev/full or a failing disk
        stdout_closed()
        raise OutputError(f"cannot write to standard output: {e.strerror or e}") from e


@contextmanager
def _stream_writer(path: str, target: Path) -> Iterator[IO[str]]:
    """Write into a device or a FIFO as it is (a FIFO's open waits for its reader)."""
    try:
        f = open(target, "w", encoding="utf-8", newline="\n")
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
    try:
        with f:
            yield f
    except BrokenPipeError:
        raise OutputError(f"cannot write {path}: its reader closed it") from None
    except OSError as e:  # ENOSPC from /dev/full, EIO
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from e


@contextmanager
def atomic_writer(path: str) -> Iterator[IO[str]]:
    """A text stream for ``path``: ``-`` is stdout; a device or a FIFO (or a link to one) is
    written in place; a regular file or a new path (or a link to one: its target) is
    replaced only when the block ends without error, through a temporary file beside it.

    An ``OSError`` (folder not creatable, permission, disk full, device full) becomes
    :class:`OutputError`. A stdout closed by its reader ends the block quietly.
    """
    if path == "-":
        with _stdout_writer() as f:
            yield f
        return
    target = resolve(path)
    if is_stream(target):
        with _stream_writer(path, target) as f:
            yield f
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
    in_body = False
    try:
        os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            in_body = True
            yield f
            in_body = False
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError) and not in_body:  # the body's own errors are its own
            raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
        raise


def atomic_write_text(path: str, text: Union[str, Iterable[str]]) -> None:
    """Write ``text`` to ``path`` (see :func:`atomic_writer`); ``-`` is stdout. ``text`` may
    be given in parts (an iterable of strings, written as they come: the whole is not held)."""
    with atomic_writer(path) as f:
        try:
            for part in (text,) if isinstance(text, str) else text:
                f.write(part)
        except OSError as e:  # disk full, quota
            if path == "-":
                raise  # the stdout writer decides
            raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
