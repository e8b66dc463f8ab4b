"""When are two spellings of a name the same name? Candidates come from keys (a consonant
skeleton, a romanisation key, and each form with one letter deleted), so the work follows the
forms that match, not all pairs of forms; a candidate pair is confirmed by diacritics, a
table of East Slavic romanisations, one romanisation swap (y/i, ia/ya, h/g, o/e, a final
-a/-o), or skeleton + string similarity (rapidfuzz). Male and female forms of one Slavic
surname (-sky/-skaya, -ov/-ova) are two people, never one name spelled two ways, and so are
Danish/Norwegian and Swedish/English patronymic surnames (-sen/-son); British and
American spellings of one word (harbour/harbor) are a house style, not a variant."""

from __future__ import annotations

import re
from functools import lru_cache
from array import array
from itertools import repeat
from typing import Optional

from ._lex import fold, table

ROMANISATION_MIN_LEN = 5  # a romanisation swap is believed in names at least this long
# letters that romanisations of one name swap (Cyrillic и/ы/й, г, ё/е; a Slavic final vowel)
_SWAPS = {frozenset("yi"), frozenset("hg"), frozenset("oe")}
_FINAL_SWAPS = {frozenset("ao")}
# male / female endings of one Slavic surname (and of some given names): two people
_GENDER_ENDINGS = (("sky", "skaya"), ("ski", "ska"), ("skiy", "skaya"), ("skyi", "ska"), ("ov", "ova"),
                   ("ev", "eva"), ("yov", "yova"), ("in", "ina"), ("yn", "yna"), ("iy", "aya"), ("yy", "aya"),
                   ("ko", "ka"))
SKELETON_RATIO = 75  # rapidfuzz ratio two forms with one skeleton must reach
SKELETON_MIN_LEN = 5  # ... each at least this long
SKELETON_LEN_DIFF = 2  # ... and at most this many letters longer than the other
SPELLING_RATIO = 88  # ... and two given names of one surname that differ by one edit
SPELLING_MIN_LEN = 5  # ... each at least this long

_SKELETON_SUBS = (("ph", "f"), ("th", "t"), ("kh", "h"), ("ck", "k"), ("x", "ks"), ("w", "v"),
                  ("q", "k"), ("c", "k"), ("j", "y"))


_DOUBLED_RE = re.compile(r"(.)\1+")
_VOWELS_RE = re.compile(r"[aeiouy'’\-\s]")
_HYPHEN_SPACE_RE = re.compile(r"[\-\s]")


@lru_cache(maxsize=100_000)
def skeleton(form: str) -> str:
    """Consonant skeleton: folded, a few spelling equivalences, vowels (and y) dropped,
    doubled letters collapsed first ("Zelenskyy" -> "zlnsk", "Kyiv" and "Kiev" -> "kv").
    (Once per distinct form: a form is in many candidate pairs.)"""
    s = fold(form)
    for a, b in _SKELETON_SUBS:
        s = s.replace(a, b)
    s = _DOUBLED_RE.sub(r"\1", s)
    return _VOWELS_RE.sub("", s)


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


def romanisation_key(form: str) -> str:
    """The folded form with the letters romanisations swap made equal ("Hennadiy", "Gennadiy")."""
    s = fold(form)
    s = s.replace("y", "i").replace("g", "h").replace("o", "e")
    return s[:-1] + "a" if s.endswith("e") and fold(form).endswith("o") else s


def _romanisation_swap(fa: str, fb: str) -> bool:
    """One letter swapped as romanisations of one name do: y/i, h/g, o/e, or a final a/o."""
    from rapidfuzz.distance import Levenshtein

    if len(fa) != len(fb) or min(len(fa), len(fb)) < ROMANISATION_MIN_LEN:
        return False
    ops = Levenshtein.editops(fa, fb)
    if len(ops) != 1 or ops[0].tag != "replace":
        return False
    pair = frozenset((fa[ops[0].src_pos], fb[ops[0].dest_pos]))
    return pair in _SWAPS or (ops[0].src_pos == len(fa) - 1 and pair in _FINAL_SWAPS)


