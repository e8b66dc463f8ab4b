"""Several short runs as evidence, read against the story's own documents (docs/reuse.md,
fifth round). For every candidate pair of a corpus that has no evidence of copying today
(no passage of ``passage_min_words``, no high containment) but would have it under the third
round's rule (short telling runs of 5-7 words, in the same order on both sides, together
``passage_min_words`` words, one of them wording), it prints statistics of those runs taken
from the pair's *neighbourhood* (the other documents that are LSH candidates of either
document: the documents on its story and subject):

- ``df``: share of the neighbourhood holding the run (all its word 4-grams);
- ``ctx``: distinct contexts (word before, word after) of the run's occurrences outside the
  pair (a story's phrase stands in many sentences, a cut wire sentence in one);
- ``cor``: share of the run, on the side where it is larger, inside a passage that document
  shares with a third one (the run is part of text already shown to be copied);
- ``rare``: words of the run held by at most a third of the neighbourhood (rare *for the
  story*, not only for English).

Per pair, the tally says whether its runs that are wire text (``cor``) add up to
``passage_min_words``, whether its runs in at most ``--ctx`` contexts do, whether the runs
that are both do with one of them wording (the fifth round's rule, commit becafde), and
whether one third document covers every such run on one side ("one wire text").

On the synthetic corpus (b) each such pair is labelled by construction: copy (the run words
lie inside the newspaper article's gold copied spans) or not; on BASIL and ECB+ every such
pair would be a new pair with passages. Nothing here changes what a scan reports.

    python benchmarks/reuse_runs.py [--corpus synthetic basil ecbplus] [--seed 1] [--split test]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedupe.api import ingest  # noqa: E402
from dedupe.config import Config  # noqa: E402
from dedupe.near.shingles import combine_ngrams  # noqa: E402
from dedupe.passages import COMMON_ZIPF, SEED_NGRAM, SHORT_MIN_SIMILARITY, _telling  # noqa: E402
from dedupe.passages import CONTAINMENT_MIN_FACTOR, EVIDENCE_CONTAINMENT, inside  # noqa: E402
from dedupe.passages.align import ANCHOR_WORDS, align, containment, similarity  # noqa: E402
from dedupe.passages.candidates import candidate_codes, pairs_of  # noqa: E402
from dedupe.passages.tokens import common_grams, words_of  # noqa: E402

RESEARCH = Path("/work/shared/data/research")
SEVERAL_MIN, SEVERAL_MAX = 5, 7  # (--min-run changes the first)
RUN_GRAM = 4


def _worded(words, first: int, last: int) -> bool:
    """Two uncommon words not capitalised inside their sentence (the third round's rule)."""
    from dedupe.rules._lex import zipf_en

    tokens, text, breaks = words.tokens, words.text, words.break_flags()
    found = set()
    for k in range(first, last):
        t = tokens[k]
        if t in found or len(t) < 3 or zipf_en(t) >= COMMON_ZIPF:
            continue
        if k and not breaks[k] and not text[words.starts[k]].islower():
            continue
        found.add(t)
        if len(found) >= 2:
            return True
    return False


def _several(a, b, kept, min_words, need_worded=True):
    """The third round's rule: the heaviest in-order sequence of 5-7-word telling runs, if
    it reaches ``min_words`` with one wording run; else None."""
    runs = [al for al in kept if SEVERAL_MIN <= al.anchored <= SEVERAL_MAX]
    if sum(al.anchored for al in runs) < min_words:
        return None
    best = []  # (words, has wording, chain)
    for k, al in enumerate(runs):
        worded = _worded(a, al.a0, al.a1) and _worded(b, al.b0, al.b1)
        cur = (al.anchored, worded, [al])
        for j in range(k):
            prev = runs[j]
            if prev.b1 <= al.b0 and prev.a1 <= al.a0 and best[j][0] + al.anchored > cur[0]:
                cur = (best[j][0] + al.anchored, best[j][1] or worded, best[j][2] + [al])
        best.append(cur)
        if cur[0] >= min_words and (cur[1] or not need_worded):
            return cur[2]
    return None


class Corpus:
    def __init__(self, docs):
        cfg = Config(detect_language=False)
        self.cfg = cfg
        corpus, errors = ingest(docs, cfg)
        assert not errors, errors
        self.ids = list(corpus.ids)
        self.texts = [corpus.text(i) for i in self.ids]
        self.words = [words_of(t, SEED_NGRAM) for t in self.texts]
        self.stop = common_grams(self.words, cfg.passage_max_df)
        codes = candidate_codes(self.texts, self.words, self.stop, SEED_NGRAM, cfg, cfg.passage_max_df)
        self.pairs = pairs_of(codes, len(self.ids))
        self.nbrs = [set() for _ in self.ids]
        for i, j in self.pairs:
            self.nbrs[i].add(j)
            self.nbrs[j].add(i)
        self.grams4 = [np.unique(combine_ngrams(w.hashes, RUN_GRAM)) if len(w) >= RUN_GRAM else np.zeros(0, np.uint64)
                       for w in self.words]
        self.vocab = [np.unique(w.hashes) for w in self.words]
        # per document, per other document: its side of their passages (today's rule)
        from dedupe.passages import align_pairs

        self.spans = {}
        for p in align_pairs(self.pairs, self.ids, self.words, self.stop, cfg).passages:
            x, y = self.ids.index(p.a.doc), self.ids.index(p.b.doc)
            self.spans.setdefault(x, {}).setdefault(y, []).append((p.a.start, p.a.end))
            self.spans.setdefault(y, {}).setdefault(x, []).append((p.b.start, p.b.end))

    def corroborated(self, i, j, first, last) -> float:
        """Share of words first..last-1 of document i inside its passages with documents
        other than j (text already shown to be copied elsewhere: a wire sentence)."""
        spans = [s for k, ss in self.spans.get(i, {}).items() if k != j for s in ss]
        if not spans:
            return 0.0
        return float(inside(self.words[i], spans)[first:last].mean())

    def witnesses(self, i, j, first, last) -> set:
        """The third documents whose passages with document i cover words first..last-1."""
        return {k for k, ss in self.spans.get(i, {}).items()
                if k != j and inside(self.words[i], ss)[first:last].all()}

    def new_pairs(self, need_worded=True):
        """Per pair that only the several-runs rule gives evidence: (i, j, its runs)."""
        min_words = self.cfg.passage_min_words
        for i, j in self.pairs:
            a, b = self.words[i], self.words[j]
            alignments = align(a, b, SEED_NGRAM, self.stop)
            if any(al.anchored >= min_words for al in alignments):
                continue
            if alignments and min(len(a), len(b)) >= CONTAINMENT_MIN_FACTOR * min_words \
                    and containment(a, b, self.stop) >= EVIDENCE_CONTAINMENT:
                continue
            kept = [al for al in alignments if al.anchored >= ANCHOR_WORDS and _telling(a.tokens_of(al.a0, al.a1))
                    and similarity(a, b, al) >= SHORT_MIN_SIMILARITY]
            chain = _several(a, b, kept, min_words, need_worded)
            if chain:
                yield i, j, chain

    def run_stats(self, i, j, al):
        """df, ctx, rare of one run (A side: document i), and the neighbourhood's size."""
        a = self.words[i]
        h = a.hashes[al.a0:al.a1]
        g = np.unique(combine_ngrams(h, RUN_GRAM))
        hood = sorted((self.nbrs[i] | self.nbrs[j]) - {i, j})
        holding = [k for k in hood if np.isin(g, self.grams4[k], assume_unique=True).all()]
        contexts = set()
        for k in holding:
            contexts |= _contexts(self.words[k], h)
        words = np.unique(h)
        held = np.zeros(words.size)
        for k in hood:
            held += np.isin(words, self.vocab[k], assume_unique=True)
        rare = int((held <= max(1, len(hood)) / 3).sum()) if hood else int(words.size)
        return len(holding) / max(1, len(hood)), len(contexts), rare, len(hood)


def _contexts(words, h) -> set:
    """(word before, word after) of each occurrence of the word sequence ``h`` (hashes)."""
    hashes, n = words.hashes, len(h)
    starts = np.flatnonzero(hashes[: max(0, len(hashes) - n + 1)] == h[0])
    out = set()
    for p in starts:
        if np.array_equal(hashes[p : p + n], h):
            before = int(hashes[p - 1]) if p else 0
            after = int(hashes[p + n]) if p + n < len(hashes) else 0
            out.add((before, after))
    return out


def synthetic(split, seed):
    from reuse_corpus import build

    arts = build(split, seed)
    return [{"id": a.id, "text": a.text} for a in arts], {a.id: a for a in arts}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", nargs="+", default=["synthetic", "basil", "ecbplus"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--split", default="test")
    ap.add_argument("--min-run", type=int, default=5)
    ap.add_argument("--ctx", type=int, default=2)
    ap.add_argument("--any", action="store_true", help="no wording condition")
    ap.add_argument("--show", action="store_true", help="print the runs of each pair both conditions accept (research text: not for the repository)")
    args = ap.parse_args(argv)
    global SEVERAL_MIN
    SEVERAL_MIN = args.min_run
    for name in args.corpus:
        if name == "synthetic":
            docs, by_id = synthetic(args.split, args.seed)
        else:
            docs = [json.loads(line) for line in (RESEARCH / f"{name}.jsonl").open(encoding="utf-8")]
            docs = [{"id": d["id"], "text": d["text"]} for d in docs]
            by_id = None
        c = Corpus(docs)
        rows = []
        tally = {}
        for i, j, chain in c.new_pairs(not args.any):
            truth = "-"
            if by_id:
                x, y = by_id[c.ids[i]], by_id[c.ids[j]]
                truth = "copy" if _copied(c, i, x, chain, "a") or _copied(c, j, y, chain, "b") else "not"
                truth += f"({x.label[:4]}/{y.label[:4]}{'' if x.story == y.story else ',other'})"
            stats = [c.run_stats(i, j, al) for al in chain]
            cor = [max(c.corroborated(i, j, al.a0, al.a1), c.corroborated(j, i, al.b0, al.b1)) for al in chain]
            rows.append((truth, stats))
            mw = c.cfg.passage_min_words
            key = (truth.split("(")[0],
                   "cor" if sum(al.anchored for al, x in zip(chain, cor) if x >= 0.99) >= mw else "-",
                   "ctx" if sum(al.anchored for al, x in zip(chain, stats) if x[1] <= args.ctx) >= mw else "-",
                   "both" if sum(al.anchored for al, x, y in zip(chain, stats, cor) if x[1] <= args.ctx and y >= 0.99) >= mw
                   and any(x[1] <= args.ctx and y >= 0.99 and _worded(c.words[i], al.a0, al.a1) and _worded(c.words[j], al.b0, al.b1)
                           for al, x, y in zip(chain, stats, cor)) else "-")
            # one wire text: a third document that covers every counted run, on one side
            counted = [al for al, x, y in zip(chain, stats, cor) if x[1] <= args.ctx and y >= 0.99]
            same = False
            if key[3] == "both":
                for side in ("a", "b"):
                    common = None
                    for al in counted:
                        w = c.witnesses(i, j, al.a0, al.a1) if side == "a" else c.witnesses(j, i, al.b0, al.b1)
                        common = w if common is None else common & w
                    same = same or bool(common)
            key = key + ("one wire text" if same else "-",)
            tally[key] = tally.get(key, 0) + 1
            line = f"{name} {key[3]:4} {key[4][:3]:3} {truth:>22} hood {stats[0][3]:3d} " + " | ".join(
                f"{al.anchored}w df {s[0]:.2f} ctx {s[1]} rare {s[2]} cor {x:.2f}"
                for al, s, x in zip(chain, stats, cor))
            print(line)
            if args.show and key[3] == "both":
                print("      one wire text" if key[4] != "-" else "      several")
                for al in chain:
                    print("     ", " ".join(c.words[i].tokens_of(al.a0, al.a1)))
        print(f"{name}: {len(rows)} pairs would be new under the third round's rule; per (truth, corroborated runs"
              f" total {c.cfg.passage_min_words}+ words, runs in <= {args.ctx} contexts total that, both with a wording run,"
              f" one wire text): pairs")
        for k in sorted(tally):
            print("   ", k, tally[k])


def _copied(c, k, art, chain, side):
    if not art.gold:
        return False
    w = c.words[k]
    mask = inside(w, art.gold)
    spans = [(al.a0, al.a1) if side == "a" else (al.b0, al.b1) for al in chain]
    return sum(mask[s:e].sum() for s, e in spans) >= 0.5 * sum(e - s for s, e in spans)


if __name__ == "__main__":
    main()
