"""gender-mismatch: a pronoun whose gender disagrees with the person it refers to.

A small salience heuristic. Candidates for a pronoun, within four sentences before it and
outside quotations: named people (gender from an honorific, then the given-name table at
p >= 0.9 unless as many pronouns for the person as the table's log-odds all say otherwise,
then pronouns that point at them unambiguously elsewhere in the corpus or the document, also
for a full name the table does not know),
nouns for people (gendered: girl, mother, actress, king; neutral singular: patient, citizen,
someone; not an adjective: "the official line"; not a noun in apposition to a name), lone
surnames of people the corpus or the text names in full, and earlier pronouns of the same
gender (a chain continues its first pronoun's referent). Not people: a weak mention with a
word the corpus writes as an ordinary word ("Swine Flu"), a name followed by an organisation
word or described as one ("the Warab state"), a lone name that stands alone in several
documents and is nobody's surname (an outlet: "told Acme"). A possessive in what is said of
a person ("X, who is his brother's friend") means someone else. A pronoun inside a
quotation is judged only when the quotation names the person before it. When a subject
governs the pronoun's clause (he/she, or a possessive: not just after a speech verb), people
named before that subject's sentence drop out ("subject" path; for a possessive inside the
sentence, or after a reporting verb, earlier subjects stay in the running). A pronoun is flagged only
when no compatible candidate is left and the nearest one (a named person, or a gendered noun
when nobody is named) has the opposite gender. Silent also for an object pronoun in that
person's own clause ("Novak helps her"), after a quotation speaking of a third person of that
gender, for a surname two people of the text share ("Tony and Angela Smith"), and when the
documents naming the person also name another person of that surname, not all of one gender
(a mention's own honorific settles it: "Mr. Kelly"). A pronoun in a sentence's introductory
phrase ("In her speech, Novak ...") points forward to the first person named after it. A
pronoun attributing a quotation ('"...," she said') is its speaker's: nouns inside the
quotation do not compete, and after "Ryan said Acme would pay" the speaker is Ryan. "He or
she" is nobody in particular. Nouns that are people in one sense only ("the source of the
outbreak") compete only where they act as people ("a source said"); a noun before a plural
verb ("the coast guard have") or owned by the speaker ("my wife") is no referent of its own.
``confidence`` is the measured precision of the path (see ``_PRECISION``).
"""

from __future__ import annotations

import bisect
import math
import pickle
import re
import copy
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain
from typing import Iterable, Optional

from ..textutil import Cover
from ._lex import any_case_words, ascii_words, fold, given_name, is_place, wordlist
from ._people import (_SPEECH_VERBS, Mention, WordCase, lexicon_gender, noun_gender, plausible_person, role_words,
                      stopwords, strip_possessive)
from ._quotes import Inside
from ._keyed import Keyed, Pass, run
from .base import Rule, analysis

PRONOUNS = {"he": "m", "him": "m", "his": "m", "himself": "m",
            "she": "f", "her": "f", "hers": "f", "herself": "f"}
# \b(?:he|him|...)\b in any case, written to start with the first letters (a fast search)
_PRONOUN_RE = re.compile(any_case_words(["he", "him", "his", "himself", "she", "her", "hers", "herself"]) + r"\b")
_WORD_RE = re.compile(r"[^\W\d_]+")
_DETERMINERS = {"the", "a", "an", "his", "her", "its", "their", "another", "this", "that", "one", "every",
                "each", "any", "no", "our", "my", "your", "whose", "s"}
WINDOW_SENTENCES = 4  # how far back (in sentences) a referent may be
LEXICON_P = 0.9
_GENDER_WORD = {"m": "male", "f": "female"}


@dataclass
class _Resolved:
    doc_index: int
    start: int
    end: int
    gender: str  # of the pronoun
    person: Optional[Mention]  # the antecedent: nearest person before it (or after it, cataphora)
    others: list  # other people mentioned in the window before the pronoun
    blocked: bool  # something else the pronoun may point to (a person noun, a quoted pronoun ...)
    path: str = "name"  # "name", "cataphora", "noun" (a gendered noun: "the girl ... his")
    noun: Optional[tuple] = None  # (start, end, gender) of the noun on the noun path
    same_before: tuple = ()  # earlier pronouns of the same gender in the window (indices)
    follows: Optional[int] = None  # the same-gender pronoun it continues (nothing named since)
    counted: bool = False  # unambiguous: evidence of the person's gender


