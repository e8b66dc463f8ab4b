"""A small HTTP service for newsroom systems (the ``serve`` extra: Starlette + uvicorn).

- ``POST /check``: ``{"id", "text"}`` or a list of them -> the JSON report of ``dedupe check``;
- ``POST /archive``: ``{"id", "text", ...}`` or a list -> ``{"added", "replaced", "skipped"}``
  (``?on_duplicate=error|skip|replace``, default error: 409 naming the id);
- ``GET /health``: ``{"status": "ok", "documents": n}``.

Bodies larger than ``max_bytes`` are refused (413) before they are read whole; bad input is
a 4xx JSON error ``{"error": message}``; an unexpected failure is a 500 without details (the
traceback goes to the server log, never to the client). One archive connection is shared,
one request at a time.
"""

from __future__ import annotations

import json
import logging
import threading

from .archive import ON_DUPLICATE, Archive, ArchiveError
from .errors import MissingExtraError

MAX_BYTES = 2 * 1024 * 1024
MAX_DOCUMENTS = 100
log = logging.getLogger("dedupe.serve")


class BadRequest(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def create_app(archive: Archive, max_bytes: int = MAX_BYTES, max_documents: int = MAX_DOCUMENTS):
    """The ASGI application over an open archive."""
    try:
        from starlette.applications import Starlette
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import JSONResponse, Response
        from starlette.routing import Route
    except ImportError:  # pragma: no cover
        raise MissingExtraError("starlette", "serve", "dedupe serve") from None
    from .archive.check import check
    from .io.writers.json import render

    lock = threading.Lock()

    def locked(fn, *args, **kwargs):
        with lock:
            return fn(*args, **kwargs)

    async def body_documents(request) -> list:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
            raise BadRequest(413, f"request body larger than {max_bytes} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise BadRequest(413, f"request body larger than {max_bytes} bytes")
            chunks.append(chunk)
        try:
            data = json.loads(b"".join(chunks).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise BadRequest(400, f"the body is not JSON: {e}") from None
        docs = data if isinstance(data, list) else [data]
        if not docs:
            raise BadRequest(400, "no documents in the body")
        if len(docs) > max_documents:
            raise BadRequest(413, f"at most {max_documents} documents per request, got {len(docs)}")
        for n, d in enumerate(docs):
            if not isinstance(d, dict):
                raise BadRequest(400, f"document {n}: expected an object with 'id' and 'text'")
            for key in ("id", "text"):
                if not isinstance(d.get(key), (str, int)) or (key == "text" and not isinstance(d[key], str)):
                    raise BadRequest(400, f"document {n}: '{key}' is missing or not a string")
        return docs

    def errors_as_json(handler):
        async def wrapped(request):
            try:
                return await handler(request)
            except BadRequest as e:
                return JSONResponse({"error": str(e)}, status_code=e.status)
            except ArchiveError as e:
                return JSONResponse({"error": str(e)}, status_code=409)
            except Exception:
                log.exception("internal error on %s %s", request.method, request.url.path)
                return JSONResponse({"error": "internal error"}, status_code=500)

        return wrapped

    @errors_as_json
    async def check_endpoint(request):
        docs = await body_documents(request)
        report = await run_in_threadpool(locked, check, docs, archive, timestamp=True)
        if report.errors:
            raise BadRequest(422, f"invalid document: {report.errors[0]}")
        return Response(render(report), media_type="application/json")

    @errors_as_json
    async def archive_endpoint(request):
        on_duplicate = request.query_params.get("on_duplicate", "error")
        if on_duplicate not in ON_DUPLICATE:
            raise BadRequest(400, f"on_duplicate must be one of {', '.join(ON_DUPLICATE)}, got {on_duplicate!r}")
        docs = await body_documents(request)
        result = await run_in_threadpool(locked, archive.add, docs, on_duplicate)
        if result.errors:
            raise BadRequest(422, f"invalid document: {result.errors[0]}")
        return JSONResponse({"added": result.added, "replaced": result.replaced, "skipped": result.skipped})

    @errors_as_json
    async def health(request):
        documents = await run_in_threadpool(locked, archive.store.document_count)
        return JSONResponse({"status": "ok", "documents": documents})

    return Starlette(routes=[
        Route("/check", check_endpoint, methods=["POST"]),
        Route("/archive", archive_endpoint, methods=["POST"]),
        Route("/health", health, methods=["GET"]),
    ])
