"""The rules registry: every module in this package that defines ``RULE`` (or ``RULES``) is a
rule; nothing is registered by hand."""

from __future__ import annotations

import importlib
import os
import pickle
import pkgutil
import tempfile
from collections import Counter
from contextlib import contextmanager, suppress
from functools import lru_cache
from collections.abc import Mapping
from typing import Callable, Iterable, Optional

from ..baseline import fill_fingerprints
from ..config import Config
from ..errors import ConfigError
from ..model import Document, DocumentResult, Finding, severity_rank
from ..parallel import Arrivals
from . import _keyed
from .base import Rule, RuleContext, forget_analyses

__all__ = ["Rule", "RuleContext", "all_rules", "select_rules", "run_rules"]

_NOT_RULES = {"base"}
# documents per worker job of the document-scope rules (fewer: no workers)
BATCH = 200


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    rules = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _NOT_RULES:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found = list(getattr(module, "RULES", ()))
        if hasattr(module, "RULE"):
            found.append(module.RULE)
        rules.extend(found)
    ids = [r.id for r in rules]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise RuntimeError(f"duplicate rule ids: {sorted(dup)}")
    return tuple(sorted(rules, key=lambda r: r.id))


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    rules = {r.id: r for r in all_rules()}
    unknown = [i for i in (*select, *ignore) if i not in rules]
    if unknown:
        raise ConfigError(f"unknown rule id(s): {', '.join(unknown)} (see 'dedupe rules')")
    chosen = [r for r in rules.values() if not select or r.id in select]
    return [r for r in chosen if r.id not in set(ignore)]


def document_findings(rule_ids, config: Config, docs: list, results: Mapping) -> list[Finding]:
    """Findings of the document-scope rules ``rule_ids`` on ``docs`` (``results``: what
    ingest learned about them, by id)."""
    ctx = RuleContext(config=config, results=results)
    rules = {r.id: r for r in all_rules()}
    return [f for rid in rule_ids for f in rules[rid].run(docs, ctx)]


_per_document = document_findings


def _findings(rules, docs: list, config: Config, results: Mapping, only, batch_size: int, progress, warm=False) -> list:
    """The findings of ``rules`` over ``docs``, in the order of :func:`run_rules`: those of the
    document-scope rules (on ``only`` when given) in document order, then each corpus rule's.

    One set of jobs does the work, in ``config.workers`` processes when there are more than
    ``batch_size`` documents. A batch job runs the document-scope rules and pass 1 of the
    keyed rules on a batch of documents, so that what they share of a document (sentences,
    quotations, person mentions) is computed once; each corpus rule without a keyed form runs
    over every document in one job. With several workers pass 1 of the other batches comes
    first, in jobs of its own, then the whole-corpus rules, then the document-scope rules of
    those batches: pass 2 of the keyed rules runs here as soon as pass 1 is done, while the
    workers go on, and the first pass over the documents of a keyed rule that has passes
    (gender-mismatch resolves every document's pronouns) is dealt out to the workers in jobs
    per batch, behind the others (:func:`_keyed.planned`, then :func:`_keyed.finished` with
    their results). The documents reach the workers once (:class:`~dedupe.parallel.Workers`'
    ``shared``); a job names its rule or its batch. With ``warm`` (a process of its own beside
    the other stages), the first batch runs here before the workers start, which then share
    the word lists it loaded and the analyses computed ahead (:func:`_analyse_ahead`), and
    pass 1 of the other batches runs here too while the workers run the document-scope jobs:
    its items (tens of MB on a few thousand articles) are then not pickled in the workers and
    unpickled here, which cost more CPU than the second process saved."""
    per_doc = tuple(r.id for r in rules if r.scope == "document")
    whole = [("rule", r.id) for r in rules if r.scope == "corpus" and r.keyed is None]
    keyed = tuple(r.id for r in rules if r.scope == "corpus" and r.keyed is not None)
    spans = [(s, min(s + batch_size, len(docs))) for s in range(0, len(docs), batch_size)] if per_doc or keyed else []
    workers = getattr(config, "workers", 1) if len(docs) > batch_size else 1
    drafts = None if only is None else [d for d in docs if d.id in only]  # (a keyed rule's focus)
    shared = (docs, per_doc, keyed, config, results, only, drafts)
    with _Collected(keyed, spans, progress) as run:
        _run_jobs(run, docs, keyed, whole, spans, workers, shared, only, warm)
        return run.found(rules)


