"""When are two spellings of a name the same name? Candidates come from a consonant-skeleton
key and from character n-gram TF-IDF neighbours (scikit-learn); a candidate pair is confirmed
by diacritics, a table of East Slavic romanisations, or skeleton + string similarity
(rapidfuzz)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ._lex import fold, table

NGRAM_COSINE = 0.5  # char n-gram TF-IDF neighbours at least this similar are candidates
SKELETON_RATIO = 75  # rapidfuzz ratio two forms with one skeleton must reach
SPELLING_RATIO = 88  # ... and two given names of one surname that differ by one edit

_SKELETON_SUBS = (("ph", "f"), ("th", "t"), ("kh", "h"), ("ck", "k"), ("x", "ks"), ("w", "v"),
                  ("q", "k"), ("c", "k"), ("j", "y"))


def skeleton(form: str) -> str:
    """Consonant skeleton: folded, a few spelling equivalences, vowels (and y) dropped,
    doubled letters collapsed first ("Zelenskyy" -> "zlnsk", "Kyiv" and "Kiev" -> "kv")."""
    s = fold(form)
    for a, b in _SKELETON_SUBS:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)
    return re.sub(r"[aeiouy'’\-\s]", "", s)


@lru_cache(maxsize=1)
def _slavic_groups() -> dict:
    groups = {}
    for i, row in enumerate(table("slavic_names")):
        for form in row:
            groups.setdefault(form, set()).add(i)
    return groups


def same_table_group(a: str, b: str) -> bool:
    ga, gb = _slavic_groups().get(fold(a)), _slavic_groups().get(fold(b))
    return bool(ga and gb and ga & gb)


def _extension(a: str, b: str) -> bool:
    """One form is the other plus a suffix (Niger/Nigeria, Israel/Israeli): different words,
    unless the suffix only doubles the last letter (Zelensky/Zelenskyy)."""
    short, long_ = sorted((fold(a), fold(b)), key=len)
    if not long_.startswith(short):
        return False
    extra = long_[len(short):]
    return not (extra and set(extra) == {short[-1]})


def _insertions_only(a: str, b: str) -> bool:
    """The forms differ by added or dropped letters only: a changed vowel makes another name
    (Hunan/Henan, Maria/Mario), an added one rarely does (Antony/Anthony, Odesa/Odessa)."""
    from rapidfuzz.distance import Levenshtein

    return all(op.tag in ("insert", "delete") for op in Levenshtein.editops(a, b))


def variant_reason(a: str, b: str, allow_spelling: bool = False) -> Optional[str]:
    """Why ``a`` and ``b`` are spellings of one name, or None when they are not."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.fuzz import ratio

    if a == b:
        return None
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return "diacritics" if a.lower() != b.lower() else None
    if same_table_group(a, b):
        return "transliteration table"
    if min(len(fa), len(fb)) < 4 or _extension(a, b):
        return None
    if skeleton(a) == skeleton(b) and ratio(fa, fb) >= SKELETON_RATIO and abs(len(fa) - len(fb)) <= 2 \
            and _insertions_only(fa, fb):
        return "spelling (letters added or dropped)"
    if allow_spelling and min(len(fa), len(fb)) >= 5 and Levenshtein.distance(fa, fb) == 1 \
            and ratio(fa, fb) >= SPELLING_RATIO:
        return "spelling (one letter)"
    return None


def candidate_pairs(forms: list[str]) -> set:
    """Index pairs ``(i, j)``, i < j, of forms that may be variants: same skeleton, or char
    n-gram TF-IDF cosine >= NGRAM_COSINE."""
    pairs = set()
    by_key: dict = {}
    for i, f in enumerate(forms):
        by_key.setdefault(skeleton(f), []).append(i)
    for idx in by_key.values():
        pairs.update((a, b) for k, a in enumerate(idx) for b in idx[k + 1 :])
    if len(forms) > 1:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.neighbors import NearestNeighbors

        matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3)).fit_transform([fold(f) for f in forms])
        nn = NearestNeighbors(radius=1 - NGRAM_COSINE, metric="cosine").fit(matrix)
        _, neighbours = nn.radius_neighbors(matrix)
        for i, row in enumerate(neighbours):
            pairs.update((min(i, j), max(i, j)) for j in row if j != i)
    return pairs
