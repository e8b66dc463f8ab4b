"""dedupe: near-duplicates, shared wire copy and machine-translation artifacts in news corpora."""

__version__ = "0.1.0"

from .config import Config  # noqa: E402
from .model import (  # noqa: E402
    Cluster,
    Document,
    DocumentResult,
    Finding,
    InputError,
    Pair,
    Passage,
    Report,
    Span,
)


def __getattr__(name):
    # scan (numpy, the near-duplicate stages) is imported on first use, so that
    # ``dedupe --help`` and light imports of the package stay fast
    if name == "scan":
        from .api import scan

        return scan
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
