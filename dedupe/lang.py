"""Language identification with langdetect, made deterministic, and a cheap pre-filter that
spares it on text that is clearly English."""

from __future__ import annotations

import re
from functools import lru_cache

UNKNOWN = "unknown"
_SEED = 0

# English grammar words (articles, pronouns, auxiliaries, conjunctions) that are not common
# words of another language ("in", "also", "was", "of", "die" are left out)
ENGLISH_MARKERS = frozenset("""
the and that with from which would were been have has this their they there these those what
when where who should could about after into than then them his she its our your you are not
but said it be out up other some only because while being does did him how why
""".split())
# a text is clearly English when, among its first words (those langdetect reads), at least
# this many words, this share of them are English markers (native English prose: 13-28%,
# median 20%, in Wikinews, ECB+, BASIL and Clough; text in other languages: 0-1%) and
# almost every letter is ASCII
CLEARLY_ENGLISH_WORDS = 40
CLEARLY_ENGLISH_SHARE = 0.15
MAX_OTHER_LETTERS = 0.02
_WORD_RE = re.compile(r"[^\W\d_]+")
_NON_ASCII_LETTER_RE = re.compile(r"[^\W\d_\x00-\x7f]")


class _Profiles:
    """langdetect's table n-gram -> probability in each language, built row by row as n-grams
    are looked up: langdetect's own loader builds all 87,000 rows of 55 floats at start
    (about 0.4 s and 70 MB per process), where an article looks up a few thousand. A row is
    what ``DetectorFactory.add_profile`` would store, computed the same way (``1.0 * count /
    n_words``); the profiles are read as langdetect reads them, in the same order."""

    def __init__(self, profiles: list[tuple[dict, list]]):
        self._profiles = profiles  # per language, in langlist order: (freq, n_words)
        self._known = set().union(*(freq for freq, _ in profiles))
        self._rows: dict = {}

    def __contains__(self, gram) -> bool:
        return gram in self._known

    def __getitem__(self, gram) -> list:
        row = self._rows.get(gram)
        if row is None:
            if gram not in self._known:
                raise KeyError(gram)
            n = len(gram)
            if 1 <= n <= 3:
                row = [1.0 * freq[gram] / n_words[n - 1] if gram in freq else 0.0 for freq, n_words in self._profiles]
            else:
                row = [0.0] * len(self._profiles)
            self._rows[gram] = row
        return row


def _read_profiles(directory: str) -> tuple[list, list]:
    """``(langlist, [(freq, n_words)])`` from langdetect's profile files, listed as
    ``DetectorFactory.load_profile`` lists them."""
    import json
    import os

    langs, profiles = [], []
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if data["name"] in langs:
            raise ValueError(f"{path}: duplicate language profile {data['name']!r}")
        langs.append(data["name"])
        profiles.append((data["freq"], data["n_words"]))
    return langs, profiles


@lru_cache(maxsize=1)
def _factory():
    from langdetect import DetectorFactory
    from langdetect.detector_factory import PROFILES_DIRECTORY

    DetectorFactory.seed = _SEED
    factory = DetectorFactory()
    factory.langlist, profiles = _read_profiles(PROFILES_DIRECTORY)
    factory.word_lang_prob_map = _Profiles(profiles)
    return factory


def load_profiles() -> None:
    """Load langdetect's profiles now: a process about to fork workers that identify
    languages loads them once, and the workers (and any process forked later) share them."""
    _factory()


def clearly_english(text: str, max_chars: int = 2000) -> bool:
    """Is ``text[:max_chars]`` so plainly English prose (by its share of English grammar words
    and its letters) that language identification would only confirm it?"""
    sample = text[:max_chars]
    ascii = sample.isascii()
    # an ASCII text lowers letter for letter, so its words lowered are the words of it lowered
    words = _WORD_RE.findall(sample.lower() if ascii else sample)
    if len(words) < CLEARLY_ENGLISH_WORDS:
        return False
    markers = sum(map(ENGLISH_MARKERS.__contains__, words if ascii else map(str.lower, words)))
    if markers < CLEARLY_ENGLISH_SHARE * len(words):
        return False
    return ascii or len(_NON_ASCII_LETTER_RE.findall(sample)) <= MAX_OTHER_LETTERS * sum(map(len, words))


_MARKER_LETTERS = max(map(len, ENGLISH_MARKERS))  # at most 8: a word is compared as one uint64
_MARKERS = sorted(int.from_bytes(w.encode("ascii"), "little") for w in ENGLISH_MARKERS)
assert _MARKER_LETTERS < 8 and all(w.isalpha() and w.islower() for w in ENGLISH_MARKERS)


_letters = None  # per code point: a letter of _WORD_RE (filled as code points are met)
_known = None


