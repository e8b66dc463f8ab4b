"""``false-friend`` (optional): words machine translation carries over from a source language
with the wrong English meaning ("aggregates" for generator sets, "actual" for current).

A small curated lexicon; each entry fires only where its wrong sense is likely: the word must
appear with context words of that sense in the same sentence (and none of the words that
signal its ordinary English sense), so "in aggregate" or "the actual cost" stay silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._lex import any_case_words
from .base import Rule, analysis


@dataclass(frozen=True)
class FalseFriend:
    word: str  # regex for the word
    suggestion: str
    meaning: str  # the sense the source language meant
    context: str  # regex: words of that sense, somewhere in the sentence
    not_context: str = r"(?!x)x"  # regex: words of the ordinary English sense


LEXICON = (
    FalseFriend(r"aggregates?", "generators", "generator sets",
                r"electric|electricity|power|energy|blackout|outage|grid|fuel|diesel|heating|supply",
                r"\bin aggregate\b|\baggregate (?:demand|supply|data|score|index|income|output)|\bconstruction\b|\bgravel|\bsand\b|\bconcrete|\bstatistic"),
    FalseFriend(r"accumulators?", "batteries", "batteries",
                r"phone|car|vehicle|charg|electric|power|energy|volt|solar|drone",
                r"\bbet|betting|wager|register|\bCPU\b|processor"),
    FalseFriend(r"actual", "current", "current, present",
                r"^(?:government|president|prime minister|minister|administration|leadership|cabinet|legislation|"
                r"regulations?|season|edition|mandate|term|coalition)\b"),
    FalseFriend(r"cadres?", "staff", "staff, personnel",
                r"medical|teaching|qualified|hospital|doctors|nurses|shortage|lack of|company|training|engineering",
                r"party|communist|militant|guerrilla|rebel|revolutionary|jihad|maoist"),
    FalseFriend(r"concurrence", "competition", "competition",
                r"market|companies|firms|competitors|unfair|fierce|strong|price|rival"),
    FalseFriend(r"manifestations?", "demonstrations", "demonstrations, protests",
                r"protest|police|streets?|square|participants|gathered|organi[sz]ed|rally|marched|slogans",
                r"manifestations? of\b|symptom|disease|clinical"),
    FalseFriend(r"polygons?", "training ground", "a military training or firing range",
                r"military|training|firing|shooting|tank|exercise|troops|artillery|range|drills?"),
    FalseFriend(r"reanimation", "intensive care", "intensive care",
                r"hospital|patient|department|unit|ward|doctors|intensive|condition|admitted"),
    FalseFriend(r"conjuncture", "economic situation", "the economic situation, market conditions",
                r"econom|market|price|demand|business|financial"),
    FalseFriend(r"fractions?", "faction", "a parliamentary group",
                r"parliament|parliamentary|deputies|MPs|opposition|ruling|votes?|legislat|duma|rada|sejm"),
)
_COMPILED = [
    (ff, re.compile(rf"\b{ff.word}\b", re.I), re.compile(ff.context, re.I), re.compile(ff.not_context, re.I))
    for ff in LEXICON
]
# any word of the lexicon: a sentence without one is not read entry by entry
# (``\b(?:word|...)\b`` in any case, written to start with the words' first letters: fast)
_ANY_WORD = re.compile(any_case_words([ff.word for ff in LEXICON]) + r"\b")


def check(doc, ctx):
    text = doc.text
    for ss, se in analysis(text).sentences:
        sentence = text[ss:se]
        if not _ANY_WORD.search(sentence):
            continue
        for ff, word_rx, context_rx, not_rx in _COMPILED:
            for m in word_rx.finditer(sentence):
                after = sentence[m.end() :].lstrip()
                if ff.context.startswith("^"):
                    ok = bool(context_rx.match(after))  # the word right after decides ("actual government")
                else:
                    rest = sentence[: m.start()] + " " + sentence[m.end() :]
                    ok = bool(context_rx.search(rest))
                if not ok or not_rx.search(sentence):
                    continue
                yield RULE.finding(
                    doc, ss + m.start(), ss + m.end(),
                    f"'{m.group()}' here likely means {ff.meaning} (a translation false friend)",
                    suggestion=ff.suggestion,
                    confidence=0.6,
                    evidence={"meaning": ff.meaning},
                )


RULE = Rule(
    id="false-friend",
    severity="info",
    description="A word carried over by machine translation with the wrong meaning (\"aggregates\" for generators).",
    check=check,
    should_flag=(
        "The city asked for fuel and [[aggregates]] because the power grid was down.",
        "The [[actual]] government has promised lower taxes.",
        "Hospitals suffer from a lack of qualified [[cadres]].",
        "Police dispersed the [[manifestation]] in the main square.",
    ),
    should_pass=(
        "Construction aggregates such as sand and gravel rose in price.",
        "In aggregate, power use fell by two percent.",
        "The actual cost of the project was higher than planned.",
        "Party cadres gathered for the congress.",
        "The rash is a manifestation of the disease.",
    ),
)
