"""``broken-sentence``: a sentence that starts in lower case after a full stop ("they
reported. the British media."), or a sentence cut by a line break in its middle.

Text laid out one sentence per line (transcripts, subtitles, corpora rebuilt from a sentence
splitter) breaks lines where a splitter breaks sentences, so a line that starts in lower
case after a line ending in ! ? ; : or an ellipsis is layout; after a full stop it is a fault
as it is inside a line. Lines wrapped at a width or by hand (most inner lines end without a
sentence mark), datelines under a headline and web addresses rebuilt from tokens
("example. com") are not sentences split in the wrong place.

Lower case is normal after many things that end in a dot, so these do not count: known
abbreviations (e.g., i.e., etc., a.m., Jan.), initials, ellipses, a question or exclamation
mark (often inside a quote: '"Why?" she asked'), closing quotes, and words that are written in
lower case at the start of a sentence on purpose: brand names with inner capitals (iPhone,
eBay), words with digits, URLs, e-mail addresses, handles, and name particles before a
capitalised name (de Gaulle, van Gogh).
"""

from __future__ import annotations

import re

from ..textutil import _CLOSERS, _SENTENCE_END, _last_mark, hard_wrapped
from ._abbrev import in_split_address as _in_split_address
from ._abbrev import is_abbreviation as _is_abbreviation
from .base import Rule, analysis

_PARTICLES = {"de", "van", "von", "da", "di", "du", "del", "della", "der", "den", "le", "la", "al", "el", "bin",
              "ibn", "ter", "ten", "dos", "das", "d", "y", "zu", "af", "ben", "abu", "bint", "ap", "mc", "dei"}
# a dot that may end a sentence, then space, then a lower-case letter
_DOT_LOWER = re.compile(r"\.(?<=[^\W\d_]\.)(\s+)(?=[a-z])")  # (the dot first: a fast search)
_TOKEN = re.compile(r"\S+")
_FRAGMENT_MAX_WORDS = 12


def _word_before(text: str, dot: int) -> str:
    m = re.search(r"(\S+)$", text[max(0, dot - 40) : dot])
    return m.group(1) if m else ""


def _lowercase_on_purpose(text: str, start: int) -> bool:
    """The lower-case word at ``start`` is one that is written that way (iPhone, x86, www...)."""
    m = _TOKEN.match(text, start)
    token = m.group() if m else ""
    word = re.match(r"[\w'’.@/:-]+", token)
    word = word.group() if word else token
    if re.fullmatch(r"[a-z][.)]", token):
        return True  # an inline list: a) ... b) ...
    if any(ch.isupper() for ch in word[1:]) or any(ch.isdigit() for ch in word):
        return True  # iPhone, eBay, mRNA, p53
    if re.match(r"(?:https?:|www\.|\w+\.(?:com|org|net|gov|edu|io)\b)", word) or "@" in word or "/" in word:
        return True
    bare = word.strip(".,;:'’").lower()
    nxt = _TOKEN.match(text, m.end() + 1) if m and m.end() < len(text) else None
    if bare in _PARTICLES and nxt and nxt.group()[:1].isupper():
        return True  # de Gaulle, van Gogh
    return False


def _clause_start(text: str, para_start: int, dot: int) -> int:
    """Start of the clause that ends at ``dot``: after the last , ; : or sentence end, at
    most six words back."""
    seg = text[para_start:dot]
    cut = max(seg.rfind(c) for c in ",;:.!?")
    start = para_start + cut + 1 if cut >= 0 else para_start
    words = list(re.finditer(r"\S+", text[start:dot]))
    if len(words) > 6:
        start += words[-6].start()
    while start < dot and text[start].isspace():
        start += 1
    return start


def _fragment_end(text: str, start: int, para_end: int) -> int:
    """End of the lower-case fragment: its sentence if short, else its first six words."""
    m = re.compile(r"[.!?…]+['\"’”)]*(?=\s|$)").search(text, start, para_end)
    end = m.end() if m else para_end
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) > _FRAGMENT_MAX_WORDS:
        end = start + words[5].end()
    return end


def _is_bullet_or_list(text: str, s: int, e: int) -> bool:
    line = text[s:e]
    return bool(re.match(r"\s*(?:[-*•·–—]|\d+[.)]|[a-z][.)])\s", line))


_DATELINE = re.compile(r"\d{1,2}:\d{2}|\b(?:19|20)\d{2}\b|\b\d{1,2}(?:st|nd|rd|th)?\b")


def _is_dateline(text: str, s: int, e: int) -> bool:
    """A short line giving a date or time ("on May 2, 2008 at 4:31 AM", "updated 3 / 14 / 2011"):
    page furniture under a headline, not a sentence."""
    from ._lex import fold, wordlist

    line = text[s:e]
    words = re.findall(r"[^\W\d_]+", line)
    if len(line.split()) > 16 or not _DATELINE.search(line):
        return False
    return bool(re.search(r"\d{1,2}:\d{2}", line)) or any(fold(w) in wordlist("calendar") for w in words)


def _blank_line_between(text: str, a: int, b: int) -> bool:
    return text.count("\n", a, b) >= 2