def _run_jobs(run, docs, keyed, whole, spans, workers, shared, only, warm) -> None:
    """The jobs of :func:`_findings`, their outputs taken by ``run`` (a :class:`_Collected`)."""
    from ..parallel import Workers, pmap
    from ..spill import trim

    if workers <= 1 or not keyed:
        jobs = [*(("batch", *sp, True, True) for sp in spans), *whole]
        here = 1 if warm and spans else 0
        for job, out in zip(jobs, pmap(_rules_job, jobs, workers, shared, ahead=len(jobs), here=here)):
            if run.take(job, out):
                for rid in run.largest_first():
                    run.by_rule[rid] = _keyed.conclude(rid, *run.pass1(rid), docs, only)
        return
    jobs = [("batch", *spans[0], True, True), *(("batch", *sp, False, True) for sp in spans[1:]), *whole,
            *(("batch", *sp, True, False) for sp in spans[1:])]
    if warm:  # the first batch here, then what it used of the analysis for every document
        run.take(jobs[0], _rules_job(shared, jobs[0]))
        _analyse_ahead(docs, docs[spans[0][0] : spans[0][1]])
        jobs = jobs[1:]
    states: dict = {}  # keyed rule -> its plan, while its first pass runs in the workers
    visits: dict = {}  # keyed rule -> that pass's results (_keyed.Visits), one per batch
    plans: list = []  # the files of those plans (see _plan_file)
    with _removed(plans), Workers(workers, shared) as pool:  # (the workers stopped first)
        # every job in flight (they are small: a rule id, a range); with ``warm``, pass 1
        # runs here meanwhile (its items are not pickled back from the workers). The jobs of
        # the document-scope rules alone are taken as they come (their findings go to a
        # file), not held in their futures until this loop reaches them, after pass 2
        futures = {}
        for job in jobs:
            if job[0] == "batch" and not job[4]:
                run.document.add(pool.submit(_rules_job, job), job[1])
            elif not (warm and job[0] == "batch" and job[4]):
                futures[job] = pool.submit(_rules_job, job)
        for job in jobs:
            if job[0] == "batch" and not job[4]:
                continue
            if not run.take(job, futures.pop(job).result() if job in futures else _rules_job(shared, job)):
                continue
            forget_analyses()  # (the workers have theirs: here the rest reads no analysis)
            trim()
            dealt = [rid for rid in keyed if _keyed.keyed_rule(rid).passes and only is None]
            for rid in dealt:
                states[rid] = _keyed.planned(rid, *run.pass1(rid), docs, only)
                plans.append(_plan_file(states[rid][0]))
                visits[rid] = _keyed.Visits()  # (taken as they come: their results are not held)
                for sp in spans:
                    visits[rid].add(pool.submit(_rules_job, ("visit", rid, *sp, plans[-1])))
            for rid in run.largest_first():
                if rid not in dealt:
                    run.by_rule[rid] = _keyed.conclude(rid, *run.pass1(rid), docs, only)
        for rid, taken in visits.items():
            first = taken.result()
            run.by_rule[rid] = _keyed.finished(rid, states[rid], docs, first)
            first[0].close()
        run.document.wait()


class _Collected:
    """What the jobs of :func:`_findings` gave so far."""

    def __init__(self, keyed: tuple, spans: list, progress):
        self.keyed, self.spans, self.progress = keyed, spans, progress
        self.by_rule: dict = {}  # rule id -> its findings
        # batch start -> its findings of the document-scope rules, pickled in a file
        self.document = _Pickled(lambda done: progress("rules", done, len(spans)) if progress else None)
        # per keyed rule, its pass-1 items grouped by key as the batches come (in job order,
        # which is corpus order): the items are not held per batch
        self.groups: dict = {rid: _keyed.new_groups(_keyed.keyed_rule(rid)) for rid in keyed}
        self.collected = 0  # batches whose pass 1 is in
        # the pass-1 tallies, added up as the batches come (in job order, which is corpus
        # order): not held per batch
        self.tallies: dict = {rid: Counter() for rid in keyed}
        self.items: Counter = Counter()  # keyed rule -> its pass-1 items so far

    def take(self, job: tuple, out) -> bool:
        """Note the output of a job; True when it completes pass 1 of the keyed rules."""
        if job[0] == "rule":
            self.by_rule[job[1]] = out
            return False
        _, start, end, check, collect = job
        if check:
            self.document.put(start, out[0])
        if not collect:
            return False
        for rid, (items, tally) in out[1].items():
            _keyed.group_into(self.groups[rid], items)
            self.tallies[rid].update(tally)
            self.items[rid] += _keyed.pairs(items)
        self.collected += 1
        return self.collected == len(self.spans)

    def largest_first(self) -> list:
        """The keyed rules, those with the most pass-1 items first (then by id): each rule's
        items are freed once it is concluded, so the largest set of items is not held while
        another rule's pass 2 builds its own tables (name-variant's relatedness held
        quote-drift's 1.4M items at 10k articles). Each rule's findings do not depend on this
        order (:meth:`found` orders them by rule)."""
        return sorted(self.keyed, key=lambda rid: (-self.items[rid], rid))

    def pass1(self, rid: str) -> tuple:
        """The pass-1 items of ``rid`` grouped by key and its tally added up, for
        :func:`_keyed.planned`; no longer held here afterwards, so that each rule's
        items are freed once it is concluded."""
        return self.groups.pop(rid), self.tallies.pop(rid)

    def found(self, rules) -> list:
        found = self.document.found()
        for rule in rules:
            found.extend(self.by_rule.get(rule.id, ()))
        return found

    def __enter__(self) -> "_Collected":
        return self

    def __exit__(self, *exc) -> None:
        self.document.close()