def _resolve(text: str, found: list, surnames=frozenset(), case: Optional[WordCase] = None,
             brands=frozenset()) -> list[_Resolved]:
    """Each pronoun with what it may refer to (see the module docstring): outside quotations,
    and inside a quotation that names the person before it ("Warhol changed art. He is ...").
    ``found``: the text's person mentions; ``surnames``: surnames of people named in full
    anywhere in the corpus (a lone one, "to Obama", is a person of unknown gender); ``case``:
    how the corpus writes its words (a weak mention with an ordinary word is no person);
    ``brands``: lone names that are no person (see ``_brands``)."""
    quotes = analysis(text).quotations
    inside = Inside(quotes)
    everyone = [m for m in found if (plausible_person(m, case) or _described(text, m, "n"))
                and not _names_organisation(text, m)
                and not (m.weak and (fold(m.person) in brands or _in_place_list(text, m)))]
    # a lone word that ends a name of this text is that person's surname, of unknown gender
    # ("Obama" after "Barack Obama", "Flynn" after "Ka Flynn": not the given name Flynn)
    ends = {fold(m.surname) for m in everyone if " " in m.person}
    everyone = [replace(m, given=None) if m.weak and " " not in m.person and fold(m.person) in ends else m
                for m in everyone]
    everyone += [replace(m, given=None) for m in found if m.weak and " " not in m.person and fold(m.person) in ends
                 and not (case and case.mostly_lower(m.person)) and not plausible_person(m, case)]
    everyone += [m for m in _lone_surnames(text, found, surnames)  # "to Obama"; not "Avian Flu"
                 if (not case.mostly_lower(m.person) if case else plausible_person(m))]
    everyone.sort(key=lambda m: m.start)
    people = [m for m in everyone if not inside(m.start)]
    nouns = _person_nouns(text)  # those inside quotations only as competing referents
    sents = list(analysis(text).sentences)
    sent_starts = [s for s, _ in sents]
    subjects = _subjects(text, everyone, sents)
    # people, nouns, quotes and resolved pronouns are in text order: a pronoun looks only at
    # its window, found by binary search (linear in a long text, not quadratic)
    everyone_at, people_at, nouns_at = ([x.start for x in everyone], [x.start for x in people], [n[0] for n in nouns])
    quotes_at = [q.start for q in quotes]
    out: list[_Resolved] = []
    reporting: dict = {}  # sentence start -> start of its first reporting verb
    for pm in _PRONOUN_RE.finditer(text):
        if _GENERIC_BEFORE_RE.search(text, max(0, pm.start() - 12), pm.start()) or _GENERIC_AFTER_RE.match(text, pm.end()):
            continue  # "he or she", "his/her": anyone
        gender = PRONOUNS[pm.group().lower()]
        k = _sentence_index(sent_starts, pm.start())
        sent = sents[k] if sents else (0, len(text))
        window_start = sent_starts[max(0, k - WINDOW_SENTENCES + 1)] if sent_starts else 0
        quote = inside.quote_at(pm.start())
        if quote is not None:  # only about someone the quotation itself names before it
            named = _between(everyone, everyone_at, max(window_start, quote.start), pm.start())
            if not named:
                continue
            if any(m.start >= sent[0] for m in named):  # the quotation's own sentence names someone
                before = named
            else:
                before = _between(people, people_at, window_start, quote.start) + named
        else:
            before = _between(people, people_at, window_start, pm.start())
        nouns_before = _between(nouns, nouns_at, window_start, pm.start())
        same = tuple(i for i in range(bisect.bisect_left(out, window_start, key=_start), len(out)) if out[i].gender == gender)
        last_named = max([m.end for m in before] + [n[1] for n in nouns_before if n[2] != "n" and not inside(n[0])],
                         default=-1)
        if same and out[same[-1]].start > last_named:  # "Novak ... she ... her": one chain
            prev = out[same[-1]]
            out.append(_Resolved(-1, pm.start(), pm.end(), gender, prev.person, prev.others, prev.blocked,
                                 prev.path, prev.noun, prev.same_before, same[-1]))
            continue
        ahead = _cataphora(text, pm.start(), sent, people, people_at) if quote is None else None
        if ahead is not None:  # "In her speech, Novak ...": the pronoun points forward
            alone = not (before or nouns_before or same)
            out.append(_Resolved(-1, pm.start(), pm.end(), gender, ahead, [], not alone, "cataphora"))
            continue
        if _attributes(text, pm, sent):  # '"Everyone was ill," she said': the speaker is no one the quotation names
            said = quotes[bisect.bisect_right(quotes_at, pm.start()) - 1] if quotes_at else None
            if said is not None and said.end <= pm.start():
                nouns_before = [n for n in nouns_before if not said.start <= n[0] < said.end]
        compatible_noun = any(n[2] == gender for n in nouns_before)
        neutral = [n for n in nouns_before if n[2] == "n" and n[3]]  # "the patient" (not "patients")
        opposite = [n for n in nouns_before if n[2] not in (gender, "n") and n[3] and not inside(n[0])]
        if opposite and (not before or opposite[-1][0] > before[-1].start):
            noun = opposite[-1]  # "The girl was hurt. His ..."
            blocked = (compatible_noun or any(n[0] >= min(noun[1], sent[0]) for n in neutral)
                       or _object_of_own_clause(text, noun[1], pm))
            out.append(_Resolved(-1, pm.start(), pm.end(), gender, None, before, blocked, "noun", noun, same))
            continue
        if not before:  # no antecedent in sight: kept so that a later pronoun may continue it
            out.append(_Resolved(-1, pm.start(), pm.end(), gender, None, [], True, "none", None, same))
            continue
        if _predicate_of(text, before[-1].end, pm):  # "Emelianenko, who is her sister's husband"
            before = [m for m in before if m.key != before[-1].key]
            if not before:
                out.append(_Resolved(-1, pm.start(), pm.end(), gender, None, [], True, "none", None, same))
                continue
        nearest = before[-1]
        role = _governed(text, pm, sent, reporting)
        speaker = None
        if role == "attribution":  # '"...," he said': the speaker named just before, if any
            speaker = _speaker_before(text, before, sents, k, subjects)
            role = "subject" if speaker is not None else "possessive"
        if speaker is not None:  # "Ryan said Acme would pay. '...,' she said": Ryan, not Acme
            subject, since = speaker, sents[k - 1][0]
            before = [m for m in before if m.start <= speaker.start]
            nearest = speaker
        else:
            subject, since = _salient(before, sents, k, subjects, role) if role else (None, -1)
        keep_subjects = role == "possessive"  # "called her plan costly": an earlier subject's
        rivals = [m for m in before if m.start >= since or (keep_subjects and m.start in subjects)]
        if subject is not None and nearest.weak and not subject.weak and subject.start >= sent[0]:
            nearest = subject  # "Schumacher pulled out after Alonso due to damage to his car"
        others = list({m.key: m for m in rivals if m.key != nearest.key}.values())
        if len(rivals) < len(before) and {m.key for m in before} - {m.key for m in rivals} - {nearest.key}:
            path = "subject"  # someone named earlier no longer competes with the clause's subject
            if not keep_subjects:  # earlier pronouns are out of the running too
                same = tuple(i for i in same if out[i].start >= since)
        else:
            path = "name"
        blocked = (
            compatible_noun
            or any(n[0] >= min(nearest.end, sent[0]) for n in neutral)
            or _object_of_own_clause(text, nearest.end, pm)
            or any(_quoted_pronoun(text, q, gender)
                   for q in quotes[bisect.bisect_left(quotes_at, nearest.end) : bisect.bisect_left(quotes_at, pm.start())]
                   if q.end <= pm.start())
        )
        out.append(_Resolved(-1, pm.start(), pm.end(), gender, nearest, others, blocked, path, None, same))
    return out


_GENERIC_BEFORE_RE = re.compile(r"\b(?:he|him|his|she|her|hers)[ \u00a0]*(?:/|[ \u00a0]or[ \u00a0])[ \u00a0]*$", re.I)
_GENERIC_AFTER_RE = re.compile(r"[ \u00a0]*(?:/|[ \u00a0]or[ \u00a0])[ \u00a0]*(?:he|him|his|she|her|hers|himself|herself)\b", re.I)


def _between(items: list, starts: list, lo: int, hi: int) -> list:
    """The items (sorted by start; mentions or noun tuples) lying within ``[lo, hi)``."""
    out = items[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]
    return [x for x in out if (x.end if isinstance(x, Mention) else x[1]) <= hi]


