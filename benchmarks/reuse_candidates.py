"""Candidate verdict features, measured against the shipped ones (docs/reuse.md, fourth round).
Each candidate is added to (or swapped into) the shipped features and scored as
``benchmarks/reuse.py`` scores dedupe: logistic regression with the shipped ``C``,
stratified 10-fold cross-validation (macro-F1, mean over repeats) on (a) Clough and on (b) /
(b') test half seed 1; "held out" fits on (b)'s train half (seeds 1-3) and predicts (b) and (a).
None of them changes what the scan reports; they are computed here from its result.

- ``idf``: containment of the document's n-grams (n = 1, 2, 3) in its sources, each n-gram
  weighted by its rarity (idf) among the documents of its neighbourhood (itself, its sources,
  the documents related to its sources: a story's documents), so that a story's topic words,
  which all its documents share, weigh little; ``spec``: the shared n-grams' mean of 1 - the
  share of the neighbourhood holding them;
- ``cos``: TF-IDF cosine (words and word pairs; idf over the sentences of the document and its
  sources) of each sentence with its nearest source sentence: share of sentences at 0.7 or
  more, and the mean of the maxima;
- ``run``: exact runs of 4+ words shared with the sources taken together: share of words in
  telling runs (two uncommon words), in wording runs (two uncommon lower-case words), log
  number of wording runs, the longest wording run per word, share of words in story-specific
  runs (n-grams held by at most half the neighbourhood);
- ``nop``: no passage with any source (0/1), and containment_3 where there is none.

    python benchmarks/reuse_candidates.py [--repeats 3] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from dedupe.derivation import FEATURES, _shared, when  # noqa: E402
from dedupe.near.shingles import combine_ngrams  # noqa: E402
from dedupe.passages import COMMON_ZIPF, SEED_NGRAM  # noqa: E402
from dedupe.passages.tokens import words_of  # noqa: E402
from reuse import C, THREE_WAY, TRAIN_SEEDS, _binary, clough_data, cross_validated  # noqa: E402
from reuse_corpus import featured  # noqa: E402
from reuse_errors import _lengths  # noqa: E402

COL = {f: i for i, f in enumerate(FEATURES)}


class Scanned:
    """One evaluated corpus: judged ids, shipped features, labels, and per judged document
    its sources (as the verdict picks them) and neighbourhood."""

    def __init__(self, docs, ids, X, reuse, labels, drafts=None):
        self.ids, self.X, self.y = ids, X, labels
        self.reuse, self.texts = reuse, {d["id"]: d for d in docs}
        self._words = {}
        shared = _shared(reuse)
        order = {d["id"]: i for i, d in enumerate(docs)}
        self.sources, self.hood = {}, {}
        for doc in ids:
            mine, out = when(self.texts[doc].get("date")), []
            for o in sorted(shared.get(doc, {}), key=order.get):
                theirs = when(self.texts[o].get("date"))
                if (drafts is None or o not in drafts) and not (mine and theirs and theirs > mine):
                    out.append(o)
            self.sources[doc] = out
            hood = {doc, *out}
            for s in out:
                hood.update(shared.get(s, {}))
            self.hood[doc] = sorted(hood)

    def words(self, doc):
        if doc not in self._words:
            self._words[doc] = self.reuse.words.get(doc) or words_of(self.texts[doc]["text"], SEED_NGRAM)
        return self._words[doc]

    def grams(self, doc, n):
        w = self.words(doc)
        return np.unique(combine_ngrams(w.hashes, n)) if len(w) >= n else np.zeros(0, dtype=np.uint64)


def idf(s: Scanned) -> np.ndarray:
    rows = []
    for doc in s.ids:
        row = np.zeros(6)
        if s.sources[doc]:
            hood = s.hood[doc]
            for k, n in enumerate((1, 2, 3)):
                mine = s.grams(doc, n)
                if not mine.size:
                    continue
                held = np.unique(np.concatenate([s.grams(h, n) for h in hood]), return_counts=True)
                df = held[1][np.searchsorted(held[0], mine)]
                weight = np.log((len(hood) + 1) / df)
                hit = np.isin(mine, np.concatenate([s.grams(o, n) for o in s.sources[doc]]))
                row[k] = (weight * hit).sum() / weight.sum() if weight.sum() else 0.0
                row[3 + k] = ((1 - (df - 1) / max(1, len(hood) - 1)) * hit).sum() / len(mine)
        rows.append(row)
    return np.array(rows)


def _sentences(w) -> list[list[str]]:
    """Sentences (4+ words, as the passages stage breaks them) as word and word-pair hashes."""
    cuts = [0, *[int(c) for c in np.flatnonzero(w.breaks) if c > 0], len(w)]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        if b - a >= 4:
            x = [str(v) for v in w.hashes[a:b]]
            out.append(x + [p + "_" + q for p, q in zip(x, x[1:])])
    return out


def cos(s: Scanned) -> np.ndarray:
    rows = []
    for doc in s.ids:
        mine = _sentences(s.words(doc))
        theirs = [x for o in s.sources[doc] for x in _sentences(s.words(o))]
        if not mine or not theirs:
            rows.append(np.zeros(2))
            continue
        v = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True).fit(mine + theirs)
        best = (v.transform(mine) @ v.transform(theirs).T).max(axis=1).toarray().ravel()
        rows.append(np.array([(best >= 0.7).mean(), best.mean()]))
    return np.array(rows)


def run(s: Scanned, n: int = 4) -> np.ndarray:
    from dedupe.rules._lex import zipf_en

    rows = []
    for doc in s.ids:
        w, row = s.words(doc), np.zeros(5)
        if s.sources[doc] and len(w) >= n:
            mine = combine_ngrams(w.hashes, n)
            hit = np.isin(mine, np.concatenate([s.grams(o, n) for o in s.sources[doc]]))
            others = [h for h in s.hood[doc] if h != doc]
            df = sum(np.isin(mine, s.grams(h, n)).astype(int) for h in others)
            covered = np.zeros(len(w), dtype=bool)
            for i in np.flatnonzero(hit):
                covered[i:i + n] = True
            starts = [i for i in range(len(w)) if covered[i] and (i == 0 or not covered[i - 1])]
            wording = []
            for a, length in zip(starts, _lengths(covered)):
                b = a + length
                tokens = w.tokens_of(a, b)
                uncommon = [k for k, t in enumerate(tokens) if zipf_en(t) < COMMON_ZIPF]
                lower = {tokens[k] for k in uncommon if w.text[w.starts[a + k]:w.ends[a + k]][:1].islower()}
                row[0] += (b - a) * (len({tokens[k] for k in uncommon}) >= 2)
                if len(lower) >= 2:
                    wording.append(b - a)
                if np.median(np.asarray(df)[a:b - n + 1]) <= len(others) / 2:
                    row[4] += b - a
            row[[0, 4]] /= len(w)
            row[1], row[2], row[3] = sum(wording) / len(w), np.log1p(len(wording)), max(wording, default=0) / len(w)
        rows.append(row)
    return np.array(rows)


def nop(s: Scanned) -> np.ndarray:
    none = (s.X[:, COL["runs"]] == 0).astype(float)
    return np.column_stack([none, none * s.X[:, COL["containment_3"]]])


CANDIDATES = {"idf": idf, "cos": cos, "run": run, "nop": nop}
# name -> (candidate columns added, shipped features left out)
SETS = {
    "shipped": ([], []),
    "idf 1,3": ([("idf", 0), ("idf", 2)], []),
    "idf 1,2,3": ([("idf", 0), ("idf", 1), ("idf", 2)], []),
    "spec 1,3": ([("idf", 3), ("idf", 5)], []),
    "cos >= 0.7": ([("cos", 0)], []),
    "cos mean": ([("cos", 1)], []),
    "cos >= 0.7, no containment_2": ([("cos", 0)], ["containment_2"]),
    "telling runs": ([("run", 0)], []),
    "wording runs": ([("run", 1)], []),
    "number of wording runs": ([("run", 2)], []),
    "longest wording run for longest": ([("run", 3)], ["longest"]),
    "story-specific runs": ([("run", 4)], []),
    "no passage, containment_3 without": ([("nop", 0), ("nop", 1)], []),
}


def matrix(s: Scanned, name: str, cache: dict) -> np.ndarray:
    added, left = SETS[name]
    for key, _ in added:
        if (id(s), key) not in cache:
            cache[id(s), key] = CANDIDATES[key](s)
    keep = [i for i, f in enumerate(FEATURES) if f not in left]
    return np.column_stack([s.X[:, keep]] + [cache[id(s), k][:, c] for k, c in added])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", nargs="+", choices=list(SETS))
    args = ap.parse_args()
    docs, ids, X, reuse, _, y4 = clough_data()
    a = Scanned(docs, ids, X, reuse, y4, drafts=set(ids))
    synth = {}
    for key, split, seed, spliced in [("b", "test", 1, False), ("b'", "test", 1, True)] + [(f"train{s}", "train", s, False) for s in TRAIN_SEEDS]:
        arts, judged, X, reuse, _ = featured(split, seed, spliced)
        synth[key] = Scanned([{"id": x.id, "text": x.text, "date": x.date} for x in arts], [x.id for x in judged], X, reuse,
                    np.array([x.label for x in judged], dtype=object))
    cache: dict = {}
    tasks = [("a", "four-way", a, lambda y: y, ["non", "heavy", "light", "cut"]),
             ("a", "three-way", a, lambda y: np.array([THREE_WAY[v] for v in y], dtype=object), ["none", "partially", "wholly"]),
             ("b", "three-way", synth["b"], lambda y: y, ["none", "partially", "wholly"]),
             ("b", "binary", synth["b"], _binary, ["none", "derived"]),
             ("b'", "three-way", synth["b'"], lambda y: y, ["none", "partially", "wholly"]),
             ("b'", "binary", synth["b'"], _binary, ["none", "derived"])]
    print(f"macro-F1, 10-fold CV x {args.repeats} (C = {C}); held out: fitted on (b) train seeds {TRAIN_SEEDS}")
    print(f"{'features':<36}" + "".join(f"{c + ' ' + t[:5]:>12}" for c, t, *_ in tasks) + f"{'HO (b) 3/2':>14}{'HO (a) 3/2':>14}")
    for name in args.only or SETS:
        cells = [cross_validated(matrix(s, name, cache), None, fold(s.y), ordered, 10, args.repeats)["dedupe"][0]
                 for _, _, s, fold, ordered in tasks]
        train = [synth[f"train{x}"] for x in TRAIN_SEEDS]
        model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000))
        model.fit(np.vstack([matrix(s, name, cache) for s in train]), np.concatenate([s.y for s in train]))
        held = []
        for s, y3 in ((synth["b"], synth["b"].y), (a, np.array([THREE_WAY[v] for v in a.y], dtype=object))):
            p = model.predict(matrix(s, name, cache))
            held.append(f"{f1_score(y3, p, average='macro'):.3f}/{f1_score(_binary(y3), _binary(p), average='macro'):.3f}")
        print(f"{name:<36}" + "".join(f"{c:>12.3f}" for c in cells) + "".join(f"{h:>14}" for h in held), flush=True)


if __name__ == "__main__":
    main()
