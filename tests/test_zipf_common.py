"""``_lex.zipf_common`` (wordfreq's small lists plus the shipped words at their floor) answers
exactly as the full word lists for every Zipf at or above COMMON_ZIPF, which is all stray-token
asks of the languages it compares English with."""

import json

from conftest import FIXTURES
from wordfreq import get_frequency_dict

from dedupe.rules import stray_token
from dedupe.rules._lex import COMMON_ZIPF, _zipf_floor, zipf, zipf_common

LANGS = ("de", "cs", "tr")  # with many floor words, many, none


def test_stray_token_asks_only_at_or_above_the_floor():
    assert min(stray_token.FOREIGN_COMMON, stray_token.FOREIGN_COMMON_CAPITALISED) >= COMMON_ZIPF
    assert set(stray_token.OTHER_LANGS) <= set(_zipf_floor())


def test_floor_words_are_those_the_small_list_leaves_out():
    for lang in LANGS:
        small = get_frequency_dict(lang, wordlist="small")
        assert all(w not in small and zipf(w, lang) == z >= COMMON_ZIPF for w, z in _zipf_floor()[lang].items())


def test_same_answer_as_the_full_list():
    text = " ".join(json.loads(line)["text"] for line in open(FIXTURES / "wikinews" / "wikinews.jsonl", encoding="utf-8"))
    words = sorted({w.lower() for w in text.split() if w.isalpha()})
    for lang in LANGS:
        floor = sorted(_zipf_floor()[lang])[::10]
        small = sorted(get_frequency_dict(lang, wordlist="small"))[::50]
        digits = [w for w in get_frequency_dict(lang) if any(c.isdigit() for c in w)][::20]
        for w in [*words, *floor, *small, *digits, "l'homme", "zoo-tier", "straße", "b2b", "4s", "t2", "2019", "1990s",
                  "covid-19", "mp3", "4x4"]:
            full = zipf(w, lang)
            assert zipf_common(w, lang) == (full if full >= COMMON_ZIPF else 0.0), (w, lang)


def test_plain_words_read_from_the_dictionary_as_wordfreq_would():
    """``plain_zipf`` (a lower-case ASCII word read straight from wordfreq's dictionary) gives
    wordfreq's own answer, in every language and list it answers for."""
    from wordfreq import available_languages, iter_wordlist, zipf_frequency

    from dedupe.rules._lex import plain_zipf

    english = [w for w, _ in zip(iter_wordlist("en", "small"), range(3000))][::30]
    checked = 0
    for lang in sorted(available_languages()):
        own = [w for w, _ in zip(iter_wordlist(lang, "small"), range(5000))][::50]
        for wordlist in ("best", "small"):
            for w in [*english, *own, "zzqxv", "cosecha", "gesetz"]:
                z = plain_zipf(w, lang, wordlist)
                if z is not None:
                    checked += 1
                    assert z == zipf_frequency(w, lang, wordlist), (w, lang, wordlist)
    assert checked > 5000
    assert plain_zipf("Haus", "de") is None and plain_zipf("straße", "de") is None


def test_shipped_alphabets_are_those_of_the_installed_wordfreq():
    from dedupe.rules._lex import _alphabets, alphabets_of_wordfreq

    langs = ("de", "ro", "tr", "ru", "el")
    assert {la: set(chars) for la, chars in _alphabets().items() if la in langs} == alphabets_of_wordfreq(langs)


def test_native_spelling_asks_only_the_lists_that_may_hold_the_word():
    from dedupe.rules._lex import NATIVE_SPELLING_ZIPF, _wordfreq_languages, fold, native_spelling

    words = ["Zürich", "Málaga", "İstanbul", "Sizzlér", "Kraków", "Łódź", "São", "Ålesund", "Ştefan", "Țară", "Dvořák",
             "Citroën", "Ñandú", "Gdańsk", "Pécs", "Çatalhöyük", "Éire", "Müllerová", "Crêpe", "Québec", "Bjørn"]
    answers = []
    for w in words:
        every_list = any(zipf(w, la) >= NATIVE_SPELLING_ZIPF for la in _wordfreq_languages() if la != "en")
        answers.append(native_spelling(w))
        assert answers[-1] == (fold(w) != w.lower() and every_list), w
    assert True in answers and False in answers


def test_reaches_zipf_reads_only_the_top_of_a_list_with_the_same_answers():
    """``reaches_zipf`` (native_spelling's question, from the top of a list) answers as
    wordfreq's ``zipf_frequency >= least`` does: tokens at the edge of the top (Zipf 1.9-2.1),
    capitalised, joined by a hyphen or an apostrophe, with digits, several words."""
    import random

    from wordfreq import get_frequency_list, zipf_frequency

    from dedupe.rules._lex import reaches_zipf

    rng = random.Random(3)
    answers = set()
    for lang in ("de", "pl"):
        pack = get_frequency_list(lang)
        words = [w for i in range(690, 712) for w in rng.sample(pack[i], min(10, len(pack[i])))]
        words += [w for a, b in zip(words, words[1:]) for w in (a.capitalize(), f"{a}-{b}", f"{a}'{b}", f"{a}2019", f"{a} {b}")]
        for w in words + ["Zürich", "Łódź", "Crêpe9", ""]:
            answers.add(reaches_zipf(w, lang, 2.0))
            assert reaches_zipf(w, lang, 2.0) == (zipf_frequency(w, lang) >= 2.0), (lang, w)
    assert answers == {True, False}


def test_the_top_of_a_list_in_the_cache_gives_the_frequencies_of_the_list(tmp_path, monkeypatch):
    """``_top`` (the top of a word list as a table in the cache, which ``reaches_zipf`` and
    ``zipf_from`` search) holds every token of ``_frequent`` (the list's top decoded from
    wordfreq's file) at its frequency, whether searched or read into a dictionary, and is
    read back from the cache without decoding the list again."""
    from wordfreq import cB_to_freq, zipf_frequency

    from dedupe.rules import _lex

    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path))
    _lex._top.cache_clear()
    try:
        for lang, least in (("pl", 2.0), ("ru", 2.0), ("fr", 3.0)):
            top, ref = _lex._top(lang, least), _lex._frequent(lang, least)
            searched = [k for i, k in enumerate(sorted(ref)) if i % 97 == 0] + ["zzqxv", "", "é"]
            assert [top.get(k) and cB_to_freq(-int(top.get(k))) for k in searched] == [ref.get(k) for k in searched]
            top.load()
            assert {k: cB_to_freq(-int(v)) for k, v in top.entries.items()} == ref
        assert len(list(tmp_path.rglob("top*_*.txt"))) == 3
        _lex._top.cache_clear()
        monkeypatch.setattr(_lex, "_frequent", lambda *a: (_ for _ in ()).throw(AssertionError("decoded again")))
        answers = [_lex.reaches_zipf(w, "pl", 2.0) for w in ("Kraków", "Łódź", "Krakówxq")]
        assert answers == [zipf_frequency(w, "pl") >= 2.0 for w in ("Kraków", "Łódź", "Krakówxq")] and True in answers
    finally:
        _lex._top.cache_clear()
