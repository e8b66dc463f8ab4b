"""``broken-sentence``: a sentence that starts in lower case after a full stop ("they
reported. the British media."), or a sentence cut by a line break in its middle.

Lower case is normal after many things that end in a dot, so these do not count: known
abbreviations (e.g., i.e., etc., a.m., Jan.), initials, ellipses, a question or exclamation
mark (often inside a quote: '"Why?" she asked'), closing quotes, and words that are written in
lower case at the start of a sentence on purpose: brand names with inner capitals (iPhone,
eBay), words with digits, URLs, e-mail addresses, handles, and name particles before a
capitalised name (de Gaulle, van Gogh).
"""

from __future__ import annotations

import re

from ..textutil import hard_wrapped, paragraphs
from .base import Rule

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "col", "lt", "sgt", "gov", "sen", "rep", "capt", "cmdr",
    "adm", "maj", "rev", "hon", "pres", "no", "nos", "vs", "v", "etc", "inc", "ltd", "co", "corp", "bros", "dept",
    "univ", "assn", "est", "approx", "ca", "cf", "al", "viz", "vol", "vols", "pp", "p", "ed", "eds", "fig", "figs",
    "op", "cit", "ibid", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "mt", "ft", "ave", "blvd", "rd", "hwy",
    "min", "max", "sq", "km", "kg", "lb", "lbs", "oz", "cu", "mi", "yr", "yrs", "hr", "hrs", "incl", "excl", "esp",
    "govt", "llc", "plc", "gmbh", "ag", "pty", "intl", "natl", "misc", "dist", "div", "art", "sec", "ch", "para", "gr", "ref", "tel", "ext", "resp",
}
_PARTICLES = {"de", "van", "von", "da", "di", "du", "del", "della", "der", "den", "le", "la", "al", "el", "bin",
              "ibn", "ter", "ten", "dos", "das", "d", "y", "zu", "af", "ben", "abu", "bint", "ap", "mc", "dei"}
# a dot that may end a sentence, then space, then a lower-case letter
_DOT_LOWER = re.compile(r"(?<=[^\W\d_])\.(\s+)(?=[a-z])")
_TOKEN = re.compile(r"\S+")
_FRAGMENT_MAX_WORDS = 12


def _word_before(text: str, dot: int) -> str:
    m = re.search(r"(\S+)$", text[max(0, dot - 40) : dot])
    return m.group(1) if m else ""


def _is_abbreviation(word: str) -> bool:
    bare = word.lstrip("(\"'“‘[").lower()
    if "." in bare or "/" in bare or "@" in bare:  # e.g, a.m, U.S, www.site
        return True
    short_capitalised = len(bare) <= 3 and word.lstrip("(\"'“‘[")[:1].isupper() and not word.isupper()
    return bare in _ABBREVIATIONS or len(bare) == 1 or short_capitalised  # Bt., Co., Jr.


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


def _blank_line_between(text: str, a: int, b: int) -> bool:
    return text.count("\n", a, b) >= 2


def check(doc, ctx):
    text = doc.text
    wrapped = hard_wrapped(text)
    prev_para = None
    for ps, pe in paragraphs(text):
        # 1. a lower-case start after a full stop inside the paragraph
        for m in _DOT_LOWER.finditer(text, ps, pe):
            dot, start = m.start(), m.end()
            word = _word_before(text, dot)
            if _is_abbreviation(word) or text[max(ps, dot - 2) : dot + 1].endswith(".."):
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
        # 2. a paragraph that starts in lower case
        first = ps + len(text[ps:pe]) - len(text[ps:pe].lstrip("\"'“‘«„([ "))
        if wrapped and prev_para and not _blank_line_between(text, prev_para[1], ps):
            prev_para = (ps, pe)
            continue  # a wrapped line, not a paragraph
        if first < pe and text[first].islower() and not _is_bullet_or_list(text, ps, pe) \
                and not _lowercase_on_purpose(text, first):
            prev_end = text[prev_para[0] : prev_para[1]].rstrip() if prev_para else ""
            cut = bool(prev_end) and prev_end[-1].isalpha() and len(prev_end.split()) >= 6
            e = _fragment_end(text, ps, pe)
            yield RULE.finding(
                doc, ps, e,
                "a sentence cut by a line break in its middle" if cut else "sentence starts in lower case",
                confidence=0.8 if cut else 0.7,
                evidence={"kind": "cut-by-line-break" if cut else "lowercase-paragraph-start"},
            )
        prev_para = (ps, pe)


RULE = Rule(
    id="broken-sentence",
    severity="warning",
    description="A sentence that starts in lower case after a full stop, or a fragment cut from its sentence.",
    check=check,
    should_flag=(
        "The council approved the plan on Monday, [[officials said. the local press.]] Work starts soon.",
        "[[the vaccine was approved]] by the regulator on Friday.",
        "Rescue teams searched the area through the night and into\n[[the next morning]], the police said.",
        "Prices rose again. [[however, the bank]] kept its rate unchanged for a third month in a row.",
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
    ),
)