def _salient(before: list, sents: list, k: int, subjects: set, role: str) -> tuple:
    """The subject governing a pronoun in sentence ``k`` and where the people still in the
    running start: ``(subject, since)``, or ``(None, -1)``. The subject is the last subject
    named in the pronoun's sentence before it, or, when nobody is named there before it, the
    previous sentence's last subject. People (and pronouns) named before that subject's sentence are out of the
    running: the subject of the clause or of the sentence just before outweighs those named
    earlier ("Rios, last summer, suffered an infection in his leg" after sentences about an
    official); for a possessive inside the sentence ("called her plan costly") earlier
    subjects stay in the running (see ``_governed``)."""
    here = [m for m in before if m.start >= sents[k][0]]
    if here:
        subject = next((m for m in reversed(here) if m.start in subjects), None)
    elif k > 0:
        prev = [m for m in before if sents[k - 1][0] <= m.start < sents[k][0]]
        subject = next((m for m in reversed(prev) if m.start in subjects), None)
    else:
        subject = None
    if subject is None:
        return None, -1
    return subject, sents[_sentence_index([s for s, _ in sents], subject.start)][0]


_REPORTED_RE = re.compile(rf"\b{_SPEECH_VERBS}\b(?:\W+\w+){{0,2}}\W+$", re.I)
_ATTRIBUTION_RE = re.compile(rf"[ \u00a0]+{_SPEECH_VERBS}\b")
# verbs that report what someone says, thinks or knows: what follows may be about someone else
_REPORTING_RE = re.compile(  # the lookahead skips non-letters fast
    rf"\b(?=[a-z])(?:{_SPEECH_VERBS}|(?:testifi|report|confirm|den|alleg|warn|admitt|acknowledg|suggest|believ|"
    rf"remind|hop|argu|not|estimat|predict|complain|reveal|explain)(?:ed|es|s|ing|ied)|thinks?|thought|knows?|knew|"
    rf"according)\b", re.I)


def _speaker_before(text: str, before: list, sents: list, k: int, subjects: set) -> Optional[Mention]:
    """For a pronoun attributing a quotation, when its sentence names nobody before it: the
    last subject of the previous sentence that is the subject of a reporting verb ("Olsen, a
    farmer, said ..."; "Ryan said Acme would pay": Ryan, the people named after the verb being
    what was reported), or None. That speaker governs the pronoun."""
    if k == 0 or any(m.start >= sents[k][0] for m in before):
        return None
    for m in reversed([m for m in before if sents[k - 1][0] <= m.start and m.start in subjects]):
        after = _AFTER_SUBJECT_RE.match(text, m.end)
        if after and _REPORTING_RE.fullmatch(after.group(1)):
            return m
    return None


def _attributes(text: str, pm, sent: tuple) -> bool:
    """Does the pronoun attribute the quotation before it ('"...," he said')?"""
    return (pm.group().lower() in ("he", "she") and text[sent[0] : pm.start()].rstrip()[-1:] in ",\"”'’"
            and bool(_ATTRIBUTION_RE.match(text, pm.end())))


def _governed(text: str, pm, sent: tuple, reporting: dict) -> Optional[str]:
    """How the pronoun takes a clause's subject as its referent, or None: "subject" (he, she,
    or a possessive that starts its sentence: "His speech was short"), "possessive" (his, her
    before a noun inside the sentence; any pronoun after a reporting verb or "that" in its
    sentence), "attribution" ('"...," he said'). None just after a speech verb
    ("Weber says she was escorted out": the one spoken of) and for objects ("thanked her")."""
    pronoun = pm.group().lower()
    if pronoun in ("him", "himself", "herself", "hers"):
        return None
    if pronoun == "her":
        after = re.match(r"\s*([A-Za-z][\w\-]*)", text[pm.end() : pm.end() + 40])
        if not after or after.group(1).lower() in _OBJECT_FOLLOWERS:
            return None
    if _attributes(text, pm, sent):
        return "attribution"  # '"...," he said': the speaker, not the subject of the quoted clause
    before = text[sent[0] : pm.start()].rstrip()
    if _REPORTED_RE.search(before[-40:] + " "):
        return None  # the one spoken of
    if sent[0] not in reporting:  # where the sentence's first reporting verb starts (once per sentence)
        first = _REPORTING_RE.search(text, sent[0], sent[1])
        reporting[sent[0]] = first.start() if first else sent[1]
    if reporting[sent[0]] < pm.start() or re.search(r"\bthat\W*$", before[-12:]):
        return "possessive"  # "Farmer said, noting the work she has done", "hopeful that she"
    return "subject" if pronoun in ("he", "she") or not before else "possessive"


_NOT_A_VERB = {"and", "or", "nor", "but", "of", "in", "on", "at", "to", "for", "from", "with", "by", "as",
               "than", "about", "into", "over", "under", "after", "before", "against", "between", "via"}
_AFTER_SUBJECT_RE = re.compile(  # after an age and a home town ("Novak, 54, of Tyler said"), a parenthesis or an apposition
    r"\s*(?:\([^()]{0,80}\)\s*)?(?:,\s*\d{1,3}\s*,\s*(?:of(?:\s+[^\W\d_a-z][\w'’\-]*)+\s*,?)?|,[^,.;:!?\"“”()]{1,80},|,)?"
    r"\s*([^\W\d_]+)")


def _subjects(text: str, people: list, sents: list) -> set:
    """Starts of the mentions that stand as the subject of their clause: at the start of the
    sentence, or after a comma, a capitalised word or a role noun ("Blue Jays outfielder Alex
    Rios"), and followed (after an apposition or a parenthesis) by a lower-case word that is
    not a preposition or a conjunction: a verb, most likely ("Rios, last summer, suffered")."""
    starts = [s for s, _ in sents]
    out = set()
    for m in people:
        s0 = sents[_sentence_index(starts, m.start)][0] if sents else 0
        prefix = text[s0 : m.start].rstrip()
        if prefix and not prefix.endswith(","):
            prev = _WORD_RE.findall(prefix[-60:])
            if not prev or not (prev[-1][0].isupper() or _role_noun(prev[-1], prev[-2] if len(prev) > 1 else "")):
                continue
        if re.match(r"['’]", text[m.end : m.end + 1]):
            continue  # a possessive: "Novak's lawyer"
        after = _AFTER_SUBJECT_RE.match(text, m.end)
        if after and after.group(1).islower() and after.group(1) not in _NOT_A_VERB and not _role_noun(after.group(1)):
            out.add(m.start)
    return out


_AGENT_RE = re.compile(r"[a-z]{3,}(?:er|or|ist|ian)")
_ADVERBS_IN_ER = {"never", "later", "ever", "rather", "further", "together", "however", "whether", "either",
                  "neither", "other", "earlier", "over", "under", "after", "longer", "sooner", "better"}


def _role_noun(word: str, before: str = "Cap") -> bool:
    """A noun for a person's role ("spokesman", "minister"), or an agent noun ("outfielder",
    "creator") after a capitalised word ("Blue Jays outfielder", "Facebook creator")."""
    w = word.lower()
    if w in role_words():
        return True
    return bool(before[:1].isupper() and _AGENT_RE.fullmatch(w) and w not in _ADVERBS_IN_ER)