class _Pickled(Arrivals):
    """The findings of the document-scope rules of each batch, pickled by the job that found
    them (:func:`_rules_job`) and kept in a temporary file (:class:`~dedupe.spill.Records`)
    until the end of the stage, read back in batch order by :meth:`found`: as objects, held
    from their batch's job to the end (through pass 2 of the keyed rules, where the rules'
    process peaks), they were ~1 KB an article. A batch's pickle comes either from this
    thread (:meth:`put`) or from a worker's future, taken when it is done (:meth:`add`, with
    the batch's start: the future is not kept, nor its result); :meth:`wait` for those."""

    def __init__(self, progress):
        super().__init__()
        self._progress, self._records, self._at = progress, None, {}

    def put(self, start: int, pickled: bytes) -> None:
        with self._done:
            if self._records is None:
                from ..spill import Records

                self._records = Records()
            self._at[start] = len(self._records)
            self._records.add(pickled)
            self._progress(len(self._at))

    def arrived(self, start: int, result) -> None:
        self.put(start, result[0])

    def found(self) -> list:
        """Every batch's findings, in batch order."""
        return [f for start in sorted(self._at) for f in pickle.loads(self._records.get(self._at[start]))]

    def close(self) -> None:
        if self._records is not None:
            self._records.close()


def _plan_file(plan) -> str:
    """A keyed rule's plan written once to a file for the jobs of its first pass, each of
    which names the file (:func:`_plan_in`): pickled into every batch's job, the plan (the
    corpus' evidence, growing with it: a few MB at 100k articles) was pickled and unpickled
    once per 200 documents."""
    fd, path = tempfile.mkstemp(prefix="dedupe-plan-", suffix=".pkl")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(plan, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


_PLANS: dict = {}  # in a worker: plan file -> the plan read from it


def _plan_in(path: str):
    """The plan in a file of :func:`_plan_file`, read once per process."""
    if path not in _PLANS:
        with open(path, "rb") as fh:
            _PLANS[path] = pickle.load(fh)
    return _PLANS[path]


@contextmanager
def _removed(paths: list):
    """Remove the files ``paths`` holds when the block ends."""
    try:
        yield
    finally:
        for path in paths:
            with suppress(OSError):
                os.unlink(path)


def _analyse_ahead(docs: list, sample: list) -> None:
    """Compute the parts of the shared analysis the rules used on ``sample`` (person mentions,
    quotations, sentences ...) for the other documents too, as far as the analysis cache holds
    them: workers started after this inherit them, instead of each computing those of the
    documents its jobs read (a batch's pass 1 and its document-scope rules may run in two
    workers, a whole-corpus rule reads every document)."""
    from .base import ANALYSIS_CACHE_CHARS, analysis

    parts = sorted({name for d in sample for name in vars(analysis(d)) if name != "text"})
    room = ANALYSIS_CACHE_CHARS
    for d in docs:
        room -= len(d.text)
        if room < 0:
            break
        for name in parts:
            getattr(analysis(d), name)


def _rules_job(shared, job) -> tuple:
    """A job of :func:`_findings`: a corpus rule's findings; for a batch of documents, the
    findings of the document-scope rules (``check``) and the pass-1 items of the keyed rules
    (``collect``); or the first pass of a keyed rule over a batch (:func:`_keyed.visit`)."""
    docs, per_doc, keyed, config, results, only, drafts = shared
    if job[0] == "visit":  # the first pass of a keyed rule over a batch, given its plan's file
        _, rid, start, end, path = job
        return _keyed.visit(_keyed.keyed_rule(rid).passes[0], _plan_in(path), list(enumerate(docs[start:end], start)), {})
    ctx = RuleContext(config=config, results=results, only=only)
    if job[0] == "rule":
        return list({r.id: r for r in all_rules()}[job[1]].run(docs, ctx))
    _, start, end, check, collect = job
    batch = docs[start:end]
    findings = None
    if check:  # (pickled here: kept so until the end of the stage, see _Pickled)
        checked = batch if only is None else [d for d in batch if d.id in only]
        rules = {r.id: r for r in all_rules()}
        findings = pickle.dumps([f for rid in per_doc for f in rules[rid].run(checked, ctx)], pickle.HIGHEST_PROTOCOL)
    return findings, _keyed.collect(keyed, list(enumerate(batch, start)), drafts) if collect else None


# documents at least this long whose detected language is not English are not checked: the
# rules look for translation artifacts in English text (a Russian article is not a Russian
# "stray token" or "foreign fragment" in English). Shorter texts are too short to trust
# language identification ("plain" comes out as French), so they are checked anyway.
MIN_CHARS_FOR_LANGUAGE = 200


def not_english(results) -> set[str]:
    """Ids of the documents (``DocumentResult``s) the rules skip: confidently not English."""
    return {
        r.id
        for r in results
        if r.language not in (None, "unknown") and not r.language.startswith("en") and r.chars >= MIN_CHARS_FOR_LANGUAGE
    }


def _untranslated(skipped: list, checked: int, rules) -> list[Finding]:
    """One document-level foreign-fragment finding per skipped (not English) document, when
    the corpus is mostly English: an untranslated article among translations."""
    if not skipped or len(skipped) >= checked or "foreign-fragment" not in {r.id for r in rules}:
        return []
    from .foreign_fragment import whole_document

    return [whole_document(d) for d in skipped]


def run_rules(
    docs: Iterable[Document],
    config: Config,
    batch_size: int = BATCH,
    results: Optional[Mapping[str, DocumentResult]] = None,
    progress=None,
    only: Optional[set] = None,
    document_findings: Optional[Callable] = None,
    keyed_findings: Optional[Callable] = None,
    warm: bool = False,
) -> list[Finding]:
    """Every selected rule over the documents; findings at or above ``min_severity``, sorted.

    ``results`` (document id -> what ingest learned: language, sizes) is handed to the rules
    (``ctx.results``), and documents it shows are confidently not English are not checked
    (see :func:`not_english`). Document-scope rules run over batches of documents in
    ``config.workers`` processes; corpus-scope rules with a keyed form (``rule.keyed``) run
    in two passes (:mod:`._keyed`: keyed items collected per document in the same jobs,
    then compared per key), the others see every document at once, each in one job beside
    the batches (see :func:`_findings`). The result
    does not depend on the number of workers. With ``only`` (a set of ids: drafts checked
    against an archive), document-scope rules run on those documents alone, since findings
    elsewhere would be dropped. ``document_findings(rule_ids, docs, results)`` (for a staged
    run) runs the document-scope rules elsewhere, with :func:`document_findings`. ``warm``:
    for a process that runs beside other work (see :func:`_findings`).
    """
    results = results or {}
    skip = not_english(results.values())
    from ..corpus import Corpus  # (not at import: numpy)

    if isinstance(docs, Corpus):  # read in batches as the rules go, not held (see Corpus.view)
        ids = docs.ids
        skipped = [docs.document(i) for i, d in enumerate(ids) if d in skip]
        docs = docs.view(i for i, d in enumerate(ids) if d not in skip)
    else:
        docs = list(docs)
        skipped = [d for d in docs if d.id in skip]
        docs = [d for d in docs if d.id not in skip]
    ctx = RuleContext(config=config, results=results, only=only)
    floor = severity_rank(config.min_severity)
    rules = select_rules(config.select, config.ignore)
    per_doc = tuple(r.id for r in rules if r.scope == "document")
    found: list[Finding] = []
    if document_findings is None and keyed_findings is None:
        found = _findings(rules, docs, config, results, only, batch_size, progress, warm)
    else:  # a staged run: its engine runs the per-document steps as tasks
        checked = docs if only is None else [d for d in docs if d.id in only]
        if per_doc and document_findings is not None:
            found.extend(document_findings(per_doc, checked, results))
        elif per_doc:
            found.extend(_per_document(per_doc, config, checked, results))
        for rule in rules:
            if rule.scope == "corpus":
                if rule.keyed is None:
                    found.extend(rule.run(docs, ctx))
                elif keyed_findings is not None:
                    found.extend(keyed_findings(rule.id, docs))
                else:
                    found.extend(_keyed.run(rule.id, docs, getattr(config, "workers", 1)))
    found.extend(_untranslated(skipped, len(docs), rules))
    findings = [f for f in found if severity_rank(f.severity) >= floor]
    flagged = {f.doc for f in findings}  # (only their texts: a staged run reads texts when asked)
    fill_fingerprints(findings, ((d.id, d.text) for d in docs if d.id in flagged))
    findings.sort(key=Finding.sort_key)
    return findings
