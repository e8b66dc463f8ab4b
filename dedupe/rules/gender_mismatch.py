"""gender-mismatch: a pronoun whose gender disagrees with the person it refers to.

The referent is the nearest preceding person mention outside quotations, within a few
sentences (so '"...," he said.' refers to the last named speaker, and "according to him" to
the person last named). The person's gender comes from an honorific (Mr, Ms, Madam ...), from
the given name (nomquamgender, only at p >= 0.9 either way), or from the pronouns other
documents of the corpus use for the same person. The rule stays silent when the pronoun may
point elsewhere: another person of unknown or matching gender, or a noun for a person of the
pronoun's gender ("his wife ... she"), between the person and the pronoun; and when the
pronoun is the object of a verb whose subject is that person in the same clause ("Novak helps
her", "Novak asked them to call him"): English would say "herself", so the pronoun means
someone else.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass

from ..textutil import sentences
from ._lex import wordlist
from ._people import Mention, lexicon_gender, mentions
from ._quotes import Inside, quotations
from .base import Rule

PRONOUNS = {"he": "m", "him": "m", "his": "m", "himself": "m",
            "she": "f", "her": "f", "hers": "f", "herself": "f"}
_PRONOUN_RE = re.compile(r"\b(?:he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W\d_]+")
_DETERMINERS = {"the", "a", "an", "his", "her", "its", "their", "another", "this", "that"}
WINDOW_SENTENCES = 4  # how far back (in sentences) a referent may be
LEXICON_P = 0.9
_GENDER_WORD = {"m": "male", "f": "female"}


@dataclass
class _Resolved:
    doc_index: int
    start: int
    end: int
    gender: str  # of the pronoun
    person: Mention  # the nearest preceding person mention
    others: list  # other people mentioned in the window before the pronoun
    blocked: bool  # something else the pronoun may point to (a person noun, a quoted pronoun, a later name)


def _resolve(text: str) -> list[_Resolved]:
    """Each pronoun outside quotations, with the nearest person mentioned before it."""
    quotes = quotations(text)
    inside = Inside(quotes)
    people = [m for m in mentions(text) if not inside(m.start)]
    sents = list(sentences(text))
    sent_starts = [s for s, _ in sents]
    out = []
    for pm in _PRONOUN_RE.finditer(text):
        if inside(pm.start()):
            continue
        gender = PRONOUNS[pm.group().lower()]
        k = _sentence_index(sent_starts, pm.start())
        window_start = sent_starts[max(0, k - WINDOW_SENTENCES + 1)] if sent_starts else 0
        before = [m for m in people if window_start <= m.start and m.end <= pm.start()]
        if not before:
            continue
        nearest = before[-1]
        others = list({m.key: m for m in before if m.key != nearest.key}.values())
        between = text[nearest.end : pm.start()]
        blocked = (
            _noun_may_refer(between, gender)
            or _object_of_own_clause(text, nearest.end, pm)
            or any(_quoted_pronoun(text, q, gender) for q in quotes if nearest.end <= q.start and q.end <= pm.start())
            or _cataphora(text, pm.start(), sents[k] if sents else (0, len(text)), people)
        )
        out.append(_Resolved(-1, pm.start(), pm.end(), gender, nearest, others, blocked))
    return out


_CLAUSE_BREAK_RE = re.compile(r"[,.;:!?\"“”()\n]|\b(?:and|but|or|that|who|whom|which|because|when|while|if|as|after|before|since|until|said|says)\b", re.I)


def _object_of_own_clause(text: str, person_end: int, pm) -> bool:
    """Is the pronoun an object (him; her not followed by a noun) within a few words after the
    person, in the same clause? Then it cannot mean that person (that would be himself/herself)."""
    pronoun = pm.group().lower()
    if pronoun == "her":
        after = re.match(r"\s*([A-Za-z][\w\-]*)", text[pm.end() : pm.end() + 40])
        if after and after.group(1).lower() not in _OBJECT_FOLLOWERS:
            return False  # possessive: "her speech"
    elif pronoun != "him":
        return False
    between = text[person_end : pm.start()]
    return 0 < len(_WORD_RE.findall(between)) <= 4 and not _CLAUSE_BREAK_RE.search(between)


# words that follow object "her" (prepositions, particles, adverbs), not a possessed noun
_OBJECT_FOLLOWERS = {
    "to", "with", "for", "in", "on", "at", "by", "from", "about", "into", "of", "out", "up", "down",
    "off", "back", "away", "again", "and", "or", "but", "that", "as", "when", "if", "because",
    "the", "a", "an", "this", "that", "these", "those", "some", "any", "no", "his", "their",
    "once", "twice", "today", "yesterday", "now", "later", "there", "here", "too", "also",
}


def _quoted_pronoun(text: str, q, gender: str) -> bool:
    """Does the quotation speak of a third person of this gender (whom the pronoun may continue)?"""
    return any(PRONOUNS[m.group().lower()] == gender for m in _PRONOUN_RE.finditer(text, q.start, q.end))


def _cataphora(text: str, pos: int, sent: tuple, people: list) -> bool:
    """A pronoun in a sentence's opening phrase with a name after it: "In her speech, Novak ..."."""
    s, e = sent
    comma = text.find(",", pos, e)
    if comma < 0 or text[s:pos].count(",") > 0:
        return False
    return any(pos < m.start < e for m in people)