_PLACE_BEFORE_RE = re.compile(r"([^\W\d_a-z][\w'’\-]*(?:[ \u00a0][^\W\d_a-z][\w'’\-]*){0,2}),[ \u00a0]+$")
_PLACE_AFTER_RE = re.compile(r",[ \u00a0]+([^\W\d_a-z][\w'’\-]*(?:[ \u00a0][^\W\d_a-z][\w'’\-]*){0,2})\b")


def _in_place_list(text: str, m: Mention) -> bool:
    """Is a weak mention of several words the region of a place, or a place before its region
    ("Santa Maria, Davao del Sur"): next to a gazetteer place, a comma between?"""
    if " " not in m.person:  # "in Paris, Okoro said": a lone name may be a person
        return False
    before = _PLACE_BEFORE_RE.search(text, max(0, m.start - 60), m.start)
    after = _PLACE_AFTER_RE.match(text, m.end)
    return any(hit and is_place(hit.group(1)) for hit in (before, after))


_ORG_AFTER_RE = re.compile(r"[ \u00a0]+([a-z]+)\b|,[ \u00a0]+(?:a|an|the)[ \u00a0]+((?:[\w\-]+[ \u00a0]+){0,3}[a-z]+)\b")


def _names_organisation(text: str, m: Mention) -> bool:
    """Is the name followed by an organisation word ("the Warab state", "the Diekirck team") or
    described as one in an apposition ("Kentro Zois, a Greek non-profit organization")?"""
    after = _ORG_AFTER_RE.match(text, m.end)
    if after is None:
        return False
    last = (after.group(1) or after.group(2)).split()[-1]
    return fold(last) in wordlist("org_words")


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


_PREDICATE_RE = re.compile(r"(?:,?[ \u00a0]+who)?[ \u00a0]+(?:is|was|became|becomes|remains|remained)"
                           r"(?:[ \u00a0]+(?:also|now|not|still))?[ \u00a0]+$")


def _predicate_of(text: str, person_end: int, pm) -> bool:
    """Is the pronoun a possessive in what is said of the person just named ("Novak is her
    lawyer", "Novak, who was his brother's friend")? Then it means someone else ("her own"
    aside)."""
    if pm.group().lower() not in ("his", "her") or re.match(r"\s+own\b", text[pm.end() : pm.end() + 5], re.I):
        return False
    return bool(_PREDICATE_RE.fullmatch(text, person_end, pm.start()))


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


# (found from the space before it, a fast search for one character; no match holds that space)
_LONE_CAP_RE = re.compile(r" (?<=[a-z,;] )([^\W\d_a-z][a-z]+(?:['’]s)?)(?![\w\-])")


def _lone_surnames(text: str, found: list, surnames) -> list:
    """Capitalised words inside a sentence that are the surname of someone the corpus names in
    full, and not part of a mention here, nor a month or weekday: people of unknown gender."""
    if not surnames:
        return []
    spans = Cover((m.start, m.end) for m in found)
    out = []
    for m in _LONE_CAP_RE.finditer(text):
        word, at = strip_possessive(m.group(1)), m.start(1)
        if fold(word) in surnames and not spans(at) and fold(word) not in wordlist("calendar"):  # not "on Tuesday"
            out.append(Mention(at, at + len(word), word, word, None, weak=True))
    return out


_INTRO_RE = re.compile(
    r"(?:after|although|as|at|before|because|despite|during|following|for|from|if|in|like|on|once|"
    r"since|though|throughout|unlike|until|upon|when|whenever|while|with|within|without)\b", re.I)


def _cataphora(text: str, pos: int, sent: tuple, people: list, people_at: list[int]) -> Optional[Mention]:
    """The person a pronoun in a sentence's introductory phrase points forward to ("In her
    speech, Novak ...", "In 1964, a year after his flight, Tereshkova ..."): the first person
    named in the sentence, after a comma that follows the pronoun; or None. The sentence starts
    with a preposition or subordinator and names nobody before the pronoun."""
    s, e = sent
    in_sentence = people[bisect.bisect_left(people_at, s) : bisect.bisect_left(people_at, e)]
    if not _INTRO_RE.match(text, s) or any(m.start < pos for m in in_sentence):
        return None
    ahead = next((m for m in in_sentence if pos < m.start < e), None)
    if ahead is None or "," not in text[pos : ahead.start]:
        return None
    return ahead


def _start(r: _Resolved) -> int:
    return r.start


def _sentence_index(starts: list[int], pos: int) -> int:
    return max(0, bisect.bisect_right(starts, pos) - 1)


def _person_nouns(text: str) -> list[tuple[int, int, str]]:
    """Nouns for people as possible referents, ``(start, end, gender, own)``: gendered nouns ("wife",
    "the girl", "a female deputy" -> "f"; in lower case or in capitals), other nouns for people after a determiner within four words ("a
    teenage patient", "an 18-year-old gang member" -> "n"), and indefinite people ("someone").
    A noun that stands as the title of a name ("actress Jane Doe", "his wife, Sue") is not a
    referent of its own. ``own``: singular (not before a plural verb: "the coast guard have"),
    and for a gendered noun not owned by the speaker ("my wife"): the noun may be the referent
    on the noun path, or compete as a neutral noun."""
    out = []
    for m in _noun_candidates(text):  # the few words that may be such nouns
        w = m.group()
        if not w.islower():  # "A MAN was charged"
            if not (w.isupper() and len(w) > 1):
                continue
            w = w.lower()
        if w in wordlist("indefinite_people"):
            out.append((m.start(), m.end(), "n", True))
            continue
        g = noun_gender(w)
        if g is None:
            continue
        after = _NAME_AFTER_RE.match(text, m.end())
        if after and after.group(1) not in _SENTENCE_WORDS:
            continue
        words, i = _words_to(text, m)
        prev = [x.group().lower() for x in words[max(0, i - 4) : i]]
        if g == "n" and w in wordlist("adjectival_person_nouns") and _modifies(text, m.end()):
            continue  # "the official word"
        if w in wordlist("one_sense_person_nouns") and not _acts_as_person(text, m.end()):
            continue  # "the source of the outbreak"
        if g == "n":
            if prev[-1:] and prev[-1] in _SEX_WORDS:
                g = _SEX_WORDS[prev[-1]]
            elif not any(p in _DETERMINERS for p in prev) or _predicative(text, words, i):
                continue
        elif _predicative(text, words, i):
            continue
        # a referent of its own on the noun path: singular, and for a gendered noun not the
        # speaker's ("my girlfriend and I ... he": someone else is spoken of)
        own = (noun_gender(w, plural=False) is not None and not (g != "n" and prev[-1:] and prev[-1] in _SPEAKERS)
               and not _PLURAL_VERB_RE.match(text, m.end()))  # "the coast guard have": a body of people
        out.append((m.start(), m.end(), g, own))
    return out


