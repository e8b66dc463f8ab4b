"""The library entry point: ``scan(documents, config) -> Report``. No printing, no exits.

A scan runs in stages that share one Config and one Corpus:

1. ingest: read documents in batches, compute stats and MinHash signatures (in worker
   processes); texts that can be read again from their source are not held;
2. near-duplicates: LSH candidates, exact verification, clusters, keep/drop;
3. passages: shared wire copy between documents and, per document, whether it is derived
   from the others (when ``config.passages``);
4. rules: translation-artifact findings (when ``config.rules``).
"""

from __future__ import annotations

import datetime as _dt
import gc
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Optional, Union

from . import __version__
from .baseline import apply_baseline, load_baseline
from .config import Config
from .corpus import Corpus
from .ingest import DocumentLike, as_document
from .model import Document, InputError, Report
from .near import find_clusters
from .parallel import background
from .spill import trim
from . import ingest as _ingest

Progress = Callable[[str, int, Optional[int]], None]

TOOL = {"name": "dedupe", "version": __version__}


def ingest(
    documents: Iterable[DocumentLike], config: Config, progress: Optional[Progress] = None, words: bool = False
) -> tuple[Corpus, list[InputError]]:
    """Stage 1: documents in, corpus (stats, signatures; texts kept only when they cannot be
    read again) and input errors out. Batches are sketched by ``config.workers`` processes.
    ``words``: with each document's passage words too (``corpus.words``), made from the
    sketches' tokens instead of tokenising the texts again in the passage stage."""
    return _ingest.ingest(documents, config, progress, words)


def scan(
    documents: Iterable[DocumentLike],
    config: Optional[Config] = None,
    *,
    archive: Optional[Iterable[DocumentLike]] = None,
    archive_df: Optional[Callable] = None,
    baseline: Union[str, Path, list, None] = None,
    progress: Optional[Progress] = None,
    timestamp: bool = True,
    related: Optional[set] = None,
) -> Report:
    """Find near-duplicates (and, where enabled, shared passages and findings) in ``documents``.

    With ``archive`` (an editor's wire copy and earlier articles), ``documents`` are drafts
    checked against it: the archive takes part in near-duplicates, passages and corpus-wide
    rules (name variants, quote drift), but only passages that involve a draft and findings
    in drafts are reported, and every document gets ``role`` "draft" or "archive".
    ``archive_df`` gives the word n-gram document frequencies of a larger archive that
    ``archive`` is a part of (:func:`dedupe.archive.check.check` passes only the candidates).
    With ``archive_df``, ``related`` (ids of archive documents related to a draft by other
    evidence: a quotation the quote-drift rule compares) makes the rules read only the
    drafts, those, the members of a draft's cluster and the documents sharing a non-stock
    word n-gram with a draft; the other archive documents are listed (sizes,
    near-duplicates) and take no part in the passages (they pair with no draft either way)
    nor in the rules' corpus statistics. With ``archive_df``, only the clusters holding a
    draft are reported (the others would be made of a part of the archive).

    With ``baseline`` (a previous JSON report's path, or its findings as loaded by
    :func:`dedupe.baseline.load_baseline`), the findings it already holds are hidden and
    ``report.hidden_by_baseline`` says how many. ``report.fails(fail_on)`` decides a gate.

    >>> r = scan([("a", "one two three four five six"), ("b", "one two three four five six")])
    >>> [c.members for c in r.clusters]
    [('a', 'b')]
    """
    with fewer_collections():
        return _scan(documents, config or Config(), archive, archive_df, baseline, progress, timestamp, related)


# new container objects between two runs of the garbage collector's youngest generation while
# a scan runs (Python's default: 700)
GC_THRESHOLD = 20_000


@contextmanager
def fewer_collections(threshold: int = GC_THRESHOLD):
    """Run the cyclic garbage collector less often inside the block (the previous thresholds
    are restored after it). A scan allocates millions of small objects that live for a stage
    or the whole run (analyses, words, keyed items) and almost never form cycles: with the
    default threshold the collector ran about 1,200 times on ECB+, its full collections
    walking the whole growing heap again, about 1 CPU second of 9 (12%), for no memory
    (peak RSS the same with the collector off). With this threshold the youngest generation
    holds at most ``threshold`` objects, so cyclic garbage is still collected, in bounded
    time; forked workers inherit the setting. Scans running at once (threads) share one
    setting: the first to start raises it, the last to end restores it."""
    with _GC_LOCK:
        if not _gc_raised:
            _gc_raised.append(gc.get_threshold())
            gc.set_threshold(max(_gc_raised[0][0], threshold), *_gc_raised[0][1:])
        _gc_raised.append(None)
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_raised.pop()
            if len(_gc_raised) == 1:
                gc.set_threshold(*_gc_raised.pop())


