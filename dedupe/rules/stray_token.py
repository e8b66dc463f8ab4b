"""stray-token: a token or short fragment that belongs to no sentence.

Three signs, each enough alone:

- position: a one- or two-word "sentence" left after a quotation's attribution
  ('"...," she said. Haus.') or at the end of a paragraph of full sentences;
- script: a word in another script (Cyrillic, CJK, Devanagari, Arabic ...) in English text;
  only letters decide the script (superscript digits, symbols and marks do not);
- vocabulary: a lower-case word that English does not use (absent from wordfreq's English
  list) but another language does, or a capitalised word inside a sentence that is common in
  another language and unknown in English. Names and acronyms are left alone: lower-case
  words are rarely names, and capitalised ones are only flagged when they are ordinary words
  of another language and not the name of a place (GeoNames gazetteer: German city names are
  as common in German text as German nouns, so word frequencies alone cannot tell them apart).
  Words inside a web address or domain name ("news.example.com/page") are left alone, and so
  is a short lower-case word (three letters at most) between two capitalised ones (a particle of a
  name: "Alexandru cel Bun").
  A one- or two-word sentence is not a stray fragment when it trails off ("...") or is an
  answer or interjection ("Yes.", "Of course."), or when the dot before it ends no sentence
  (an abbreviation, a web address rebuilt from tokens, a label); closing a paragraph it is only
  ``info`` (short sentences are common in careful English).

A word English uses more than other languages leak into English text is English (a loanword or
a homograph: spate, testy, genial). Words quoted or discussed as words, vowel-less
abbreviations (mln) and web addresses in another script are left alone; words inside a
quotation of English words and the parts of a hyphenated compound are checked. Word lookups are
cached, so each distinct word is looked up once.
"""

from __future__ import annotations

import re
import unicodedata

from functools import lru_cache
from itertools import islice

from ..textutil import Cover
from ._abbrev import ADDRESS_SUFFIXES, in_split_address, is_abbreviation
from ._lex import best_common, fold, is_place, plain_words, wordlist, zipf_common, zipf_en
from ._people import stopwords
from ._quotes import Inside
from .base import Rule, analysis

_TOKEN_RE = re.compile(r"[^\W\d_](?:[\w'’\-]*[^\W_])?")
_QUOTE_CHARS = "\"'“”‘’«»"
_ATTRIBUTION_RE = re.compile(
    r"""[,.!?…]?["”’]\s*(?:[\w.\- ]{1,40}\s)?(?:said|says|added|told|stated|wrote|noted|asked)\b[^"“”]{0,80}[.!?]$"""
    r"""|[,.!?…]["”’]$"""
)
OTHER_LANGS = ("de", "fr", "es", "it", "pt", "nl", "pl", "cs", "ro", "sv", "tr", "id")
EN_UNKNOWN = 1.0  # Zipf below which a word counts as not English (wordfreq lists junk down to ~1)
EN_RARE = 3.0  # a word rarer than this in English ...
MORE_COMMON_ABROAD = 2.0  # ... and this much more common (in Zipf, x100) in another language is foreign
FOREIGN_COMMON = 3.0  # Zipf at which a word is ordinary in another language
FOREIGN_COMMON_CAPITALISED = 4.0
# English text carries a little of every other language (names, quotations, titles): in
# wordfreq a foreign word's English Zipf is about its foreign Zipf minus this. A word English
# uses clearly more than that (spate, testy, genial: loanwords and homographs) is English.
CONTAMINATION = 3.0
# precision of each path: script and word of a language measured together on planted stray
# tokens (benchmarks/recall.py, stray set: 231 of 236 warnings); the others are estimates
CONFIDENCE = {"attribution": 0.8, "paragraph end": 0.3, "script": 0.98, "word of a language": 0.98,
              "unknown word": 0.5}
LOANWORD_EXCESS = 0.5
_MENTION_RE = re.compile(r"\s*['\"“‘]?\s*(?:means|meaning|is the word|is a word|translates)\b")
_MENTION_BEFORE_RE = re.compile(r"\b(?:word|term|called|spelled|spelt|pronounced)\b[^.!?]{0,30}?[:,]?\s*['\"“‘]?\s*$")
_SKIP_WORDS = {"etc", "vs", "ie", "eg"}
_ARTICLES = {"the", "a", "an"}
PLACE_MIN_POPULATION = 15_000  # a capitalised word naming a place this large is not flagged
_WEB_RE = re.compile(r"(?:https?:|www\.)\S*|\b[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,6}\b(?:/\S*)?")


