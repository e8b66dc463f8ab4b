"""``resumptive-pronoun``: a subject repeated by a pronoun in the same clause ("The minister
today in Geneva he appealed ..."), a calque of languages that allow it.

The pattern, read from the start of a clause: a noun-phrase subject (a name, or a determiner
and a noun), then only adverbials without a verb (time adverbs, "this week", prepositional
phrases such as "in Geneva", "at the summit"), then he/she/it/they and a verb. A subject
that is a bare name may be followed by the pronoun directly ("Smith he said"); a common-noun
subject needs an adverbial in between, because "the book she wrote" (a relative clause) is
good English. Time nouns ("The day after the vote he resigned") are not subjects.
"""

from __future__ import annotations

import bisect
import re

from ._lex import any_case_words
from .base import Rule, analysis

_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ž][\w'’.-]*[\w]|[A-Za-zÀ-ÖØ-öø-ÿĀ-ž]|\d[\d,.]*|[,;:()\"“”‘’]")
_PRONOUNS = {"he", "she", "it", "they"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "our", "his", "her", "its", "their", "my",
                "your", "whose", "every", "each", "both", "several", "many", "some", "all"}
_PREPOSITIONS = {"in", "at", "on", "during", "after", "before", "from", "to", "with", "near", "outside", "inside",
                 "since", "throughout", "following", "amid", "amidst", "despite", "via", "upon", "within", "across",
                 "into", "under", "over", "through", "by", "for", "of", "between", "among", "ahead", "about"}
_ADVERBS = {"today", "yesterday", "tonight", "now", "then", "also", "again", "already", "still", "recently",
            "earlier", "later", "once", "first", "finally", "immediately", "personally", "previously",
            "subsequently", "currently", "meanwhile", "thereby", "too", "herself", "himself", "themselves",
            "itself", "just", "even", "only", "once", "soon", "last", "next", "this", "morning", "evening",
            "afternoon", "night", "week", "month", "year", "weekend", "monday", "tuesday", "wednesday",
            "thursday", "friday", "saturday", "sunday", "there", "here", "together", "publicly", "officially"}
_TIME_NOUNS = {"day", "days", "week", "weeks", "month", "months", "year", "years", "time", "times", "moment",
               "morning", "evening", "night", "afternoon", "hour", "hours", "minute", "minutes", "decade",
               "decades", "season", "weekend", "period", "era", "while", "way", "more", "less", "first", "last",
               "next", "following", "same", "other", "second", "minutes", "instant", "summer", "winter",
               "spring", "autumn", "fall", "century", "centuries", "age", "point", "reason", "thing", "things",
               "one", "ones", "place", "extent", "degree", "sooner", "longer", "better", "worse"}
# words that cannot begin a subject noun phrase (conjunctions, prepositions, adverbs, wh-words...)
_NOT_SUBJECT_START = _PREPOSITIONS | _PRONOUNS | {
    "and", "but", "or", "so", "yet", "because", "although", "though", "while", "when", "whenever", "if",
    "unless", "as", "once", "until", "where", "whereas", "what", "who", "whom", "which", "why", "how",
    "whether", "after", "before", "since", "than", "that", "there", "here", "then", "now", "today",
    "yesterday", "instead", "still", "however", "nevertheless", "meanwhile", "later", "earlier", "afterwards",
    "everything", "something", "nothing", "anything", "everyone", "someone", "anyone", "nobody", "everybody",
    "all", "both", "i", "we", "you", "me", "us", "him", "them", "asked", "told", "given", "perhaps", "maybe",
    "indeed", "thus", "hence", "therefore", "also", "even", "only", "just", "not", "no", "yes", "last", "next",
    "every", "each", "such", "whatever", "whoever", "said", "says", "according", "like", "unlike",
    "mr", "mrs", "ms", "dr", "sir", "madam", "whereby", "otherwise", "besides", "finally", "first", "again",
}
_AUXILIARIES = {"is", "was", "are", "were", "has", "had", "have", "will", "would", "can", "could", "should",
                "shall", "may", "might", "must", "did", "does", "do", "said", "told", "says", "met", "went",
                "came", "made", "gave", "took", "spoke", "wrote", "left", "sent", "held", "saw", "found",
                "thought", "brought", "became", "began", "won", "lost", "kept", "put", "set", "got", "knew",
                "ran", "stood", "led", "paid", "sold", "bought", "called", "urged", "warned", "stressed", "noted"}
_VERB_LIKE = {"been", "being", "be", "do", "does", "did", "is", "was", "are", "were", "has", "had", "have",
              "said", "says", "will", "would", "can", "could", "should", "may", "might", "must"}


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper()


def _is_word(tok: str) -> bool:
    return tok[:1].isalpha()


def _looks_like_verb(tok: str) -> bool:
    low = tok.lower()
    return low in _AUXILIARIES or (len(low) > 4 and low.endswith("ed")) or (
        len(low) > 3 and low.endswith("s") and not low.endswith("ss") and not _is_cap(tok))


def _subject_end(toks: list, i: int) -> int | None:
    """Index just after a subject noun phrase starting at ``toks[i]``, or None."""
    if i >= len(toks):
        return None
    first = toks[i][0]
    low = first.lower()
    if not _is_word(first) or low in _NOT_SUBJECT_START:
        return None
    j = i
    if low in _DETERMINERS:
        j += 1
        n = 0
        while j < len(toks) and n < 4 and _is_word(toks[j][0]) and toks[j][0].lower() not in _PRONOUNS \
                and toks[j][0].lower() not in _PREPOSITIONS and toks[j][0].lower() not in _VERB_LIKE \
                and toks[j][0].lower() not in _ADVERBS:
            j += 1
            n += 1
        if n == 0 or toks[j - 1][0].lower() in _TIME_NOUNS:
            return None
        return j
    # a name: capitalised words, with "of" phrases and one apposition after a comma
    while j < len(toks) and _is_cap(toks[j][0]) and _is_word(toks[j][0]) and toks[j][0].lower() not in _ADVERBS:
        j += 1
        if j + 1 < len(toks) and toks[j][0] in ("of", "for") and _is_cap(toks[j + 1][0]):
            j += 1
        elif j + 2 < len(toks) and toks[j][0] in ("of", "for") and toks[j + 1][0] == "the" and _is_cap(toks[j + 2][0]):
            j += 2
    if j == i:
        return None
    if j + 1 < len(toks) and toks[j][0] == "," and _is_cap(toks[j + 1][0]) and toks[j + 1][0].lower() not in (
            _NOT_SUBJECT_START | _PRONOUNS | _DETERMINERS):
        return _subject_end(toks, j + 1)
    return j


def _adverbials_end(toks: list, j: int) -> int:
    """Index after a run of verb-less adverbials starting at ``toks[j]`` (``j`` when none)."""
    while j < len(toks):
        low = toks[j][0].lower()
        if low in _ADVERBS:
            j += 1
        elif low in _PREPOSITIONS and low != "of":
            k = j + 1
            n = 0
            while k < len(toks) and n < 5 and _is_word(toks[k][0]) and toks[k][0].lower() not in _PRONOUNS \
                    and not (_looks_like_verb(toks[k][0]) and not _is_cap(toks[k][0])) \
                    and toks[k][0].lower() not in _PREPOSITIONS | _VERB_LIKE | {"and", "or", "but", "that", "who", "which"}:
                k += 1
                n += 1
            if n == 0:
                return j
            j = k
        else:
            return j
    return j


def _clause_starts(toks: list) -> list[int]:
    starts = [0]
    for k, (t, _s, _e) in enumerate(toks):
        if t in (";", ":") and k + 1 < len(toks):
            starts.append(k + 1)
    return starts


# where a pronoun token of _TOKEN may be, over the whole text: not after a letter that starts
# a token (that token would take the pronoun in), and before no word character (a token ends
# before none); a superset of the pronoun tokens, so that a sentence without any is skipped
# (in any case, written to start with the first letters: a fast search)
_MAY_BE_PRONOUN = re.compile(any_case_words(["he", "she", "it", "they"], before="A-Za-zÀ-ÖØ-öø-ÿĀ-ž") + r"(?!\w)")


def check(doc, ctx):
    text = doc.text
    pronouns = [m.start() for m in _MAY_BE_PRONOUN.finditer(text)]
    for ss, se in analysis(text).sentences:
        at = bisect.bisect_left(pronouns, ss)
        if at == len(pronouns) or pronouns[at] >= se:
            continue  # no pronoun: no finding
        toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, ss, se)]
        while toks and toks[0][0] in ("\"", "“", "‘", "(", "’"):
            toks = toks[1:]
        for i in _clause_starts(toks):
            j = _subject_end(toks, i)
            if j is None:
                continue
            k = _adverbials_end(toks, j)
            if k + 1 >= len(toks) or toks[k][0].lower() not in _PRONOUNS:
                continue
            name_subject = _is_cap(toks[i][0]) and toks[i][0].lower() not in _DETERMINERS
            if k == j and not name_subject:
                continue
            if k == j and j - i == 1 and i == 0:
                continue  # a lone sentence-initial capitalised word is too ambiguous
            if not _looks_like_verb(toks[k + 1][0]):
                continue
            start, end = toks[i][1], toks[k + 1][2]
            pronoun = toks[k][0]
            yield RULE.finding(
                doc, start, end,
                f"subject repeated by the pronoun {pronoun!r} in the same clause",
                suggestion=(text[start : toks[k][1]] + text[toks[k][2] : end].lstrip()).strip(),
                confidence=0.8 if k > j else 0.6,
                evidence={"subject": text[toks[i][1] : toks[j - 1][2]], "pronoun": pronoun},
            )
            break


RULE = Rule(
    id="resumptive-pronoun",
    severity="info",
    description="A subject repeated by a pronoun in the same clause (\"The minister today in Paris he said\").",
    check=check,
    should_flag=(
        "[[The prime minister on Tuesday in Warsaw he announced]] new measures.",
        "Head of the Agency for Energy, [[Anna Novak yesterday she said]] prices would fall.",
        "Officials met at noon. [[Carlos Mendes he warned]] that the dam could fail.",
    ),
    should_pass=(
        "The day after the vote he resigned from the party.",
        "The book she wrote last year won a prize.",
        "In Warsaw on Tuesday, he announced new measures.",
        "When the minister arrived he said nothing to reporters.",
        "Later that evening she called the police, and Smith said he was relieved.",
        "Two years later they returned to the village.",
        "Asked whether he would resign, Brown said no.",
    ),
)
