"""The ``dedupe`` command: a typer app with one module per command."""

from __future__ import annotations

from .app import app, main

__all__ = ["app", "main"]