@lru_cache(maxsize=20_000)
def _script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split()[0]
    except ValueError:
        return "UNKNOWN"


# a word with a letter outside ASCII: the only words that can have letters of another script
# (every ASCII letter is Latin), found by one regular expression over the text: a run of
# letters holding one outside ASCII, its ASCII letters before that one taken without
# backtracking (a run of ASCII letters alone fails at once)
_NON_ASCII_WORD_RE = re.compile(r"(?<![^\W\d_])[a-zA-Z]*+[^\W\d_\x00-\x7f][^\W\d_]*")


def _other_script(word: str) -> bool:
    """Has the word a letter of a script other than Latin?"""
    return not word.isascii() and any(_script(c) != "LATIN" for c in word if c.isalpha())


def _foreign_script_runs(text: str):
    """Runs of words with letters in a script other than Latin (words joined by spaces form one
    run; any other word or character between two such words ends a run). Only alphabetic
    characters count: "km²" is Latin."""
    if text.isascii():  # (no word with a letter outside ASCII)
        return
    run_start = None
    last_end = None
    for m in _NON_ASCII_WORD_RE.finditer(text):
        word = m.group()
        letters = [c for c in word if c.isalpha()]
        if not _other_script(word) or (len(letters) == 1 and _script(letters[0]) == "GREEK"):
            continue
        if run_start is not None and text[last_end : m.start()].strip():
            yield run_start, last_end
            run_start = None
        if run_start is None:
            run_start = m.start()
        last_end = m.end()
    if run_start is not None:
        yield run_start, last_end


@lru_cache(maxsize=200_000)
def _foreign(word: str, langs=OTHER_LANGS, margin: float = MORE_COMMON_ABROAD):
    """The language a lower-cased word belongs to rather than English, or None: unknown in
    English and ordinary elsewhere, or rare in English and far more common elsewhere, and not
    used in English beyond what other languages leak into English text (a loanword, a
    homograph). Cached: each distinct word is looked up once."""
    en = zipf_en(word)
    if en >= EN_RARE:
        return None
    best, lang = best_common(word, langs)  # exact from FOREIGN_COMMON up
    if best < FOREIGN_COMMON or en - (best - CONTAMINATION) >= LOANWORD_EXCESS:
        return None
    if en < EN_UNKNOWN or best - en >= margin:
        return lang
    return None


def _abbreviation(word: str) -> bool:
    """A lower-case word without a vowel is an abbreviation (mln, bn, pct), not a word."""
    return not re.search(r"[aeiouyà-ÿ]", word)


def _mention(text: str, s: int, e: int) -> bool:
    """The word is quoted as a word ("caro means dear"), not used."""
    return bool(_MENTION_RE.match(text, e) or _MENTION_BEFORE_RE.search(text[max(0, s - 30) : s]))


def _candidates(text: str):
    """``(start, end, word)`` of words to check; the parts of a hyphenated word separately
    ("a five-Jahr-old boy")."""
    for m in _TOKEN_RE.finditer(text):
        for offset, part in _parts(m.group()):
            yield m.start() + offset, m.start() + offset + len(part), part


def _parts(word: str) -> tuple:
    """``(offset, part)``: the word itself, or the parts of a hyphenated word that are rare in
    English ("five-Jahr-old": "Jahr")."""
    if "-" not in word:
        return ((0, word),)
    out, at = [], 0
    for part in word.split("-"):
        if part and zipf_en(part.lower()) < EN_RARE:
            out.append((at, part))
        at += len(part) + 1
    return tuple(out)


def _english_neighbours(text: str, s: int, e: int) -> bool:
    """Both neighbour words are ordinary English: the word sits in an English sentence (in a
    quotation too), not in a quoted foreign phrase."""
    before = re.search(r"([^\W\d_]+)[^\w]*$", text[max(0, s - 40) : s])
    after = re.match(r"[^\w]*([^\W\d_]+)", text[e : e + 40])
    return bool(before and after) and all(zipf_en(x.group(1).lower()) >= EN_RARE for x in (before, after))


