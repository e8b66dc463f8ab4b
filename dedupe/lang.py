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
_SLOT_BITS = 12  # a perfect hash of the markers' numbers: slot = (number * multiplier) >> (64 - 12)


@lru_cache(maxsize=1)
def _marker_slots():
    """``(multiplier, table, masks)``: every marker's number (see :data:`_MARKERS`) in its own slot
    of ``table`` (uint64, 0 elsewhere), its slot the top ``_SLOT_BITS`` bits of the number
    times ``multiplier`` (modulo 2**64; the first odd multiplier of a seeded sequence that
    puts no two markers in one slot). A word is a marker when its slot holds its number: one
    multiplication and one gather per word instead of a binary search. ``masks[n]``: the
    low ``n`` bytes of a uint64."""
    import random

    import numpy as np

    numbers = np.array(_MARKERS, dtype=np.uint64)
    draw = random.Random(0)
    while True:
        multiplier = np.uint64(draw.getrandbits(64) | 1)
        with np.errstate(over="ignore"):
            slots = (numbers * multiplier) >> np.uint64(64 - _SLOT_BITS)
        if np.unique(slots).size == numbers.size:
            table = np.zeros(1 << _SLOT_BITS, dtype=np.uint64)
            table[slots] = numbers
            masks = np.array([(1 << (8 * n)) - 1 for n in range(_MARKER_LETTERS + 1)], dtype=np.uint64)
            return multiplier, table, masks


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


def _other_letters(samples: list[str]) -> list[bool]:
    """Per sample (none of them ASCII): does it hold a letter (``[^\\W\\d_]``) outside ASCII?
    Only its code points from 128 on are looked up."""
    import numpy as np

    if not samples:
        return []
    lengths = np.fromiter(map(len, samples), dtype=np.int64, count=len(samples))
    codes = np.array("".join(samples)).reshape(1).view(np.uint32)[: int(lengths.sum())]
    high = np.flatnonzero(codes >= 128)
    letters = high[_is_letter(codes[high])]
    return (np.diff(np.searchsorted(letters, np.concatenate(([0], np.cumsum(lengths))))) > 0).tolist()


def clearly_english_all(texts: list[str], max_chars: int = 2000) -> list[bool]:
    """:func:`clearly_english` of each text, with array operations over all of them at once
    for the texts whose letters are all ASCII (other code points, such as curly quotes, are
    not letters: they only part words): their words are then the runs of ASCII letters of
    the sample's UTF-8 bytes (a code point outside ASCII is bytes from 128 on, none of them
    a letter: it parts words as it did), a marker one of the lower-case words of
    ENGLISH_MARKERS, compared as exact numbers, and no letter is other than ASCII. The other
    texts are read one by one."""
    import numpy as np

    samples = [t[:max_chars] for t in texts]
    result = [False] * len(samples)
    wide = [i for i, s in enumerate(samples) if not s.isascii()]
    slow = [i for i, other in zip(wide, _other_letters([samples[i] for i in wide])) if other]
    for i in slow:
        result[i] = clearly_english(texts[i], max_chars)
    fast = list(range(len(samples)))
    if slow:
        held = set(slow)
        fast = [i for i in fast if i not in held]
    if not fast:
        return result
    # (a lone surrogate is 3 bytes from 128 on: not a letter, as in the text)
    parts = [samples[i].encode("utf-8", "surrogatepass") for i in fast]
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    lower = np.frombuffer(b"\n".join(parts) + bytes(8), dtype=np.uint8) | np.uint8(32)
    size = lower.size - 8
    letter = np.zeros(size + 2, dtype=bool)  # (a non-letter at both ends: the changes alternate)
    with np.errstate(over="ignore"):
        np.less(lower[:size] - np.uint8(97), np.uint8(26), out=letter[1:-1])
    change = np.flatnonzero(letter[1:] != letter[:-1])
    starts, ends = change[0::2], change[1::2]
    # each word of at most 8 letters as the number its lower-case ASCII bytes make
    # (little-endian), read as the 8 bytes from its start with the bytes past its end cut
    letters = ends - starts
    short = np.flatnonzero(letters <= _MARKER_LETTERS)
    windows = np.ndarray(shape=(size + 1,), dtype="<u8", buffer=lower, strides=(1,))
    code = windows[starts[short]]
    multiplier, table, masks = _marker_slots()
    code &= masks[letters[short]]
    with np.errstate(over="ignore"):
        slots = (code * multiplier) >> np.uint64(64 - _SLOT_BITS)
    found = starts[short[table[slots] == code]]
    # per sample: its words and markers (counted between the sample's first and next start)
    bounds = np.concatenate(([0], np.cumsum(lengths + 1)))
    words = np.diff(np.searchsorted(starts, bounds))
    markers = np.diff(np.searchsorted(found, bounds))
    english = ((words >= CLEARLY_ENGLISH_WORDS) & (markers >= CLEARLY_ENGLISH_SHARE * words)).tolist()
    for i, e in zip(fast, english):
        result[i] = e
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
