"""``boilerplate`` (corpus scope): scrape leftovers that are not part of the article.

Two kinds of evidence:

- patterns: photo credits ("Photo NAME / AGENCY"), promo headers ("Video of the day",
  "Live updates: ..."), "click here" promos, "SEE ALSO:"/"READ MORE:" lines (also when glued
  onto the next sentence: only the promo part is flagged), subscription prompts ("Click to
  subscribe ...", "Sign up for ..."), and related-story headlines between body paragraphs
  (a line with no final stop, at least seven words, and a headline mark: a quoted phrase, a
  spaced dash, a "Topic:" lead or a closing ", X says"; short section subheads have none);
- repetition: a line found in at least ``MIN_REPEAT_DOCS`` documents in different
  surroundings (so near-duplicate copies of one article do not count) that is short or has
  no final stop: a site's own furniture, whatever it says.

Evidence says which: ``{"pattern": name}`` or ``{"repeated_in": n}``.
"""

from __future__ import annotations

import re

from ._keyed import Excerpt, Keyed, Part, run
from ._boilerplate_lines import PATTERNS, Lines, key_name, line_key
from .base import Rule, analysis

MIN_REPEAT_DOCS = 3
MAX_REPEAT_WORDS = 8
_I = re.I

_LINE_PATTERNS = [
    ("photo-credit", re.compile(
        r"^\(?(?:photo(?:graph)?s?|image|picture|foto|credit|illustration)\b[:\s]?.{0,80}(?:/|©|\bvia\b|\bcredit\b).{0,60}\)?$", _I)),
    ("photo-credit", re.compile(r"^(?:©|\(c\))\s*\S.{0,60}$", _I)),
    ("promo-header", re.compile(
        r"^(?:video|photo|photos|watch|listen|podcast|gallery|top stories|most read|trending|recommended|related"
        r"(?: stories| articles| news)?|read (?:more|also|next)|also read|more on this(?: story)?|editor'?s picks?)"
        r"(?: of the (?:day|week))?\s*[:.!]?$", _I)),
    ("live-promo", re.compile(r"^live(?:\s+\w+){0,2}\s*:\s*\S.{0,100}$", _I)),
    ("subscription-prompt", re.compile(
        r"^(?:click|tap) (?:here )?to (?:subscribe|follow|listen|sign up|download)\b.{0,160}$"
        r"|^(?:subscribe|sign up) (?:to|for|now)\b.{0,160}$"
        r"|^follow (?:us|\w+) on (?:twitter|facebook|instagram|telegram|x|tiktok|youtube)\b.{0,100}$"
        r"|^.{0,120}\bwherever you get your podcasts\.?$"
        r"|^download (?:our|the) \w+ app\b.{0,100}$", _I)),
]
_CLICK_HERE = re.compile(r"\bclick here\b|\b(?:click|tap) (?:on )?(?:the )?link\b", _I)
_INLINE_PROMO = re.compile(r"\b(?:SEE ALSO|READ MORE|READ ALSO|ALSO READ|RELATED|WATCH|LISTEN)\s*:", 0)
_GLUE = re.compile(r"[?.!\"”’](?=[A-Z])")
_HEADLINE_MARK = re.compile(r"[‘“\"'][^‘“\"']{2,80}[’”\"']|(?<!\d)\s[–—-]\s(?!\d)|^[A-Z][\w'’ ]{1,25}:\s|,\s[\w'’ ]{2,40}\s(?:says|said|warns|claims)$")
_SMALL = {"a", "an", "the", "and", "or", "but", "of", "on", "in", "for", "to", "at", "by", "with", "as", "is",
          "not", "be", "will", "much", "else", "from", "vs"}


def _ends_sentence(line: str) -> bool:
    return line.rstrip()[-1:] in ".!?:;\"”’)…"


_PUNCT = re.compile(r"[^\w\s]")


def _norm(line: str) -> str:
    return " ".join(_PUNCT.sub("", line.lower()).split())