@lru_cache(maxsize=200_000)
def _vocabulary(word: str):
    """What the word lists say of a word (a possessive already taken off), before its place in
    the text is read: ``(foreign, language)``. Only German capitalises common nouns, so a
    capitalised word can only be a common German word unknown in English; a lower-case word is
    foreign when it belongs to another language (see :func:`_foreign`) or, with letters outside
    ASCII, to no English at all. Cached: each distinct word is looked up once."""
    low = word.lower()
    if word[0].isupper():
        foreign = (word[1:].islower() and zipf_common(low, "de") >= FOREIGN_COMMON_CAPITALISED
                   and _foreign(low, ("de",)) is not None)
        return foreign, "de" if foreign else None
    if _abbreviation(low) or not word.islower():
        return False, None
    lang = _foreign(low)
    return bool(lang or (zipf_en(low) < EN_UNKNOWN and any(ord(c) > 127 for c in low))), lang


def _bare(word: str) -> str:
    """The word without a possessive ending ("the shutdown's"), curly apostrophes made straight."""
    word = word.replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


def _foreign_words(text: str, inside, parts):
    """Words the vocabulary calls foreign (:func:`_vocabulary`) that their place in the text
    does not excuse (``parts``: the text's :class:`~dedupe.rules.base.Analysis`). The
    vocabulary is asked first: most words are English, and their context is then never read."""
    names = web = None
    # the distinct tokens first: only those with a part the vocabulary calls foreign are
    # looked for in the text (most texts have none); English words at least EN_RARE, never
    # foreign (see _foreign), set aside at once (most of them) without a look-up each
    suspect = _suspects(set(_TOKEN_RE.findall(text)) - plain_words("en", EN_RARE))
    if not suspect:
        return
    for m in _TOKEN_RE.finditer(text):
        if m.group() not in suspect:
            continue
        for offset, word, bare, lang in _suspect_parts(m.group()):
            start, end = m.start() + offset, m.start() + offset + len(word)
            if inside(start):
                quote = inside.quote_at(start)
                if len(text[quote.start : quote.end].split()) <= 2 or not _english_neighbours(text, start, end):
                    continue  # a term quoted as a term, or a quoted phrase of another language
            web = web or Cover((w.start(), w.end()) for w in _WEB_RE.finditer(text))
            if web(start):
                continue
            if _other_script(word):
                continue  # reported as another script
            if text[start + len(bare) : start + len(bare) + 1] == "." and is_abbreviation(bare):
                continue  # "(D-Mich.)"
            if _mention(text, start, end):
                continue
            if bare[0].isupper():
                # other capitalised words are taken for names, and so is a capitalised word next to
                # another or already seen as a person
                names = names or Cover((p.start, p.end) for p in parts.mentions)
                if (start not in parts.sentence_starts and _isolated(text, start, end) and not names(start)
                        and not _place_name(text, start, bare)):
                    yield start, start + len(bare), lang
                continue
            if len(bare) <= 3 and _inside_name(text, start, end):
                continue  # a particle inside a name: "Alexandru cel Bun", "Juan de la Cruz"
            yield start, start + len(bare), lang


# tokens seen with no part the vocabulary calls foreign (:func:`_suspects`): a document's
# tokens are taken out of its set at once, in C, and only the tokens not seen before are read
_INNOCENT: set = set()
INNOCENT_MAX = 200_000


def _suspects(tokens: set) -> set:
    """The tokens (a set, changed) with a part that the vocabulary calls foreign
    (:func:`_suspect_parts`); the others are remembered (up to INNOCENT_MAX of them) so that
    each distinct token of a corpus is looked at once."""
    tokens -= _INNOCENT
    suspect = set()
    for token in tokens:
        if _suspect_parts(token):
            suspect.add(token)
        elif len(_INNOCENT) < INNOCENT_MAX:
            _INNOCENT.add(token)
    return suspect