_GC_LOCK = threading.Lock()
_gc_raised: list = []  # the thresholds before the first scan still running, then one entry per scan


def _scan(documents, config: Config, archive, archive_df, baseline, progress, timestamp: bool, related=None) -> Report:
    accepted = load_baseline(baseline) if isinstance(baseline, (str, Path)) else baseline
    drafts: Optional[set] = None
    if archive is not None:
        drafts = set()
        documents = _drafts_then_archive(documents, archive, drafts)
    # against a stored archive (a check), the words of the drafts and candidates are made
    # with their sketches: they are few, and all held anyway
    corpus, errors = ingest(documents, config, progress, archive_df is not None and drafts is not None and config.passages)

    # the rules need only the documents and their languages, not the clusters nor the
    # passages: with several workers they run in a process of their own from here on, so that
    # neither stage waits for the other's serial parts (banding, derivation; pass 2)
    # (not with ``related``: the rules then read the documents the passage stage reached)
    aside = config.rules and config.passages and related is None and _rules_aside(config, len(corpus))
    # the rules' process reads the documents itself, and the passages read them again here
    # (from their source when they can be read again): neither holds the other's copy
    rules = partial(_findings, corpus, config, corpus.results_by_id(), drafts, None, None, True)
    if aside:
        from .rules._lex import load_english

        # the rules' process and the passages' workers, all forked after this, share it
        # (loaded here, not in both the rules' process and this one)
        load_english()
    with background(rules) if aside else nullcontext() as rules_job:
        # (against a stored archive, of which ``archive`` is a part: the clusters of drafts alone)
        only = None if archive_df is None or drafts is None else {i for i, x in enumerate(corpus.ids) if x in drafts}
        clusters, assignment = find_clusters(corpus, config, progress, only)
        corpus.forget_signatures()
        trim_freed(corpus)  # (what the search freed amid the heap: not reused by the later stages' own)
        return finish(
            corpus,
            errors,
            clusters,
            assignment,
            config,
            drafts=drafts,
            archive_df=archive_df,
            accepted=accepted,
            progress=progress,
            timestamp=timestamp,
            documents=corpus if aside else None,
            rules_job=rules_job,
            related=related if archive_df is not None else None,
        )


def finish(
    corpus: Corpus,
    errors: list,
    clusters: list,
    assignment: dict,
    config: Config,
    *,
    drafts: Optional[set] = None,
    archive_df: Optional[Callable] = None,
    accepted: Optional[list] = None,
    progress: Optional[Progress] = None,
    timestamp: bool = True,
    elsewhere: Optional[dict] = None,
    documents: Optional[list] = None,
    texts=None,
    rules_job=None,
    related: Optional[set] = None,
) -> Report:
    """The stages after the near-duplicate search (keep/drop, passages, rules) and the
    report, given the corpus and its clusters (``assignment``: document index -> (cluster
    id, keep)); ``drafts`` and ``archive_df`` as in :func:`scan`; ``accepted``: a baseline's
    findings, hidden. :func:`scan` runs it in one
    process; a staged run (:mod:`dedupe.distributed`) after its clusters, with ``elsewhere``
    naming the steps its engine runs as tasks (``find_reuse``: the passages,
    ``document_findings`` and ``keyed_findings`` of :func:`~dedupe.rules.run_rules`).
    ``documents``: the corpus's documents when already read (or read lazily; the corpus
    itself: read as the passages go, and ``texts`` read on demand); ``texts``:
    document id -> text for the writers (default: from ``documents``, or read on demand);
    ``rules_job``: the rules' findings, started elsewhere (a
    :class:`~dedupe.parallel.Background`), taken when the passages are done; ``related``:
    see :func:`scan`."""
    elsewhere = elsewhere or {}
    for i, (cid, keep) in assignment.items():
        corpus.results[i].cluster = cid
        corpus.results[i].keep = keep

    # the texts, read once for the stages that need them (re-read from source when streaming)
    # and handed on to the writers; without those stages the writers read them on demand
    # (a staged run passes documents whose texts are read only when asked, with ``texts`` read
    # on demand too, and runs ``find_reuse`` as tasks: no text is held here)
    if documents is None:
        documents = corpus.documents if (config.passages or config.rules) else []
    if texts is None:  # (the corpus itself as ``documents``: read as the stages go, not held)
        texts = corpus.texts() if documents is corpus or not documents else {d.id: d.text for d in documents}
    if rules_job is not None and progress:
        progress("rules", 0, len(documents))
    # the rules' process beside takes a core of the workers' (it and its workers keep the
    # cores busy while the passages are found): the passages get the others, with two workers
    # this process alone (their workers' start, the words pickled back and copy-on-write cost
    # more CPU than the second core gave them)
    at = replace(config, workers=config.workers - 1) if rules_job is not None else config
    passages, reached = _passages(corpus, documents, texts, at, drafts, archive_df, progress, elsewhere)
    corpus.words = None  # (made by the ingest for the passages alone)
    if related is not None and reached is not None and drafts is not None:
        documents = _rules_documents(corpus, documents, drafts, related | reached)
    if rules_job is not None:
        findings = rules_job.result()
        if progress:
            progress("rules", len(documents), len(documents))
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
        texts=texts,
    )
    if rules_job is not None:
        report.findings = findings
    elif config.rules:
        report.findings = _findings(
            documents, config, corpus.results_by_id(), drafts,
            elsewhere.get("document_findings"), elsewhere.get("keyed_findings"), False, progress,
        )
    if accepted is not None:
        report.findings, report.hidden_by_baseline = apply_baseline(report.findings, accepted)
    return report


