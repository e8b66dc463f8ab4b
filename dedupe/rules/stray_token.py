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
  answer or interjection ("Yes.", "Of course.").
"""

from __future__ import annotations

import re
import unicodedata

from ..textutil import paragraphs, sentences
from ._lex import fold, is_place, wordlist, zipf, zipf_en
from ._people import mentions, stopwords
from ._quotes import Inside, quotations
from .base import Rule

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
_SKIP_WORDS = {"etc", "vs", "ie", "eg"}
_ARTICLES = {"the", "a", "an"}
PLACE_MIN_POPULATION = 15_000  # a capitalised word naming a place this large is not flagged
_WEB_RE = re.compile(r"(?:https?:|www\.)\S*|\b[\w\-]+(?:\.[\w\-]+)*\.[a-z]{2,6}\b(?:/\S*)?")


def _script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split()[0]
    except ValueError:
        return "UNKNOWN"


def _foreign_script_runs(text: str):
    """Runs of words with letters in a script other than Latin (words joined by spaces form one
    run). Only alphabetic characters count: "km²" is Latin."""
    run_start = None
    last_end = None
    for m in re.finditer(r"[^\W\d_]+", text):
        word = m.group()
        letters = [c for c in word if c.isalpha()]
        foreign = any(_script(c) != "LATIN" for c in letters) and not (
            len(letters) == 1 and _script(letters[0]) == "GREEK"
        )
        if foreign:
            if run_start is None or text[last_end : m.start()].strip() not in ("",):
                if run_start is not None:
                    yield run_start, last_end
                run_start = m.start()
            last_end = m.end()
        elif run_start is not None:
            yield run_start, last_end
            run_start = None
    if run_start is not None:
        yield run_start, last_end


def _foreign(word: str, langs=OTHER_LANGS, margin: float = MORE_COMMON_ABROAD):
    """The language a lower-cased word belongs to rather than English, or None: unknown in
    English and ordinary elsewhere, or rare in English and far more common elsewhere."""
    en = zipf_en(word)
    if en >= EN_RARE:
        return None
    best, lang = max((zipf(word, la), la) for la in langs)
    if (en < EN_UNKNOWN and best >= FOREIGN_COMMON) or best - en >= margin and best >= FOREIGN_COMMON:
        return lang
    return None


def _foreign_words(text: str, inside, sent_starts: set):
    names = [(p.start, p.end) for p in mentions(text)]
    web = [(w.start(), w.end()) for w in _WEB_RE.finditer(text)]
    for m in _TOKEN_RE.finditer(text):
        word = m.group()
        if len(word) < 3 or fold(word) in _SKIP_WORDS or inside(m.start()) or word.isupper():
            continue
        if any(s <= m.start() < e for s, e in web):
            continue
        if any(_script(c) != "LATIN" for c in word if c.isalpha()):
            continue  # reported as another script
        if "-" in word and all(zipf_en(p) >= EN_UNKNOWN for p in word.split("-") if p):
            continue
        low = word.lower()
        if word[0].isupper():
            # only German capitalises common nouns: other capitalised words are taken for names,
            # and so is a capitalised word next to another or already seen as a person
            if (m.start() not in sent_starts and word[1:].islower() and _isolated(text, m.start(), m.end())
                    and not any(s <= m.start() < e for s, e in names)
                    and not _place_name(text, m.start(), word)
                    and zipf(low, "de") >= FOREIGN_COMMON_CAPITALISED and _foreign(low, ("de",))):
                yield m.start(), m.end(), "de"
            continue
        if len(word) <= 3 and _inside_name(text, m.start(), m.end()):
            continue  # a particle inside a name: "Alexandru cel Bun", "Juan de la Cruz"
        lang = _foreign(low)
        if word.islower() and (lang or (zipf_en(low) < EN_UNKNOWN and any(ord(c) > 127 for c in low))):
            yield m.start(), m.end(), lang



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


def _lone_fragments(text: str, inside):
    """One- or two-word sentences after an attribution or closing a paragraph."""
    for ps, pe in paragraphs(text):
        sents = list(sentences(text, ps, pe))
        if len(sents) < 2:
            continue
        for k in range(1, len(sents)):
            s, e = sents[k]
            frag = text[s:e]
            words = _TOKEN_RE.findall(frag)
            if not 1 <= len(words) <= 2 or inside(s) or any(c in frag for c in _QUOTE_CHARS):
                continue
            if any(ch.isdigit() for ch in frag) or any(w.isupper() for w in words) or frag[-1] not in ".!?":
                continue
            if frag.endswith(("..", "…")) or all(fold(w) in wordlist("interjections") for w in words):
                continue  # a trailing-off or an answer ("Coincidence? Yes."): a complete utterance
            prev = text[sents[k - 1][0] : sents[k - 1][1]]
            if prev.rstrip()[-1:] in _QUOTE_CHARS:
                continue  # the fragment is the quotation's attribution ("...?" Dunn asked.)
            after_attribution = bool(_ATTRIBUTION_RE.search(prev))
            if after_attribution or k == len(sents) - 1:
                yield s, e, after_attribution


def _check(doc, ctx):
    text = doc.text
    inside = Inside(quotations(text))
    sent_starts = {s for s, _ in sentences(text)}
    seen = set()
    for s, e, after_attr in _lone_fragments(text, inside):
        seen.add(s)
        where = "after a quotation's attribution" if after_attr else "at the end of a paragraph"
        yield RULE.finding(doc, s, e, f"'{text[s:e]}' stands alone {where}: a fragment that belongs to no sentence",
                           suggestion="", confidence=0.8 if after_attr else 0.6,
                           evidence={"sign": "position", "where": "attribution" if after_attr else "paragraph end"})
    for s, e in _foreign_script_runs(text):
        if s in seen:
            continue
        seen.add(s)
        script = _script(next(c for c in text[s:e] if c.isalpha() and _script(c) != "LATIN")).lower()
        yield RULE.finding(doc, s, e, f"'{text[s:e]}' is in another script ({script}) inside English text",
                           confidence=0.95, evidence={"sign": "script", "script": script})
    for s, e, lang in _foreign_words(text, inside, sent_starts):
        if s in seen:
            continue
        seen.add(s)
        known = f", a common word in '{lang}'" if lang else ""
        yield RULE.finding(doc, s, e, f"'{text[s:e]}' is not an English word{known}: left untranslated?",
                           confidence=0.7 if lang else 0.5,
                           evidence={"sign": "vocabulary", "language": lang,
                                     "english_zipf": zipf_en(text[s:e].lower())})


RULE = Rule(
    id="stray-token",
    severity="warning",
    description="A token or short fragment that belongs to no sentence: a lone word, a non-English word or another script.",
    check=_check,
    should_flag=(
        '"We will rebuild the bridge before the winter," she said. [[Haus.]]\nThe council met on Monday.',
        "The commission approved the [[Gesetz]] after a long debate in the chamber.",
        "The farmers said the [[cosecha]] was the worst in a decade.",
        "Officials said the [[плотина]] had held during the storm.",
        "The passengers waited an hour for the [[Zug]] in the rain.",
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
    ),
)
