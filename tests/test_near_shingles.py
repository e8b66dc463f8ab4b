"""The vectorised batch shingling equals the straightforward one, document by document."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.near import fast, shingles
from planted import planted_corpus

# letters, digits, marks, compatibility forms, case-changing letters (U+0130 grows when
# lowered), spaces of several kinds, punctuation
ALPHABET = st.sampled_from(
    list("abcXYZ019_ .,;'-\n\t") + ["\u00a0", "\u2019", "\u00e9", "\u0301", "\ufb01", "\u2460", "\uff21",
    "\u0130", "\u00df", "\u03a3", "\u4e2d", "\u0661", "\u2163", "\u00b2", "\U0001d400", "\u200b"]
)


def check_batch(texts, ngram=5, kind="word"):
    sh = fast.shingle_batch(texts, ngram, kind)
    sizes = fast.unique_sizes(sh)
    for i, text in enumerate(texts):
        ref = shingles.shingle_hashes(text, ngram, kind)
        assert np.array_equal(np.unique(sh.document(i)), ref), (i, text)
        assert sizes[i] == ref.size
        assert sh.words[i] == shingles.count_words(text), (i, text)


def test_token_hash_matches_reference():
    tokens = ["a", "news", "caf\u00e9", "\u4e2d\u6587", "x" * 300]
    codes = np.array([ord(c) for c in " ".join(tokens)], dtype=np.uint64)
    starts, ends, at = [], [], 0
    for t in tokens:
        starts.append(at)
        ends.append(at + len(t))
        at += len(t) + 1
    got = fast.token_hashes(codes, np.array(starts), np.array(ends))
    assert got.tolist() == [shingles.token_hash(t) for t in tokens]


def test_planted_corpus_identical_shingle_sets():
    check_batch([t for _, t in planted_corpus(120)])


def test_short_and_empty_documents():
    check_batch(["", "one", "one two", "one two three four", "one two three four five", "!!", "six"], ngram=5)
    check_batch(["a b c", "", "d"], ngram=1)


def test_char_shingles():
    check_batch(["Hello  world", "", "abc", "\u00e9t\u00e9 \ufb01n"], ngram=4, kind="char")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(ALPHABET, max_size=60), min_size=1, max_size=6), st.integers(1, 4))
def test_random_unicode_batches(texts, ngram):
    check_batch(texts, ngram)


def test_batch_lowering_is_per_code_point_except_the_two_set_apart():
    # _normalise_batch takes word counts from tokens of the lowered text except for texts
    # with U+0130 or U+03A3: exact only because every other code point lowers to one code
    # point by itself, whatever its neighbours
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    lowered = everything.replace("\u0130", "").replace("\u03a3", "").lower()
    assert len(lowered) == len(everything) - 2
    assert {c for c in range(0x110000) if not 0xD800 <= c < 0xE000 and len(chr(c).lower()) != 1} == {0x130}
    texts = ["\u03a3\u039f\u03a3 word", "ALPHA \u0130stanbul beta", "ODYSSEY \u03a3", "plain TEXT"]
    check_batch(texts)


def test_powers_by_doubling_equal_cumulative_products():
    from dedupe.near.shingles import TOKEN_BASE

    for size in (1, 2, 3, 1000, 1025):
        p = fast._geometric(TOKEN_BASE, size)
        expected = [pow(TOKEN_BASE, k, 1 << 64) for k in range(size)]
        assert p.tolist() == expected
    p, ip = fast._powers_upto(5000)
    assert ((p * ip) == 1).all()


def test_sketches_do_not_depend_on_sub_batches(monkeypatch):
    from dedupe import Config
    from dedupe.near import sketch

    texts = [t for _, t in planted_corpus(80)] + ["", "one", "caf\u00e9 \u0130stanbul \u03a3\u039f\u03a3"]
    settings = sketch.SketchSettings.of(Config(detect_language=False))
    monkeypatch.setattr(sketch, "SUB_BATCH_CHARS", 10**9)  # one sub-batch
    assert len(list(sketch.sub_batches(texts))) == 1
    whole = sketch.sketch_batch((texts, settings))
    monkeypatch.setattr(sketch, "SUB_BATCH_CHARS", 700)  # a few documents per sub-batch
    assert len(list(sketch.sub_batches(texts))) > 10
    parts = sketch.sketch_batch((texts, settings))
    for name in ("words", "sizes", "signatures"):
        assert np.array_equal(getattr(whole, name), getattr(parts, name))


def test_one_gather_equals_lowering_then_word_mask():
    # shingle_batch lowers by a table and masks non-word characters in one gather: over
    # every code point (and texts lowered by str.lower first), the same code points as
    # _normalise_batch's lowering, where _is_word holds, and 0 elsewhere
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    texts = [everything[i : i + 5000] for i in range(0, len(everything), 5000)]
    texts += ["\u03a3\u039f\u03a3 word \u0130", "", "plain TEXT"]
    joined, lengths, fast_count = fast._joined(texts)
    values = fast._lowered_values(fast._code_points(joined), joined)
    codes, lengths0, fast0 = fast._normalise_batch(texts)
    assert values[0] == values[-1] == 0 and lengths.tolist() == lengths0 and fast_count == fast0
    expected = np.where(fast._is_word(codes), codes, 0).astype(np.uint64)
    assert np.array_equal(values[1:-1], expected)


def test_word_counts_of_texts_not_lowered_in_place_are_those_of_the_regex():
    # texts that NFKC changes or that do not lower code point by code point count their words
    # from a word mask of the text as read, all at once: as many as \w+ finds in each
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    texts = [everything[i : i + 3000] for i in range(0, len(everything), 3000)]
    texts += ["", " ", "_", "word", "\u0130stanbul \u03a3\u039f\u03a3", "a\u0301b c", "x_y 12 \u2163\u00b2", " lead trail "]
    got = fast._word_counts(texts, np.full(len(texts), -1), [False] * len(texts))
    assert got.tolist() == [shingles.count_words(t) for t in texts]
    mixed = fast._word_counts(texts[-4:], np.array([7, 8, 9, 10]), [True, False, True, False])
    assert mixed.tolist() == [7, shingles.count_words(texts[-3]), 9, shingles.count_words(texts[-1])]
