"""``decimal-comma``: a decimal comma in an English number ("2,5 billion" for 2.5 billion).

English groups thousands with a comma followed by exactly three digits (2,500; 12,000,000),
so a comma followed by one, two or four-plus digits is a decimal comma carried over from a
language that writes decimals that way. Comma-separated lists of small numbers ("1,2,3") are
left alone. A magnitude word, a unit or a percent sign after the number raises confidence.
"""

from __future__ import annotations

import re

from .base import Rule

_NUMBER = re.compile(r"(?<![\w.,])(\d+),(\d{1,2}|\d{4,})(?![\w,]|[.,]\d)")
_MAGNITUDE = re.compile(
    r"\s*(?:%|per ?cent|percent|thousand|million|billion|trillion|bn|mn|m\b|k\b|"
    r"(?:kilo|centi|milli)?(?:metres?|meters?|grams?|litres?|liters?)|km|kg|cm|mm|ha|hectares?|tonnes?|tons?|"
    r"degrees?|°|hours?|minutes?|seconds?|years?|months?|points?|times|euros?|dollars?|pounds?|rubles?|roubles?|"
    r"hryvnias?|lei|zlotys?|kronor|francs?|yuan|yen|dinars?|kWh|MW|GW|TWh)",
    re.I,
)
_CURRENCY_BEFORE = re.compile(r"(?:[$€£¥₽]|\b(?:EUR|USD|GBP|RUB|UAH|RON|PLN|CHF))\s*$")


def check(doc, ctx):
    text = doc.text
    for m in _NUMBER.finditer(text):
        whole, frac = m.group(1), m.group(2)
        if len(whole) > 1 and whole.startswith("0") and whole != "0":
            continue  # codes such as 007,12
        after = text[m.end() : m.end() + 24]
        if re.match(r"\s*[,;]\s*\d", after) or re.search(r"\d\s*,\s*$", text[max(0, m.start() - 6) : m.start()]):
            continue  # a list of numbers: 1,2, 3
        unit = bool(_MAGNITUDE.match(after)) or bool(_CURRENCY_BEFORE.search(text[max(0, m.start() - 5) : m.start()]))
        decimal = f"{whole}.{frac}"
        yield RULE.finding(
            doc,
            m.start(),
            m.end(),
            f"decimal comma in an English number: write {decimal}",
            suggestion=decimal,
            confidence=0.9 if unit else 0.6,
            evidence={"digits_after_comma": len(frac), "unit_follows": unit},
        )


RULE = Rule(
    id="decimal-comma",
    severity="info",
    description="A decimal comma in an English number (2,5 billion); English writes 2.5.",
    check=check,
    should_flag=(
        "The budget grew to [[3,7]] billion euros last year.",
        "Inflation reached [[12,25]]% in March.",
        "Exports fell by [[0,8]] percent, the ministry said.",
        "The deal is worth €[[1,5]] and more is expected.",
    ),
    should_pass=(
        "About 2,500 people attended and 12,000,000 watched online.",
        "The index rose 2.5 percent to 1,234.56 points.",
        "Pick numbers 1,2,3 or 4 at random.",
        "In 2,019 cases, no; the year 2019 was different, and the score was 3-2.",
    ),
)
