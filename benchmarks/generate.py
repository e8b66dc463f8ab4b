"""Generate a news-like JSONL corpus with planted near-duplicates and wire-copy stories.

Both modes build sentences from an order-2 word Markov chain trained on the English Wikinews
articles in ``/work/shared/data/wikinews`` (or any JSONL with a ``text`` field); articles are
~3 KB (~22 sentences, paragraphs of 4), and a fraction ``--dup-rate`` of the articles are
planted near-duplicates of a recent article (one sentence replaced, one dropped, or a few words
edited; they carry ``"copy_of"``). Deterministic for a given ``--seed``; any size; streamed.

``--mode news`` (the default): reuse as in real news, so that the pairs of articles sharing
text grow with the corpus, not with its square.

- *Own text is fresh.* A sentence is a Markov sentence (a *template*) in which every token
  but the closed-class words (``dedupe/rules/data/function_words.txt``) and punctuation is
  drawn again, keeping its capitalisation and the punctuation around it: a word (names
  included) by a word of wordfreq's English list (the 60,000 most frequent alphabetic words
  of at least three letters, weighted by frequency), or, with probability 0.3, by one of the
  article's 20 topic words (drawn the same way), as articles repeat their subject; a token
  with a digit by a number (small numbers and years most often). The templates are a pool
  that grows with the corpus (``docs * 22 / 10`` sentences, at least 20,000), so a template
  serves ~10 articles at any size; two articles sharing a template share its closed-class
  words only.
- *Wire stories.* A share ``--clustered`` (0.3) of the articles belong to story clusters of
  2 to 30 articles, P(size) proportional to size^-2.5 (mean ~3.7; ~86% of clusters have at
  most 5 articles). A cluster has a wire text of fresh sentences; its first article is the
  wire text itself, every other one takes a run of 20-100% of the wire's consecutive
  sentences (each edited with probability 0.3: a word replaced or dropped) among 3-15 own
  sentences. Its members appear within the next 2,000 articles, as a story's versions
  appear within days. They carry ``"story"``.

Per article, then, the expected number of others it shares a wire passage with, the expected
number of articles per template and the planted copies are constant. What still pairs
unrelated articles are word 3-grams of closed-class words ("should never have") in 2 to 100
articles, as in real text: their document frequency grows with the corpus until they pass the
passage stage's stock limit (``passage_max_df``), so the passage candidate pairs per article
rise and fall again (16, 30, 50 and 40 at 1k, 3k, 10k and 30k articles; the pool mode: 149,
408 and 1,213 at 1k, 3k and 10k).

``--mode pool`` (the corpus of the benchmarks before the news mode, kept for their figures):
articles draw their sentences from a fixed pool of ``--pool`` (200,000) Markov sentences, each
word replaced with probability 0.12 by a word drawn from the training text's word frequencies.
Reuse grows with the corpus: at 20,000 articles each pool sentence is in ~2 articles, at 1M in
~110, and unrelated Markov sentences share many word 3-grams, so passage candidate pairs grow
with the square of the corpus.

    python benchmarks/generate.py --docs 10000 --out /tmp/news_10000.jsonl
    python benchmarks/generate.py --mode pool --docs 10000 --out /tmp/bench_10000.jsonl

Each record: ``{"id", "text", "source"}`` (plus ``"copy_of"``, ``"story"``).
"""

from __future__ import annotations

import argparse
import array
import heapq
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

DEFAULT_SOURCE = "/work/shared/data/wikinews/wikinews.jsonl"
SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
FUNCTION_WORDS = Path(__file__).resolve().parent.parent / "dedupe" / "rules" / "data" / "function_words.txt"

# news mode (see the module's docstring)
SENTENCES = 22  # mean sentences per article
ARTICLES_PER_TEMPLATE = 10
MIN_TEMPLATES = 20_000
CONTENT_WORDS = 60_000  # wordfreq's most frequent English alphabetic words
TOPIC_WORDS, TOPIC_SHARE = 20, 0.3
CLUSTERED = 0.3  # share of the articles in story clusters
CLUSTER_SIZES, CLUSTER_EXPONENT = (2, 30), 2.5
WINDOW = 2000  # a story's articles appear within this many articles
WIRE_EDIT = 0.3  # probability that a taken wire sentence is edited
OWN_SENTENCES = (3, 15)  # own sentences of a story's article beside the wire run
SHAPES = 16  # most frequent (leading punctuation, trailing punctuation, case or number) of word and number slots
TOKEN = re.compile(r"^([\"'(“‘]*)(.*?)([\"'”’.,;:!?)]*)$")


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


