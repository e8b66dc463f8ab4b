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
from .api import scan  # noqa: E402

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