# British and American spellings of one word (colour/color, centre/center, organise/organize,
# analyse/analyze): a house style, not two spellings of a name. (Not -lled/-led: a doubled
# letter dropped from a name, Miller/Miler, is a typing error.)
_ENGLISH_SPELLINGS = tuple((re.compile(pat), rep) for pat, rep in (
    (r"our(s?)$", r"or\1"), (r"tre(s?)$", r"ter\1"), (r"is(e|es|ed|ing|ation)$", r"iz\1"), (r"ys(e|es|ed|ing)$", r"yz\1")))


@lru_cache(maxsize=100_000)
def _american(x: str) -> str:
    for pat, rep in _ENGLISH_SPELLINGS:
        x = pat.sub(rep, x)
    return x


def english_spellings(fa: str, fb: str) -> bool:
    """The folded forms are the British and the American spelling of one word."""
    return fa != fb and _american(fa) == _american(fb)


# patronymic surnames of two traditions: Danish/Norwegian -sen, Swedish/English -son (two families)
_PATRONYMIC_ENDINGS = (("sen", "son"),)


def _other_ending(fa: str, fb: str, pairs) -> bool:
    for one, two in pairs:
        for x, y in ((fa, fb), (fb, fa)):
            if x.endswith(one) and y.endswith(two) and x[: -len(one)] == y[: -len(two)]:
                return True
    return False


def distinct_surnames(a: str, b: str) -> bool:
    """Two surnames that differ only by their patronymic ending: "Hansen" / "Hanson"."""
    return _other_ending(fold(a), fold(b), _PATRONYMIC_ENDINGS)


def gender_forms(a: str, b: str) -> bool:
    """Male and female forms of one Slavic surname: "Ivanov" / "Ivanova", "Kowalski" / "Kowalska"."""
    return _other_ending(fold(a), fold(b), _GENDER_ENDINGS)


def variant_reason(a: str, b: str, allow_spelling: bool = False) -> Optional[str]:
    """Why ``a`` and ``b`` are spellings of one name, or None when they are not."""
    from rapidfuzz.distance import Levenshtein
    from rapidfuzz.fuzz import ratio

    if a == b:
        return None
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return "diacritics" if a.lower() != b.lower() else None
    if _HYPHEN_SPACE_RE.sub("", fa) == _HYPHEN_SPACE_RE.sub("", fb):
        return "hyphen or space"
    if same_table_group(a, b):
        return "transliteration table"
    if min(len(fa), len(fb)) < 4 or _extension(a, b) or gender_forms(a, b) or distinct_surnames(a, b) \
            or english_spellings(fa, fb):
        return None
    if _romanisation_swap(fa, fb):
        return "romanisation (one letter swapped)"
    if skeleton(a) == skeleton(b) and min(len(fa), len(fb)) >= SKELETON_MIN_LEN and ratio(fa, fb) >= SKELETON_RATIO \
            and abs(len(fa) - len(fb)) <= SKELETON_LEN_DIFF and _insertions_only(fa, fb):  # Yung / Yeung: two names
        return "spelling (letters added or dropped)"
    if allow_spelling and min(len(fa), len(fb)) >= SPELLING_MIN_LEN and Levenshtein.distance(fa, fb) == 1 \
            and ratio(fa, fb) >= SPELLING_RATIO:
        return "spelling (one letter)"
    return None


def sketch(form: str) -> tuple:
    """What :func:`may_vary` compares of a form: folded, without hyphens and spaces, its
    skeleton, whether the transliteration table holds it."""
    folded = fold(form)
    return folded, _HYPHEN_SPACE_RE.sub("", folded), skeleton(form), folded in _slavic_groups()


