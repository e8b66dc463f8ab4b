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
    words = _WORD_RE.findall(sample)
    if len(words) < CLEARLY_ENGLISH_WORDS:
        return False
    markers = sum(1 for w in words if w.lower() in ENGLISH_MARKERS)
    if markers < CLEARLY_ENGLISH_SHARE * len(words):
        return False
    return len(_NON_ASCII_LETTER_RE.findall(sample)) <= MAX_OTHER_LETTERS * sum(map(len, words))


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
