"""Person mentions in English news text, and what is known of their gender.

A person is found from a capitalised sequence whose first name is a well-attested given name
(nomquamgender's name table) followed by a surname ("Anna Novak"), or from an honorific and a
capitalised word ("Ms Novak"). Later surname-only mentions ("Novak said") refer back to the
person introduced earlier in the document. Sequences containing organisation or place words
("Victoria Station", "Georgia Tech") are not people.

Weaker mentions are kept too, marked ``weak``: a title and a name ("Dr. Okoro"), a lone
capitalised word before a speech verb ("Okoro said") or after a role noun ("minister Okoro"),
a lone given name ("Anna"), and other name-like capitalised pairs. A rule may treat them as
possible referents (to stay silent when unsure) but should not act on them.

Month, weekday and season names that are also given names ("July", "May", "Summer") count as
names only when they are not used as dates: not after a time word ("late July", "since May")
and not next to a number ("July 4", "4 July"). A capitalised sequence that is exactly the name
of a place in the gazetteer ("Santa Maria", "San Jose") is not a person.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from ..textutil import Cover
from ._lex import ascii_words, fold, given_name, is_place, wordlist, zipf_en
from .base import analysis

HONORIFICS = {
    "mr": "m", "sir": "m", "lord": "m", "monsieur": "m", "herr": "m",
    "mrs": "f", "ms": "f", "miss": "f", "madam": "f", "madame": "f", "dame": "f", "lady": "f",
    "mme": "f", "frau": "f",
}
PARTICLES = {"de", "da", "di", "del", "della", "der", "den", "van", "von", "bin", "ibn", "al", "le", "la", "dos", "du"}
_CAP = r"(?:[^\W\d_a-z][a-z]{0,2}\.(?=[ \u00a0][^\W\d_a-z])|[^\W\d_a-z][\w'’\-]*)"  # "Dr." "J." or a word
_CAP_SEQ_RE = re.compile(rf"(?<![\w'’\-])(?:{_CAP})(?:[ \u00a0](?:(?:{'|'.join(sorted(PARTICLES))})[ \u00a0])?{_CAP})*")
_POSSESSIVE_RE = re.compile(r"(?:['’]s?)$")
_SPEECH_VERBS = r"(?:said|says|told|tells|added|adds|stated|noted|explained|argued|wrote|announced|declared|claims|claimed|recalled|insisted)"
_SPEECH_VERB_SET = frozenset(_SPEECH_VERBS[3:-1].split("|"))  # the words _SPEECH_VERBS matches
_NAME_RARITY = 3.5  # a capitalised word rarer than this (Zipf) in English looks like a name
_REGNAL_RE = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})")  # a regnal number: II, XIV, XVI


@lru_cache(maxsize=1)
def stopwords() -> frozenset:
    return wordlist("english_stop_words")  # scikit-learn's list, shipped (data/)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    person: str  # the name as introduced: "Anna Novak" (or "Novak" with only an honorific)
    surname: str
    given: Optional[str]
    honorific: Optional[str] = None  # "m" | "f" when this mention carries one
    weak: bool = False  # a possible person, not to be acted on
    backref: bool = False  # a surname-only mention of a person named in full earlier

    @property
    def key(self) -> str:
        return fold(self.person)


def strip_possessive(word: str) -> str:
    """The word without a final possessive ("Novak's", "Novak’s", "Jones'" -> "Novak", "Jones")."""
    if len(word) <= 2:
        return word
    if "\n" in word:  # (the pattern's ``$`` also matches before a final line break)
        return _POSSESSIVE_RE.sub("", word)
    if word[-1] in "'’":
        return word[:-1]
    if word[-1] == "s" and word[-2] in "'’":
        return word[:-2]
    return word


_NON_SPACE_RE = re.compile(r"\S+")


def _tokens(seq: str, base: int) -> list[tuple[str, int, int]]:
    """``(word, start, end)`` of the words of a capitalised sequence found at ``base`` (words
    between single spaces or no-break spaces, as ``_CAP_SEQ_RE`` joins them), without final dots."""
    out, at = [], base
    for piece in seq.replace("\u00a0", " ").split(" "):
        w = piece.rstrip(".")
        if w:
            out.append((w, at, at + len(w)))
        at += len(piece) + 1
    return out


@lru_cache(maxsize=100_000)
def _word_facts(word: str) -> tuple:
    """What ``mentions`` reads of a word of a capitalised sequence of several, without its place
    (once per distinct word): ``(base, folded base, honorific or title or given name, org word
    or stop word, rarer in English than a name)``."""
    base = strip_possessive(word)
    key = fold(base)
    person = key in HONORIFICS or key in wordlist("titles") or given_name(word) is not None
    blocked = key in wordlist("org_words") or key in stopwords()
    return base, key, person, blocked, zipf_en(key) < _NAME_RARITY


def _weak_pair(toks, facts) -> bool:
    """A name-like capitalised sequence of two to four words (``_weak_in``), none blocked
    (``facts``: :func:`_word_facts` of each): none in capitals, one rare in English."""
    return 1 < len(toks) <= 4 and not any(w.isupper() for w, _, _ in toks) and any(f[4] for f in facts)


def _as_date(text: str, toks, i: int) -> bool:
    """Is token ``i`` a month, weekday or season name used as such (after a time word, or next
    to a number)?"""
    w, s, e = toks[i]
    if fold(w) not in wordlist("calendar"):
        return False
    before = toks[i - 1][0] if i > 0 else (re.findall(r"[\w\-]+", text[max(0, s - 30) : s]) or [""])[-1]
    after = re.match(r"[ \u00a0]*(\S+)", text[e : e + 20])
    return (
        fold(before.split("-")[0]) in wordlist("time_words")
        or before[-1:].isdigit()
        or bool(after and after.group(1)[0].isdigit())
    )


def _given(text: str, toks, i: int):
    """The given-name table entry for token ``i``, unless it is a date word used as such."""
    info = given_name(toks[i][0])
    return None if info is None or _as_date(text, toks, i) else info


def mentions(text: str) -> list[Mention]:
    """Person mentions in text order (see the module docstring)."""
    sent_starts = analysis(text).sentence_starts
    known: dict[str, Mention] = {}  # folded surname -> the latest full mention
    shared: set[str] = set()  # surnames of two people in this text (a couple, a family)
    out: list[Mention] = []
    for m in _CAP_SEQ_RE.finditer(text):
        one = _one_word(m.group())
        if one is not None:  # a single word (most sequences): what it is, read once per word
            if one and (one[4] or one[2] in known):  # (else neither a back-reference nor a given name)
                _add_one_word(text, m.start(), one, sent_starts, known, shared, out)
            continue
        toks = _tokens(m.group(), m.start())
        if len(toks) > 1 and toks[0][1] in sent_starts and fold(toks[0][0]) in stopwords():
            toks = toks[1:]  # "Now Novak said": the sentence's first word is not part of the name
        if not toks:
            continue
        facts = [_word_facts(w) for w, _, _ in toks]  # (base, key, person word, blocked, rare)
        # (a person in full needs two words, or an honorific and a word: an honorific, a title
        # or a given name before the last word, else _person_in finds none)
        person = len(toks) > 1 and any(f[2] for f in facts[:-1])
        blocked = any(f[3] for f in facts)
        weak = not blocked and (len(toks) == 1 or _weak_pair(toks, facts))
        if not (person or weak or any(f[1] in known for f in facts)):
            continue  # nothing to find here, whether it names a place or not
        if len(toks) > 1 and is_place(" ".join(f[0] for f in facts)):
            continue  # "Santa Maria", "San Jose": a place named like a person
        found = _person_in(text, toks, sent_starts, known, shared, [f[1] for f in facts]) if person else None
        if found is not None:
            if not found.weak:
                key = fold(found.surname)
                partner = _couple(text, found)
                if partner is not None:  # "Tony and Angela Smith": two people, one surname
                    out.append(partner)
                    shared.add(key)
                elif key in known and known[key].key != found.key and found.given and not found.backref:
                    shared.add(key)
                known[key] = found
            out.append(found)
            continue
        refs = []
        for (w, s, e), (base, key, *_) in zip(toks, facts):  # surname-only back-references ("Foreign Minister Novak")
            ref = known.get(key)
            if ref is not None and key in shared:  # which Smith? unknown
                refs.append(Mention(s, s + len(base), base, base, None, weak=True, backref=True))
            elif ref is not None:
                refs.append(Mention(s, s + len(base), ref.person, ref.surname, ref.given, backref=True))
        out.extend(refs)
        if not refs and weak:
            out.extend(_weak_in(text, toks, sent_starts, facts))
    covered = Cover((m.start, m.end) for m in out)
    for m in _unnamed_people(text):
        if not covered(m.start):
            out.append(m)
    return _link_forward(sorted(out, key=lambda m: m.start))


@lru_cache(maxsize=100_000)
def _one_word(seq: str) -> Optional[tuple]:
    """For a capitalised sequence of one word (no space), what ``mentions`` reads of it
    without its place: ``(word, base, folded base, org word or stop word, may be a lone given
    name)``, or ``()`` when it is only dots; None for a sequence of several words. Once per
    distinct word."""
    if " " in seq or "\u00a0" in seq:
        return None
    word = seq.rstrip(".")
    if not word:
        return ()
    base = strip_possessive(word)
    key = fold(base)
    blocked = key in wordlist("org_words") or key in stopwords()
    return word, base, key, blocked, not word.isupper() and key not in wordlist("places") and bool(given_name(base))


def _add_one_word(text, start, one, sent_starts, known, shared, out) -> None:
    """``mentions`` for a sequence of one word at ``start`` (``one``: see ``_one_word``): a
    back-reference to a person named in full before, else a lone given name (``_weak_in``)."""
    word, base, key, blocked, given = one
    ref = known.get(key)
    if ref is not None and key in shared:  # which Smith? unknown
        out.append(Mention(start, start + len(base), base, base, None, weak=True, backref=True))
    elif ref is not None:
        out.append(Mention(start, start + len(base), ref.person, ref.surname, ref.given, backref=True))
    elif (given and not blocked and start not in sent_starts
          and not _as_date(text, [(word, start, start + len(word))], 0)):
        out.append(Mention(start, start + len(base), base, base, base, weak=True))


_COUPLE_RE = re.compile(r"(?<![\w'’\-])([^\W\d_a-z][\w'’\-]*),?[ \u00a0](?:and|&)[ \u00a0]$")


def _couple(text: str, found: Mention) -> Optional[Mention]:
    """The first of a couple named with one surname: "Tony and Angela Smith" -> Tony Smith."""
    if not found.given or found.backref:
        return None
    m = _COUPLE_RE.search(text, max(0, found.start - 40), found.start)
    if m is None or given_name(m.group(1)) is None:
        return None
    return Mention(m.start(1), m.end(1), f"{m.group(1)} {found.surname}", found.surname, m.group(1))


@lru_cache(maxsize=1)
def role_words() -> frozenset:
    """Titles and nouns for people (gendered or not): "Sheriff", "Director", "Queen"."""
    return (wordlist("titles") | wordlist("person_nouns") | wordlist("female_nouns")
            | wordlist("male_nouns"))


def _link_forward(out: list) -> list:
    """A lone surname before the full name ("Novak said ... Anna Novak") refers to that person,
    unless two people of the text share the surname."""
    full: dict = {}
    first: dict = {}  # key -> its first mention
    for m in out:
        first.setdefault(m.key, m)
        if (not m.weak and m.given or m.weak and " " in m.person) and not m.backref:
            full.setdefault(fold(m.surname), set()).add(m.key)  # "Ka Novak" too: a person of that surname
    linked = []
    for m in out:
        people = full.get(fold(m.person)) if m.weak and not m.given and " " not in m.person else None
        if people and len(people) == 1:
            ref = first[next(iter(people))]
            m = Mention(m.start, m.end, ref.person, ref.surname, ref.given, backref=True)
        linked.append(m)
    return linked


def _person_in(text, toks, sent_starts, known, shared=frozenset(), words=None) -> Optional[Mention]:
    if words is None:
        words = [fold(strip_possessive(w)) for w, _, _ in toks]
    org, places, titles = wordlist("org_words"), wordlist("places"), wordlist("titles")
    for i, (w, s, e) in enumerate(toks):
        if words[i] in HONORIFICS and i + 1 < len(toks):
            rest = toks[i + 1 : i + 4]
            surname = strip_possessive(rest[-1][0])
            end = rest[-1][1] + len(surname)
            ref = known.get(fold(surname))
            if ref is not None and len(rest) == 1 and fold(surname) not in shared:
                return Mention(s, end, ref.person, ref.surname, ref.given, HONORIFICS[words[i]], backref=True)
            given = rest[0][0] if len(rest) > 1 and _given(text, toks, i + 1) else None
            name = " ".join(t[0] for t in rest[:-1] + [(surname,)])
            return Mention(s, end, name, surname, given, HONORIFICS[words[i]])
    # a name after a title or role word: "County Sheriff Ann Reid" is Ann Reid
    first = max((i + 1 for i, w in enumerate(words[:-1]) if w in role_words()), default=0)
    for i, (w, s, e) in enumerate(toks[:-1]):
        if i < first:
            continue
        # a middle initial makes a person of a given name that is also a place ("Regina M. Cole")
        initial = i + 2 < len(toks) and len(toks[i + 1][0]) == 1 and toks[i + 1][0].isupper()
        if (words[i] in places and not initial) or words[i] in PARTICLES or len(w) < 2 or w.isupper():
            continue
        if s in sent_starts and words[i] in stopwords():
            continue
        if _given(text, toks, i) is None:
            continue
        rest = toks[i:][:4]
        if any(r in org or (r in places and not (initial and k == 0)) or r in stopwords()
               for k, r in enumerate(words[i : i + len(rest)])):
            return None
        regnal = next((k for k, t in enumerate(rest) if k and _REGNAL_RE.fullmatch(strip_possessive(t[0]))), None)
        if regnal is not None:  # "John Paul II", "Louis XIV": given names and a regnal number
            rest = rest[: regnal + 1]
            name = strip_possessive(" ".join(t[0] for t in rest))
            return Mention(s, s + len(name), name, name, w)
        surname = strip_possessive(rest[-1][0])
        if len(surname) < 2 or surname.isupper():
            return None
        name = " ".join(t[0] for t in rest[:-1]) + " " + surname
        return Mention(s, rest[-1][1] + len(surname), name, surname, w)
    for i, (w, s, e) in enumerate(toks[:-1]):  # a title and a name: "Dr. Okoro", "Judge Ana Ruiz"
        if words[i] in titles and not any(r in org or r in places for r in words[i + 1 :]):
            rest = toks[i + 1 :][:3]
            surname = strip_possessive(rest[-1][0])
            if surname.isupper() or fold(surname) in stopwords():
                return None
            name = " ".join(t[0] for t in rest[:-1] + [(surname,)])
            return Mention(s, rest[-1][1] + len(surname), name, surname, None, weak=True)
    return None


def _weak_in(text, toks, sent_starts, facts):
    """A lone given name ("Anna") or a name-like capitalised pair ("Amneh Jafari"), of a sequence
    with no org or stop word (``facts``: :func:`_word_facts` of each token)."""
    if len(toks) == 1:
        w, s, e = toks[0]
        base = facts[0][0]
        if (s not in sent_starts and not w.isupper() and facts[0][1] not in wordlist("places")
                and given_name(base) and not _as_date(text, toks, 0)):
            yield Mention(s, s + len(base), base, base, base, weak=True)
        return
    if _weak_pair(toks, facts):
        yield Mention(toks[0][1], toks[-1][2], " ".join(t[0] for t in toks), toks[-1][0], None, weak=True)


def _unnamed_people(text: str):
    """People known by one capitalised word: after a role noun ("minister Ortega"), next to a
    speech verb ("Ortega said", "said Ortega") or before an age ("Ortega, 32,"). Their gender
    is unknown. Each pattern of ``_UNNAMED_RES`` is a separate pass ("Now Ortega said" is found
    by the second), read where the text holds a role noun or a speech verb (``ascii_words``:
    the matches ``finditer`` would give, without a search over the whole text)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character lowers to several: offsets differ, read every match
        found = ([(m.group(2), m.start(2)) for m in _UNNAMED_RES[0].finditer(text) if _role_or_speech(m.group(1))],
                 [(m.group(1), m.start(1)) for p in _UNNAMED_RES[1:] for m in p.finditer(text)])
    else:
        words = ascii_words(lowered)
        verbs = _places(text, words & _VERB_FORMS)  # (lower case, as the patterns have them)
        found = _after_role_words(text, _places(lowered, words & _role_forms())), _next_to_verbs(text, verbs)
    for word, start in chain(*found):
        yield from _unnamed(word, start)
    for m in _AGE_RE.finditer(text):  # found from the age: a regex from the name is slower
        name = _WORD_BEFORE_RE.search(text, max(0, m.start() - 40), m.start())
        if name:
            yield from _unnamed(name.group(), name.start())