@lru_cache(maxsize=1)
def _noun_forms() -> frozenset:
    """The words that may be nouns for people, in lower case and in capitals (ASCII bytes, as
    ``ascii_words`` gives them): every form ``noun_gender`` takes back to a noun of its lists
    (the noun, "-s", "-es", "-ies" for "-y", "-ves" for "-fe", "-men" for "-man") and the
    indefinite people."""
    forms = set(wordlist("indefinite_people"))
    for noun in wordlist("female_nouns") | wordlist("male_nouns") | wordlist("person_nouns"):
        forms.update((noun, noun + "s", noun + "es"))
        for end, plural in (("y", "ies"), ("fe", "ves"), ("man", "men")):
            if noun.endswith(end):
                forms.add(noun[: -len(end)] + plural)
    return frozenset(f.encode() for f in forms | {f.upper() for f in forms})


_IST_RE = re.compile(r"(?:ist(?:e?s)?|IST(?:E?S)?)(?![^\W\d_])")  # the end of an "-ist" noun
_LETTER_RE = re.compile(r"[^\W\d_]")


def _noun_candidates(text: str) -> list:
    """The words of ``_WORD_RE`` (matches, in text order) that may be nouns for people in lower
    case or in capitals (``noun_gender`` of their lower case, or an indefinite person): a
    superset that ``_person_nouns`` checks word by word. Such a word lowers to ASCII letters,
    so it is one of the text's distinct runs of ASCII letters (``ascii_words``; a Kelvin sign,
    which lowers to "k", read as "K"): those of the noun lists are looked for in the text, and
    the ends of "-ist" nouns found by a search, so that the other words are never looked at
    one by one in Python."""
    probe = text.replace("\u212a", "K") if "\u212a" in text else text  # (same length)
    found = {}
    for form in ascii_words(probe) & _noun_forms():
        word = form.decode()
        at = probe.find(word)
        while at >= 0:
            if not (at and _LETTER_RE.match(probe, at - 1) or _LETTER_RE.match(probe, at + len(word))):
                found[at] = _WORD_RE.match(text, at)
            at = probe.find(word, at + len(word))
    for m in _IST_RE.finditer(text):
        start = m.start()
        while start > 0 and _LETTER_RE.match(text, start - 1):
            start -= 1
        if start not in found:
            found[start] = _WORD_RE.match(text, start)
    return [found[s] for s in sorted(found)]


_WORDS_BEFORE = 5  # words before a noun that _person_nouns and _predicative read


def _words_to(text: str, m) -> tuple[list, int]:
    """The words of ``_WORD_RE`` up to the word ``m`` (a match of a whole word), as the
    tokenisation of the whole text gives them, and the index of ``m`` among them: the
    _WORDS_BEFORE words before it, or all of them from the text's first word (then the
    indices are those of the whole text). Read back from ``m`` in a growing window."""
    span = 48  # (about six words: each word read makes a match object)
    while True:
        lo = max(0, m.start() - span)
        before = list(_WORD_RE.finditer(text, lo, m.start()))
        if lo > 0 and before and before[0].start() == lo and _WORD_RE.match(text[lo - 1]):
            before = before[1:]  # a word cut by the window
        if len(before) >= _WORDS_BEFORE or lo == 0:
            before = before[-_WORDS_BEFORE:]
            return before + [m], len(before)
        span *= 2


_SPEAKERS = {"my", "our", "your"}
_PLURAL_VERB_RE = re.compile(r"[ \u00a0]+(?:are|were|have)\b")


_ACTS_RE = re.compile(r",?[ \u00a0]+(?:who|whom)\b|,?[ \u00a0]+(?:[a-z]+ly[ \u00a0]+)?(?=[a-z])(\w+)")


def _acts_as_person(text: str, end: int) -> bool:
    """Is the noun ending at ``end`` followed by "who", a verb of saying or reporting, or
    "close to" / "familiar with" ("a source said", "a source close to him"; not "the source of
    the outbreak")?"""
    nxt = _ACTS_RE.match(text, end)
    return bool(nxt and (nxt.group(1) is None or nxt.group(1) in ("close", "familiar")
                         or _REPORTING_RE.fullmatch(nxt.group(1))))


def _modifies(text: str, end: int) -> bool:
    """Is the word ending at ``end`` an adjective before a noun: followed by a lower-case
    content word that does not look like a verb (not a function word, not in -ed, not a
    reporting verb)?"""
    nxt = re.match(r"[ \u00a0]+([a-z]+)\b", text[end : end + 30])
    if nxt is None:
        return False
    w = nxt.group(1)
    return not (w in stopwords() or w.endswith("ed") or _REPORTING_RE.fullmatch(w) or re.fullmatch(_SPEECH_VERBS, w))


def _predicative(text: str, words: list, i: int) -> bool:
    """Does the noun describe a person just named ("Novak, a lawyer,", "Novak, 19, a member", "called Novak a
    dictator"; "Ms Novak, spokeswoman for ...") or the subject ("Novak became the governor")?
    Then it is not another referent."""
    if i > 0 and words[i - 1].group()[:1].isupper() and re.fullmatch(r",\s*", text[words[i - 1].end() : words[i].start()]):
        return True
    ahead = _APPOSITION_RE.match(text, words[i].end())  # "a nurse from Glasgow, Anna Novak, ..."
    if ahead and not (set(ahead.group(1).lower().split()) & _NOT_IN_APPOSITION) and fold(ahead.group(2)) not in stopwords():
        return True
    for j in range(i - 1, max(-1, i - 4), -1):
        w = words[j].group()
        if w.lower() in _COPULAS:
            return True
        if w.lower() in _DETERMINERS:  # "Novak, the lawyer": not "Nevertheless, the man"
            before = words[j - 1] if j > 0 else None
            return bool(before and before.group()[:1].isupper() and j - 1 > 0
                        and re.fullmatch(r",?\s*(?:\d{1,3}\s*,\s*)?", text[before.end() : words[j].start()])
                        and fold(before.group()) not in stopwords()
                        and not re.search(r"[.!?\n]\W*$", text[max(0, before.start() - 4) : before.start()]))
    return False


_APPOSITION_RE = re.compile(r"((?:[ \u00a0]+[\w'’\-]+){0,8}?),[ \u00a0]+([^\W\d_a-z][\w'’\-]*)[ \u00a0]+[^\W\d_a-z]")
_NOT_IN_APPOSITION = {"is", "was", "are", "were", "has", "had", "have", "will", "would", "can", "could", "did", "does",
                      "said", "says", "told", "and", "but", "or", "that", "who", "which", "when", "while", "if", "because"}