@lru_cache(maxsize=200_000)
def _suspect_parts(token: str) -> tuple:
    """``(offset, part, bare, language)`` of the parts of a token (:func:`_parts`) that the
    vocabulary calls foreign (:func:`_vocabulary`), before their place in the text is read.
    Each distinct token is looked at once."""
    out = []
    for offset, word in _parts(token):
        if len(word) < 3 or fold(word) in _SKIP_WORDS or word.isupper():
            continue
        bare = _bare(word)
        foreign, lang = _vocabulary(bare)
        if foreign:
            out.append((offset, word, bare, lang))
    return tuple(out)


def _inside_name(text: str, s: int, e: int) -> bool:
    """Both neighbour words are capitalised (a short lower-case word between them joins a name)."""
    before = re.search(r"([^\W\d_][\w'’\-]*)[ \u00a0]+$", text[max(0, s - 40) : s])
    after = re.match(r"[ \u00a0]+([^\W\d_][\w'’\-]*)", text[e : e + 40])
    return bool(before and after and before.group(1)[0].isupper() and after.group(1)[0].isupper())


def _place_name(text: str, s: int, word: str) -> bool:
    """A place of the gazetteer used as a place: not the head of a noun phrase after an article
    ("in Rostock", "the Rostock police", but not "fell to the Boden")."""
    before = re.search(r"(\w+)\W*$", text[max(0, s - 20) : s])
    if before and before.group(1).lower() in _ARTICLES:
        after = re.match(r"[ \u00a0]+([a-z][\w\-]*)", text[s + len(word) : s + len(word) + 40])
        if not after or after.group(1) in stopwords():
            return False
    return is_place(word, PLACE_MIN_POPULATION)


def _isolated(text: str, s: int, e: int) -> bool:
    """Neither neighbour word is capitalised (so the word is not part of a name)."""
    before = re.search(r"(\S+)\s+$", text[max(0, s - 40) : s])
    after = re.match(r"\s+(\S+)", text[e : e + 40])
    return not any(m and m.group(1)[0].isupper() for m in (before, after))


def _lone_fragments(text: str, inside, parts):
    """One- or two-word sentences after an attribution or closing a paragraph (``parts``: the
    text's :class:`~dedupe.rules.base.Analysis`)."""
    for ps, pe in parts.paragraphs:
        sents = parts.sentences_in(ps, pe)
        if len(sents) < 2:
            continue
        for k in range(1, len(sents)):
            s, e = sents[k]
            frag = text[s:e]
            if frag[-1] not in ".!?" or next(islice(_TOKEN_RE.finditer(frag), 2, None), None) is not None:
                continue  # (more than two words: read up to the third, not the whole sentence)
            words = _TOKEN_RE.findall(frag)
            if not 1 <= len(words) <= 2 or inside(s) or any(c in frag for c in _QUOTE_CHARS):
                continue
            if any(ch.isdigit() for ch in frag) or any(w.isupper() for w in words) or frag[-1] not in ".!?":
                continue
            if frag.endswith(("..", "…")) or all(fold(w) in wordlist("interjections") for w in words):
                continue  # a trailing-off or an answer ("Coincidence? Yes."): a complete utterance
            prev = text[sents[k - 1][0] : sents[k - 1][1]].rstrip()
            if prev[-1:] in _QUOTE_CHARS:
                continue  # the fragment is the quotation's attribution ("...?" Dunn asked.)
            if _split_sentence(text, prev, s, words):
                continue
            after_attribution = bool(_ATTRIBUTION_RE.search(prev))
            if after_attribution or k == len(sents) - 1:
                yield s, e, after_attribution


def _split_sentence(text: str, prev: str, s: int, words: list) -> bool:
    """The fragment is the end of the sentence before it, cut by a dot that ends no sentence:
    an abbreviation ("Sgt. Ann Reid", "9 a.m. Friday", "(D-Calif.) said"), a web address
    rebuilt from tokens ("ESPN. com"), a label ("Verdict: Accident."), a trailing ellipsis."""
    last = re.split(r"[\s(\-]", prev.rstrip("."))[-1] if prev.strip() else ""
    if prev.endswith((":", "…", "..")) or (prev.endswith(".") and last and is_abbreviation(last)):
        return True
    if words and words[0].lower() in ADDRESS_SUFFIXES or in_split_address(text, s - 2):
        return True
    return words[0][0].islower()  # a sentence does not start in lower case: it was cut