def _inline_promo_end(text: str, start: int, line_end: int) -> int:
    """End of an inline "SEE ALSO: Headline" promo: at a glued sentence, else a title-case run."""
    m = _GLUE.search(text, start, min(line_end, start + 300))
    if m:
        return m.end()
    pos = start
    for w in re.finditer(r"\S+", text[start:line_end]):
        word = re.sub(r"^\W+|\W+$", "", w.group())
        if word and not (word[0].isupper() or word.lower() in _SMALL or word[0].isdigit()):
            break
        pos = start + w.end()
    return pos


def _is_body(line: str, words: int) -> bool:
    """A body paragraph (``words``: its number of words)."""
    return words >= 12 and _ends_sentence(line)


def _pattern_findings(doc, lines):
    text = doc.text
    counts = [len(text[s:e].split()) for s, e in lines]  # (each line's words, counted once)
    body = [n for n, (s, e) in enumerate(lines) if _is_body(text[s:e], counts[n])]
    first_body, last_body = (body[0], body[-1]) if body else (len(lines), -1)
    # a line holding a match holds it in the whole text too: a text without one has no line
    # to search (most texts)
    click, promo = _CLICK_HERE.search(text) is not None, _INLINE_PROMO.search(text) is not None
    for n, (s, e) in enumerate(lines):
        line = text[s:e]
        words = counts[n]
        matched = next((name for name, rx in _LINE_PATTERNS if words <= 40 and rx.search(line)), None)
        if matched:
            yield s, e, matched
            continue
        if click and _CLICK_HERE.search(line) and words <= 80:
            yield s, e, "click-here-promo"
            continue
        m = _INLINE_PROMO.search(line) if promo else None
        if m and (m.start() == 0 or line[m.start() - 1] in " \t"):
            ps = s + m.start()
            yield ps, _inline_promo_end(text, s + m.end(), e), "see-also-line"
            continue
        between_body = first_body < n < last_body  # a body paragraph before it and one after
        if (between_body and not _ends_sentence(line) and words <= 30 and 7 <= len(_ALPHA_WORD.findall(line))
                and _HEADLINE_MARK.search(line)):
            yield s, e, "related-headline"


_ALPHA_WORD = re.compile(r"[^\W\d_]{2,}")


# Two passes (see ``_keyed``): each line is keyed by its normalised form (a 64-bit digest),
# with its document, its surroundings (the keys of the lines around it) and whether it could
# be a repeated-line finding; the pattern findings, which need no other document, are items
# of one key of their own. Pass 1's items are held as arrays (``_boilerplate_lines.Lines``);
# pass 2 counts every key's documents and surroundings at once; the report reads the texts
# of the documents with findings again.


def _collect(doc, index):
    text = doc.text
    lines = analysis(doc).paragraphs
    flagged = []
    for seq, (s, e, name) in enumerate(_pattern_findings(doc, lines)):
        flagged.append((s, e))
        yield PATTERNS, (index, doc.id, 0, seq, s, e, name)
    norms = _line_keys(text, lines)
    last = len(norms) - 1
    for n, key in enumerate(norms):
        if not key:
            continue
        s, e = lines[n]
        line = text[s:e]
        can_flag = not (len(line.split()) > MAX_REPEAT_WORDS and _ends_sentence(line)) \
            and not any(fs <= s and fe >= e for fs, fe in flagged)
        yield key_name(key), (index, doc.id, 1, n, s, e, norms[n - 1] if n else 0, norms[n + 1] if n < last else 0,
                              can_flag)


