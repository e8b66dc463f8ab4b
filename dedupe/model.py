"""The records that flow through dedupe and the one report model every writer renders.

Offsets everywhere are Python string indices (code points) into the text exactly as
read, half-open: ``text[start:end]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

SCHEMA_VERSION = "1.1"  # 1.1: a cluster lists a spanning set of pairs (pairs_not_listed, min_jaccard)
SEVERITIES = ("info", "warning", "error")
# what ``Report.fails`` can be asked: never, any near-duplicate cluster, any finding at or above a severity
FAIL_ON = ("never", "duplicate", *SEVERITIES)


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Source:
    """How to read a document's text again from its file (so a corpus need not hold it):
    ``kind`` is ``file`` (the whole file is the text) or ``jsonl`` (the record starting at
    byte ``offset``, its text in ``text_field``)."""

    kind: str
    offset: int = 0
    text_field: Optional[str] = None


@dataclass(frozen=True)
class Document:
    """One input article: its id, text, where it came from, and its other input fields."""

    id: str
    text: str
    path: str = ""
    line: Optional[int] = None
    fields: dict = field(default_factory=dict, compare=False, hash=False)
    source: Optional[Source] = field(default=None, compare=False, hash=False, repr=False)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True)
class InputError:
    """A file or line that could not be read; recorded in the report and skipped."""

    path: str
    line: Optional[int]
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass(frozen=True, slots=True)
class Span:
    # (slots, as Passage and Finding: two per passage, ~1.8 passages an article of generated
    # news; with slots a passage and its spans take ~380 bytes instead of ~500)
    doc: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"doc": self.doc, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem a rule found: a small immutable record with its span in one document."""

    rule: str
    severity: str
    doc: str
    start: int
    end: int
    text: str
    message: str
    suggestion: Optional[str] = None
    confidence: float = 1.0
    evidence: dict = field(default_factory=dict, compare=False, hash=False)
    # rule + doc + text + surrounding words, hashed: stable under edits elsewhere (baselines)
    fingerprint: str = ""

    def sort_key(self):
        return (self.doc, self.start, self.end, self.rule, self.message)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "doc": self.doc,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
            "confidence": round(float(self.confidence), 4),
            "evidence": self.evidence,
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True)
class Pair:
    """Two documents of a cluster, measured exactly: in a cluster, ``a`` is the representative
    and ``b`` another member; ``kind`` is ``near-duplicate`` or ``contained`` when the pair
    passes a threshold itself, ``linked`` when ``b`` joined the cluster through others."""

    a: str
    b: str
    jaccard: float
    jaccard_estimate: float
    containment_a_in_b: float
    containment_b_in_a: float
    kind: str  # "near-duplicate" | "contained" | "linked"

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "jaccard": round(self.jaccard, 4),
            "jaccard_estimate": round(self.jaccard_estimate, 4),
            "containment_a_in_b": round(self.containment_a_in_b, 4),
            "containment_b_in_a": round(self.containment_b_in_a, 4),
            "kind": self.kind,
        }


@dataclass(frozen=True)
class Cluster:
    """Near-duplicates joined by verified pairs. ``pairs`` is a spanning set: the
    representative with each other member (``len(members) - 1`` pairs); the other pairs of
    members are summarised, not listed (their number, and the lowest Jaccard listed)."""

    id: int
    representative: str
    members: tuple
    pairs: tuple

    def to_dict(self) -> dict:
        n = len(self.members)
        return {
            "id": self.id,
            "representative": self.representative,
            "members": list(self.members),
            "pairs": [p.to_dict() for p in self.pairs],
            "pairs_not_listed": n * (n - 1) // 2 - len(self.pairs),
            "min_jaccard": round(min((p.jaccard for p in self.pairs), default=1.0), 4),
        }


@dataclass(frozen=True, slots=True)
class Passage:
    """A pair of near-verbatim shared spans in two different documents."""

    a: Span
    b: Span
    words: int
    similarity: float
    kind: str  # "verbatim" | "edited"

    def to_dict(self) -> dict:
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "words": self.words,
            "similarity": round(self.similarity, 4),
            "kind": self.kind,
        }