def walk(chain: dict, rng: random.Random) -> list[str]:
    """One sentence of the order-2 chain: at most 60 words."""
    state, words = ("<s>", "<s>"), []
    while len(words) < 60:
        w = rng.choice(chain[state])
        if w == "</s>":
            break
        words.append(w)
        state = (state[1], w)
    return words


def sentence_pool(chain: dict, size: int, rng: random.Random) -> list[str]:
    pool = []
    while len(pool) < size:
        words = walk(chain, rng)
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


def render(vocab: np.ndarray, sentences: list[np.ndarray]) -> str:
    """The text of an article (sentences of word numbers into ``vocab``): paragraphs of 4 sentences."""
    words = vocab[np.concatenate(sentences)].tolist()
    ends = np.cumsum([s.size for s in sentences]).tolist()
    paras, start = [], 0
    for k in range(3, len(ends) + 3, 4):
        end = ends[min(k, len(ends) - 1)]
        paras.append(" ".join(words[start:end]))
        start = end
    return "\n\n".join(p for p in paras if p)


class Recent:
    """Originals that planted copies are made of (a bounded, random window of recent articles)."""

    def __init__(self, rng: random.Random, size: int = 1000):
        self.rng, self.size, self.items = rng, size, []

    def add(self, n: int, sentences: list) -> None:
        if len(self.items) < self.size:
            self.items.append((n, sentences))
        else:
            self.items[self.rng.randrange(self.size)] = (n, sentences)

    def copy(self, fresh) -> tuple[str, list]:
        j, orig = self.items[self.rng.randrange(len(self.items))]
        return f"d{j:07d}", edit(orig, self.rng, fresh)