def _places(text: str, forms) -> list:
    """Where the words ``forms`` (bytes) occur in ``text``, anywhere (inside other words too),
    in text order."""
    places = set()  # (two words may start at one place: "police", "policeman")
    for form in forms:
        word = form.decode()
        at = text.find(word)
        while at >= 0:  # (one starting inside another occurrence of itself starts no word)
            places.add(at)
            at = text.find(word, at + len(word))
    return sorted(places)


def _after_role_words(text: str, places: list) -> list:
    """``(word, start)`` of the capitalised word of each match of ``_UNNAMED_RES[0]`` (a word,
    then a capitalised one) that ``finditer`` gives and whose first word is a role noun or a
    speech verb, given the ``places`` where such a word may start: there, a match is one
    ``finditer`` gives unless a match before it takes its first word in (``_taken``)."""
    out = []
    for at in places:
        m = _UNNAMED_RES[0].match(text, at)
        if m is not None and _role_or_speech(m.group(1)) and not _taken(text, at):
            out.append((m.group(2), m.start(2)))
    return out


_VERB_RE = re.compile(rf"{_SPEECH_VERBS}\b")
_CAP_CHAR_RE = re.compile(r"[^\W\d_a-z]")


def _next_to_verbs(text: str, verbs: list) -> list:
    """``(word, start)`` of the capitalised word of each match of ``_UNNAMED_RES[1]`` (before a
    speech verb), then of ``_UNNAMED_RES[2]`` (after one), as ``finditer`` gives them, given
    the places ``verbs`` where a speech verb may start (every match holds one): a match of the
    first ends with the verb and starts at the first capital of the run of word characters
    before it (at least two characters) after the match before it; one of the second starts at
    the first verb after the match before it where it matches at all."""
    out, last = [], 0
    for v in verbs:
        verb = _VERB_RE.match(text, v)
        if verb is None or v == 0 or text[v - 1] not in " \u00a0":
            continue
        q = v - 1
        while q > 0 and text[q - 1] in " \u00a0":
            q -= 1
        run = q
        while run > 0 and _RUN_CHAR_RE.match(text, run - 1):
            run -= 1
        p = max(run, last)
        while p <= q - 2 and not _CAP_CHAR_RE.match(text, p):
            p += 1
        if p <= q - 2:
            out.append((text[p:q], p))
            last = verb.end()
    last = 0
    for v in verbs:
        m = _UNNAMED_RES[2].match(text, v) if v >= last else None
        if m is not None:
            out.append((m.group(1), m.start(1)))
            last = m.end()
    return out


