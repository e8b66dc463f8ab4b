"""The per-document analysis shared by the rules gives what each rule computed for itself
before (sentences per paragraph, the sentence splitter's abbreviations), and the cheap English
pre-filter of language identification only ever spares langdetect on text it calls English."""

import json
import re

from conftest import FIXTURES
from hypothesis import given, strategies as st

from dedupe.lang import clearly_english, clearly_english_all, detect_probs, language
from dedupe.rules.base import Analysis, analysis
from dedupe.textutil import _ABBREV, _abbreviation_before, paragraphs, sentences

_PIECES = ["Mr. Smith", " said", ". ", "the U.S. plan", "e.g. this", "A.", " b", "!", "? ", "\n", "\n\n", "  ",
           "“Yes.”", " …", "x.y.z.", "approx. 5", "St. Louis", "Prof.", "日本。", "word", "approximately.", "x_1.", "Sept."]


def _abbreviation_before_as_it_was(text, lo, dot):
    """The splitter's former test: a regular expression search for the word before the dot."""
    word_m = re.search(r"([\w.]+)$", text[lo:dot])
    word = word_m.group(1).lower() if word_m else ""
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_the_word_before_a_dot_read_backwards_as_it_was_searched(text):
    for dot in (i for i, c in enumerate(text) if c == "."):
        for lo in range(0, dot + 1, 3):
            assert _abbreviation_before(text, lo, dot) == _abbreviation_before_as_it_was(text, lo, dot)


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_sentences_of_a_paragraph_are_those_of_the_text_inside_it(text):
    parts = Analysis(text)
    assert list(parts.sentences) == list(sentences(text))
    for ps, pe in paragraphs(text):
        assert list(parts.sentences_in(ps, pe)) == list(sentences(text, ps, pe))


def test_one_analysis_per_text_shared_and_mentions_immutable():
    text = "Anna Novak met Mr. Brown in Warsaw. Novak said the talks went well."
    assert analysis(text) is analysis(text)
    assert isinstance(analysis(text).mentions, tuple) and analysis(text).mentions


_FOREIGN = [
    "Die Bundesregierung hat am Montag beschlossen, die Steuern für kleine und mittlere Unternehmen zu senken. "
    "Der Finanzminister sagte, dass die Maßnahmen ab dem nächsten Jahr gelten sollen und die Wirtschaft stärken werden.",
    "Le gouvernement a annoncé lundi une nouvelle aide pour les agriculteurs touchés par la sécheresse de cet été. "
    "Le ministre a précisé que les premiers versements auront lieu avant la fin du mois prochain dans toutes les régions.",
    "El gobierno anunció el lunes un nuevo plan de ayudas para los agricultores afectados por la sequía de este verano. "
    "El ministro dijo que los primeros pagos llegarán antes de que termine el próximo mes en todas las regiones del país.",
    "De regering heeft maandag besloten om de belastingen voor kleine bedrijven te verlagen. De minister zei dat de "
    "maatregelen vanaf volgend jaar gelden en dat de economie daardoor sterker zal worden in alle provincies van het land.",
]


def test_clearly_english_only_where_langdetect_says_english():
    texts = [json.loads(line)["text"] for line in open(FIXTURES / "wikinews" / "wikinews.jsonl", encoding="utf-8")]
    english = [t for t in texts if clearly_english(t)]
    assert len(english) > 0.8 * len(texts)  # the pre-filter spares langdetect on most news
    assert all(detect_probs(t)[0][0] == "en" for t in english[::5])
    for text in _FOREIGN:
        assert not clearly_english(text) and language(text)[0] != "en"
    # half English, half German: left to langdetect
    mixed = texts[0][:600] + " " + _FOREIGN[0] * 3
    assert not clearly_english(mixed)


def test_clearly_english_of_a_batch_is_that_of_each_text():
    """The array pass over a batch (texts whose letters are ASCII) gives each text's
    :func:`clearly_english`: markers in any case, next to digits, underscores, apostrophes,
    curly quotes, no-break spaces, emoji (4 UTF-8 bytes), lone surrogates and letters
    outside ASCII; short texts; empty ones."""
    texts = [json.loads(line)["text"] for line in open(FIXTURES / "wikinews" / "wikinews.jsonl", encoding="utf-8")]
    odd = ["The " * 50, "THE AND THAT WITH " * 20 + "\u00fcn\u00efc\u00f6d\u00e9", "the1 the_ the2 " * 40,
           "tHe aNd " * 30 + " zzzzzzzzzzzzzzzzzz", "abc'the theirs therein " * 30, "becausethe because thebecause " * 20,
           "the \u201cand\u201d \u2019that\u2019 with " * 20 + "\u216b \u00bd \u00b2 \u0663 the", "the[and]that@with`from{which} " * 20,
           "\u0130the and " * 40, "", "x", "THE\u0100 and " * 30,
           "the\U0001f600and \u2014 with\u00a0that " * 30, "the \ud800 and \udfff that " * 30, "\u00e9the and that " * 30]
    odd += [t.replace(" ", "\u00a0") for t in texts[:5]] + [t[:300] for t in texts[:20]] + [t.replace("e", "\u0435") for t in texts[:3]]
    batch = texts + _FOREIGN + odd + [texts[0][:600] + " " + _FOREIGN[0] * 3, ""]
    assert clearly_english_all(batch) == [clearly_english(t) for t in batch]
    assert clearly_english_all([]) == []
