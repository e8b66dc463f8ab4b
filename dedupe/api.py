"""The library entry point: ``scan(documents, config) -> Report``. No printing, no exits.

A scan runs in stages that share one Config and one Corpus:

1. ingest: read documents in batches, compute stats and MinHash signatures (in worker
   processes); texts that can be read again from their source are not held;
2. near-duplicates: LSH candidates, exact verification, clusters, keep/drop;
3. passages: shared wire copy between documents (when ``config.passages``);
4. rules: translation-artifact findings (when ``config.rules``).
"""

from __future__ import annotations

import datetime as _dt
from typing import Callable, Iterable, Optional, Union

from . import __version__
from .config import Config
from .corpus import Corpus
from .model import Document, InputError, Report
from .near import find_clusters
from . import ingest as _ingest

DocumentLike = Union[Document, InputError, dict, tuple, str]
Progress = Callable[[str, int, Optional[int]], None]

TOOL = {"name": "dedupe", "version": __version__}


def as_document(item: DocumentLike, index: int) -> Union[Document, InputError]:
    """Accept Documents, ``(id, text)`` tuples, ``{"id", "text", ...}`` dicts or bare strings.

    A document whose text is not a string or not valid Unicode (a lone surrogate such as
    JSON's ``"\\ud800"``) becomes an InputError naming where it came from."""
    doc = _as_document(item, index)
    if isinstance(doc, Document):
        problem = _text_problem(doc.text) or _text_problem(doc.id, "id")
        if problem:
            return InputError(doc.path, doc.line, problem)
    return doc


def _text_problem(text, what: str = "text") -> Optional[str]:
    if not isinstance(text, str):
        return f"{what} must be a string, got {type(text).__name__}"
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        return f"{what} is not valid Unicode: unpaired surrogate U+{ord(text[e.start]):04X} at offset {e.start}"
    return None


def _as_document(item: DocumentLike, index: int) -> Union[Document, InputError]:
    if isinstance(item, (Document, InputError)):
        return item
    if isinstance(item, str):
        return Document(id=str(index), text=item, path=f"<{index}>")
    if isinstance(item, tuple) and len(item) == 2:
        return Document(id=str(item[0]), text=item[1], path=f"<{index}>")
    if isinstance(item, dict):
        for key in ("id", "text"):
            if item.get(key) is None:
                return InputError(f"<{index}>", None, f"missing {key!r} in the document dict")
        fields = {k: v for k, v in item.items() if k != "text"}
        return Document(id=str(item["id"]), text=item["text"], path=f"<{index}>", fields=fields)
    raise TypeError(f"cannot make a document of {type(item).__name__}")


def ingest(
    documents: Iterable[DocumentLike], config: Config, progress: Optional[Progress] = None
) -> tuple[Corpus, list[InputError]]:
    """Stage 1: documents in, corpus (stats, signatures; texts kept only when they cannot be
    read again) and input errors out. Batches are sketched by ``config.workers`` processes."""
    return _ingest.ingest(documents, config, as_document, progress)


def scan(
    documents: Iterable[DocumentLike],
    config: Optional[Config] = None,
    *,
    archive: Optional[Iterable[DocumentLike]] = None,
    progress: Optional[Progress] = None,
    timestamp: bool = True,
) -> Report:
    """Find near-duplicates (and, where enabled, shared passages and findings) in ``documents``.

    With ``archive`` (an editor's wire copy and earlier articles), ``documents`` are drafts
    checked against it: the archive takes part in near-duplicates, passages and corpus-wide
    rules (name variants, quote drift), but only passages that involve a draft and findings
    in drafts are reported, and every document gets ``role`` "draft" or "archive".

    >>> r = scan([("a", "one two three four five six"), ("b", "one two three four five six")])
    >>> [c.members for c in r.clusters]
    [('a', 'b')]
    """
    config = config or Config()
    drafts: Optional[set] = None
    if archive is not None:
        drafts = set()
        documents = _drafts_then_archive(documents, archive, drafts)
    corpus, errors = ingest(documents, config, progress)

    clusters, assignment = find_clusters(
        corpus.ids, [r.chars for r in corpus.results], corpus.sizes, corpus.signatures, corpus.text, config, progress
    )
    return finish(corpus, errors, clusters, assignment, config, drafts=drafts, progress=progress, timestamp=timestamp)


def finish(
    corpus: Corpus,
    errors: list,
    clusters: list,
    assignment: dict,
    config: Config,
    *,
    drafts: Optional[set] = None,
    progress: Optional[Progress] = None,
    timestamp: bool = True,
) -> Report:
    """The stages after the near-duplicate search (keep/drop, passages, rules) and the
    report, given the corpus and its clusters (``assignment``: document index -> (cluster
    id, keep)). :func:`scan` runs it in one process; a staged run
    (:mod:`dedupe.distributed`) after its clusters."""
    for i, (cid, keep) in assignment.items():
        corpus.results[i].cluster = cid
        corpus.results[i].keep = keep

    # the texts, read once for the stages that need them (re-read from source when streaming)
    documents = corpus.documents if (config.passages or config.rules) else []
    passages = []
    if config.passages:
        from .passages import apply_reuse, find_passages

        passages = find_passages(documents, config, progress)
        if drafts is not None:
            passages = [p for p in passages if p.a.doc in drafts or p.b.doc in drafts]
        apply_reuse(corpus, passages)
    if drafts is not None:
        for result in corpus.results:
            result.role = "draft" if result.id in drafts else "archive"

    report = Report(
        tool=dict(TOOL),
        parameters=config.parameters(),
        generated_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds") if timestamp else None,
        documents=corpus.results,
        clusters=clusters,
        passages=passages,
        errors=errors,
        texts=corpus.texts(),
    )
    if config.rules:
        from .rules import not_english, run_rules

        report.findings = run_rules(documents, config, skip=not_english(corpus.results))
        if drafts is not None:
            report.findings = [f for f in report.findings if f.doc in drafts]
    return report


def _drafts_then_archive(documents, archive, drafts: set):
    """The drafts (their ids collected in ``drafts``), then the archive, as one stream."""
    n = -1
    for n, item in enumerate(documents):
        doc = as_document(item, n)
        if isinstance(doc, Document):
            drafts.add(doc.id)
        yield doc
    for m, item in enumerate(archive, start=n + 1):
        yield as_document(item, m)
