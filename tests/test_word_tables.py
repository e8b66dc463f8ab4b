"""The word lists kept as tables (``_lex._Table``, built from the installed wordfreq into the
user's cache at first use), the gazetteer's table (also in the cache),
and the same answers as wordfreq's ``zipf_frequency`` whether a table is searched or read
into a dictionary."""

import random

from wordfreq import cB_to_freq, get_frequency_dict, lossy_tokenize, zipf_frequency

from dedupe.rules import _lex, stray_token
from dedupe.rules._lex import SIMPLE_RE, TABLES, _WordTable, _table, table_lines


def _text(lang: str, wordlist: str) -> str:
    return "\n".join(table_lines(lang, wordlist)) + "\n"


def test_a_table_is_built_into_the_cache_once_and_read_from_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path))
    _table.cache_clear()
    try:
        built = _table("de", "small")
        files = list(tmp_path.rglob("small_de.txt"))
        assert len(files) == 1 and files[0].read_text(encoding="utf-8") == _text("de", "small")
        assert not [p for p in tmp_path.rglob("*") if p.is_file() and p not in files]  # no temporary file left
        _table.cache_clear()
        monkeypatch.setattr(_lex, "table_lines", lambda *a: (_ for _ in ()).throw(AssertionError("built again")))
        again = _table("de", "small")  # read from the cache, not built
        assert again.zipf("und") == built.zipf("und") == zipf_frequency("und", "de", "small")
    finally:
        _table.cache_clear()


def test_a_table_without_a_writable_cache_is_built_in_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(blocker / "cache"))  # under a file: cannot be made
    _table.cache_clear()
    try:
        assert _table("sv", "small").zipf("och") == zipf_frequency("och", "sv", "small")
    finally:
        _table.cache_clear()


def test_cache_dir_follows_the_environment(monkeypatch):
    monkeypatch.delenv("DEDUPE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/x/cache")
    from dedupe.cache import cache_dir

    assert cache_dir() == "/x/cache/dedupe"
    monkeypatch.setenv("DEDUPE_CACHE_DIR", "/y")
    assert cache_dir() == "/y"


def test_tables_cover_the_lists_stray_token_reads():
    assert ("en", "best") in TABLES
    assert {(lang, "small") for lang in stray_token.OTHER_LANGS} <= set(TABLES)


def test_simple_words_are_their_own_token():
    """A word SIMPLE_RE matches is one token, itself, in every language tabled: a word absent
    from a table is then unknown to wordfreq too (no other token of it is looked up)."""
    made = ["don't", "o'clock", "rock'n'roll", "aujourd'hui", "abc'e", "ab'c", "i'm", "we're", "he'd", "qu'un", "l'arc",
            "y'all", "d'h", "zzqxv", "it's", "o'er", "s'il", "díaz", "müller", "françois", "d'été", "l'écho", "qu'à",
            "straße", "ştefan", "łódź", "x'é", "café'ö", "ÿ"]
    split = ["l'arc", "y'all", "qu'un", "d'été", "l'écho", "qu'à", "o'er", "s'il", "d'h"]  # "l'" and "arc" ...
    for lang, _ in TABLES:
        for w in made:
            if SIMPLE_RE.fullmatch(w):
                assert lossy_tokenize(w, lang) == [w], (lang, w)
        for w in split:
            assert not SIMPLE_RE.fullmatch(w) and lossy_tokenize(w, lang) != [w], (lang, w)
    assert sum(map(bool, map(SIMPLE_RE.fullmatch, made))) > 10


def test_same_answer_as_wordfreq_searched_and_from_a_dictionary():
    rng = random.Random(5)
    for lang, wordlist in TABLES:
        words = sorted(w for w in get_frequency_dict(lang, wordlist) if SIMPLE_RE.fullmatch(w))
        sample = rng.sample(words, 200) + words[:3] + words[-3:] + [w for w in words if "'" in w][:20]
        sample += ["a", "zzzzzzzz", "aaaaab", "zzqxv", "don't", "quux", "mmmm'n", "díaz", "müller", "zürich", "ÿÿ"]
        sample += [w for w in words if not w.isascii()][:20]
        sample = [w for w in sample if SIMPLE_RE.fullmatch(w)]
        searched = _WordTable(text=_text(lang, wordlist))
        searched.table.limit = len(sample) + 1  # (searched only)
        loaded = _WordTable(text=_text(lang, wordlist))
        loaded.load()
        for w in sample:
            expected = zipf_frequency(w, lang, wordlist)
            assert searched.zipf(w) == loaded.zipf(w) == expected, (lang, wordlist, w)
        assert searched.table.entries is None  # (not read into a dictionary by so few searches)


def test_a_table_is_read_into_a_dictionary_after_many_searches():
    table = _WordTable(text=_text("de", "small"))
    assert table.table.limit >= 100
    table.table.limit = 2
    answers = [table.zipf(w) for w in ("und", "zzqxv", "haus", "und")]
    assert table.table.entries is not None and answers[0] == answers[3] == zipf_frequency("und", "de", "small")
    assert answers[1] == 0.0 and answers[2] == zipf_frequency("haus", "de", "small")