def _passages(corpus, documents, texts, config, drafts, archive_df, progress, elsewhere) -> tuple:
    """Stage 3: the passages (and, on the corpus's results, reuse and derivation), and the
    ids of the documents that can pair with a draft (:attr:`~dedupe.passages.Reuse.reached`,
    or None)."""
    passages, reached = [], None
    if config.passages:
        from .derivation import apply_derivation
        from .passages import apply_reuse, find_reuse

        if "find_reuse" in elsewhere:
            reuse = elsewhere["find_reuse"]()
        else:
            made = getattr(corpus, "words", None)  # (in corpus order, as ``documents`` then are)
            reuse = find_reuse(documents, config, progress, archive_df, drafts or (),
                               made if made is not None and (documents is corpus or len(documents) == len(made)) else None)
        passages, reached = reuse.passages, reuse.reached
        if drafts is not None:
            passages = [p for p in passages if p.a.doc in drafts or p.b.doc in drafts]
        trim_freed(corpus)  # (the passages' tables, freed: the derivation's cache grew the heap beside them)
        apply_reuse(corpus.results, passages, texts, reuse.words)
        apply_derivation(corpus, reuse, drafts)
        del reuse  # its words: the rules do not need them
        trim_freed(corpus)  # (this process then waits for the rules' process, a long time on a large corpus)
    return passages, reached


# fewer documents than this free too little between the stages to give back (see trim_freed)
TRIM_DOCUMENTS = 1_000


def trim_freed(corpus) -> None:
    """Give the C heap's free pages back to the system (:func:`~dedupe.spill.trim`) after a
    stage of a scan of ``TRIM_DOCUMENTS`` documents or more. A smaller scan frees a few MB
    (~30-50 KB a document), which its next stage, or the next scan in the same process (a
    server's checks), takes again: given back, they cost that one a page fault per 4 KB to
    map and zero them again. A check against 20,000 news-mode articles (~200 documents
    read) met ~3,000 page faults and ~10-15 ms of system time a check more with its three
    trims than without (docs/archive-history.md, check10)."""
    if len(corpus) >= TRIM_DOCUMENTS:
        trim()


def _rules_documents(corpus, documents: list, drafts: set, related: set) -> list:
    """Of ``documents``, the drafts, the ``related`` ones and the members of a draft's
    cluster (in corpus order)."""
    clusters = {r.cluster for r in corpus.results if r.id in drafts and r.cluster is not None}
    keep = drafts | related | {r.id for r in corpus.results if r.cluster is not None and r.cluster in clusters}
    return [d for d in documents if d.id in keep]


def _rules_aside(config: Config, documents: int) -> bool:
    """Run the rules in a process of their own beside the other stages? With several workers,
    on a corpus large enough for the rules to use workers (a small one costs less than
    another process)."""
    from .rules import BATCH

    return getattr(config, "workers", 1) > 1 and documents > BATCH


def _findings(documents, config, results, drafts, document_findings, keyed_findings, warm, progress=None) -> list:
    """Stage 4: the findings of the rules (in drafts only, with ``drafts``)."""
    from .rules import run_rules

    if warm and isinstance(documents, Corpus):  # a process of its own: what it does not use let go
        documents.forget_signatures()
        trim()
    findings = run_rules(
        documents,
        config,
        results=results,
        progress=progress,
        only=drafts,
        document_findings=document_findings,
        keyed_findings=keyed_findings,
        warm=warm,
    )
    if drafts is not None:
        findings = [f for f in findings if f.doc in drafts]
    return findings


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