@dataclass(slots=True)
class DocumentResult:
    """What the report says about one document (slots: one per document, millions of them)."""

    id: str
    path: str
    chars: int
    words: int
    language: str
    cluster: Optional[int] = None
    keep: bool = True
    reused_fraction: float = 0.0
    shared_with: list = field(default_factory=list)  # [{"doc": id, "fraction": f}]
    role: Optional[str] = None  # "draft" or "archive" when checking drafts against an archive
    # {"label", "score", "coverage", "sources", "direction"} when passages ran (see dedupe.derivation)
    derivation: Optional[dict] = None
    # langdetect's probability of ``language`` (None: not detected); rules use it, the report does not
    language_probability: Optional[float] = None

    def to_dict(self) -> dict:
        out = {
            "id": self.id,
            "path": self.path,
            "chars": self.chars,
            "words": self.words,
            "language": self.language,
            "cluster": self.cluster,
            "keep": self.keep,
            "reused_fraction": round(self.reused_fraction, 4),
            "shared_with": [
                {"doc": s["doc"], "fraction": round(s["fraction"], 4)} for s in self.shared_with
            ],
        }
        if self.derivation is not None:
            out["derivation"] = dict(self.derivation, sources=list(self.derivation["sources"]))
        if self.role is not None:
            out["role"] = self.role
        return out


@dataclass
class Report:
    """The single report model; the JSON, HTML and terminal writers all render this."""

    tool: dict
    parameters: dict
    generated_at: Optional[str] = None
    documents: list = field(default_factory=list)  # [DocumentResult]
    clusters: list = field(default_factory=list)  # [Cluster]
    passages: list = field(default_factory=list)  # [Passage]
    findings: list = field(default_factory=list)  # [Finding]
    errors: list = field(default_factory=list)  # [InputError]
    texts: dict = field(default_factory=dict, repr=False)  # id -> text, for renderers
    hidden_by_baseline: Optional[int] = None  # findings a baseline hid (None: no baseline)

    def fails(self, fail_on: str) -> bool:
        """Whether the report meets ``fail_on`` (one of FAIL_ON): ``never``; ``duplicate``, any
        near-duplicate cluster; or a severity, any finding at or above it."""
        if fail_on not in FAIL_ON:
            raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, got {fail_on!r}")
        if fail_on == "never":
            return False
        if fail_on == "duplicate":
            return bool(self.clusters)
        return any(severity_rank(f.severity) >= severity_rank(fail_on) for f in self.findings)

    @property
    def summary(self) -> dict:
        by_rule: dict = {}
        by_sev: dict = {}
        for f in self.findings:
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
            by_sev[f.severity] = by_sev.get(f.severity, 0) + 1
        return {
            "documents": len(self.documents),
            "clusters": len(self.clusters),
            "duplicates_dropped": sum(1 for d in self.documents if not d.keep),
            "passages": len(self.passages),
            "findings_by_rule": dict(sorted(by_rule.items())),
            "findings_by_severity": {s: by_sev[s] for s in SEVERITIES if s in by_sev},
            "errors": len(self.errors),
        }

    def document(self, doc_id: str) -> Optional[DocumentResult]:
        for d in self.documents:
            if d.id == doc_id:
                return d
        return None

    def sections(self) -> Iterator[tuple[str, Any, bool]]:
        """The report's top-level keys in order, each with its value and whether that value is
        a list made one item at a time (an iterator of dicts: the documents, clusters,
        passages, findings and errors), so that a writer need not hold them all at once."""
        yield "schema_version", SCHEMA_VERSION, False
        yield "tool", self.tool, False
        if self.generated_at is not None:
            yield "generated_at", self.generated_at, False
        yield "parameters", self.parameters, False
        for name in ("documents", "clusters", "passages", "findings", "errors"):
            yield name, (x.to_dict() for x in getattr(self, name)), True
        yield "summary", self.summary, False

    def to_dict(self) -> dict:
        return {key: list(value) if listed else value for key, value, listed in self.sections()}
