"""A small deterministic corpus with planted near-duplicates and embedded stories, made from
the sample articles in seeds/ (sentences shuffled and recombined)."""

from __future__ import annotations

import random
import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def sentences() -> list[str]:
    out = []
    for p in sorted(SEEDS.glob("*.txt")):
        out += [s for s in re.split(r"(?<=[.!?])\s+", p.read_text(encoding="utf-8")) if len(s.split()) >= 5]
    return out


def planted_corpus(n: int = 240, seed: int = 3) -> list[tuple[str, str]]:
    """``(id, text)`` pairs: articles of 8-20 seed sentences with a few words swapped, ~15%
    near-copies (a sentence replaced or dropped) and ~5% short stories embedded in a longer
    article."""
    rng = random.Random(seed)
    pool = sentences()
    vocab = sorted({w for s in pool for w in s.split()})

    def article(k):
        sents = rng.sample(pool, k)
        out = []
        for s in sents:
            words = s.split()
            for _ in range(max(1, len(words) // 6)):
                words[rng.randrange(len(words))] = rng.choice(vocab)
            out.append(" ".join(words))
        return out

    docs: list[tuple[str, list[str]]] = []
    for i in range(n):
        r = rng.random()
        if r < 0.15 and docs:
            _, base = rng.choice(docs)
            copy = list(base)
            j = rng.randrange(len(copy))
            if rng.random() < 0.5:
                copy[j] = " ".join(article(1))
            elif len(copy) > 3:
                del copy[j]
            docs.append((f"doc{i:04d}", copy))
        elif r < 0.20 and docs:
            story = article(rng.randint(3, 5))
            host = article(rng.randint(12, 20))
            docs.append((f"wire{i:04d}", story))
            at = rng.randrange(len(host))
            docs.append((f"host{i:04d}", host[:at] + story + host[at:]))
        else:
            docs.append((f"doc{i:04d}", article(rng.randint(8, 20))))
    return [(d, "\n\n".join(" ".join(s[k : k + 3]) for k in range(0, len(s), 3))) for d, s in docs]
