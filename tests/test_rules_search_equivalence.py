"""The rules' fast searches give what the plain ones they replace give (issue 10, sixth pass):
regular expressions written to start with their first characters, matches found from a text's
distinct words, and sentences known English from counts over the whole text. Each is compared
with a plain reference on random texts built from tricky pieces (fixed seeds)."""

from __future__ import annotations

import random
import re
import sys
from itertools import chain

from dedupe import textutil
from dedupe.rules import _people, broken_sentence, false_friend, foreign_fragment, gender_mismatch, resumptive_pronoun
from dedupe.rules._lex import FOLDS_TO_ASCII, _PLAIN_RE, _frequencies, plain_words, zipf_en
from dedupe.rules._people import noun_gender
from dedupe.rules._lex import wordlist
from dedupe.rules.base import analysis

# the patterns as they were written before (the references)
PLAIN = {
    "pronoun": (gender_mismatch._PRONOUN_RE,
                re.compile(r"\b(?:he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)),
    "may be pronoun": (resumptive_pronoun._MAY_BE_PRONOUN,
                       re.compile(r"(?<![A-Za-zÀ-ÖØ-öø-ÿĀ-ž])(?:he|she|it|they)(?!\w)", re.IGNORECASE)),
    "dot lower": (broken_sentence._DOT_LOWER, re.compile(r"(?<=[^\W\d_])\.(\s+)(?=[a-z])")),
    "sentence end": (textutil._SENT_END_RE, re.compile(r"""[.!?…]+['"’”)\]]*(?=\s|$)|[。！？]+['"’”」』)\]]*|\n""")),
    "false friend": (false_friend._ANY_WORD,
                     re.compile("|".join(rf"(?:\b{ff.word}\b)" for ff in false_friend.LEXICON), re.I)),
}
CHARS = list("heshimtyitHESIMTY\u0130\u0131\u017f\u212aŸÿé .,!?…。！？\n\t\u00a0'’\"”)-_15a")


def _texts(seed: int, n: int, pieces, most: int = 12, sep: str = ""):
    rng = random.Random(seed)
    for _ in range(n):
        yield sep.join(rng.choice(pieces) for _ in range(rng.randint(0, most)))


def test_the_characters_that_match_an_ascii_letter_in_any_case():
    letter = re.compile("[a-z]", re.IGNORECASE)
    assert "".join(c for c in map(chr, range(128, sys.maxunicode + 1)) if letter.match(c)) == FOLDS_TO_ASCII


def test_patterns_starting_with_their_first_characters_match_as_before():
    words = [ff.word.replace("?", "") for ff in false_friend.LEXICON]
    for name, (fast, plain) in PLAIN.items():
        for text in chain(_texts(1, 6000, CHARS), _texts(6, 2000, words + CHARS)):
            for args in ((text,), (text, 1, max(1, len(text) - 1))):
                got = [(m.span(), m.groups()) for m in fast.finditer(*args)]
                assert got == [(m.span(), m.groups()) for m in plain.finditer(*args)], (name, text)


def test_words_found_from_the_space_before_them():
    capital = re.compile(r"(?<=[^\W_A-Z][ \u00a0])(?<![.!?] )([^\W\d_a-z][^\W\d_A-Z]++)(?![\w'’\-])|"
                         r"(?<=[,;][ \u00a0])([^\W\d_a-z][^\W\d_A-Z]++)(?![\w'’\-])")
    lone = re.compile(r"(?<=[a-z,;] )[^\W\d_a-z][a-z]+(?:['’]s)?(?![\w\-])")
    chars = list("aZbΣΟσİ .!?,;\u00a0'’-5sΑΔ\n")
    for text in _texts(2, 6000, chars):
        assert _people.WordCase.words(text)[1] == [(a or b).lower() for a, b in capital.findall(text)], text
        got = [(m.start(1), m.group(1)) for m in gender_mismatch._LONE_CAP_RE.finditer(text)]
        assert got == [(m.start(), m.group()) for m in lone.finditer(text)], text


def _unnamed_plain(text: str):
    """``_unnamed_people`` as it was: each pattern over the whole text, a test per match."""
    out = []
    for pattern in _people._UNNAMED_RES:
        for m in pattern.finditer(text):
            if m.lastindex == 2 and not _people._role_or_speech(m.group(1)):
                continue
            out.extend(_people._unnamed(m.group(m.lastindex), m.start(m.lastindex)))
    for m in _people._AGE_RE.finditer(text):
        name = _people._WORD_BEFORE_RE.search(text, max(0, m.start() - 40), m.start())
        if name:
            out.extend(_people._unnamed(name.group(), name.start()))
    return out


def test_unnamed_people_found_where_role_nouns_and_speech_verbs_are():
    pieces = ["President", "president", "PRESIDENT", "minister", "the", "said", "says", "told", "claimed",
              "Smith", "O'Neil", "Jean-Pierre", "said-Jones", "Ortega", "police", "policeman", "Dr", "X", "ab",
              "\u0130", "é", "Élan", "32", "Ortega,", "d'Said", "-", "'", "’", ".", ",", "said.", "Jones's",
              "spokesman", "Now", " ", "  ", "\u00a0", ". ", ", ", "\n",
              # chains of a word and a capitalised one, the first of a pair taking the second in
              "the President Obama ", "Acting President Barack Obama ", "minister Ortega said ", " said Smith "]
    for text in _texts(3, 4000, pieces, 20):
        assert list(_people._unnamed_people(text)) == _unnamed_plain(text), text


def test_person_noun_candidates_hold_every_noun_for_a_person():
    pieces = ["man", "MAN", "Man", "women", "wives", "someone", "journalist", "JOURNALISTS", "artistes",
              "\u212aING", "king", "sister-in-law", "actress", "ladies", "officials", "x", " ", ", ", "5", "é"]
    for text in _texts(4, 3000, pieces, 16):
        found = {m.span() for m in gender_mismatch._noun_candidates(text)}
        for m in gender_mismatch._WORD_RE.finditer(text):
            w = m.group()
            if not (w.islower() or w.isupper() and len(w) > 1):
                continue
            if w.lower() in wordlist("indefinite_people") or noun_gender(w.lower()) is not None:
                assert m.span() in found, (text, w)


def test_sentences_left_out_by_foreign_fragment_are_english():
    pieces = ("the The THE the-the a of and to in is it it's Obama's x-the la-la ha ha the, the. , - ‐ don't "
              "der die und le les el que niet een mit nicht avec dans café über ß ª ½ ’ “ ” ... ! ? "
              "said was for on with he as at by very Very").split(" ") + ["\n", " ", "\u00a0"]
    pieces += "the of and to in is was for on with he as at by said that from".split() * 3  # (mostly English)
    pieces += ["it it's", "x'the the", "the the-x", "The the"]  # repeated words that taking out cuts
    skipped = 0
    for text in _texts(5, 1500, pieces, 40, " "):
        sentences = analysis(text).sentences
        maybe = foreign_fragment._maybe_foreign(text, sentences)
        for s, e in sentences:
            if maybe is not None and s not in maybe:
                skipped += 1
                assert foreign_fragment.foreign_language(text[s:e], "en") is None, text[s:e]
                seg = foreign_fragment._REDUPLICATION.sub(" ", text[s:e])
                lower = [w.lower() for w in foreign_fragment._WORD.findall(seg) if not w[:1].isupper()]
                assert not lower or foreign_fragment._cannot_be_foreign(lower, "en"), text[s:e]
    assert skipped > 100


def test_plain_words_are_those_of_their_zipf():
    words = plain_words("en", 3.0)
    sample = [w for i, w in enumerate(_frequencies("en", "best")) if i % 50 == 0 and _PLAIN_RE.fullmatch(w)]
    assert sample and all((w in words) == (zipf_en(w) >= 3.0) for w in sample)


def test_words_of_an_ascii_text_split_in_c_as_the_patterns_find_them():
    """name-variant's terms and gender-mismatch's lower-case words: an ASCII text is split by a
    byte translation; the words are those of the regular expressions, in order."""
    from types import SimpleNamespace

    from dedupe.rules import name_variant

    pieces = ["ab", "Ab", "AB", "a", "x1", "1x", "_", "a_b", "don't", "x-ray", "-", "'", " ", "\n", "\t", ".", ",",
              "é", "’", "\x0b", "\x1f", "42", "the", "The"]
    for text in chain(_texts(17, 3000, pieces), _texts(18, 300, pieces, most=60, sep=" ")):
        assert _people.WordCase._lower_words(text) == _people.WordCase._LOWER_RE.findall(text), text
        assert name_variant._term_list(text) == name_variant._TERM_RE.findall(text.lower()), text
        assert name_variant._terms(SimpleNamespace(text=text)) == (
            set(name_variant._TERM_RE.findall(text.lower())) - _people.stopwords()), text


def test_forget_analyses_empties_the_analysis_cache():
    from dedupe.rules.base import forget_analyses

    text = "The minister said on Monday that talks would resume."
    first = analysis(text)
    assert analysis(text) is first  # cached
    forget_analyses()
    again = analysis(text)
    assert again is not first and again.sentences == first.sentences