def _role_or_speech(word: str) -> bool:
    return word.lower() in role_words() or word in _SPEECH_VERB_SET


@lru_cache(maxsize=1)
def _role_forms() -> frozenset:
    """Role nouns and speech verbs that a word of ASCII letters can be, as bytes (``ascii_words``)."""
    return frozenset(w.encode() for w in role_words() | _SPEECH_VERB_SET if w.isascii() and w.isalpha())


_VERB_FORMS = frozenset(w.encode() for w in _SPEECH_VERB_SET)


_RUN_CHAR_RE = re.compile(r"[\w'’\-]")
_ASCII_LETTER = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _taken(text: str, at: int) -> bool:
    """Is the match of ``_UNNAMED_RES[0]`` at ``at`` inside one that ``finditer`` gives before
    it? Such a match ends with the run of word characters holding ``at`` (its capitalised
    word), and starts at the word before that run (``_pair_before``); it is given unless taken
    in itself. Along a chain of such matches, every other one is given."""
    taken = False
    while (at := _pair_before(text, at)) is not None:
        taken = not taken
    return taken


def _pair_before(text: str, at: int) -> Optional[int]:
    """Where the match of ``_UNNAMED_RES[0]`` whose capitalised word holds ``at`` starts, or None."""
    run = at
    while run > 0 and _RUN_CHAR_RE.match(text, run - 1):
        run -= 1
    i = run
    while i > 0 and text[i - 1] in " \u00a0":
        i -= 1
    if i == run:
        return None
    if i > 0 and text[i - 1] == ".":
        i -= 1
    j = i
    while j > 0 and text[j - 1] in _ASCII_LETTER:
        j -= 1
    m = _UNNAMED_RES[0].match(text, j) if j < i else None
    return j if m is not None and m.start(2) == run else None


