"""Baselines: hide findings already accepted in a previous JSON report.

A finding is matched by its fingerprint: a hash of the rule, the document id, the flagged
text and the few words around it on the same line (case and whitespace folded). Raw offsets take no part, so
an edit elsewhere in the document does not bring an accepted finding back; an edit next to
it does, on purpose (the context changed, an editor should look again). Reports without
fingerprints (older versions) are matched on rule, document, text and message.

Matching counts occurrences: two accepted findings with the same fingerprint hide at most
two current ones, so a third copy of the same problem is new.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from .errors import ConfigError
from .model import Finding

CONTEXT_WORDS = 4
_STRING_KEYS = ("rule", "doc", "text", "message", "fingerprint")
_WORD = re.compile(r"\w+")


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def fingerprint(rule: str, doc: str, text: str, start: int, end: int) -> str:
    """A stable id of the finding ``rule`` at ``text[start:end]`` of document ``doc``."""
    line_start = text.rfind("\n", 0, start) + 1  # context stays inside the finding's own line
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = _WORD.findall(text[max(line_start, start - 200) : start])[-CONTEXT_WORDS:]
    after = _WORD.findall(text[end : min(line_end, end + 200)])[:CONTEXT_WORDS]
    key = "\x1f".join([rule, doc, _fold(text[start:end]), _fold(" ".join(before)), _fold(" ".join(after))])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def with_fingerprints(findings: Iterable[Finding], texts: dict) -> list[Finding]:
    """The findings with their ``fingerprint`` filled from the documents' texts."""
    return fill_fingerprints(list(findings), texts.items())


def fill_fingerprints(findings: list, texts: Iterable) -> list[Finding]:
    """Fill the ``fingerprint`` of ``findings`` (a list, changed in place and returned) from
    ``texts``, ``(document id, text)`` pairs taken one at a time (a document met again
    fills its findings again). Each text is needed only while its findings are filled: a
    scan gives its documents one after the other instead of a dict of every flagged
    document's text (most of the corpus' text, held at the end of the rules' stage), and a
    finding is replaced in the list, so that the findings are not held twice."""
    of_doc: dict = {}
    for n, f in enumerate(findings):
        of_doc.setdefault(f.doc, []).append(n)
    for doc_id, text in texts:
        for n in of_doc.get(doc_id, ()):
            f = findings[n]
            findings[n] = replace(f, fingerprint=fingerprint(f.rule, f.doc, text, f.start, f.end))
    return findings


def _fallback_key(f: dict) -> tuple:
    return (f.get("rule"), f.get("doc"), _fold(f.get("text") or ""), f.get("message"))


def load_baseline(path) -> list[dict]:
    """The findings of a previous JSON report (``dedupe scan --json``)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: baseline is not UTF-8 text: {e.reason}") from e
    except OSError as e:
        raise ConfigError(f"{path}: cannot read baseline: {e.strerror}") from e
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: baseline is not JSON: {e}") from e
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(findings, list):
        raise ConfigError(f"{path}: baseline is not a dedupe JSON report (no 'findings' list)")
    accepted = []
    for n, f in enumerate(findings, start=1):
        if not isinstance(f, dict):
            continue
        wrong = [k for k in _STRING_KEYS if f.get(k) is not None and not isinstance(f[k], str)]
        if wrong:
            raise ConfigError(f"{path}: baseline finding {n}: {', '.join(wrong)} must be text")
        accepted.append(f)
    return accepted


def apply_baseline(findings: list[Finding], accepted: list[dict]) -> tuple[list[Finding], int]:
    """``(new findings, number hidden)``: findings not in the accepted ones."""
    by_print = Counter(f["fingerprint"] for f in accepted if f.get("fingerprint"))
    by_key = Counter(_fallback_key(f) for f in accepted if not f.get("fingerprint"))
    kept, hidden = [], 0
    for f in findings:
        key = _fallback_key(f.to_dict())
        if f.fingerprint and by_print[f.fingerprint] > 0:
            by_print[f.fingerprint] -= 1
            hidden += 1
        elif by_key[key] > 0:
            by_key[key] -= 1
            hidden += 1
        else:
            kept.append(f)
    return kept, hidden
