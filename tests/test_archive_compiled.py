"""The archive's compiled kernels (:mod:`dedupe.archive.compiled`, numba in the ``fast``
extra, which CI installs) give exactly what the array and Python code gives: the runs' block
bytes, the quote-drift rule's quotations and their sentences, and a batch's stored keys."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import Config
from dedupe.archive import compiled, keys, runs
from dedupe.rules.quote_drift import quote_pieces
from kernels_twice import loaded, with_and_without
from planted import planted_corpus

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def kernels():
    return loaded(compiled)


def both(monkeypatch, kernels, run):
    """``run()`` with the kernels, then with the array code."""
    return with_and_without(monkeypatch, compiled, kernels, run)


# ---- the runs' blocks


def random_run(rng, n, kind):
    keys = np.unique(rng.integers(0, 1 << runs.KEY_BITS, n))
    if kind == "docs":
        values = rng.integers(1, 1 << 20, keys.size)
    elif kind == "signed":
        values = rng.integers(-(1 << 31) + 1, 1 << 31, keys.size)
    else:  # frequencies, most of them 1, a few removals
        values = np.where(rng.random(keys.size) < 0.9, 1, rng.integers(-5, 50, keys.size))
    return keys, values


@pytest.mark.parametrize("kind", ["docs", "signed", "counts"])
def test_blocks_equal(monkeypatch, kernels, kind):
    rng = np.random.default_rng(len(kind))
    for trial in range(40):
        n = int(rng.integers(1, 3000)) if trial % 8 else int(rng.integers(40_000, 120_000))
        k, v = random_run(rng, n, kind)
        if trial % 5 == 0:  # repeated keys (gaps of 0), a block of one key at its first possible key
            k = np.sort(np.concatenate([k, k[: k.size // 3], [0]]))
            v = np.resize(v, k.size)
        shift = int(rng.integers(8, runs.MAX_SHIFT + 1)) if trial % 3 else runs.shift_for(k.size)
        plus, base = bool(trial % 4), int(rng.integers(0, 100)) << 32
        got, expected = both(monkeypatch, kernels, lambda: runs.encode(k, v, shift, plus, base))
        assert got == expected, (kind, trial)
        back_k, back_v = runs.decode([(b - base, d) for b, d in got], shift)
        assert np.array_equal(back_k, k) and np.array_equal(back_v, v)
    got, expected = both(monkeypatch, kernels, lambda: runs.encode(np.zeros(0, np.int64), np.zeros(0, np.int64), 20))
    assert got == expected == []


# ---- quotations and their sentences


def quotations(texts):
    pieces, first, docs, several = keys._quotations(texts)
    return pieces, first.tolist(), docs.tolist(), several.tolist()


def rule_quotations(texts):
    """The rule's own ``quote_pieces`` of each text, in the form of ``keys._quotations``."""
    pieces, first, docs, several = [], [], [], []
    for t, text in enumerate(texts):
        for spans, whole in quote_pieces(text, shared=False):
            first.append(len(pieces))
            docs.append(t)
            several.append(whole)
            pieces += [text[s:e] for s, e in spans]
    return pieces, first, docs, several


def check_quotations(monkeypatch, kernels, texts):
    got, expected = both(monkeypatch, kernels, lambda: quotations(texts))
    assert got == expected
    assert got == rule_quotations(texts)


def test_quotations_of_news(monkeypatch, kernels):
    lines = (ROOT / "fixtures" / "wikinews" / "wikinews.jsonl").read_text(encoding="utf-8").splitlines()
    news = [json.loads(line)["text"] for line in lines]
    texts = news + [t for _, t in planted_corpus(200)]
    check_quotations(monkeypatch, kernels, texts)
    # the same with straight quotes, curly ones, guillemets and single curly quotes
    for a, b in (("\u201c", '"'), ('"', "\u00ab"), ("\u201d", "\u00bb"), ("'", "\u2018")):
        check_quotations(monkeypatch, kernels, [t.replace(a, b) for t in texts])