def _unnamed(word: str, start: int):
    word = strip_possessive(word)
    if not (word.isupper() or fold(word) in stopwords()):
        yield Mention(start, start + len(word), word, word, None, weak=True)


_UNNAMED_RES = (  # (``++``: a shorter run of letters or spaces cannot be followed by the rest)
    re.compile(r"\b([A-Za-z]++)\.?[ \u00a0]++([^\W\d_a-z][\w'’\-]+)"),
    re.compile(rf"([^\W\d_a-z][\w'’\-]+)[ \u00a0]+{_SPEECH_VERBS}\b"),
    re.compile(rf"\b{_SPEECH_VERBS}[ \u00a0]+([^\W\d_a-z][\w'’\-]+)"),
)
_AGE_RE = re.compile(r",[ \u00a0]+\d{1,3},")  # an age after a name: "Okoro, 32, said"
_WORD_BEFORE_RE = re.compile(r"(?<![\w'’\-])[^\W\d_a-z][\w'’\-]+$")


def lexicon_gender(given: Optional[str], threshold: float = 0.9):
    """``(gender, p)`` from the given-name table when p(female) >= threshold or <= 1 - threshold."""
    if not given:
        return None
    info = given_name(given)
    if info is None:
        return None
    p_f = info[2]
    if p_f >= threshold:
        return "f", p_f
    if p_f <= 1 - threshold:
        return "m", 1 - p_f
    return None