_COPULAS = {"is", "was", "are", "were", "be", "been", "being", "became", "become", "becomes", "as",
            "named", "appointed", "elected"}
_NAME_AFTER_RE = re.compile(r",?[ \u00a0]+([^\W\d_a-z][\w'’\-]*)")
_SENTENCE_WORDS = {"I"}
_SEX_WORDS = {"female": "f", "woman": "f", "male": "m"}


class _Evidence:
    """What the corpus says of its people and words, the plan of the passes (see ``KEYED``).
    From pass 1's tallies: honorifics, nouns naming a person, the genders of each surname's
    people named in full, those surnames, the families (``_family``), how the corpus writes
    its words, the brands. After pass 2, ``pronouns``: the pronouns that point at a named
    person unambiguously, summed over the corpus per person (``("p", key, gender)``) and per
    surname (``("q", surname, gender)``); a document's own count is what it carries."""

    def __init__(self):
        self.honorifics: dict = defaultdict(set)
        self.described: dict = defaultdict(set)  # key -> genders of nouns naming the person
        self.surname_genders: dict = defaultdict(set)  # surname -> genders of the people named in full
        self.surnames: frozenset = frozenset()  # of people named in full anywhere in the corpus
        self.families: dict = {}  # (key, surname) -> documents with namesakes of mixed gender, see _family
        self.case = WordCase(())
        self.brands: frozenset = frozenset()
        self.pronouns: Counter = Counter()

    def gender(self, person: Mention, here: Counter, own: Optional[str] = None):
        """``(gender, source, probability)`` or None. ``here``: the pronouns counted in the
        document being judged (pass 2); ``own``: the gender of the pronoun being judged, when
        it is itself counted among them."""
        if person.honorific:  # "Mr. Kelly" is a man, even when the corpus also has a "Ms. Kelly"
            return person.honorific, "honorific", 1.0
        described = self.described.get(person.key, set())
        described = next(iter(described)) if len(described) == 1 else None
        if person.weak and not person.given:
            if described:
                return described, "apposition", 1.0
            if " " not in person.person:  # a lone surname ("President Putin") of people the corpus
                family = self.surname_genders.get(fold(person.person), ())  # names in full, of one gender
                return (next(iter(family)), "surname", 0.9) if len(family) == 1 and "?" not in family else None
            # a full name the table does not know ("Wang Xiaoming"): its pronouns, below
        hon = self.honorifics.get(person.key, set())
        if len(hon) == 1:
            return next(iter(hon)), "honorific", 1.0
        if len(hon) > 1:
            return None
        other_n, here_n = self._split("p", person.key, here)
        if own:
            here_n[own] -= 1  # the document's other pronouns for this person
        other, here_g = _unanimous(other_n), _unanimous(here_n)
        lex = lexicon_gender(person.given, LEXICON_P)
        if lex:
            # the name table gives way to pronouns for the person that all say otherwise, as many
            # as its log-odds (a pronoun taken as e:1 evidence): 3 for p = 0.92, 7 for p = 0.999
            need = max(2.0, math.log(min(lex[1], 0.999) / (1 - min(lex[1], 0.999))))
            surname = self._split("q", fold(person.surname), here)[0]
            against = "f" if lex[0] == "m" else "m"
            if (_mostly(other_n, against, need, 1.0) or _mostly(here_n, against, need, 1.0)
                    or _mostly(surname, against, need, 0.8)):
                return None  # a name whose gender differs by culture ("Raj" for a woman)
            return lex[0], "name lexicon (nomquamgender)", lex[1]
        if described:
            return described, "apposition", 1.0
        if other and here_g and other != here_g:
            return None
        if other:
            return other, "corpus pronouns", 0.9
        if here_g:
            return here_g, "document pronouns", 0.9
        return None

    def _split(self, kind: str, name: str, here: Counter) -> tuple:
        """Pronoun counts per gender for a person (``kind`` "p") or a surname ("q"): in the
        other documents, and in this one."""
        mine = {g: n for g in "mf" if (n := here.get((kind, name, g), 0))}
        other = {g: n - mine.get(g, 0) for g in "mf" if (n := self.pronouns.get((kind, name, g), 0))}
        return other, defaultdict(int, mine)


def _unanimous(counts: dict) -> Optional[str]:
    """The gender of at least two pronouns when no pronoun has the other gender."""
    live = {g: n for g, n in counts.items() if n > 0}
    return next(iter(live)) if len(live) == 1 and sum(live.values()) >= 2 else None


def _mostly(counts: dict, gender: str, least: float, share: float) -> bool:
    """At least ``least`` pronouns of this gender, and at least ``share`` of all."""
    n = counts.get(gender, 0)
    return n >= least and n >= share * sum(v for v in counts.values() if v > 0)


# gender-mismatch is keyed (rules/_keyed.py) as a pass-1 tally and two passes after the plan:
# 1. per document (``_tally``): what it says of the corpus' people and words, as counts; the
#    plan (``_plan``) makes the corpus' evidence of them;
# 2. per document (``_resolve_pass``): its pronouns resolved with that evidence, and those
#    pointing unambiguously at a named person counted; summed per person and surname (``_counted``);
# 3. per document (``_flag_pass``): its pronouns judged with those sums. Only counts meet: each
#    document's resolved pronouns stay with it (in a staged run, with its shard).


def _tally(doc) -> Iterable:
    """Pass 1, one document: honorifics and nouns naming people (by key), surnames named in
    full and their genders, families, lone names (brands), once each, and its words' case,
    each occurrence: keys that pass 1 counts, each a string (see ``_plan``): a word in lower
    case as itself, a capitalised word after a NUL, the others as their kind and fields after
    NULs (a tuple per key took ~70 bytes more, for every key of the corpus until the plan)."""
    text, ms = doc.text, analysis(doc).mentions
    out: Counter = Counter()
    for m in ms:
        if m.honorific:
            out[f"h\0{m.key}\0{m.honorific}"] = 1
        if " " in m.person and not m.backref and (g := _described(text, m)):
            out[f"d\0{m.key}\0{g}"] = 1
        if m.given and not m.weak:
            out["s\0" + fold(m.surname)] = 1
            if not m.backref:
                out[f"g\0{fold(m.surname)}\0{m.honorific or (lexicon_gender(m.given, LEXICON_P) or '?')[0]}"] = 1
        if " " in m.person or m.honorific:  # named: no brand
            out["n\0" + fold(m.surname)] = 1
        elif m.weak and not m.given:  # standing alone in this document
            out["a\0" + fold(m.person)] = 1
    for key, surname in _families(ms):
        out[f"f\0{key}\0{surname}"] = 1
    lower, capital = WordCase.words(text)
    # (a name holds no NUL: letters, spaces and marks inside words)
    return chain(out, lower, ("\0" + "\n\0".join(capital)).split("\n") if capital else ())


