"""Generate a realistic news-like JSONL corpus with planted near-duplicates.

Sentences come from an order-2 word Markov chain trained on the English Wikinews articles in
``/work/shared/data/wikinews`` (or any JSONL with a ``text`` field); articles are ~3 KB runs
of sentences drawn from a large pool of generated sentences, and a fraction of articles are
planted near-duplicates of an earlier article (one sentence replaced, one dropped, or a few
words edited). Words are replaced at random (12%) by frequency-weighted vocabulary so that
unrelated articles share few n-grams, as real articles do. Deterministic for a given ``--seed``; any size.

    python benchmarks/generate.py --docs 10000 --out /tmp/bench_10k.jsonl

Each record: ``{"id", "text", "source"}``; planted copies carry ``"copy_of"``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys

import numpy as np

DEFAULT_SOURCE = "/work/shared/data/wikinews/wikinews.jsonl"
SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def train(source: str) -> dict:
    chain: dict = {}
    with open(source, encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            for para in text.split("\n"):
                for sent in SENT_SPLIT.split(para.strip()):
                    words = sent.split()
                    if len(words) < 4:
                        continue
                    state = ("<s>", "<s>")
                    for w in words + ["</s>"]:
                        chain.setdefault(state, []).append(w)
                        state = (state[1], w)
    return chain


def sentence_pool(chain: dict, size: int, rng: random.Random) -> list[str]:
    pool = []
    while len(pool) < size:
        state, words = ("<s>", "<s>"), []
        while len(words) < 60:
            w = rng.choice(chain[state])
            if w == "</s>":
                break
            words.append(w)
            state = (state[1], w)
        if len(words) >= 6:
            pool.append(" ".join(words))
    return pool


def edit(sentences: list[np.ndarray], rng: random.Random, fresh) -> list[np.ndarray]:
    """A near-copy: one sentence replaced, one dropped, or a few words changed."""
    out = list(sentences)
    kind = rng.randrange(3)
    i = rng.randrange(len(out))
    if kind == 0:
        out[i] = fresh()
    elif kind == 1 and len(out) > 2:
        del out[i]
    else:
        words = out[i].copy()
        for _ in range(min(3, len(words))):
            words[rng.randrange(len(words))] = fresh()[0]
        out[i] = words
    return out


def generate(docs: int, seed: int, dup_rate: float, pool_size: int, source: str, noise: float = 0.12):
    """Records of the corpus. A sentence of the pool reused across articles would share all
    its n-grams, which real news does far less: so each word is, with probability ``noise``,
    replaced by a word drawn from the training text's word frequencies."""
    rng = random.Random(seed)
    chain = train(source)
    pool = sentence_pool(chain, pool_size, rng)
    vocab, counts = np.unique(np.array(" ".join(pool).split()), return_counts=True)
    index = {w: i for i, w in enumerate(vocab.tolist())}
    pool_ids = [np.array([index[w] for w in s.split()], dtype=np.int32) for s in pool]
    cum = np.cumsum(counts / counts.sum())
    nprng = np.random.default_rng(seed)

    def noisy(ids: np.ndarray) -> np.ndarray:
        ids = ids.copy()
        mask = nprng.random(ids.size) < noise
        ids[mask] = np.searchsorted(cum, nprng.random(int(mask.sum())))
        return ids

    def fresh() -> np.ndarray:
        return noisy(pool_ids[int(nprng.integers(len(pool_ids)))])

    lengths = np.clip(nprng.normal(22, 5, docs).astype(int), 6, 45)
    is_dup = nprng.random(docs) < dup_rate
    recent: list = []  # originals that copies are made of (a bounded window)
    for n in range(docs):
        record = {"id": f"d{n:07d}"}
        if is_dup[n] and recent:
            j, orig = recent[rng.randrange(len(recent))]
            sentences = edit(orig, rng, fresh)
            record["copy_of"] = f"d{j:07d}"
        else:
            sentences = [fresh() for _ in range(int(lengths[n]))]
            if len(recent) < 1000:
                recent.append((n, sentences))
            else:
                recent[rng.randrange(1000)] = (n, sentences)
        words = vocab[np.concatenate(sentences)].tolist()
        ends = np.cumsum([s.size for s in sentences]).tolist()
        paras, start = [], 0
        for k in range(3, len(ends) + 3, 4):
            end = ends[min(k, len(ends) - 1)]
            paras.append(" ".join(words[start:end]))
            start = end
        record["text"] = "\n\n".join(p for p in paras if p)
        record["source"] = "generated"
        yield record


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dup-rate", type=float, default=0.05, help="fraction of planted near-copies")
    ap.add_argument("--pool", type=int, default=200_000, help="generated sentences to draw articles from")
    ap.add_argument("--source", default=DEFAULT_SOURCE)
    args = ap.parse_args(argv)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    with out:
        for record in generate(args.docs, args.seed, args.dup_rate, args.pool, args.source):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
