"""Generate a realistic news-like JSONL corpus with planted near-duplicates.

Sentences come from an order-2 word Markov chain trained on the English Wikinews articles in
``/work/shared/data/wikinews`` (or any JSONL with a ``text`` field); articles are ~3 KB runs
of sentences drawn from a large pool of generated sentences, and a fraction of articles are
planted near-duplicates of an earlier article (one sentence replaced, one dropped, or a few
words edited). Deterministic for a given ``--seed``; any size.

    python benchmarks/generate.py --docs 10000 --out /tmp/bench_10k.jsonl

Each record: ``{"id", "text", "source"}``; planted copies carry ``"copy_of"``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

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


def edit(sentences: list[str], rng: random.Random, pool: list[str]) -> list[str]:
    """A near-copy: one sentence replaced, one dropped, or a few words changed."""
    out = list(sentences)
    kind = rng.randrange(3)
    i = rng.randrange(len(out))
    if kind == 0:
        out[i] = rng.choice(pool)
    elif kind == 1 and len(out) > 2:
        del out[i]
    else:
        words = out[i].split()
        for _ in range(min(3, len(words))):
            words[rng.randrange(len(words))] = rng.choice(("said", "reported", "officials", "on", "Monday"))
        out[i] = " ".join(words)
    return out


def generate(docs: int, seed: int, dup_rate: float, pool_size: int, source: str):
    rng = random.Random(seed)
    chain = train(source)
    pool = sentence_pool(chain, pool_size, rng)
    nprng = np.random.default_rng(seed)
    lengths = np.clip(nprng.normal(22, 5, docs).astype(int), 6, 45)
    picks = nprng.integers(0, len(pool), int(lengths.sum()))
    is_dup = nprng.random(docs) < dup_rate
    recent: list[list[str]] = []  # originals that copies are made of (bounded window)
    at = 0
    for n in range(docs):
        k = int(lengths[n])
        sentences = [pool[p] for p in picks[at : at + k]]
        at += k
        record = {"id": f"d{n:07d}"}
        if is_dup[n] and recent:
            j, orig = recent[rng.randrange(len(recent))]
            sentences = edit(orig, rng, pool)
            record["copy_of"] = f"d{j:07d}"
        else:
            if len(recent) < 1000:
                recent.append((n, sentences))
            else:
                recent[rng.randrange(1000)] = (n, sentences)
        paras = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
        record["text"] = "\n\n".join(paras)
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