_COMMON_WORD = 4.5  # a capitalised word this frequent in English (Zipf) is a word, not a surname


def plausible_person(m: Mention, case: Optional["WordCase"] = None) -> bool:
    """Could this mention be a person a pronoun points to? Full names and back-references can;
    a weak mention cannot when it is a place, a date word, a plural noun for people
    ("Prosecutors said"), an ordinary English word ("Detectives said", "Subsequently"), a sequence ending in one ("Kodak Theater") or in a
    role word ("Chief Health Officer"), or has a word that ``case`` (the corpus) writes as an
    ordinary word ("Swine Flu", "Newmont Mining", "Centers for Disease Control and Prevention");
    nor can a full name with ordinary words after the given name ("Royal Free", a hospital;
    "Hope Springs"): when the given name says nothing of gender, words the corpus writes
    in lower case; when it is an ordinary word itself, words it writes mostly in lower case."""
    words = m.person.split()
    if not m.weak:  # not "Royal Free", "Hope Springs": a given name before ordinary words
        if m.honorific is not None or case is None:
            return True
        if m.backref and not m.given:  # "Armstead, 32, said" after "Unique Armstead": the word itself
            return not case.common(m.surname)
        if lexicon_gender(m.given) is None:  # "Royal Free", "Blue Jays"
            return not any(case.common(w) for w in words if fold(w) not in PARTICLES)
        if case.common(m.given):  # "Hope", "Will": a given name that is an ordinary word
            return not any(case.mostly_lower(w) for w in words[1:] if fold(w) not in PARTICLES)
        return True
    last = fold(strip_possessive(words[-1]))
    if is_place(m.person) or last in wordlist("calendar") or last in wordlist("org_words"):
        return False
    if len(words) > 1 and last in role_words():
        return False
    if len(words) == 1 and noun_gender(last, plural=False) is None and noun_gender(last) is not None:
        return False  # a plural noun for people: "Prosecutors said"
    if case is not None and any(case.common(w) for w in words if fold(w) not in PARTICLES):
        return False
    return bool(m.given) or len(words) > 1 or zipf_en(last) < _COMMON_WORD or given_name(last) is not None