def _plan(noted, totals) -> _Evidence:
    """The corpus' evidence from pass 1's tallies (``totals.tally``)."""
    ev = _Evidence()
    lower, capital, alone, named, surnames = Counter(), Counter(), {}, set(), set()
    for key, n in totals.tally.items():
        if "\0" not in key:  # a word in lower case
            lower[key] = n
            continue
        kind, *name = key.split("\0")
        if not kind:  # a capitalised word
            capital[name[0]] = n
        elif kind == "h":
            ev.honorifics[name[0]].add(name[1])
        elif kind == "d":
            ev.described[name[0]].add(name[1])
        elif kind == "g":
            ev.surname_genders[name[0]].add(name[1])
        elif kind == "s":
            surnames.add(name[0])
        elif kind == "f":
            ev.families[tuple(name)] = n
        elif kind == "a":
            alone[name[0]] = n
        elif kind == "n":
            named.add(name[0])
    totals.tally.clear()  # (taken over from the caller: its words are the evidence's now, held once)
    ev.surnames, ev.case, ev.brands = frozenset(surnames), WordCase.of(lower, capital), _brands(alone, named)
    return ev


def _resolve_pass(doc, index, ev: _Evidence, carried) -> tuple:
    """Pass 2, one document: its pronouns resolved (``_resolve``) with the corpus' evidence;
    those that point unambiguously at a named person counted, evidence of their gender. It
    carries its pronouns, their counts and its families to pass 3 (:func:`_packed`)."""
    ms = analysis(doc).mentions
    refs = _resolve(doc.text, ms, ev.surnames, ev.case, ev.brands)
    counts: Counter = Counter()
    for r in refs:
        r.doc_index = index
        base = refs[r.follows] if r.follows is not None else r
        if (base.path in ("name", "subject") and (not base.person.weak or " " in base.person.person)
                and not base.others and not base.blocked):
            r.counted = True
            counts["p", base.person.key, r.gender] += 1
            counts["q", fold(base.person.surname), r.gender] += 1
    return _packed(refs, counts, _families(ms)), counts, []


def _packed(refs: list, counts: Counter, families: set) -> bytes:
    """What a document carries from pass 2 to pass 3, pickled: the passes of every document
    meet in one process (the first runs in the workers, by batch), where a document's
    pronouns, their mentions and counts as objects took 2-3 times the memory (~1.5 KB per
    3 KB article, held for the whole corpus until pass 3)."""
    return pickle.dumps((refs, counts, families), protocol=pickle.HIGHEST_PROTOCOL)


def _counted(ev: _Evidence, tally: Counter) -> _Evidence:
    """The evidence with the corpus' pronoun counts (pass 2's tallies)."""
    out = copy.copy(ev)
    out.pronouns = tally
    return out


def _flag_pass(doc, index, ev: _Evidence, carried) -> tuple:
    """Pass 3, one document: the findings on its pronouns (see the module docstring)."""
    refs, here, families = pickle.loads(carried)
    flagged: list = [None] * len(refs)  # (gender, source, probability) when the pronoun is wrong
    found = []
    for j, r in enumerate(refs):
        if r.follows is not None:
            flagged[j] = flagged[r.follows]
        elif r.blocked or any(flagged[i] is None for i in r.same_before):
            continue  # something else the pronoun may point to
        elif any((g := ev.gender(o, here)) is None or g[0] == r.gender for o in r.others):
            continue  # someone else mentioned nearby may be meant
        elif r.path == "noun":
            flagged[j] = (r.noun[2], "noun", 1.0)
        elif ((not r.person.weak or " " in r.person.person or r.person.key in ev.described)
              and not _family(r.person, ev, families)):
            g = ev.gender(r.person, here, r.gender if r.counted else None)
            flagged[j] = g if g is not None and g[0] != r.gender else None
        if flagged[j] is not None:
            found.append(_finding(doc, r, *flagged[j]))
    return None, Counter(), found


def _wider(ev: _Evidence, carried: dict):
    """For a run keeping the findings of some documents only (``carried``: their pass 2): the
    other documents that may give evidence about a person their pronouns refer to, a mention
    (or a lone surname, as ``_resolve`` finds them) with the key or the surname of one. A
    pronoun of another document counts only for its own person's key and surname, so the
    findings are those of resolving every document."""
    people_read = [m for packed in carried.values() for r in pickle.loads(packed)[0] for m in (r.person, *r.others)
                   if m is not None]
    keys, names = {m.key for m in people_read}, {fold(m.surname) for m in people_read}
    lone = ev.surnames & (keys | names)  # a lone surname's key and surname are the word itself

    def wanted(doc, index) -> bool:
        ms = analysis(doc).mentions
        return any(m.key in keys or fold(m.surname) in names for m in (*ms, *_lone_surnames(doc.text, ms, lone)))

    return wanted


KEYED = Keyed(collect=lambda doc, index: (), compare=None, report=lambda matches, plan, totals: matches,
              plan=_plan, tally=_tally, passes=(Pass(_resolve_pass, then=_counted, wider=_wider), Pass(_flag_pass)))


def _check(docs, ctx):
    return run(RULE.id, docs, only=ctx.only)


BRAND_DOCS = 3  # "several" documents


def _brands(alone: dict, named: set) -> frozenset:
    """Lone capitalised words taken for people ("told Wikinews", "said Acme") that no person
    of the corpus bears as a surname, nor after an honorific, and that stand alone in several
    documents (news introduces a person by full name): an outlet, a company, an agency.
    ``alone``: word -> the documents it stands alone in; ``named``: surnames of people."""
    return frozenset(w for w, docs in alone.items()
                     if docs >= BRAND_DOCS and w not in named and given_name(w) is None)


_DESCRIBED_AFTER_RE = re.compile(r",[ \u00a0]+(?:a|an|the)[ \u00a0]+(?:[\w'’\-]+[ \u00a0]+){0,3}?([a-z]+)(?=[,.;:]|[ \u00a0]+(?:and|who|of|from|in|at)\b)")
_TITLE_BEFORE_RE = re.compile(r"\b([a-z]+)[ \u00a0]+$")