def test_plain_words_from_the_table_as_from_wordfreq():
    """``plain_words`` read from the table's first section equals the set made from wordfreq's
    dictionary (the words of ASCII letters alone, at least the given Zipf)."""
    from dedupe.rules._lex import _frequencies, _zipf_table, plain_words

    freqs, zipf_of = _frequencies("en", "best"), _zipf_table("en", "best")
    for least in (3.0, 4.5):
        expected = {w for w, f in freqs.items() if zipf_of[f] >= least and _lex._PLAIN_RE.fullmatch(w)}
        assert plain_words("en", least) == expected
    assert _table("en", "best") is not None and _table("xx", "best") is None


def test_places_table_is_the_gazetteer_folded():
    from dedupe.rules._lex import _gazetteer, fold, place_lines, place_population

    assert _lex._places().sections == _lex._Table(text="\n".join(place_lines()) + "\n").sections
    places = _gazetteer()
    names = sorted(places)[::97] + ["paris", "new york city", "'akra", "zzzz", "", "São Paulo", "MÜNCHEN", "Springfield"]
    for name in names:
        assert place_population(name) == places.get(fold(name)), name


def test_wordlist_reads_each_line_without_its_comment():
    import glob
    import os

    from dedupe.rules._lex import fold, wordlist

    names = [os.path.basename(p)[:-4] for p in glob.glob(f"{_lex._DATA}/*.txt")]
    assert "surely_english" in names and len(names) > 10
    for name in names:
        with open(f"{_lex._DATA}/{name}.txt", encoding="utf-8") as fh:
            lines = fold(fh.read()).split("\n")
        assert wordlist(name) == {e for e in (line.split("#", 1)[0].strip() for line in lines) if e}, name


def test_words_the_tokeniser_changes_from_the_table_as_from_wordfreq():
    """Digits, hyphens, capitals, other letters: the tokens wordfreq makes of a word, looked
    up in the table (every entry of the list is there) and combined as wordfreq combines
    them, give its answer without its dictionary; an entry's frequency is its bucket's."""
    rng = random.Random(11)
    for lang, wordlist in TABLES:
        freqs = get_frequency_dict(lang, wordlist)
        table = _WordTable(text=_text(lang, wordlist))
        table.load()
        assert all(cB_to_freq(int(table.table.entries[w]) - 900) == f for w, f in freqs.items())
        entries = sorted(freqs)
        words = rng.sample(entries, 100) + [w for w in entries if not SIMPLE_RE.fullmatch(w)][:: max(1, len(entries) // 2000)][:100]
        words += [f"{a}-{b}" for a, b in zip(rng.sample(entries, 30), rng.sample(entries, 30))]
        words += [w.capitalize() for w in rng.sample(entries, 30)]
        words += [f"{rng.randint(0, 10 ** rng.randint(1, 8))}{rng.choice(['', 'th', 's', '-year-old', 'km', '%'])}"
                  for _ in range(40)]
        words += ["", "-", "’s", "x2", "COVID-19", "İstanbul", "1,000", "3.5", "e-mail", "don’t", "zzqxv-zzqxv", "łódź"]
        searched = _WordTable(text=_text(lang, wordlist))
        for w in words:
            expected = zipf_frequency(w, lang, wordlist)
            assert table.zipf_of_tokens(w, lang) == searched.zipf_of_tokens(w, lang) == expected, (lang, w)


def test_best_common_is_the_best_of_zipf_common():
    """``best_common`` (stray-token's best language of a word, read from the small tables) equals
    ``max((zipf_common(w, la), la) for la in langs)``: words of the lists, at the floor, unknown,
    and words the tokeniser changes (asked through zipf_common)."""
    rng = random.Random(11)
    words = ["und", "haus", "zzqxv", "cosecha", "gobierno", "the", "díaz", "straße", "l'arc", "5th", "x-men", "ab'c"]
    for lang in ("de", "fr", "tr", "pl"):
        listed = sorted(w for w in get_frequency_dict(lang, "small") if SIMPLE_RE.fullmatch(w))
        words += rng.sample(listed, 40)
    words += [w for lang, ws in _lex._zipf_floor().items() for w in sorted(ws)[:5]]
    for langs in (stray_token.OTHER_LANGS, ("de",), ("it", "es")):
        for w in words:
            assert _lex.best_common(w, langs) == max((_lex.zipf_common(w, la), la) for la in langs), (langs, w)
    assert _lex._small_tables(("de", "xx")) is None and _lex.best_common("haus", ("de", "xx")) == max(
        (_lex.zipf_common("haus", la), la) for la in ("de", "xx"))


def test_zipf_from_is_zipf_above_its_floor():
    """``zipf_from`` (foreign-fragment's frequency in a language without a shipped table, read
    from the top of its list) equals ``zipf`` from its floor up and is 0.0 below it: words of the
    list, unknown words, and words the tokeniser changes (ß, digits, apostrophes)."""
    rng = random.Random(7)
    odd = ["straße", "größe", "l'arc", "aujourd'hui", "5th", "2019", "x-men", "zzqxv", "ab12", "don't"]
    for lang in ("de", "fr", "en"):
        words = rng.sample(sorted(get_frequency_dict(lang, "best")), 300) + odd
        for w in words:
            for least in (2.0, 3.0):
                z = _lex.zipf(w, lang)
                assert _lex.zipf_from(w, lang, least) == (z if z >= least else 0.0), (lang, w, least)
