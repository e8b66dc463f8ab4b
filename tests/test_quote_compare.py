"""quote-drift's comparison refuses, before aligning, a pair whose longest common
subsequence is too short to match (the matching blocks are a common subsequence)."""

import difflib
import random

from dedupe.rules.quote_drift import common_subsequence


def _longest(a, b) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def test_common_subsequence_is_the_longest():
    rng = random.Random(7)
    for _ in range(3000):
        a = tuple(rng.choice("abcdefgh") for _ in range(rng.randrange(0, 40)))
        b = tuple(rng.choice("abcdefghij") for _ in range(rng.randrange(0, 70)))
        assert common_subsequence(a, b) == _longest(a, b) == common_subsequence(b, a)


def test_matching_blocks_match_at_most_the_common_subsequence():
    rng = random.Random(8)
    words = [f"w{k}" for k in range(12)]
    for _ in range(2000):
        a = tuple(rng.choice(words) for _ in range(rng.randrange(1, 30)))
        b = tuple(rng.choice(words) for _ in range(rng.randrange(1, 30)))
        blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
        assert sum(blk.size for blk in blocks) <= common_subsequence(a, b)