def _after_previous(text: str, prev, start: int, wrapped: bool):
    """How a lower-case paragraph start relates to the paragraph before it: ``None`` when the
    break is layout or follows a mark lower case may follow (one sentence per line: a
    transcript, subtitles, text rebuilt from a sentence splitter, where '"Stop!" / he shouted'
    or 'as teenagers; / we parents' are split at the line break), else the kind of finding."""
    if prev is None:
        return "lowercase-paragraph-start"
    body = text[prev[0] : prev[1]].rstrip()
    mark = _last_mark(body)
    if mark == ".":
        if body.rstrip(_CLOSERS).endswith("..") or _is_abbreviation(_word_before(text, prev[0] + len(body.rstrip(_CLOSERS)) - 1)):
            return None
        return "lowercase-after-full-stop"
    if mark in _SENTENCE_END:
        return None
    if wrapped and not _blank_line_between(text, prev[1], start):
        return None
    if mark.isalpha() and len(body.split()) >= 6:
        return "cut-by-line-break"
    return "lowercase-paragraph-start"


_MESSAGES = {
    "cut-by-line-break": ("a sentence cut by a line break in its middle", 0.8),
    "lowercase-after-full-stop": ("sentence starts in lower case after a full stop", 0.8),
    "lowercase-paragraph-start": ("sentence starts in lower case", 0.7),
}


def check(doc, ctx):
    text = doc.text
    wrapped = hard_wrapped(text, by_hand=True)
    prev_para = None
    for ps, pe in analysis(text).paragraphs:
        # 1. a lower-case start after a full stop inside the paragraph
        for m in _DOT_LOWER.finditer(text, ps, pe):
            dot, start = m.start(), m.end()
            word = _word_before(text, dot)
            if _is_abbreviation(word) or text[max(ps, dot - 2) : dot + 1].endswith("..") \
                    or _in_split_address(text, dot):
                continue
            if _lowercase_on_purpose(text, start):
                continue
            s = _clause_start(text, ps, dot)
            e = _fragment_end(text, start, pe)
            yield RULE.finding(
                doc, s, e,
                "sentence starts in lower case after a full stop: a sentence split in the wrong place",
                suggestion=None,
                confidence=0.8,
                evidence={"kind": "lowercase-after-full-stop", "word": text[start : start + 20].split()[0]},
            )
        # 2. a paragraph (or line) that starts in lower case
        first = ps + len(text[ps:pe]) - len(text[ps:pe].lstrip("\"'“‘«„([ "))
        if first < pe and text[first].islower() and not _is_bullet_or_list(text, ps, pe) \
                and not _lowercase_on_purpose(text, first) and not _is_dateline(text, ps, pe):
            kind = _after_previous(text, prev_para, ps, wrapped)
            if kind:
                message, confidence = _MESSAGES[kind]
                yield RULE.finding(doc, ps, _fragment_end(text, ps, pe), message, confidence=confidence,
                                   evidence={"kind": kind})
        prev_para = (ps, pe)


RULE = Rule(
    id="broken-sentence",
    severity="warning",
    description="A sentence that starts in lower case after a full stop, or a fragment cut from its sentence.",
    check=check,
    confidence=tuple((kind, value) for kind, (_, value) in _MESSAGES.items()),
    should_flag=(
        "The council approved the plan on Monday, [[officials said. the local press.]] Work starts soon.",
        "[[the vaccine was approved]] by the regulator on Friday.",
        "Rescue teams searched the area through the night and into\n[[the next morning]], the police said.",
        "Prices rose again. [[however, the bank]] kept its rate unchanged for a third month in a row.",
        # a full stop typed for a comma, in text with one sentence per line
        "The fire started at noon.\nA second engine was [[called in. and hydrants]] were opened.\nNo one was hurt.",
        "The fire started at noon.\nTwo engines were called in.\n[[the road was closed]] for three hours.",
    ),
    should_pass=(
        "Prices rose, e.g. for bread, and i.e. not for fuel. Trade slowed at 9 a.m. on Monday.",
        "Sales of the new iPhone rose. eBay said listings fell. Dr. smith is not a name here.",
        "He paused... and then he left. \"Why?\" she asked. \"Stop!\" he shouted.",
        "Visit www.example.com for details. The vote of Mr. Brown and Gen. Lee was counted.",
        "Shopping list:\n- eggs\n- milk\nThe painting by van Gogh sold. de Gaulle is remembered.",
        "Call for more aid and power lines\nThe ministers met in Brussels.",
        "The foreign minister said on Tuesday that the talks with the\nneighbouring country would "
        "continue for as long as it takes, and\nthat a new round of talks was planned in the capital\n"
        "next month. Officials confirmed that delegations from both\nsides would attend the meeting.",
        # one sentence per line (a transcript, subtitles, a sentence splitter's output)
        '"Will you stay?\nno, I have to go," she said.\nWe waited for an hour;\nthe bus never came.\n'
        '"Stop!"\nhe shouted from the door.\nIt was late...\nand everyone was tired.',
        # a headline and its dateline, a state abbreviation, a web address rebuilt from tokens
        "Storm closes the coastal road\non March 3, 2021 at 6:15 PM\nThe road near Eureka, Calif. reopened "
        "after crews cleared it, officials said on www. example. com.",
        # verse or hand-wrapped lines
        "The river runs beneath the hill\nand carries leaves away\nwhile children on the bridge stand still\n"
        "and watch the end of day",
    ),
)