def may_vary(x: tuple, y: tuple, allow_spelling: bool = False) -> bool:
    """False when :func:`variant_reason` of two forms (``x``, ``y``: their :func:`sketch`) is
    surely None: each reason it gives needs one of these, tested first in the cheapest way
    (one folded form; one form without hyphens and spaces; both in the table; one skeleton,
    lengths and similarity as its test asks; a romanisation swap; with ``allow_spelling``,
    folded forms one edit apart). Most candidate pairs are none of these and are not tried."""
    if x[0] == y[0] or x[1] == y[1] or (x[3] and y[3]):
        return True
    fa, fb = x[0], y[0]
    if x[2] == y[2] and min(len(fa), len(fb)) >= SKELETON_MIN_LEN and abs(len(fa) - len(fb)) <= SKELETON_LEN_DIFF \
            and _ratio(fa, fb) >= SKELETON_RATIO:
        return True
    if len(fa) == len(fb):
        if allow_spelling:
            return len(fa) >= min(ROMANISATION_MIN_LEN, SPELLING_MIN_LEN) and _hamming(fa, fb) == 1
        return len(fa) >= ROMANISATION_MIN_LEN and _romanisation_swap(fa, fb)
    return allow_spelling and abs(len(fa) - len(fb)) == 1 and min(len(fa), len(fb)) >= SPELLING_MIN_LEN


def _ratio(a: str, b: str) -> float:
    from rapidfuzz.fuzz import ratio

    return ratio(a, b)


def _hamming(a: str, b: str) -> int:
    from rapidfuzz.distance import Hamming

    return Hamming.distance(a, b)


def candidate_pairs(forms: list[str]) -> list:
    """Index pairs ``(i, j)``, i < j, of forms that may be variants: forms sharing a key (the
    consonant skeleton, the romanisation key, or the folded form with one letter deleted),
    each pair once, in index order. Each form has a handful of keys, so the work follows the
    matches; the keys are numbered and the pairs made with numpy (no list per key, no tuple
    per pair until they are read)."""
    if len(forms) < 2:
        return []
    import numpy as np

    numbers: dict = {}
    key_of, form_of = array("q"), array("q")
    for i, keys in enumerate(map(_keys, forms)):
        key_of.extend(numbers.setdefault(k, len(numbers)) for k in keys)
        form_of.extend(repeat(i, len(keys)))
    key, form = np.frombuffer(key_of, dtype=np.int64), np.frombuffer(form_of, dtype=np.int64)
    order = np.lexsort((form, key))
    key, form = key[order], form[order]
    first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    end = np.repeat(np.append(first[1:], len(key)), np.diff(np.append(first, len(key))))
    after = end - np.arange(len(key)) - 1  # the forms after each in its key's group
    left = np.repeat(np.arange(len(key)), after)
    right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(after) - after, after)
    from ..arrays import sorted_unique

    first_form, second_form = divmod(sorted_unique(form[left] * len(forms) + form[right]), max(1, len(forms)))
    return list(zip(first_form.tolist(), second_form.tolist()))


def candidate_neighbours(forms: list[str]):
    """``neighbours(i)``: the indexes of the other forms sharing a key with form ``i``
    (the pairs of :func:`candidate_pairs` holding ``i``), without listing every pair."""
    by_key, keys_of = _by_key(forms)
    return lambda i: {j for key in keys_of[i] for j in by_key[key] if j != i}


def _by_key(forms: list[str]) -> tuple[dict, list]:
    """{key: indexes of the forms having it}, and each form's keys."""
    by_key: dict = {}
    keys_of = []
    for i, f in enumerate(forms):
        keys = _keys(f)
        for key in keys:
            by_key.setdefault(key, []).append(i)
        keys_of.append(keys)
    return by_key, keys_of


def _keys(form: str) -> set:
    """The keys of a form (:func:`candidate_pairs`)."""
    folded = fold(form)
    keys = {"d" + folded[:k] + folded[k + 1 :] for k in range(len(folded))}
    keys.update(("s" + skeleton(form), "r" + romanisation_key(form), "d" + folded))
    return keys
