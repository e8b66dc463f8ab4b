"""dedupe: near-duplicates, shared wire copy and machine-translation artifacts in news corpora."""

__version__ = "0.1.0"

# the public names are imported on first use, so that ``dedupe --help`` and light imports of
# the package stay fast: scan brings numpy and the stages, Config and the records dataclasses
_PUBLIC = {
    "scan": "api",
    "Config": "config",
    **{name: "model" for name in ("Cluster", "Document", "DocumentResult", "Finding", "InputError", "Pair", "Passage", "Report", "Span")},
}


def __getattr__(name):
    if name in _PUBLIC:
        import importlib

        return getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Cluster",
    "Config",
    "Document",
    "DocumentResult",
    "Finding",
    "InputError",
    "Pair",
    "Passage",
    "Report",
    "Span",
    "scan",
    "__version__",
]