def _sentence_index(starts: list[int], pos: int) -> int:
    return max(0, bisect.bisect_right(starts, pos) - 1)


def _noun_may_refer(between: str, gender: str) -> bool:
    """Does a person noun that the pronoun could point to stand between person and pronoun?"""
    gendered = wordlist("female_nouns" if gender == "f" else "male_nouns")
    neutral = wordlist("person_nouns")
    words = [w.lower() for w in _WORD_RE.findall(between)]
    for i, w in enumerate(words):
        base = w[:-1] if w.endswith("s") and w[:-1] in gendered else w
        if base in gendered:
            return True
        if w in neutral and i > 0 and words[i - 1] in _DETERMINERS:
            return True
    return False


def _known_gender(person: Mention, honorifics: dict, corpus_pronouns: dict, doc_index: int):
    """``(gender, source, probability)`` or None; sources: honorific, name lexicon, corpus pronouns."""
    if person.weak and not person.given:
        return None
    hon = honorifics.get(person.key, set())
    if len(hon) == 1:
        return next(iter(hon)), "honorific", 1.0
    if len(hon) > 1:
        return None
    lex = lexicon_gender(person.given, LEXICON_P)
    other_docs = defaultdict(int)
    for (d, g), n in corpus_pronouns.get(person.key, {}).items():
        if d != doc_index:
            other_docs[g] += n
    pron = None
    if len(other_docs) == 1 and sum(other_docs.values()) >= 2:
        g = next(iter(other_docs))
        pron = (g, "corpus pronouns", other_docs[g] / (other_docs[g] + 1))
    if lex and pron and lex[0] != pron[0]:
        return None  # the name and the other documents disagree: say nothing
    if lex:
        return lex[0], "name lexicon (nomquamgender)", lex[1]
    return pron


def _check(docs, ctx):
    resolved = []
    honorifics: dict = defaultdict(set)
    for i, doc in enumerate(docs):
        for m in mentions(doc.text):
            if m.honorific:
                honorifics[m.key].add(m.honorific)
        for r in _resolve(doc.text):
            r.doc_index = i
            resolved.append(r)
    # pronouns that point unambiguously at a named person: evidence for the other documents
    corpus_pronouns: dict = defaultdict(lambda: defaultdict(int))
    for r in resolved:
        if not r.person.weak and not r.others and not r.blocked:
            corpus_pronouns[r.person.key][(r.doc_index, r.gender)] += 1
    for r in resolved:
        if r.person.weak or r.blocked:
            continue
        known = _known_gender(r.person, honorifics, corpus_pronouns, r.doc_index)
        if known is None or known[0] == r.gender:
            continue
        gender, source, prob = known
        if any((g := _known_gender(o, honorifics, corpus_pronouns, r.doc_index)) is None or g[0] == r.gender
               for o in r.others):
            continue  # someone else mentioned nearby may be meant
        doc = docs[r.doc_index]
        pronoun = doc.text[r.start : r.end]
        fix = _SWAP[pronoun.lower()]
        fix = fix.capitalize() if pronoun[0].isupper() else fix
        yield RULE.finding(
            doc, r.start, r.end,
            f"'{pronoun}' refers to {r.person.person}, who is {_GENDER_WORD[gender]} ({source})",
            suggestion=fix,
            confidence=prob,
            evidence={"person": r.person.person, "gender": _GENDER_WORD[gender], "source": source,
                      "probability": round(prob, 3),
                      "mention": {"start": r.person.start, "end": r.person.end}},
        )


# "her" is ambiguous (him / his): the suggestion takes the object form
_SWAP = {"he": "she", "him": "her", "his": "her", "himself": "herself",
         "she": "he", "her": "him", "hers": "his", "herself": "himself"}

RULE = Rule(
    id="gender-mismatch",
    severity="warning",
    description="A pronoun whose gender disagrees with the person it refers to (name, honorific or corpus pronouns).",
    check=_check,
    scope="corpus",
    should_flag=(
        "Finance Minister Margaret Olsen said the budget would pass. [[He]] added that taxes would not rise.",
        '"We will not give up," said Ms Okafor. "The vote is next week," [[he]] said.',
        ("Peter Lindqvist opened the session. According to [[her]], the plan is ready.",),
    ),
    should_pass=(
        "Finance Minister Margaret Olsen said the budget would pass. She added that taxes would not rise.",
        "Robert Hale met Susan Park on Monday. He said the talks went well.",
        "Thomas Brandt said his wife was ill. She stayed at home.",
        '"I met Maria Lopez yesterday," he told reporters.',
        "Thomas Brandt helped her with the forms.",
        "Late June Weber wrote on his blog that the vote was close.",
    ),
)
