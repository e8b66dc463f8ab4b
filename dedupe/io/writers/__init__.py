"""Writers render the one report model; each writes whole or not at all.

Reports are written to a temporary file beside the target and renamed over it, so a reader
never sees half a report and a failed write leaves nothing behind. The file gets the mode a
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
from typing import IO, Iterator

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
    target = Path(path)
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


@contextmanager
def atomic_writer(path: str) -> Iterator[IO[str]]:
    """A text stream that replaces ``path`` only when the block ends without error (``-``: stdout).

    An ``OSError`` (folder not creatable, permission, disk full) becomes :class:`OutputError`.
    """
    if path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
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


def atomic_write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename; ``-`` is stdout."""
    with atomic_writer(path) as f:
        try:
            f.write(text)
        except OSError as e:  # disk full, quota
            raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