def test_quotation_edge_cases(monkeypatch, kernels):
    texts = [
        "",
        '"',
        '" "',
        'He said: "It works. It really does." Then left.',
        "\u201cOne.\u201d \u201d and a closer with no opener.\n\u201cOpen across\nthe line\u201d here.",
        '"Open across\n"a new quote on the next line\n"and one that\n\nnever closes',
        '"Mr. Smith met Dr. Jones at 5 p.m. in the U.S. today. Then he left!" she said.',
        '"He cited e.g. this. And U.K. law. Approx. ten. Sept. 4. A. B. Yes."',
        '"Kelvin \u212a. \u0130. Stra\u00dfe. caf\u00e9. \u00c9. x. Fin."',  # lowered to ASCII, to two characters, accented
        '"What?!\u201d \'Quoted.\' \u201cYes\u2026 no\u2026 maybe.\u201d)]',
        '"\u4e2d\u6587\u3002\u300d\u597d\uff01\uff1f\u3002\u300f\u5bf9\u3002"',
        '"Tabs\tand\u00a0spaces .\u3000 and\u2028line\u2029breaks.  Here."',
        '"emoji \U0001f600 beyond the BMP. Two."',
        "\u2018single quotes\u2019 and \u201cdouble. Ones.\u201d",
        "\u201e\u00ab\u00bb\u201c\u201d" * 5 + "\n" * 3 + '"a. b."',
    ]
    check_quotations(monkeypatch, kernels, texts)
    for text in texts:  # one text a batch, and the texts in another order
        check_quotations(monkeypatch, kernels, [text])
    check_quotations(monkeypatch, kernels, texts[::-1])


QUOTE_ALPHABET = st.sampled_from(
    list('aB1_ .!?"\'()]\n\t') + ["\u2026", "\u3002", "\uff01", "\uff1f", "\u300d", "\u300f", "\u201c", "\u201d",
                                    "\u201e", "\u00ab", "\u00bb", "\u2018", "\u2019", "\u00a0", "\u3000", "\u2028",
                                    "\u00e9", "\u212a", "\u0130", "\u00b2", "\U0001d400", "Mr.", " u.s.", "e.g. ",
                                    "approx. ", " sept. ", "No. "]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(QUOTE_ALPHABET, max_size=40).map("".join), min_size=1, max_size=6))
def test_random_quotations(kernels, texts):
    with pytest.MonkeyPatch.context() as monkeypatch:
        check_quotations(monkeypatch, kernels, texts)


# ---- the words of the quotations' pieces


def check_piece_words(monkeypatch, kernels, pieces):
    got, expected = both(monkeypatch, kernels, lambda: keys._piece_words(pieces))
    for a, b in zip(got, expected):
        assert a.dtype == b.dtype and np.array_equal(a, b)


def test_piece_words_of_news(monkeypatch, kernels):
    lines = (ROOT / "fixtures" / "wikinews" / "wikinews.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines] + [t for _, t in planted_corpus(100)]
    pieces = rule_quotations(texts)[0]
    assert len(pieces) > 100
    check_piece_words(monkeypatch, kernels, pieces)
    check_piece_words(monkeypatch, kernels, [p.upper() for p in pieces])


WORD_ALPHABET = st.sampled_from(
    list("ab D1_'.-\n\t") + ["\u2019", "\u00b2", "\u00e9", "\u00c9", "\u0130", "\u03a3", "\u03c3", "\u212a", "\u00df",
                              "\u0301", "\u0661", "\U0001d400", "\u00a0", "don't", "He\u2019s", "n\u2019t", "two", "THE",
                              "we\u2019re", "caf\u00e9", "\u00fcber"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(WORD_ALPHABET, max_size=20).map("".join), min_size=1, max_size=8))
def test_random_piece_words(kernels, pieces):
    with pytest.MonkeyPatch.context() as monkeypatch:
        check_piece_words(monkeypatch, kernels, pieces)


# ---- a batch's keys


def test_same_stored_keys(monkeypatch, kernels):
    texts = [t for _, t in planted_corpus(300)]
    texts = [t.replace(".", '."', 1).replace(" ", ' "', 1) if i % 2 else t for i, t in enumerate(texts)]
    config = Config()
    got, expected = both(monkeypatch, kernels, lambda: keys.stored_keys(texts, config))
    assert len(got.quotes) == len(texts) and any(got.quotes)  # (the texts have quotations)
    for field in dataclasses.fields(got):
        assert same(getattr(got, field.name), getattr(expected, field.name)), field.name


def same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    return a == b

