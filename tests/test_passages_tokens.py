"""The passage stages' words (:func:`dedupe.passages.tokens.words_of`) equal the
straightforward computation: per-word normalisation, hashes one token at a time, and one
break search per gap between words."""

import re
import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.near import fast, shingles
from dedupe.passages.tokens import _BREAK_RE, words_of
from dedupe.textutil import unwrapped
from planted import planted_corpus

# letters, digits, marks, compatibility forms (U+FDFA becomes words with spaces), Hangul jamo
# that compose, case-changing letters (final sigma depends on context), sentence ends, closing quotes and brackets, spaces and line breaks of several kinds
ALPHABET = st.sampled_from(
    list("abcXYZ019_ .,;!?'\"-)]\n\t") + ["\u00a0", "\u2019", "\u201d", "\u2026", "\u00e9", "\u0301", "\ufb01",
    "\u0130", "\u00df", "\u03a3", "\u4e2d", "\u0661", "\u00b2", "\U0001d400", "\ufdfa", "\r",
    "\u1100", "\u1161", "\u11a8", "\uac00", "\u0391", "\u03b1", "\u212a", "\u0345", "\u1e9e"]
)


def reference(text: str, n: int):
    spans = [(m.start(), m.end(), unicodedata.normalize("NFKC", m.group()).lower()) for m in re.finditer(r"\w+", text)]
    plain = unwrapped(text)
    tokens = tuple(s[2] for s in spans)
    hashes = shingles.token_hashes(list(tokens))
    breaks = [False] + [bool(_BREAK_RE.search(plain, spans[i - 1][1], spans[i][0])) for i in range(1, len(spans))]
    return [s[0] for s in spans], [s[1] for s in spans], tokens, hashes, breaks[: len(spans)]


def check(text: str, n: int = 3):
    w = words_of(text, n)
    starts, ends, tokens, hashes, breaks = reference(text, n)
    assert w.starts.tolist() == starts and w.ends.tolist() == ends
    assert w.tokens == tokens
    for first, last in ((1, len(tokens) - 1), (len(tokens) // 2, len(tokens))):  # words of a run alone
        assert w.tokens_of(first, last) == tokens[first:last], text
    assert w.hashes.tolist() == hashes.tolist()
    assert w.breaks.tolist() == breaks, text
    expected = shingles.combine_ngrams(hashes, n) if len(tokens) >= n else np.zeros(0, dtype=np.uint64)
    assert w.grams.tolist() == expected.tolist()


def test_planted_corpus_words_equal_the_reference():
    for _, text in planted_corpus(60):
        check(text)


def test_breaks_and_hard_wrapped_text():
    check("One. Two! “Three?” (Four.) Five…\nsix\n\nSeven.\" eight")
    check("The minister said on Tuesday that the talks would\nresume next week in the capital after a long\n"
          "pause of several months, officials said, and\nthat both sides had agreed.\n\nNew paragraph.")
    check("")
    check("word")


def test_hash_tokens_is_token_hash():
    tokens = ["a", "caf\u00e9", "\u4e2d\u6587", "x" * 300, "\ufdfa".lower(), "1_2"]
    assert fast.hash_tokens(tokens).tolist() == [shingles.token_hash(t) for t in tokens]
    assert fast.hash_tokens([]).size == 0


@settings(max_examples=200, deadline=None)
@given(st.text(ALPHABET, max_size=80), st.integers(1, 4))
def test_random_unicode_texts(text, n):
    check(text, n)