def _check(doc, ctx):
    text = doc.text
    parts = analysis(text)
    inside = Inside(parts.quotations)
    seen = set()
    for s, e, after_attr in _lone_fragments(text, inside, parts):
        seen.add(s)
        where = "after a quotation's attribution" if after_attr else "at the end of a paragraph"
        # a short sentence closing a paragraph ("Details here.") is common in careful English
        yield RULE.finding(doc, s, e, f"'{text[s:e]}' stands alone {where}: a fragment that belongs to no sentence",
                           suggestion="", confidence=CONFIDENCE["attribution" if after_attr else "paragraph end"],
                           severity=None if after_attr else "info",
                           evidence={"sign": "position", "where": "attribution" if after_attr else "paragraph end"})
    web = None  # the web addresses, found when there is a run of another script
    for s, e in _foreign_script_runs(text):
        if s in seen:
            continue
        web = web or Cover((w.start(), w.end()) for w in _WEB_RE.finditer(text))
        if web(s):
            continue  # a web address in another script is an address
        seen.add(s)
        script = _script(next(c for c in text[s:e] if c.isalpha() and _script(c) != "LATIN")).lower()
        yield RULE.finding(doc, s, e, f"'{text[s:e]}' is in another script ({script}) inside English text",
                           confidence=CONFIDENCE["script"], evidence={"sign": "script", "script": script})
    for s, e, lang in _foreign_words(text, inside, parts):
        if s in seen:
            continue
        seen.add(s)
        known = f", a common word in '{lang}'" if lang else ""
        yield RULE.finding(doc, s, e, f"'{text[s:e]}' is not an English word{known}: left untranslated?",
                           confidence=CONFIDENCE["word of a language" if lang else "unknown word"],
                           evidence={"sign": "vocabulary", "language": lang,
                                     "english_zipf": zipf_en(text[s:e].lower())})


RULE = Rule(
    id="stray-token",
    severity="warning",
    description="A token or short fragment that belongs to no sentence: a lone word, a non-English word or another script.",
    check=_check,
    confidence=tuple(CONFIDENCE.items()),
    should_flag=(
        '"We will rebuild the bridge before the winter," she said. [[Haus.]]\nThe council met on Monday.',
        "The commission approved the [[Gesetz]] after a long debate in the chamber.",
        "The farmers said the [[cosecha]] was the worst in a decade.",
        "Officials said the [[плотина]] had held during the storm.",
        "The passengers waited an hour for the [[Zug]] in the rain.",
        # inside a quotation of English words, and inside a hyphenated compound
        '"We will not let this [[gobierno]] ruin the harvest," she said.',
        "The death of a five-[[Jahr]]-old boy was confirmed on Monday.",
        # letters of another script inside a Latin word
        "The tyre size is 105[[х]]195 for the front wheels.",
    ),
    should_pass=(
        "Officials in Kyiv and NATO said the U.S. plan was welcome. RFE/RL reported the talks.",
        '"We will rebuild the bridge before the winter," she said. The council met on Monday.',
        "Chancellor Scholz visited Wrocław and Przemyśl on Tuesday.",
        "The company's e-commerce revenue rose in the third quarter.",
        "The reserve covers 4,200 km² of forest.",
        "Police in Bremen and the Hannover prosecutors opened an inquiry.",
        "The statement was posted on news.example.org/politik yesterday.",
        "Was it a coincidence? Yes.",
        "The school on Mircea cel Batran street reopened in May.",
        # loanwords and homographs English uses more than other languages leak into it
        "A spate of robberies left the owners testy; a genial spokesman apologised.",
        # a word quoted as a word, a word discussed as a word, a news-style state abbreviation
        'They kept a "stâna" up the hill. In Spanish the word cosecha means harvest.',
        "Debbie Dingell (D-Mich.) spoke first. Police said the bank was robbed at 7 p.m. Wednesday.",
        # abbreviations without a vowel, a web address in another script
        "Output rose to 5 mln tonnes, officials said on пример.рф and in a statement.",
    ),
)