def _focus(drafts: list):
    """Pass 1 when only the drafts' findings are kept: a draft's items all; of another
    document, only its lines whose key is a draft line's, not flaggable, and no pattern
    findings. A finding in a draft is on an item of a group holding a draft's item (the
    pattern findings are each in their own document); a line's group is counted over its
    items' documents and surroundings alone, and whether another document's line may be a
    finding changes only that document's findings."""
    ids = {d.id for d in drafts}
    near = {key for d in drafts for key in _line_keys(d.text, analysis(d).paragraphs) if key}

    def collect(doc, index):
        if doc.id in ids:
            return list(_collect(doc, index))
        lines = analysis(doc).paragraphs
        norms = _line_keys(doc.text, lines)
        last = len(norms) - 1
        return [(key_name(key), (index, doc.id, 1, n, *lines[n], norms[n - 1] if n else 0,
                                 norms[n + 1] if n < last else 0, False))
                for n, key in enumerate(norms) if key in near]

    return collect


def _line_keys(text: str, lines) -> list:
    return [line_key(_norm(text[s:e])) for s, e in lines]


def _compare(groups, plan) -> list:
    """Matches ``(index, kind, seq, id, start, end, evidence)`` over every group at hand: the
    pattern findings, and the lines that are findings (found in enough documents and
    surroundings)."""
    lines = groups if isinstance(groups, Lines) else Lines.of(groups)
    return lines.matches(MIN_REPEAT_DOCS)


def _findings(matches: list, plan, totals):
    matches = sorted(matches, key=lambda m: m[:3])  # as one document's check yields them
    indices = sorted({m[0] for m in matches})
    texts = dict(zip(indices, totals.texts(indices))) if indices else {}
    for index, kind, _, doc_id, s, e, evidence in matches:
        part = Part(doc_id, Excerpt(texts[index][s:e], s), index)
        if kind == 0:
            yield RULE.finding(part, s, e, f"scrape leftover ({evidence.replace('-', ' ')}), not part of the article",
                               confidence=0.9 if evidence != "related-headline" else 0.7, evidence={"pattern": evidence})
        else:
            yield RULE.finding(part, s, e, f"line repeated in {evidence} documents: site furniture, not article text",
                               confidence=min(1.0, 0.5 + 0.1 * evidence), evidence={"repeated_in": evidence})


KEYED = Keyed(collect=_collect, compare=_compare, report=_findings, holder=lambda key, item: item[0],
              batched=True, store=Lines, focus=_focus)


def check(docs, ctx):
    return run(RULE.id, docs)


RULE = Rule(
    id="boilerplate",
    severity="info",
    description="Scrape leftovers: photo credits, promos, SEE ALSO lines, related headlines, subscription prompts.",
    check=check,
    scope="corpus",
    keyed=KEYED,
    should_flag=(
        "Floods hit the north.\n[[Photo: Jan Kowal / Reuters]]\nRivers rose overnight.",
        "The vote was close.\n[[Video of the day]]",
        "Talks resumed.\n[[READ MORE: Why The Talks Failed Last Time]]The talks resumed on Monday.",
        "Prices rose.\n[[Sign up for our morning newsletter to get the news first]]\nTrade slowed.",
        "Storms closed roads across the region on Monday, and officials urged people to stay home.\n"
        "[[‘We were not ready’ – residents describe the night the river rose]]\n"
        "Crews worked through the night to clear the roads and pump water out of the flooded homes.",
        ("Story one.\n[[Share this story with your friends]]", "Story two.\nOther text here.\nShare this story with your friends",
         "Story three is here.\nShare this story with your friends\nEnd."),
    ),
    should_pass=(
        "3 May 2024\nThe river rose overnight, and the town is cut off - mayor\n"
        "The river rose overnight and the town is cut off, the mayor said on Monday morning.",
        "The minister arrived.\nSecurity and defence\nThe talks covered troops, money and arms.",
        "He said the photo was taken in May, and that the agency had checked it.",
        "Storms closed roads.\nCall for more pumps and sandbags along the river\nCrews worked through the night.",
        ("Same article text.\nA subhead\nMore text.", "Same article text.\nA subhead\nMore text.",
         "Same article text.\nA subhead\nMore text."),
    ),
)