def _is_letter(codes):
    """Per code point (uint32): is it one of _WORD_RE's letters (``[^\\W\\d_]``)?"""
    import numpy as np

    from .arrays import sorted_unique

    global _letters, _known
    if _letters is None:
        _letters, _known = np.zeros(0x110000, dtype=bool), np.zeros(0x110000, dtype=bool)
        ascii = np.arange(128)
        _letters[ascii] = [bool(_WORD_RE.fullmatch(chr(c))) for c in range(128)]
        _known[ascii] = True
    letter = (codes | 32) - 97 < 26  # ASCII letters (and code points from 128 on, set below)
    high = np.flatnonzero(codes >= 128)
    if high.size:
        found = codes[high]
        for c in sorted_unique(found[~_known[found]]).tolist():
            _letters[c] = bool(_WORD_RE.fullmatch(chr(c)))
            _known[c] = True
        letter[high] = _letters[found]
    return letter


def clearly_english_all(texts: list[str], max_chars: int = 2000) -> list[bool]:
    """:func:`clearly_english` of each text, with array operations over all of them at once
    for the texts whose letters are all ASCII (other code points, such as curly quotes, are
    not letters: they only part words): their words are then the runs of ASCII letters of
    the sample, a marker one of the lower-case words of ENGLISH_MARKERS, compared as exact
    numbers, and no letter is other than ASCII. The other texts are read one by one."""
    import numpy as np

    samples = [t[:max_chars] for t in texts]
    lengths = np.fromiter(map(len, samples), dtype=np.int64, count=len(samples))
    codes = np.frombuffer(("\n".join(samples) + "\n").encode("utf-32-le"), dtype=np.uint32)
    letter = _is_letter(codes)
    sample_starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    other = np.add.reduceat(letter & (codes >= 128), sample_starts) if codes.size else np.zeros(0, dtype=np.int64)
    fast = (other == 0) if len(samples) else np.zeros(0, dtype=bool)
    edges = np.diff(letter.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    # each word of at most 8 letters as the number its lower-case ASCII bytes make
    # (little-endian), read as the 8 bytes from its start with the bytes past its end cut
    # (a word's letters are ASCII in the texts read here: OR 32 lowers them; the bytes of
    # other code points are never read)
    lower = codes.astype(np.uint8) | np.uint8(32)
    padded = np.concatenate([lower, np.zeros(8, dtype=np.uint8)])
    windows = np.ndarray(shape=(lower.size + 1,), dtype="<u8", buffer=padded, strides=(1,))
    size = ends - starts
    short = np.flatnonzero(size <= _MARKER_LETTERS)
    cut = (np.uint64(1) << (np.uint64(8) * size[short].astype(np.uint64))) - np.uint64(1)
    code = windows[starts[short]] & cut
    table = np.array(_MARKERS, dtype=np.uint64)
    found = short[table[np.minimum(np.searchsorted(table, code), table.size - 1)] == code]
    # per sample: its words and markers (counted between the sample's first and next start)
    bounds = np.append(sample_starts, codes.size)
    words = np.diff(np.searchsorted(starts, bounds))
    markers = np.diff(np.searchsorted(starts[found], bounds))
    result = (fast & (words >= CLEARLY_ENGLISH_WORDS) & (markers >= CLEARLY_ENGLISH_SHARE * words)).tolist()
    for i in np.flatnonzero(~fast).tolist():
        result[i] = clearly_english(texts[i], max_chars)
    return result


def languages(texts: list[str], max_chars: int = 2000) -> list[tuple[str, float]]:
    """:func:`language` of each text (:func:`clearly_english_all` first)."""
    english = clearly_english_all(texts, max_chars)
    return [("en", 1.0) if e else detect_probs(t, max_chars)[0] for t, e in zip(texts, english)]


def language(text: str, max_chars: int = 2000) -> tuple[str, float]:
    """``(language, probability)`` of the text: ``("en", 1.0)`` when it is
    :func:`clearly_english`, else langdetect's best guess (see :func:`detect_probs`)."""
    if clearly_english(text, max_chars):
        return "en", 1.0
    return detect_probs(text, max_chars)[0]


def detect(text: str, max_chars: int = 2000) -> str:
    """The ISO 639-1 code of the text's language, or ``unknown`` when there is too little."""
    return detect_probs(text, max_chars)[0][0]


def detect_probs(text: str, max_chars: int = 2000) -> list[tuple[str, float]]:
    """Languages with probabilities, best first; ``[("unknown", 0.0)]`` on failure."""
    from langdetect.lang_detect_exception import LangDetectException

    sample = text[:max_chars]
    if not any(ch.isalpha() for ch in sample):
        return [(UNKNOWN, 0.0)]
    try:
        det = _factory().create()
        det.set_max_text_length(max_chars)
        det.append(sample)
        return [(p.lang, p.prob) for p in det.get_probabilities()] or [(UNKNOWN, 0.0)]
    except LangDetectException:
        return [(UNKNOWN, 0.0)]
