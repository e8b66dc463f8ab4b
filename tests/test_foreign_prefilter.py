"""foreign-fragment's pre-filter skips language identification only where it could not change
the result: the shipped surely-English words are sound against the installed wordfreq, and a
sentence the pre-filter skips is one the full check would not flag."""

import json

from conftest import FIXTURES

from dedupe.rules import foreign_fragment as ff
from dedupe.rules._lex import _wordfreq_languages, function_words
from dedupe.textutil import paragraphs, sentences


def test_shipped_words_are_surely_english_against_every_wordfreq_language():
    others = [la for la in _wordfreq_languages() if la != "en"]
    shipped = sorted(ff._surely_english())
    sample = shipped[::150]  # every list is loaded: a sample keeps the word lookups few
    assert len(sample) > 100
    assert [w for w in sample if not ff.surely_english(w, others)] == []
    # the function words that pass are all shipped (the list is built from them and more)
    assert {w for w in function_words() if ff.surely_english(w, others)} <= set(shipped)


def test_a_skipped_sentence_is_not_flagged_by_the_full_check(monkeypatch):
    texts = [json.loads(line)["text"] for line in open(FIXTURES / "wikinews" / "wikinews.jsonl", encoding="utf-8")]
    skipped = []
    for text in texts:
        for ps, pe in paragraphs(text):
            for ss, se in sentences(text, ps, pe):
                words = ff._WORD.findall(text[ss:se])
                lower = [w.lower() for w in words if not w[:1].isupper()]
                if len(lower) >= ff.MIN_LOWER_WORDS and ff._cannot_be_foreign(lower, "en"):
                    skipped.append(text[ss:se])
    assert len(skipped) > 50
    skipped = skipped[:150]
    monkeypatch.setattr(ff, "_cannot_be_foreign", lambda lower, doc_lang: False)
    assert [s for s in skipped if ff.foreign_language(s, "en")] == []
    # and the full check does flag a foreign sentence (the test can fail)
    assert ff.foreign_language("Die Regierung hat am Montag beschlossen, die Steuern zu senken.", "en")
