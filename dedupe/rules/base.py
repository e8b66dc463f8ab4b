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

import bisect
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable, Optional, Union

from ..config import Config
from ..model import SEVERITIES, Document, DocumentResult, Finding
from ..textutil import paragraphs, sentences


class Analysis:
    """What the rules read of one text, each part computed on first use and then shared by
    every rule: sentence and paragraph spans, the sentences of a paragraph, quotations and
    person mentions. Get it with :func:`analysis`."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def sentences(self) -> tuple:
        """``(start, end)`` of every sentence (:func:`dedupe.textutil.sentences`)."""
        return tuple(sentences(self.text))

    @cached_property
    def sentence_starts(self) -> frozenset:
        return frozenset(s for s, _ in self.sentences)

    @cached_property
    def paragraphs(self) -> tuple:
        """``(start, end)`` of every paragraph (:func:`dedupe.textutil.paragraphs`)."""
        return tuple(paragraphs(self.text))

    @cached_property
    def _starts(self) -> list:
        return [s for s, _ in self.sentences]

    def sentences_in(self, start: int, end: int) -> tuple:
        """The sentences of the paragraph ``text[start:end]``: those of the whole text inside it
        (a sentence ends at a line end, so none crosses a paragraph's bounds)."""
        i = bisect.bisect_left(self._starts, start)
        j = bisect.bisect_left(self._starts, end, i)
        return self.sentences[i:j]

    @cached_property
    def quotations(self) -> tuple:
        from ._quotes import quotations

        return tuple(quotations(self.text))

    @cached_property
    def mentions(self) -> tuple:
        """Person mentions (:func:`dedupe.rules._people.mentions`), in text order."""
        from ._people import mentions

        return tuple(mentions(self.text))


# analyses kept, least recently used dropped first, while the texts they belong to hold at
# most this many code points in all: a batch of documents goes through every document-scope
# rule, and then (in the same process) through the corpus-scope rules, with each text
# analysed once; memory stays bounded however large the corpus
ANALYSIS_CACHE_CHARS = 16_000_000
_analyses: OrderedDict = OrderedDict()
_cached_chars = 0


def forget_analyses() -> None:
    """Empty the analysis cache: for a process whose remaining work reads no analysis (the
    rules' process once pass 1 of the keyed rules is in: a cache's worth of small objects,
    ~100 MB, that pass 2 then reuses instead of growing the process), and for a benchmark
    whose checks should analyse every text as a new draft's check would, instead of finding
    the previous identical check's analyses."""
    global _cached_chars
    _analyses.clear()
    _cached_chars = 0


def analysis(doc: Union[Document, str]) -> Analysis:
    """The shared :class:`Analysis` of a document (or of a text)."""
    global _cached_chars
    text = doc if isinstance(doc, str) else doc.text
    found = _analyses.get(text)
    if found is not None:
        _analyses.move_to_end(text)
        return found
    found = _analyses[text] = Analysis(text)
    _cached_chars += len(text)
    while _cached_chars > ANALYSIS_CACHE_CHARS and len(_analyses) > 1:
        old, _ = _analyses.popitem(last=False)
        _cached_chars -= len(old)
    return found


@dataclass
class RuleContext:
    """Shared, read-only information a check may use (config, corpus-wide statistics)."""

    config: Optional[Config] = None
    shared: dict = field(default_factory=dict)  # caches computed once per run, by key
    # what ingest learned per document id (language and its probability, chars, words); empty
    # when the rules run on documents that were not ingested (examples, direct calls)
    results: Mapping[str, DocumentResult] = field(default_factory=dict)
    # the ids of the documents whose findings are kept (drafts against an archive), or None:
    # a corpus rule may skip work that makes findings only elsewhere
    only: Optional[set] = None


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
