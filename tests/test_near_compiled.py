"""The compiled kernels (:mod:`dedupe.near.compiled`, numba in the ``fast`` extra, which CI
installs) give exactly what the array code gives: shingles, tokens, spans, word counts,
distinct counts, signatures (both schemes), candidates and clusters, on many texts."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe.compiled
from dedupe import Config
from dedupe.near import compiled, fast, sketch
from dedupe.near.signatures import batch_signatures, kperm_signatures
from kernels_twice import loaded, with_and_without
from planted import planted_corpus
from test_near_shingles import ALPHABET


@pytest.fixture(scope="module")
def kernels():
    return loaded(compiled)


def both(monkeypatch, kernels, run):
    """``run()`` with the kernels, then with the array code."""
    return with_and_without(monkeypatch, compiled, kernels, run)


def assert_same_shingled(a, b):
    for name in ("hashes", "offsets", "words", "tokens", "token_counts"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.exact == b.exact
    for x, y in zip(a.spans, b.spans):
        assert np.array_equal(x, y)


def check(monkeypatch, kernels, texts, ngram=5):
    got, expected = both(monkeypatch, kernels, lambda: fast.shingle_batch(texts, ngram))
    assert_same_shingled(got, expected)
    sizes, ref = both(monkeypatch, kernels, lambda: fast.unique_sizes(expected))
    assert np.array_equal(sizes, ref)
    for num_perm, seed in ((128, 1), (64, 7), (5, 3)):
        sig, ref = both(monkeypatch, kernels, lambda: batch_signatures(expected.hashes, expected.offsets, num_perm, seed, "oph"))
        assert np.array_equal(sig, ref), (num_perm, seed)
        # k permutations (the passage units'), the array code a few shingles at a time too
        sig, ref = both(monkeypatch, kernels, lambda: kperm_signatures(expected.hashes, expected.offsets, num_perm, seed, 7))
        assert sig.shape == ref.shape and np.array_equal(sig, ref), (num_perm, seed)


def test_planted_corpus(monkeypatch, kernels):
    texts = [t for _, t in planted_corpus(200)]
    check(monkeypatch, kernels, texts)
    check(monkeypatch, kernels, [t.encode("ascii", "ignore").decode() for t in texts])  # (one byte per code point)


def test_short_empty_and_sparse_documents(monkeypatch, kernels):
    # one or two shingles: most bins empty, filled along long probe sequences
    texts = ["", "one", "one two", "a b c d", "one two three four five", "!!", "six", " x  y ", "\u00e9"]
    for ngram in (1, 2, 5):
        check(monkeypatch, kernels, texts, ngram)


def test_every_code_point(monkeypatch, kernels):
    # code points not seen before (the table is filled and the kernel called again), beyond
    # the BMP, and the two lowered by str.lower first
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    texts = [everything[i : i + 7000] + " tail words here" for i in range(0, len(everything), 7000)]
    texts += ["\u03a3\u039f\u03a3 word \u0130stanbul", "", "plain TEXT", "\U0001d400\U0001d401 b \U0001f600 c"]
    check(monkeypatch, kernels, texts)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=80), min_size=1, max_size=8), st.integers(1, 5))
def test_random_unicode_batches(kernels, texts, ngram):
    with pytest.MonkeyPatch.context() as monkeypatch:
        check(monkeypatch, kernels, texts, ngram)


def test_same_clusters_and_report(monkeypatch, kernels):
    from dedupe import api

    docs = planted_corpus(300)
    config = Config(detect_language=False, passages=False, rules=False)

    def run():
        return api.scan([{"id": i, "text": t} for i, t in docs], config, timestamp=False).to_dict()

    got, expected = both(monkeypatch, kernels, run)
    assert got == expected


def test_sketches_equal_whatever_the_sub_batches(monkeypatch, kernels):
    texts = [t for _, t in planted_corpus(80)]
    s = sketch.SketchSettings.of(Config(detect_language=False))
    got, expected = both(monkeypatch, kernels, lambda: sketch.sketch_batch((texts, s)))
    for name in ("words", "sizes", "signatures"):
        assert np.array_equal(getattr(got, name), getattr(expected, name))


def test_small_calls_do_not_load_them(monkeypatch):
    monkeypatch.setattr(compiled.KERNELS, "module", None)
    assert compiled.wanted(compiled.WORTH_CHARS - 1) is None and compiled.KERNELS.module is None
    monkeypatch.setenv("DEDUPE_COMPILED", "0")
    assert compiled.wanted(compiled.WORTH_CHARS) is None and compiled.KERNELS.module is False


def test_a_failed_build_is_not_tried_again(monkeypatch, tmp_path):
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path))
    folder = compiled.KERNELS.folder()
    with open(f"{folder}/failed", "w") as f:
        f.write("no compiler")
    monkeypatch.setattr(dedupe.compiled.subprocess, "run", lambda *a, **k: pytest.fail("built again"))
    assert compiled.KERNELS.load() is None


def test_the_cache_key_holds_the_cpu(monkeypatch, tmp_path):
    # the module is built for this machine's CPU: a cache copied to another CPU has another
    # folder there, so the module is built again there, never loaded
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path))
    here = compiled.KERNELS.folder()
    assert dedupe.compiled.cpu() == dedupe.compiled.cpu()
    monkeypatch.setattr(dedupe.compiled, "cpu", lambda: "another CPU")
    assert compiled.KERNELS.folder() != here


def test_band_keys(monkeypatch, kernels):
    from dedupe.near.banding import band_key

    rng = np.random.default_rng(5)
    signatures = rng.integers(0, 2**64 - 1, size=(300, 128), dtype=np.uint64, endpoint=True)
    for start, end in ((0, 1), (3, 8), (120, 128)):
        got, expected = both(monkeypatch, kernels, lambda: band_key(signatures, start, end))
        assert np.array_equal(got, expected)


def test_groups_of_equal_keys(monkeypatch, kernels):
    from dedupe.near.banding import _groups_of_equal

    rng = np.random.default_rng(9)
    for n in (0, 1, 2, 50, 5000):
        keys = rng.integers(0, 2**64 - 1, size=n, dtype=np.uint64, endpoint=True)
        keys[: n // 3] = keys[n // 3 : 2 * (n // 3)]  # a third of them twice
        got, expected = both(monkeypatch, kernels, lambda: _groups_of_equal(keys))
        for a, b in zip(got, expected):
            assert np.array_equal(a, b)
