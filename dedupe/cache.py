"""Where dedupe keeps what it builds once per machine and reuses in every later process
(wordfreq's lists as searchable tables, the HTML template's compiled code): never shipped,
rebuilt when missing."""

import os


def cache_dir() -> str:
    """``$DEDUPE_CACHE_DIR``, else ``$XDG_CACHE_HOME/dedupe``, else ``~/.cache/dedupe``."""
    if os.environ.get("DEDUPE_CACHE_DIR"):
        return os.environ["DEDUPE_CACHE_DIR"]
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "dedupe")


def writable_folder(name: str):
    """The folder ``name`` of the cache, made if missing; None when it cannot be written (a
    read-only home: the caller works without the cache)."""
    path = os.path.join(cache_dir(), name)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None
