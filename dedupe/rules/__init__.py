"""The rules registry: every module in this package that defines ``RULE`` (or ``RULES``) is a
rule; nothing is registered by hand."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from collections.abc import Mapping
from typing import Callable, Iterable, Optional

from ..baseline import with_fingerprints
from ..config import Config
from ..errors import ConfigError
from ..model import Document, DocumentResult, Finding, severity_rank
from . import _keyed
from .base import Rule, RuleContext

__all__ = ["Rule", "RuleContext", "all_rules", "select_rules", "run_rules"]

_NOT_RULES = {"base"}


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


def _document_findings(job) -> list[Finding]:
    """Findings of the document-scope rules ``rule_ids`` on a batch of documents (a worker job)."""
    return document_findings(*job)


def document_findings(rule_ids, config: Config, docs: list, results: Mapping) -> list[Finding]:
    """Findings of the document-scope rules ``rule_ids`` on ``docs`` (``results``: what
    ingest learned about them, by id)."""
    ctx = RuleContext(config=config, results=results)
    rules = {r.id: r for r in all_rules()}
    return [f for rid in rule_ids for f in rules[rid].run(docs, ctx)]


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
    batch_size: int = 200,
    results: Optional[Mapping[str, DocumentResult]] = None,
    progress=None,
    only: Optional[set] = None,
    document_findings: Optional[Callable] = None,
    keyed_findings: Optional[Callable] = None,
) -> list[Finding]:
    """Every selected rule over the documents; findings at or above ``min_severity``, sorted.

    ``results`` (document id -> what ingest learned: language, sizes) is handed to the rules
    (``ctx.results``), and documents it shows are confidently not English are not checked
    (see :func:`not_english`). Document-scope rules run over batches of documents in
    ``config.workers`` processes; corpus-scope rules with a keyed form (``rule.keyed``) run
    in two passes (:mod:`._keyed`: keyed items collected per document in ``config.workers``
    processes, then compared per key), the others see every document at once. The result
    does not depend on the number of workers. With ``only`` (a set of ids: drafts checked
    against an archive), document-scope rules run on those documents alone, since findings
    elsewhere would be dropped. ``document_findings(rule_ids, docs, results)`` (for a staged
    run) runs the document-scope rules elsewhere, with :func:`document_findings`.
    """
    from ..parallel import batches, pmap

    results = results or {}
    skip = not_english(results.values())
    docs = list(docs)
    skipped = [d for d in docs if d.id in skip]
    docs = [d for d in docs if d.id not in skip]
    ctx = RuleContext(config=config, results=results)
    floor = severity_rank(config.min_severity)
    rules = select_rules(config.select, config.ignore)
    per_doc = tuple(r.id for r in rules if r.scope == "document")
    found: list[Finding] = []
    checked = docs if only is None else [d for d in docs if d.id in only]
    if per_doc and document_findings is not None:
        found.extend(document_findings(per_doc, checked, results))
    elif per_doc:
        jobs = (
            (per_doc, config, chunk, {d.id: results[d.id] for d in chunk if d.id in results})
            for chunk in batches(checked, batch_size)
        )
        workers = getattr(config, "workers", 1) if len(checked) > batch_size else 1
        done = 0
        for chunk_findings in pmap(_document_findings, jobs, workers):
            found.extend(chunk_findings)
            done = min(done + batch_size, len(checked))
            if progress:
                progress("rules", done, len(checked))
    for rule in rules:
        if rule.scope == "corpus":
            if progress:
                progress(f"rule {rule.id}", 0, 1)
            if rule.keyed is None:
                found.extend(rule.run(docs, ctx))
            elif keyed_findings is not None:
                found.extend(keyed_findings(rule.id, docs))
            else:
                found.extend(_keyed.run(rule.id, docs, getattr(config, "workers", 1)))
            if progress:
                progress(f"rule {rule.id}", 1, 1)
    found.extend(_untranslated(skipped, len(docs), rules))
    findings = [f for f in found if severity_rank(f.severity) >= floor]
    flagged = {f.doc for f in findings}  # (only their texts: a staged run reads texts when asked)
    findings = with_fingerprints(findings, {d.id: d.text for d in docs if d.id in flagged})
    findings.sort(key=Finding.sort_key)
    return findings