class WordCase:
    """How a corpus writes its words: in lower case, or capitalised inside a sentence. A word
    the corpus writes in lower case more often than capitalised, or writes in lower case at all
    while being frequent in English (Zipf >= 3.5: "Prevention" in an agency's name), is an
    ordinary word, not a name."""

    # (``++``, possessive: a shorter run would end before a letter, which no match may do, so
    # nothing is lost by not backtracking into the run)
    _LOWER_RE = re.compile(r"(?<![\w'’\-])[^\W\d_A-Z]++(?![\w'’\-])")
    # capitalised inside a sentence: after a lower-case letter, a digit or a comma; found from
    # the space before it (a search for one of two characters, fast), which no match holds
    _CAPITAL_RE = re.compile(r"[ \u00a0](?:(?<=[^\W_A-Z][ \u00a0])(?<![.!?] )|(?<=[,;][ \u00a0]))"
                             r"([^\W\d_a-z][^\W\d_A-Z]++)(?![\w'’\-])")

    def __init__(self, texts):
        self.lower: Counter = Counter()
        self.capital: Counter = Counter()
        for text in texts:
            lower, capital = self.counts(text)
            self.lower.update(lower)
            self.capital.update(capital)

    @classmethod
    def words(cls, text: str) -> tuple[list, list]:
        """How one text writes its words: ``(words in lower case, words capitalised inside a
        sentence, lower-cased)``, every occurrence, in text order."""
        capital = cls._CAPITAL_RE.findall(text)
        # lower-cased all at once: a line break stops no lower-casing rule (the final sigma's)
        return cls._lower_words(text), "\n".join(capital).lower().split("\n") if capital else []

    # ASCII bytes -> a lower-case letter as itself, another character of a word (``[\w'\-]``)
    # as "1", the rest as a space
    _LOWER_BYTES = bytes(b if 97 <= b <= 122 else 49 if chr(b).isalnum() or chr(b) in "_'-" else 32
                         for b in range(128)) + b" " * 128

    @classmethod
    def _lower_words(cls, text: str) -> list:
        """``_LOWER_RE.findall(text)``: of an ASCII text, the runs of word characters (with
        apostrophes and hyphens) that are lower-case letters alone, by a translation and a
        split in C."""
        if not text.isascii():
            return cls._LOWER_RE.findall(text)
        runs = text.encode("ascii").translate(cls._LOWER_BYTES).split()
        return b" ".join(filter(bytes.isalpha, runs)).decode("ascii").split()

    @classmethod
    def counts(cls, text: str) -> tuple[Counter, Counter]:
        """:meth:`words` as ``(lower case, capitalised)`` counts, which add up over a corpus
        (see :meth:`of`)."""
        lower, capital = cls.words(text)
        return Counter(lower), Counter(capital)

    @classmethod
    def of(cls, lower: Counter, capital: Counter) -> "WordCase":
        """The corpus' word case from its summed :meth:`counts`."""
        case = cls(())
        case.lower, case.capital = lower, capital
        return case

    def mostly_lower(self, word: str) -> bool:
        w = strip_possessive(word).lower()
        return self.lower.get(w, 0) > self.capital.get(w, 0)

    def common(self, word: str) -> bool:
        w = strip_possessive(word).lower()
        return self.mostly_lower(w) or (w in self.lower and zipf_en(w) >= _NAME_RARITY)


@lru_cache(maxsize=50_000)
def noun_gender(word: str, plural: bool = True) -> Optional[str]:
    """"f" or "m" for a gendered noun for a person (singular or plural: "wife", "wives",
    "actresses", "women"), "n" for another noun for a person ("patient", "officials"), else None."""
    w = word.lower()
    for base in _singulars(w) if plural else (w,):
        if base in wordlist("female_nouns"):
            return "f"
        if base in wordlist("male_nouns"):
            return "m"
        if base in wordlist("person_nouns") or (len(base) >= 7 and base.endswith("ist")):
            return "n"  # -ist: florist, pharmacist, columnist
    return None


def _singulars(w: str):
    yield w
    if w.endswith("men"):
        yield w[:-3] + "man"
    if w.endswith("ves"):
        yield w[:-3] + "fe"
    if w.endswith("ies"):
        yield w[:-3] + "y"
    if w.endswith("es"):
        yield w[:-2]
    if w.endswith("s"):
        yield w[:-1]