def generate(docs: int, seed: int, dup_rate: float, pool_size: int, source: str, noise: float = 0.12):
    """Records of the pool-mode corpus. A sentence of the pool reused across articles would share all
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
    recent = Recent(rng)
    for n in range(docs):
        record = {"id": f"d{n:07d}"}
        if is_dup[n] and recent.items:
            record["copy_of"], sentences = recent.copy(fresh)
        else:
            sentences = [fresh() for _ in range(int(lengths[n]))]
            recent.add(n, sentences)
        record["text"] = render(vocab, sentences)
        record["source"] = "generated"
        yield record


class NewsText:
    """Fresh sentences: Markov templates whose content words are drawn again (module docstring).
    Word numbers index :attr:`vocab`: first the templates' tokens, then one block of
    ``CONTENT_WORDS`` per content-word shape."""

    def __init__(self, chain: dict, templates: int, rng: random.Random, nprng: np.random.Generator):
        from wordfreq import word_frequency, top_n_list

        self.nprng = nprng
        function = {w.strip() for w in FUNCTION_WORDS.read_text(encoding="utf-8").splitlines()
                    if w.strip() and not w.startswith("#")}
        content = [w for w in top_n_list("en", 2 * CONTENT_WORDS) if w.isalpha() and len(w) > 2 and w not in function][:CONTENT_WORDS]
        weights = np.array([word_frequency(w, "en") for w in content])
        self.cum = np.cumsum(weights / weights.sum())
        # the templates, as token numbers (flat, with offsets); a token is kept or has a shape
        tokens: dict = {}
        flat = array.array("i")
        offsets = [0]
        for _ in range(templates):
            words = walk(chain, rng)
            if len(words) < 6:
                continue
            flat.extend([tokens.setdefault(w, len(tokens)) for w in words])
            offsets.append(len(flat))
        names = list(tokens)
        shape_of: dict = {}
        first, inner = [], []  # each token's shape key at the start of a sentence and inside it
        for w in names:  # word slots take a content word, number slots a number
            lead, core, trail = TOKEN.match(w).groups()
            if core.lower() in function:
                kind = None
            elif any(c.isdigit() for c in core):
                kind = "number"
            elif any(c.isalpha() for c in core):
                kind = "lower" if core.islower() else "capital"
            else:
                kind = None
            first.append(kind and (lead, trail, "number" if kind == "number" else "capital"))
            inner.append(kind and (lead, trail, kind))
        counts: dict = {}
        flat_arr = np.frombuffer(flat, dtype=np.int32)
        del flat
        offsets_arr = np.array(offsets, dtype=np.int64)
        starts = np.zeros(flat_arr.size, dtype=bool)
        starts[offsets_arr[:-1]] = True
        uses_first = np.bincount(flat_arr[starts], minlength=len(names))
        uses_inner = np.bincount(flat_arr[~starts], minlength=len(names))
        for keys, uses in ((first, uses_first), (inner, uses_inner)):
            for key, u in zip(keys, uses.tolist()):
                if key is not None:
                    counts[key] = counts.get(key, 0) + u
        for key, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:SHAPES]:
            shape_of[key] = len(shape_of)
        for kind in ("lower", "capital", "number"):  # a rarer shape loses its punctuation
            shape_of.setdefault(("", "", kind), len(shape_of))

        def shape(key) -> int:
            return -1 if key is None else shape_of.get(key, shape_of[("", "", key[2])])

        first_shape = np.array([shape(k) for k in first], dtype=np.int8)
        inner_shape = np.array([shape(k) for k in inner], dtype=np.int8)
        self.shape = np.where(starts, first_shape[flat_arr], inner_shape[flat_arr]).astype(np.int8)
        self.flat = flat_arr
        self.offsets = offsets_arr
        self.lengths = np.diff(offsets_arr)
        self.base = len(names)
        # numbers: small ones and years first (drawn most often), then thousands and decimals
        numbers = [str(i) for i in range(1, 101)] + [str(y) for y in range(2026, 1899, -1)] + [str(i) for i in range(101, 1000)]
        numbers += [f"{i / 10:.1f}" for i in range(1, 1000)] + [f"{i:,}" for i in range(1000, 1000 + 17 * len(content), 17)]
        block = []
        for (lead, trail, kind), _ in sorted(shape_of.items(), key=lambda kv: kv[1]):
            if kind == "number":
                block += [lead + w + trail for w in numbers[: len(content)]]
            else:
                block += [lead + (w.capitalize() if kind == "capital" else w) + trail for w in content]
        self.vocab = np.array(names + block, dtype=object)
        self.n_content = len(content)

    def topic(self) -> np.ndarray:
        return self.words(TOPIC_WORDS)

    def words(self, n: int) -> np.ndarray:
        return np.searchsorted(self.cum, self.nprng.random(n)).clip(0, self.n_content - 1)

    def sentences(self, n: int, topic: np.ndarray) -> list[np.ndarray]:
        """``n`` fresh sentences on ``topic``."""
        t = self.nprng.integers(len(self.lengths), size=n)
        lengths = self.lengths[t]
        idx = np.repeat(self.offsets[t] - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        ids = self.flat[idx].astype(np.int64)
        shape = self.shape[idx]
        slots = np.flatnonzero(shape >= 0)
        words = self.words(slots.size)
        on_topic = self.nprng.random(slots.size) < TOPIC_SHARE
        words[on_topic] = topic[self.nprng.integers(topic.size, size=int(on_topic.sum()))]
        ids[slots] = self.base + shape[slots].astype(np.int64) * self.n_content + words
        return np.split(ids.astype(np.int32), np.cumsum(lengths)[:-1].tolist())

    def edited(self, sentence: np.ndarray, rng: random.Random) -> np.ndarray:
        """A wire sentence as a paper takes it: one word replaced by a fresh one, or dropped."""
        i = rng.randrange(sentence.size)
        if rng.random() < 0.5 and sentence.size > 6:
            return np.delete(sentence, i)
        out = sentence.copy()
        out[i] = self.base + self.words(1)[0]
        return out


def cluster_sizes() -> tuple[np.ndarray, np.ndarray]:
    """Sizes of story clusters and their probabilities (P(size) proportional to size^-exponent)."""
    sizes = np.arange(CLUSTER_SIZES[0], CLUSTER_SIZES[1] + 1)
    p = sizes.astype(float) ** -CLUSTER_EXPONENT
    return sizes, p / p.sum()


def generate_news(docs: int, seed: int, dup_rate: float, source: str, clustered: float = CLUSTERED):
    """Records of the news-mode corpus (module docstring)."""
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    text = NewsText(train(source), max(MIN_TEMPLATES, docs * SENTENCES // ARTICLES_PER_TEMPLATE), rng, nprng)
    sizes, probs = cluster_sizes()
    cum_sizes = np.cumsum(probs)
    mean = float((sizes * probs).sum())
    # a slot is a planted copy with probability dup_rate, else a scheduled story article if one is
    # due, else it starts a story with probability q: so that a share ``clustered`` of the articles
    # are in stories, x (mean - 1) + x / q = 1 - dup_rate and x mean = clustered (x: the share of
    # articles that start a story)
    q = clustered / ((1 - dup_rate) * mean - clustered * (mean - 1)) if clustered > 0 else 0.0

    def length() -> int:
        return int(np.clip(round(nprng.normal(SENTENCES, 5)), 6, 45))

    def fresh() -> np.ndarray:
        return text.sentences(1, text.topic())[0]

    recent = Recent(rng)
    pending: list = []  # (slot, order, story number, wire sentences, topic)
    stories = order = 0
    for n in range(docs):
        record = {"id": f"d{n:07d}"}
        if recent.items and rng.random() < dup_rate:
            record["copy_of"], sentences = recent.copy(fresh)
        elif pending and pending[0][0] <= n:
            _, _, story, wire, topic = heapq.heappop(pending)
            take = max(1, round(len(wire) * rng.uniform(0.2, 1.0)))
            a = rng.randrange(len(wire) - take + 1)
            run = [text.edited(s, rng) if rng.random() < WIRE_EDIT else s for s in wire[a:a + take]]
            own = text.sentences(rng.randint(*OWN_SENTENCES), topic)
            head = rng.randint(1, min(3, len(own)))
            cut = rng.randint(0, len(run))
            sentences = own[:head] + run[:cut] + own[head:] + run[cut:]
            record["story"] = f"s{story:07d}"
            recent.add(n, sentences)
        else:
            topic = text.topic()
            sentences = text.sentences(length(), topic)
            if rng.random() < q:
                size = int(sizes[min(int(np.searchsorted(cum_sizes, rng.random())), len(sizes) - 1)])
                for _ in range(size - 1):
                    order += 1
                    heapq.heappush(pending, (n + rng.randint(1, WINDOW), order, stories, sentences, topic))
                record["story"] = f"s{stories:07d}"
                stories += 1
            recent.add(n, sentences)
        record["text"] = render(text.vocab, sentences)
        record["source"] = "generated"
        yield record


def corpus_file(folder, docs: int, mode: str = "news") -> Path:
    """The generated corpus of ``docs`` articles in ``folder`` (``news_N.jsonl``, or
    ``bench_N.jsonl`` in pool mode; default seed), generated by a process of its own when missing."""
    path = Path(folder) / f"{'bench' if mode == 'pool' else 'news'}_{docs}.jsonl"
    if not path.exists():
        part = path.with_suffix(".part")
        subprocess.run([sys.executable, __file__, "--mode", mode, "--docs", str(docs), "--out", str(part)], check=True)
        part.rename(path)
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--mode", choices=("news", "pool"), default="news",
                    help="news: fresh text and wire-story clusters (reuse per article constant); pool: the fixed sentence pool")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dup-rate", type=float, default=0.05, help="fraction of planted near-copies")
    ap.add_argument("--clustered", type=float, default=CLUSTERED, help="news mode: share of articles in story clusters")
    ap.add_argument("--pool", type=int, default=200_000, help="pool mode: generated sentences to draw articles from")
    ap.add_argument("--source", default=DEFAULT_SOURCE)
    args = ap.parse_args(argv)
    if args.mode == "news":
        records = generate_news(args.docs, args.seed, args.dup_rate, args.source, args.clustered)
    else:
        records = generate(args.docs, args.seed, args.dup_rate, args.pool, args.source)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    with out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
