"""The HTML report: one self-contained page (inline CSS, no external requests, readable
without JavaScript), rendered from the report model through jinja2 with autoescaping.

Sections: overview (parameters, documents, clusters, pairs of documents sharing text),
one section per document (full text with shared passages and findings highlighted), and
side-by-side views of the pairs of documents that share the most text, then the parameters.

The page stays a size a browser opens in seconds whatever the number of shared passages:
at most ``MAX_DOCUMENTS`` documents, ``MAX_PASSAGES_PER_DOCUMENT`` highlighted passages per
document (the longest), ``MAX_SHARED_WITH`` documents named per row of the document table, ``MAX_PAIR_ROWS`` rows of document pairs and ``MAX_SIDE_BY_SIDE``
side-by-side views (the pairs sharing the most words); each cap says how many were left
out, and the JSON report always has everything. Document ids and texts are isolated
bidirectionally (``<bdi>``, ``dir="auto"``), and control characters are shown as visible
symbols (U+2400 block), never written raw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import jinja2
import markupsafe

from ...cache import writable_folder
from ...model import SEVERITIES, Report, severity_rank
from . import atomic_write_text
from .highlight import Mark, segments


@dataclass
class PairView:
    index: int
    a: str
    b: str
    passages: list = field(default_factory=list)  # [(number in report, Passage)]

    @property
    def words(self) -> int:
        return sum(p.words for _, p in self.passages)


MAX_PASSAGES_PER_DOCUMENT = 20
MAX_SHARED_WITH = 5  # documents listed in a row of the document table (those sharing the most)
MAX_PAIR_ROWS = 300
MAX_SIDE_BY_SIDE = 50

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def visible_controls(value):
    """Control characters (other than tab and newlines) as their U+2400 pictures, one
    character for one, so a NUL or an ESC is seen, and never reaches the page raw."""
    if not isinstance(value, str) or isinstance(value, markupsafe.Markup):  # markup: finalized inside
        return value
    return _CONTROL.sub(lambda m: "\u2421" if m.group() == "\x7f" else chr(0x2400 + ord(m.group())), value)


def _env(cached: bool = False) -> jinja2.Environment:
    folder = writable_folder("jinja2") if cached else None
    env = jinja2.Environment(
        bytecode_cache=jinja2.FileSystemBytecodeCache(folder) if folder else None,
        finalize=visible_controls,
        loader=jinja2.PackageLoader("dedupe", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["pct"] = lambda x: f"{100 * x:.0f}%"
    env.filters["severity_rank"] = severity_rank
    env.filters["severity_name"] = lambda rank: SEVERITIES[rank]
    return env


def _doc_anchor(index: int) -> str:
    return f"doc-{index}"


MAX_DOCUMENTS = 1000  # documents whose full text the page shows; the JSON always has all


def _shown(report: Report, max_documents: int) -> list:
    """The documents the page shows, in input order, up to ``max_documents``: the drafts and the
    archive documents they share text or a cluster with, when drafts are checked against an
    archive; else all of a small corpus, and in a large one those that share text, have findings
    or are duplicates."""
    if any(d.role for d in report.documents):  # drafts against an archive
        involved = {s.doc for p in report.passages for s in (p.a, p.b)}
        clusters = {d.cluster for d in report.documents if d.role == "draft" and d.cluster is not None}
        return [
            d for d in report.documents
            if d.role == "draft" or d.id in involved or (d.cluster is not None and d.cluster in clusters)
        ][:max_documents]
    if len(report.documents) <= max_documents:
        return list(report.documents)
    involved = {f.doc for f in report.findings}
    involved.update(s.doc for p in report.passages for s in (p.a, p.b))
    return [d for d in report.documents if d.id in involved or d.cluster is not None][:max_documents]


def _view(report: Report, max_documents: int = MAX_DOCUMENTS) -> dict:
    shown = _shown(report, max_documents)
    shown_ids = {d.id for d in shown}
    index = {d.id: i for i, d in enumerate(report.documents)}
    findings_by_doc: dict = {}
    for n, f in enumerate(report.findings):
        if f.doc in shown_ids:
            findings_by_doc.setdefault(f.doc, []).append((n, f))
    pairs: dict = {}
    marks_by_doc: dict = {d.id: [] for d in shown}
    per_doc: dict = {d.id: [] for d in shown}  # passage numbers by document, longest first
    for n, p in enumerate(report.passages):
        if p.a.doc in shown_ids and p.b.doc in shown_ids:
            per_doc[p.a.doc].append(n)
            per_doc[p.b.doc].append(n)
    highlighted, passages_omitted = set(), {}
    for doc_id, ns in per_doc.items():
        ns.sort(key=lambda n: (-report.passages[n].words, n))
        highlighted.update((doc_id, n) for n in ns[:MAX_PASSAGES_PER_DOCUMENT])
        passages_omitted[doc_id] = max(0, len(ns) - MAX_PASSAGES_PER_DOCUMENT)
    for n, p in enumerate(report.passages):
        if p.a.doc not in shown_ids or p.b.doc not in shown_ids:
            continue
        key = tuple(sorted((p.a.doc, p.b.doc), key=lambda d: index.get(d, 0)))
        pair = pairs.setdefault(key, PairView(len(pairs), *key))
        pair.passages.append((n, p))
        for side, other in ((p.a, p.b), (p.b, p.a)):
            if (side.doc, n) in highlighted:
                there = f"{_doc_anchor(index.get(other.doc, 0))}"
                marks_by_doc[side.doc].append(
                    Mark(
                        side.start,
                        side.end,
                        {
                            "kind": "passage",
                            "n": n,
                            "passage": p,
                            "id": f"{_doc_anchor(index[side.doc])}-p{n}",
                            "target": f"{there}-p{n}" if (other.doc, n) in highlighted else there,
                            "other": other,
                        },
                    )
                )
    for doc_id, items in findings_by_doc.items():
        for n, f in items:
            if doc_id in marks_by_doc:
                marks_by_doc[doc_id].append(
                    Mark(f.start, f.end, {"kind": "finding", "n": n, "finding": f, "id": f"finding-{n}"})
                )
    by_words = sorted(pairs.values(), key=lambda pv: (-pv.words, pv.index))
    with_side = {pv.index for pv in by_words[:MAX_SIDE_BY_SIDE]}
    pair_rows = sorted(by_words[:MAX_PAIR_ROWS], key=lambda pv: pv.index)
    pair_list = sorted((pv for pv in by_words if pv.index in with_side), key=lambda pv: pv.index)
    docs = []
    for d in shown:
        i = index[d.id]
        text = report.texts.get(d.id, "")
        docs.append(
            {
                "result": d,
                "anchor": _doc_anchor(i),
                "segments": segments(text, marks_by_doc[d.id]),
                "findings": findings_by_doc.get(d.id, []),
                "passages": len(per_doc[d.id]),
                "passages_omitted": passages_omitted.get(d.id, 0),
                "shared": sorted(d.shared_with, key=lambda x: -x["fraction"])[:MAX_SHARED_WITH],
                "shared_more": max(0, len(d.shared_with) - MAX_SHARED_WITH),
                "has_text": d.id in report.texts,
            }
        )
    fractions = {d.id: {s["doc"]: s["fraction"] for s in d.shared_with} for d in report.documents}
    sides = []
    for pv in pair_list:
        cols = []
        for me, other, side in ((pv.a, pv.b, "a"), (pv.b, pv.a, "b")):
            marks = []
            for k, (n, p) in enumerate(pv.passages):
                mine, theirs = (p.a, p.b) if p.a.doc == me else (p.b, p.a)
                target_side = "b" if side == "a" else "a"
                marks.append(
                    Mark(
                        mine.start,
                        mine.end,
                        {
                            "kind": "passage",
                            "n": n,
                            "label": k + 1,
                            "passage": p,
                            "id": f"pair-{pv.index}-{side}-{k + 1}",
                            "target": f"pair-{pv.index}-{target_side}-{k + 1}",
                            "other": theirs,
                        },
                    )
                )
            cols.append(
                {
                    "doc": me,
                    "anchor": _doc_anchor(index.get(me, 0)),
                    "fraction": fractions.get(me, {}).get(other, 0.0),
                    "segments": segments(report.texts.get(me, ""), marks),
                }
            )
        sides.append({"pair": pv, "columns": cols, "anchor": f"pair-{pv.index}"})
    return {
        "report": report,
        "summary": report.summary,
        "docs": docs,
        "doc_anchor": {d.id: _doc_anchor(index[d.id]) for d in shown},
        "omitted": len(report.documents) - len(shown),
        "pairs": pair_rows,
        "pair_count": len(pairs),
        "with_side": with_side,
        "sides_omitted": len(pairs) - len(pair_list),
        "fractions": fractions,
        "sides": sides,
    }


TEMPLATE = "report.html.j2"


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    """The report's template, made once per process, its compiled code kept by jinja2's own
    bytecode cache in the user's cache (``dedupe.cache``; keyed by the template's checksum
    and the Python version): parsing it and generating the code took ~30 ms of every scan that
    writes HTML. Without a writable cache, compiled in each process as before."""
    return _env(cached=True).get_template(TEMPLATE)


def render(report: Report, max_documents: int = MAX_DOCUMENTS) -> str:
    return _template().render(**_view(report, max_documents))


def write(report: Report, path: str, max_documents: int = MAX_DOCUMENTS) -> None:
    atomic_write_text(path, render(report, max_documents))