def _described(text: str, m: Mention, genders: str = "mf") -> Optional[str]:
    """The gender of a noun that names the person: in apposition ("Ana Vuk, an Australian
    woman, ...") or as a title ("actress Ana Vuk"); None when there is none. For names the
    name table does not know. ``genders="n"``: any noun for a person in apposition ("Joan
    Rose, a microbiologist": a person, though "Rose" is an ordinary word; not a title, which
    may be a verb: "accused"), "n" for a neutral one."""
    after = _DESCRIBED_AFTER_RE.match(text, m.end)
    before = _TITLE_BEFORE_RE.search(text, max(0, m.start - 30), m.start) if genders != "n" else None
    for hit in (after, before):
        g = noun_gender(hit.group(1), plural=False) if hit else None
        if g is not None and (g in genders or genders == "n"):
            return g
    return None


def _family(person: Mention, ev: _Evidence, mine: set) -> bool:
    """Is a surname-only mention ambiguous as to gender: do the other documents that name this
    person in full also name someone else of that surname ("Katie Smith" and "Tom Smith": which
    is "Smith"?), not all of one gender by the name table ("Ahmed Smith" and his father "Omar
    Smith" are both men)? In the mention's own document a namesake named before it has made it
    weak already (``mentions``), and one named after it is not known yet. A mention with its
    own honorific ("Mr. Smith") is not ambiguous. ``mine``: the document's own families."""
    if not person.backref or person.honorific:
        return False
    family = (person.key, fold(person.surname))
    return ev.families.get(family, 0) - (family in mine) > 0


def _families(ms) -> set:
    """``(key, surname)`` for each person a document names in full and each surname it gives
    several given names of, not all of one gender by the name table (see ``_family``)."""
    full, given = set(), defaultdict(set)
    for m in ms:
        if m.given and not m.weak and not m.backref:
            full.add(m.key)
            given[fold(m.surname)].add(fold(m.given))
    mixed = [s for s, names in given.items() if len(names) > 1 and _mixed(names)]
    return {(k, s) for k in full for s in mixed}


def _mixed(given: set) -> bool:
    """Do these given names not all have one gender by the name table?"""
    genders = {(lexicon_gender(g, LEXICON_P) or ("?",))[0] for g in given}
    return len(genders) > 1 or "?" in genders


def _finding(doc, r: _Resolved, gender: str, source: str, prob: float):
    pronoun = doc.text[r.start : r.end]
    fix = _SWAP[pronoun.lower()]
    fix = fix.capitalize() if pronoun[0].isupper() else fix
    if r.path == "noun":
        s, e = r.noun[:2]
        who, mention = f"'{doc.text[s:e]}'", {"start": s, "end": e}
        source = "gendered noun"
    else:
        who, mention = r.person.person, {"start": r.person.start, "end": r.person.end}
    return RULE.finding(
        doc, r.start, r.end,
        f"'{pronoun}' refers to {who}, who is {_GENDER_WORD[gender]} ({source})",
        suggestion=fix,
        confidence=_PRECISION.get("subject" if r.path == "subject" else source, 0.5),
        evidence={"person": who.strip("'"), "gender": _GENDER_WORD[gender], "source": source,
                  "probability": round(prob, 3), "path": r.path, "mention": mention},
    )


# the findings' confidence: precision of each path, smoothed (n+1)/(N+2), measured on pronoun flips
# planted into Wikinews, ECB+ and BASIL articles (`python benchmarks/recall.py --pronoun-paths`,
# docs/gender-mismatch.md): honorific 110/110, name table 162/166, gendered noun 21/25, subject
# salience (any gender source) 103/103; paths too rare to measure (apposition, corpus or document
# pronouns) get the pooled figure 398/406
_PRECISION = {"honorific": 0.99, "name lexicon (nomquamgender)": 0.97, "gendered noun": 0.81, "subject": 0.99,
              "apposition": 0.98, "corpus pronouns": 0.98, "document pronouns": 0.98}


# "her" is ambiguous (him / his): the suggestion takes the object form
_SWAP = {"he": "she", "him": "her", "his": "her", "himself": "herself",
         "she": "he", "her": "him", "hers": "his", "herself": "himself"}

RULE = Rule(
    id="gender-mismatch",
    severity="warning",
    description="A pronoun whose gender disagrees with the person it refers to (name, honorific or corpus pronouns).",
    check=_check,
    scope="corpus",
    keyed=KEYED,
    confidence=tuple(_PRECISION.items()),
    should_flag=(
        "Finance Minister Margaret Olsen said the budget would pass. [[He]] added that taxes would not rise.",
        '"We will not give up," said Ms Okafor. "The vote is next week," [[he]] said.',
        ("Peter Lindqvist opened the session. According to [[her]], the plan is ready.",),
        # a gendered noun as the only referent
        "The girl was taken to hospital. [[His]] injuries are not serious.",
        # cataphora from an introductory phrase
        "In [[his]] first speech, the new mayor Sarah Collins promised lower fares.",
        # a surname named before the full name in the same sentence
        "Now Brandt said that [[she]] would resign, Thomas Brandt's office confirmed.",
        # inside a quotation that names the person
        'The banner read: "Maria Santos changed the city. [[His]] plans worked."',
        # the clause's subject outweighs a person named in passing earlier
        "The report was sent to Paul Weber in May. Yesterday Anna Lindqvist opened the clinic. [[His]] speech was short.",
        # the speaker of an attributed quotation, not the one of whom the speaker reported
        'Mr Okafor said Velkor was reviewing its rules. "We will act soon," [[she]] said.',
    ),
    should_pass=(
        "Finance Minister Margaret Olsen said the budget would pass. She added that taxes would not rise.",
        "Robert Hale met Susan Park on Monday. He said the talks went well.",
        "Thomas Brandt said his wife was ill. She stayed at home.",
        '"I met Maria Lopez yesterday," he told reporters.',
        "Thomas Brandt helped her with the forms.",
        "Late June Weber wrote on his blog that the vote was close.",
        # an unnamed person in between
        "Daniel Moretti treated a young patient after she had fallen.",
        # a gendered noun elsewhere in the window, and a pronoun chain anchored on it
        "The woman ran past the shop. Paul Reyes said she looked scared. He called her a taxi.",
        # kinship noun after a pronoun
        "Rosa Klein has more patience than her father. He said so himself.",
        # a couple sharing a surname
        "Tony and Angela Marsh opened the shop. Marsh said he was pleased.",
        # a title before the name is not the given name
        "Georgia Sheriff Tom Bell said his office would help.",
        # a predicative noun describes the person just named
        "Critics called Helen Ward a dictator because she closed the port.",
        # reported speech: the one spoken of, not the speaker
        "The report was sent to Paul Weber. Anna Lindqvist said he would appeal.",
        # a quotation that names nobody: the speaker's perspective
        'Maria Santos said: "He is wrong about the plan."',
        # anyone
        "Paul Weber said each voter must cast his or her ballot.",
    ),
)
