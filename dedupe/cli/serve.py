"""``dedupe serve``: the HTTP service over an archive (needs the ``serve`` extra)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import MissingExtraError
from . import common as c
from .app import app
from .check import Archive


@app.command()
def serve(
    archive: Archive,
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS", help="Address to listen on (localhost unless told).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="N", help="Port to listen on.")] = 8000,
    max_bytes: Annotated[int, typer.Option("--max-bytes", metavar="BYTES", help="Largest request body accepted.")] = 2 * 1024 * 1024,
):
    """Serve POST /check, POST /archive and GET /health over the archive (pip install
    'dedupe-news[serve]'). Errors are JSON with a 4xx status; tracebacks stay in this log."""
    with c.errors_to_exit():
        try:
            import uvicorn
        except ImportError:
            raise MissingExtraError("uvicorn", "serve", "dedupe serve") from None
        from ..archive import Archive as ArchiveStore
        from ..serve import create_app

        with ArchiveStore.open(archive, create=False) as store:
            uvicorn.run(create_app(store, max_bytes=max_bytes), host=host, port=port, log_level="warning")
