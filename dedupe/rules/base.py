"""What a rule is: an id, a default severity, a one-line description, should-flag and
should-pass examples kept beside it, and a check that yields findings.

Two kinds of rule:

- ``scope="document"``: ``check(doc, ctx)`` sees one document at a time (parallel-friendly);
- ``scope="corpus"``: ``check(docs, ctx)`` sees every document (name variants, quote drift,
  repeated boilerplate).

An example is a text (one document) or, for corpus rules, a tuple of texts (a corpus). For a
should-flag example, the span the rule must flag can be marked with ``[[`` and ``]]``; the
test then checks that some finding covers it. Unmarked flag examples only need a finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from ..config import Config
from ..model import SEVERITIES, Document, DocumentResult, Finding

@dataclass
class RuleContext:
    """Shared, read-only information a check may use (config, corpus-wide statistics)."""

    config: Optional[Config] = None
    shared: dict = field(default_factory=dict)  # caches computed once per run, by key
    # what ingest learned per document id (language and its probability, chars, words); empty
    # when the rules run on documents that were not ingested (examples, direct calls)
    results: Mapping[str, DocumentResult] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    description: str
    check: Callable
    should_flag: tuple = ()
    should_pass: tuple = ()
    scope: str = "document"  # or "corpus"
    # (path, precision) pairs: the measured precision of each way the rule reaches a finding,
    # which is the ``confidence`` of findings of that path (see docs/accuracy.md)
    confidence: tuple = ()
    # a corpus rule run in two passes over keyed items (``rules._keyed.Keyed``), or None
    keyed: Optional[object] = None

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.id}: severity must be one of {SEVERITIES}")
        if self.scope not in ("document", "corpus"):
            raise ValueError(f"rule {self.id}: scope must be 'document' or 'corpus'")

    def finding(
        self,
        doc: Document,
        start: int,
        end: int,
        message: str,
        suggestion: Optional[str] = None,
        confidence: float = 1.0,
        evidence: Optional[dict] = None,
        severity: Optional[str] = None,
    ) -> Finding:
        """A finding of this rule on ``doc.text[start:end]``."""
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            doc=doc.id,
            start=start,
            end=end,
            text=doc.text[start:end],
            message=message,
            suggestion=suggestion,
            confidence=max(0.0, min(1.0, float(confidence))),
            evidence=evidence or {},
        )

    def run(self, docs: list[Document], ctx: RuleContext) -> Iterable[Finding]:
        if self.scope == "corpus":
            yield from self.check(docs, ctx)
        else:
            for doc in docs:
                yield from self.check(doc, ctx)
