"""``foreign-fragment``: a sentence or paragraph in a language other than the document's.

langdetect (seeded, see ``dedupe.lang``) is unreliable on short text and on English full of
names, so a sentence is flagged only when all of these hold:

- it has at least five alphabetic words, three of them in lower case (names do not count; in
  scripts without case or spaces, such as Chinese and Japanese, two characters count as a word);
- langdetect gives another language with probability >= 0.95;
- most of its lower-case words are more frequent in that language than in the document's
  language (wordfreq), so a sentence of English words is never called foreign.

Language identification is the costly step, so it runs only on sentences that could pass the
last test: in an English document, a sentence whose lower-case words are so often English
words that can never count as foreign (known in English and not much more frequent in any
other language: "the", "in", "a", "to" and most of the English vocabulary; a list shipped
with the package) that the share of the last test cannot be reached is skipped without it. Repeated syllables
("la-la-la", "ha ha ha") are onomatopoeia, not words of a language.

The document's language is the one ingest detected (langdetect on the first 2,000
characters) when it is sure of it; a document too short to tell is taken to be English (the
rules are written for English text). Consecutive foreign sentences
of one language in a paragraph are reported as one finding.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from itertools import accumulate, chain, compress, repeat
from operator import add, gt, or_
from typing import Optional

from ..lang import detect_probs, language
from ._lex import zipf, zipf_from
from .base import Rule, analysis

MIN_WORDS = 5
MIN_LOWER_WORDS = 3
MIN_PROB = 0.95
MIN_PROB_OTHER_SCRIPT = 0.5
_LATIN_SCRIPT = {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "ro", "hu", "hr", "sl", "tr", "sv",
                 "da", "no", "fi", "id", "vi", "lt", "lv", "et", "ca", "af", "sq", "so", "sw", "tl", "cy"}
MIN_FOREIGN_SHARE = 0.6
FREQ_MARGIN = 0.5  # zipf units (log10): 0.5 is about three times as frequent
EN_KNOWN = 1.5  # zipf below which a word is not a known word of the document's language
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
          "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish", "cs": "Czech", "sk": "Slovak",
          "ro": "Romanian", "hu": "Hungarian", "bg": "Bulgarian", "sr": "Serbian", "hr": "Croatian",
          "sl": "Slovenian", "tr": "Turkish", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish",
          "el": "Greek", "zh-cn": "Chinese", "zh-tw": "Chinese", "ja": "Japanese", "ko": "Korean",
          "ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "fa": "Persian", "id": "Indonesian", "vi": "Vietnamese",
          "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian", "ca": "Catalan", "mk": "Macedonian"}


def _foreign_share(words: list[str], lang: str, doc_lang: str) -> float:
    """Share of words clearly more frequent in ``lang`` than in ``doc_lang`` (by a factor of
    about three), or not a known word of ``doc_lang`` at all."""
    foreign = 0
    for w in words:
        # (a known word is foreign only above EN_KNOWN + FREQ_MARGIN in ``lang``: its list is
        # read down to there, not whole)
        b = zipf(w, doc_lang)
        if b < EN_KNOWN or zipf_from(w, lang, EN_KNOWN + FREQ_MARGIN) > b + FREQ_MARGIN:
            foreign += 1
    return foreign / len(words)


def document_language(text: str, result=None) -> str:
    """The document's language: langdetect's when it is sure (probability >= 0.9) of a text of
    at least 40 words, else English. Ingest has detected it already when ``result`` (the
    document's :class:`~dedupe.model.DocumentResult`) carries a probability; otherwise it is
    detected here."""
    if result is not None and result.language_probability is not None:
        words, (lang, prob) = result.words, (result.language, result.language_probability)
    else:
        words = len(_WORD.findall(text))
        lang, prob = language(text) if words >= 40 else ("en", 0.0)
    if words < 40:
        return "en"
    return lang if prob >= 0.9 else "en"


def _has_case(word: str) -> bool:
    # a word of the pattern that is ASCII has an ASCII letter
    return word.isascii() or any(c.isupper() or c.islower() for c in word)


def _other_script_share(words: list[str]) -> float:
    """Share of letters that are not Latin."""
    letters = [c for w in words for c in w if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if not unicodedata.name(c, "").startswith("LATIN")) / len(letters)


def _word_count(words: list[str]) -> int:
    """Words, counting a run of a script without case or spaces (Chinese, Japanese) as one word
    per two characters (the usual length of a word there)."""
    return sum(1 if _has_case(w) else max(1, len(w) // 2) for w in words)


def surely_english(word: str, others) -> bool:
    """A known English word no more than FREQ_MARGIN more frequent in any of the ``others``
    languages: exactly the words that never count as foreign in an English document (see
    :func:`_foreign_share`), whatever language a sentence is detected as (a language without
    a wordfreq list counts only words unknown in English)."""
    en = zipf(word, "en")
    return en >= EN_KNOWN and all(not zipf(word, la) > en + FREQ_MARGIN for la in others)


@lru_cache(maxsize=1)
def _surely_english() -> frozenset:
    """The English words :func:`surely_english` against every other wordfreq language, as
    shipped in ``data/surely_english.txt`` (``scripts/build_surely_english.py``): deciding
    them here would load some forty word lists at start-up."""
    from ._lex import wordlist

    return wordlist("surely_english")


def _cannot_be_foreign(lower: list[str], doc_lang: str) -> bool:
    """A cheap pre-filter before language identification: in an English document, a sentence
    whose lower-case words are so often surely English (common English words, function words
    among them, that are rare in every other language) that the foreign share could never
    reach MIN_FOREIGN_SHARE is English, whatever langdetect would say."""
    if doc_lang != "en" or not lower:
        return False
    english = sum(map(_surely_english().__contains__, lower))
    return (len(lower) - english) / len(lower) < MIN_FOREIGN_SHARE


# (``++``: a shorter word would end before a letter, not a separator)
_REDUPLICATION = re.compile(r"\b([^\W\d_]++)(?:[-‐ ]\1\b)+", re.IGNORECASE)


def foreign_language(sentence: str, doc_lang: str):
    """``(language, probability, foreign share)`` when the sentence is in another language."""
    sentence = _REDUPLICATION.sub(" ", sentence)  # onomatopoeia: "la-la-la", "ha ha ha"
    words = _WORD.findall(sentence)
    # words that are not names: lower-case ones, and words of scripts without case
    lower = [w.lower() for w in words if not w[:1].isupper()]
    # (in an ASCII sentence every word has case: one word each)
    counted = len if sentence.isascii() else _word_count
    if counted(words) < MIN_WORDS or counted(lower) < MIN_LOWER_WORDS:
        return None
    if _cannot_be_foreign(lower, doc_lang):
        return None
    lang, prob = detect_probs(sentence)[0]
    # a sentence written in another script cannot be English full of names: langdetect's
    # first guess among languages of that script is enough there
    other_script = doc_lang in _LATIN_SCRIPT and _other_script_share(words) >= 0.8
    min_prob = MIN_PROB_OTHER_SCRIPT if other_script else MIN_PROB
    if lang in ("unknown", doc_lang) or prob < min_prob:
        return None
    share = _foreign_share(lower, lang, doc_lang)
    if share < MIN_FOREIGN_SHARE:
        return None
    return lang, prob, share


# Latin-1 code point -> "A" for a letter of _WORD in upper case, "a" for another, " " for the
# rest (a character beyond Latin-1 is read as "?", see _maybe_foreign)
_CLASS = bytes(32 if not re.fullmatch(r"[^\W\d_]", chr(b)) else 65 if chr(b).isupper() else 97 for b in range(256))
_BEYOND_LATIN1 = re.compile(r"[^\x00-\xff]+")
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")  # match an ASCII letter in any case


def _maybe_foreign(text: str, sentences) -> Optional[set]:
    """The starts of the sentences of an English document that :func:`foreign_language` may
    call foreign, or None when this is not known without reading each. A sentence is foreign
    only when at most 40% of its lower-case words are surely English (``_cannot_be_foreign``);
    counted here over the whole text at once, in C (no Python per word): the lower-case words
    of a sentence are at most its lower-case letters that follow no letter (taking repeated
    syllables out removes words, and a word it cuts at an apostrophe starts after one), and
    the surely English ones at least the pieces between two spaces that are such words of
    letters alone and are not next to themselves (which that removal does not touch: it takes
    out a word repeated, whole). None when the text has a
    letter beyond Latin-1, which those counts would miss, or a character that matches an
    ASCII letter in another case or lowers to several."""
    lowered = text.lower()
    if len(lowered) != len(text) or any(c in text for c in _FOLDS_TO_ASCII):
        return None
    if any(_WORD.match(c) for c in set("".join(_BEYOND_LATIN1.findall(text)))):
        return None
    classes = text.encode("latin-1", "replace").translate(_CLASS)  # (one byte a character)
    pieces, low = text.split(" "), lowered.split(" ")
    starts = accumulate(map(add, map(len, pieces), repeat(1)), initial=0)
    alone = map(or_, map(str.startswith, chain(low[1:], ("",)), pieces), map(str.endswith, chain(("",), low), pieces))
    english = list(compress(starts, map(gt, map(_surely_english_words().__contains__, pieces), alone)))
    out = set()
    for ss, se in sentences:
        lower = classes.count(b" a", ss, se) + (classes[ss : ss + 1] == b"a")
        surely = bisect.bisect_left(english, se) - bisect.bisect_left(english, ss)
        if not surely > (1 - MIN_FOREIGN_SHARE) * lower * (1 + 1e-9):
            out.add(ss)
    return out


@lru_cache(maxsize=1)
def _surely_english_words() -> frozenset:
    """The entries of :func:`_surely_english` that are one word of letters (a piece of text
    equal to one is one word of ``_WORD``, which repeated syllables taken out may only remove)."""
    # (an ASCII entry is such a word exactly when it is all letters: ASCII ``\w`` is letters,
    # digits and ``_``)
    return frozenset(w for w in _surely_english() if (w.isalpha() if w.isascii() else re.fullmatch(r"[^\W\d_]+", w)))


def check(doc, ctx):
    text = doc.text
    doc_lang = document_language(text, ctx.results.get(doc.id))
    parts = analysis(text)
    maybe = _maybe_foreign(text, parts.sentences) if doc_lang == "en" else None
    for ps, pe in parts.paragraphs:
        run = None  # [start, end, lang, [probabilities]]
        for ss, se in parts.sentences_in(ps, pe):
            hit = foreign_language(text[ss:se], doc_lang) if maybe is None or ss in maybe else None
            if run and (hit is None or hit[0] != run[2]):
                yield _finding(doc, run, doc_lang, whole=(run[0] == ps and run[1] == pe))
                run = None
            if hit and run:
                run[1] = se
                run[3].append(hit[1])
            elif hit:
                run = [ss, se, hit[0], [hit[1]]]
        if run:
            yield _finding(doc, run, doc_lang, whole=(run[0] == ps and run[1] == pe))


def _finding(doc, run, doc_lang, whole):
    start, end, lang, probs = run
    name = _NAMES.get(lang, lang)
    return RULE.finding(
        doc, start, end,
        f"{'paragraph' if whole else 'sentence'} in {name}, not {_NAMES.get(doc_lang, doc_lang)}",
        confidence=min(probs),
        evidence={"language": lang, "document_language": doc_lang, "probability": round(min(probs), 4)},
    )


def whole_document(doc):
    """One finding for a document written entirely in another language than the corpus (an
    untranslated article in a corpus of English): the rules skip such a document, so this is
    the only thing said about it."""
    lang = detect_probs(doc.text, max_chars=5000)[0][0]
    name = _NAMES.get(lang, lang)
    return RULE.finding(
        doc, 0, len(doc.text.rstrip()),
        f"the whole document is in {name}, not English: left untranslated?",
        evidence={"language": lang, "document_language": lang, "scope": "document"},
        confidence=0.9,
    )


RULE = Rule(
    id="foreign-fragment",
    severity="warning",
    description="A sentence or paragraph in a language other than the document's (language reported).",
    check=check,
    should_flag=(
        "The ministers met in Brussels on Monday to discuss energy prices. "
        "[[Die Regierung hat am Montag beschlossen, die Steuern zu senken.]] The talks continue this week.",
        "Officials said the bridge would reopen next month after repairs. "
        "[[Le gouvernement a annoncé une nouvelle aide pour les agriculteurs.]]",
        "The council approved the budget on Monday. [[政府周一宣布将为农民提供新的援助。]] Work starts soon.",
    ),
    should_pass=(
        # onomatopoeia and reduplication
        "She sang la-la-la la-la-la, la-la-la, and the crowd laughed: ha ha ha, ho ho ho.",
        "Giuseppe Conte met Matteo Salvini and Luigi Di Maio in Rome on Tuesday.",
        "The ministers met in Brussels on Monday to discuss energy prices and the winter.",
        "Jean-Pierre Dupont, Hans Müller and Ana María López signed the accord in Zürich.",
        "The restaurant's sign read 北京 in large red letters above the door.",
        "The bar served croissants, espresso and pain au chocolat, a favourite of the staff.",
    ),
)
