"""The aligner's compiled kernels (:mod:`dedupe.passages.compiled`, numba in the ``fast`` extra,
which CI installs) give exactly what the Python code of :mod:`dedupe.passages.align` gives:
the alignments of every pair (tiles, chains cut at gaps, extension, evidence), difflib's
ratio, and the passages of a corpus."""

import difflib
import random
from pathlib import Path

import numpy as np
import pytest

from dedupe import Config
from dedupe.passages import align, compiled, find_reuse
from dedupe.passages.tokens import words_of
from kernels_twice import loaded, with_and_without
from planted import planted_corpus

PLANTED = Path(__file__).resolve().parent.parent / "fixtures" / "passages"


@pytest.fixture(scope="module")
def kernels():
    return loaded(compiled)


def both(monkeypatch, kernels, run):
    """``run()`` with the kernels, then with the Python code."""
    return with_and_without(monkeypatch, compiled, kernels, run)


def edited_copies(rng: random.Random, count: int) -> list[str]:
    """Texts of a small vocabulary (repeated n-grams), each a copy of the one before with words
    changed, clauses put in or cut, sentences broken: gaps small and not small beside the runs
    they join, runs cut at breaks, repeated stretches."""
    vocab = [f"w{k}" for k in range(40)]
    words = [rng.choice(vocab) for _ in range(rng.randint(20, 160))]
    out = []
    for _ in range(count):
        copy = []
        k = 0
        while k < len(words):
            r = rng.random()
            if r < 0.06:  # a word changed
                copy.append(rng.choice(vocab))
                k += 1
            elif r < 0.09:  # a clause of one's own
                copy.extend(rng.choice(vocab) for _ in range(rng.randint(1, 12)))
            elif r < 0.11:  # a clause cut
                k += rng.randint(1, 8)
            elif r < 0.13:  # a stretch repeated
                copy.extend(words[max(0, k - rng.randint(3, 10)) : k])
            else:
                copy.append(words[k])
                k += 1
            if rng.random() < 0.08:
                copy[-1:] = [copy[-1] + rng.choice([".", ".\n", "!", "?\u201d"])] if copy else []
        out.append(" ".join(copy))
        words = " ".join(copy).replace(".", " ").replace("!", " ").replace("?\u201d", " ").split() or words
    return out


def all_pairs(texts):
    words = [words_of(t, 3) for t in texts]
    return [(a, b) for a in words for b in words]


def assert_same_alignments(monkeypatch, kernels, pairs, stop):
    got, expected = both(monkeypatch, kernels, lambda: align.pair_alignments(pairs, stop, 3))
    assert got == expected  # (alignments and shared n-grams of each pair)
    assert got[0] == [align.align(a, b, 3, stop) for a, b in pairs]
    # the runs: those of the seeds of the shared n-grams (pair, a_start, b_start, length)
    index = [x for a, b in pairs for x in (a.index(), b.index())]
    laid = [align._laid([x[k] for x in index], dtype) for k, dtype in enumerate((np.uint64, np.int64, np.int64))]
    sides = np.arange(2 * len(pairs), dtype=np.int64)
    shared, *runs = kernels.pair_runs_many(*laid[0], *laid[1], *laid[2], sides[::2].copy(), sides[1::2].copy(), stop, 3,
                                           align.MAX_REPEATS)
    pair, k_a, k_b = align.shared_many(pairs, stop)
    seeds = align.seeds_many(pairs, pair, k_a, k_b)
    expected_runs = align.run_arrays(*seeds, 3) if seeds[0].size else (seeds[0],) * 4
    assert all(np.array_equal(x, y) for x, y in zip(runs, expected_runs))
    assert shared.tolist() == got[1]
    return expected[0]


def test_alignments_of_every_planted_pair(monkeypatch, kernels):
    texts = [p.read_text(encoding="utf-8") for p in sorted(PLANTED.glob("host*.txt"))]
    texts += ["the cat sat. " * 30 + "one two three four", "the cat sat. " * 3 + "x y " * 40 + "one two three four", ""]
    pairs = all_pairs(texts)
    words = [w for w, _ in pairs[:: len(texts) + 1]]
    for stop in (np.zeros(0, dtype=np.uint64), np.unique(np.concatenate([w.grams[::7] for w in words]))):
        found = assert_same_alignments(monkeypatch, kernels, pairs, stop)
        assert sum(map(len, found)) > 2 * len(texts)  # (pairs of different texts align too)


def test_alignments_of_edited_copies(monkeypatch, kernels):
    rng = random.Random(5)
    cut = 0
    for _ in range(30):
        texts = edited_copies(rng, 5)
        pairs = all_pairs(texts)
        found = assert_same_alignments(monkeypatch, kernels, pairs, np.zeros(0, dtype=np.uint64))
        cut += sum(al.evidence != al.anchored for f in found for al in f)
    assert cut  # (chains cut at a gap that is not small, their evidence the wide chain's)


def test_ratio_is_difflibs(kernels):
    rng = random.Random(7)
    for _ in range(5000):
        k = rng.randint(1, 8)  # (few distinct values: many equal blocks, ties among the longest)
        a = np.array([rng.randrange(k) for _ in range(rng.randint(0, 40))], dtype=np.uint64)
        b = np.array([rng.randrange(k) for _ in range(rng.randint(0, 40))], dtype=np.uint64)
        if a.size and rng.random() < 0.5:
            b = np.concatenate([a[: rng.randint(0, a.size)], b, a[rng.randint(0, a.size) :]])
        assert kernels.ratio(a, b) == difflib.SequenceMatcher(None, a.tolist(), b.tolist(), autojunk=False).ratio()


def test_same_passages(monkeypatch, kernels):
    from dedupe.api import ingest

    docs = planted_corpus(80)
    corpus, _ = ingest(docs, Config(detect_language=False, workers=1))

    def run():
        reuse = find_reuse(corpus, Config(workers=1))
        return reuse.passages, reuse.related

    got, expected = both(monkeypatch, kernels, run)
    assert got == expected
    assert any(p.kind == "edited" for p in got[0])


def test_small_calls_do_not_load_them(monkeypatch):
    monkeypatch.setattr(compiled.KERNELS, "module", None)
    assert compiled.wanted(compiled.WORTH_PAIRS - 1) is None and compiled.KERNELS.module is None
    monkeypatch.setenv("DEDUPE_COMPILED", "0")
    assert compiled.wanted(compiled.WORTH_PAIRS) is None and compiled.KERNELS.module is False
