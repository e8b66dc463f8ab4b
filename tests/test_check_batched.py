"""What a check against an archive computes for all its candidates at once equals what the
one-document-at-a-time (or one-band-at-a-time) forms give: the words and n-grams of many
texts, the stock and reaching tests, the passage units' buckets, the LSH bands, and the
clusters formed for the drafts alone."""

from __future__ import annotations

import numpy as np
import pytest

from dedupe import Config
from dedupe.api import ingest
from dedupe.model import Document
from dedupe.near import banding, find_clusters
from dedupe.near.lsh import ENSEMBLE_PARTITIONS, ENSEMBLE_WEIGHTS
from dedupe.near.shingles import combine_ngrams
from dedupe.passages import SEED_NGRAM
from dedupe.passages import candidates as PC
from dedupe.passages.tokens import NGrams, common_grams, draft_stock, in_sorted, reaching, words_of, words_of_many
from planted import planted_corpus

CONFIG = Config(detect_language=False, rules=False)


@pytest.fixture(scope="module")
def texts(near_corpus):
    planted = [t for _, t in planted_corpus(120)]
    odd = ["", "one", "İstanbul and ΣΑΣ", "ｆｕｌｌ width words", "Ünïcödé wörds here", "a b", "  \n "]
    return planted + [r["text"] for r in near_corpus[:60]] + odd


def test_words_of_many_are_each_texts_words(texts):
    for text, got in zip(texts, words_of_many(texts, SEED_NGRAM)):
        one = words_of(text, SEED_NGRAM)
        assert got.text == text
        for a, b in ((got.starts, one.starts), (got.ends, one.ends), (got.hashes, one.hashes), (got.grams, one.grams),
                     (got.breaks, one.breaks)):
            assert a.dtype == b.dtype and np.array_equal(a, b)


def test_words_made_with_the_sketches_are_each_texts_words(texts):
    from dedupe.near.sketch import SUB_BATCH_CHARS

    # several sub-batches (a text longer than one is a sub-batch alone)
    many = texts + ["word " * (SUB_BATCH_CHARS // 4)] + texts[:50]
    corpus, _ = ingest([(str(k), t) for k, t in enumerate(many)], CONFIG, words=True)
    assert len(corpus.words) == len(many)
    for text, got in zip(many, corpus.words):
        one = words_of(text, SEED_NGRAM)
        assert got.text == text
        for a, b in ((got.starts, one.starts), (got.ends, one.ends), (got.hashes, one.hashes), (got.grams, one.grams),
                     (got.breaks, one.breaks)):
            assert a.dtype == b.dtype and np.array_equal(a, b)
    assert ingest([("a", "x y z")], CONFIG)[0].words is None


def _reaching_one_by_one(all_words, drafts, stop, max_df):
    """``reaching`` as its docstring says, document by document."""
    grams = [w.grams for w in all_words]
    open_ = np.unique(np.concatenate([np.zeros(0, dtype=np.uint64), *(g for g, d in zip(grams, drafts) if d)]))
    open_ = open_[~np.isin(open_, stop)]
    near = [bool(d) or bool(np.isin(g, open_).any()) for g, d in zip(grams, drafts)]
    if sum(near) > max_df:
        return near

    def runs(g):  # a hash of each 2 consecutive n-grams shared with a draft
        return combine_ngrams(g, 2)[np.isin(g[:-1], open_) & np.isin(g[1:], open_)] if g.size >= 2 else g[:0]

    theirs = np.concatenate([np.zeros(0, dtype=np.uint64), *(runs(g) for g, d in zip(grams, drafts) if d)])
    return [bool(d) or (x and bool(np.isin(runs(g), theirs).any())) for g, d, x in zip(grams, drafts, near)]


@pytest.mark.parametrize("max_df", [2, 5, 100])
def test_stock_and_reaching_over_all_documents_at_once(texts, max_df):
    rng = np.random.default_rng(max_df)
    words = words_of_many(texts, SEED_NGRAM)
    for trial in range(12):
        picked = [words[i] for i in rng.choice(len(words), size=int(rng.integers(1, 50)), replace=False)]
        table = NGrams(picked)
        assert all(np.array_equal(table.of(i), w.grams) for i, w in enumerate(picked))
        drafts = [False] * len(picked)
        for j in rng.choice(len(picked), size=int(rng.integers(1, 3))):
            drafts[j] = True
        seen = np.unique(np.concatenate([np.zeros(0, dtype=np.uint64), *(w.grams for w in picked)]))
        stock = seen[rng.random(seen.size) < 0.2]

        def archive_df(grams):
            return np.where(np.isin(grams, stock), 10 * max_df, 0)

        got = draft_stock(table, max_df, drafts, archive_df)
        assert np.array_equal(got, np.unique(got))
        for stop in (got, stock, np.zeros(0, dtype=np.uint64)):
            assert reaching(table, drafts, stop, max_df).tolist() == _reaching_one_by_one(picked, drafts, stop, max_df)
        # the stock n-grams of the drafts and of the documents reached are those of counting every document
        every = common_grams(picked, max_df, drafts, archive_df)
        reached = reaching(table, drafts, got, max_df)
        mine = np.concatenate([np.zeros(0, dtype=np.uint64), *(w.grams for w, r in zip(picked, reached) if r)])
        assert np.array_equal(in_sorted(mine, got), in_sorted(mine, every))


def test_in_sorted_with_and_without_its_filter():
    rng = np.random.default_rng(4)
    for size, table_size in ((10, 5), (5000, 300), (20000, 4000), (20000, 5000)):
        table = np.unique(rng.integers(0, 2**63, table_size, dtype=np.int64)).astype(np.uint64)
        values = rng.integers(0, 2**63, size, dtype=np.int64).astype(np.uint64)
        values[::7] = table[rng.integers(0, table.size, values[::7].size)]
        assert in_sorted(values, table).tolist() == np.isin(values, table).tolist()
        small = np.arange(size, dtype=np.int64)  # low bits not uniform: every value passes the filter
        assert in_sorted(small, np.arange(0, 40, 3)).tolist() == np.isin(small, np.arange(0, 40, 3)).tolist()


def test_unit_buckets_of_every_band_at_once(texts, monkeypatch):
    words = words_of_many(texts, SEED_NGRAM)
    for max_df, only, anchor in ((100, None, None), (4, {0, 3}, 4), (100, {1}, 4), (3, None, 4)):
        stop = common_grams(words, 3)
        args = (texts, words, stop, SEED_NGRAM, CONFIG, max_df, None, only, anchor)
        at_once = PC.candidate_codes(*args)
        with monkeypatch.context() as m:  # band by band, the runs spilled in slices
            m.setattr(PC, "ALL_BANDS", 0)
            m.setattr(PC._Slices, "BUFFER", 1)
            assert np.array_equal(PC.candidate_codes(*args), at_once)
        assert at_once.size or only is not None


@pytest.fixture(scope="module")
def signed(texts):
    corpus, _ = ingest([Document(str(i), t) for i, t in enumerate(texts)], CONFIG)
    return corpus.signatures, np.asarray(corpus.sizes)


def _bands(signatures, sizes, docs):
    b, r = CONFIG.lsh_params
    parts = min(ENSEMBLE_PARTITIONS, docs.size)
    return (banding.jaccard_candidates(signatures, docs, b, r),
            banding.containment_candidates(signatures, sizes, docs, 0.8, parts, ENSEMBLE_WEIGHTS))


def test_lsh_bands_at_once_give_the_band_by_band_candidates(signed, monkeypatch):
    signatures, sizes = signed
    rng = np.random.default_rng(2)
    cases = [(signatures, sizes, np.flatnonzero(sizes > 0))]
    for n, values in ((300, 3), (50, 40)):  # many equal values: large groups, keys shared by most rows
        cases.append((rng.integers(0, values, (n, 128)).astype(np.uint64), rng.integers(1, 3000, n), np.arange(n)))
    found = []
    for sig, size, docs in cases:
        at_once = _bands(sig, size, docs)
        found.append(at_once)
        with monkeypatch.context() as m:
            m.setattr(banding, "ALL_BANDS_DOCS", 0)
            one_by_one = _bands(sig, size, docs)
        assert all(np.array_equal(a, b) for a, b in zip(at_once, one_by_one))
        with monkeypatch.context() as m:  # every band's keys alike: the check sends it band by band
            m.setattr(banding, "_stacked", lambda keys: keys.reshape(-1))
            assert all(np.array_equal(a, b) for a, b in zip(_bands(sig, size, docs), one_by_one))
    assert found[0][0].size and found[0][1].size and found[1][0].size


def test_clusters_for_the_drafts_alone_are_those_holding_a_draft():
    docs = [Document(i, t) for i, t in planted_corpus(240)]
    corpus, _ = ingest(docs, CONFIG)
    clusters, assignment = find_clusters(corpus, CONFIG)
    index = {x: i for i, x in enumerate(corpus.ids)}
    rng = np.random.default_rng(6)
    for trial in range(6):
        only = {int(i) for i in rng.choice(len(docs), size=int(rng.integers(1, 12)), replace=False)}
        mine, theirs = find_clusters(corpus, CONFIG, only=only)
        kept = [c for c in clusters if only & {index[m] for m in c.members}]
        assert [(c.members, c.representative) for c in mine] == [(c.members, c.representative) for c in kept]
        assert {i: keep for i, (_, keep) in theirs.items()} == {
            i: keep for i, (cid, keep) in assignment.items() if cid in {c.id for c in kept}}
    assert any(len(c.members) > 2 for c in clusters)


@pytest.mark.parametrize("texts", [[], ["again"], ["", "Culture: one two three.", "Ünïcode Straße İstanbul words here."]])
def test_words_of_sketch_equal_words_of_for_any_batch(texts):
    """The words taken from a sketch's tokens (an archive add's and a check's) are those of
    words_of, for an empty batch too (an add whose documents were all skipped)."""
    from dedupe.archive.keys import batch_tokens
    from dedupe.near.sketch import SketchSettings, sketch_batch
    from dedupe.passages.tokens import words_of_sketch

    sk = sketch_batch((texts, SketchSettings.of(Config(detect_language=False))), keep=True)
    made = words_of_sketch(texts, sk.shingled, SEED_NGRAM)
    assert len(made) == len(texts)
    for text, w in zip(texts, made):
        expected = words_of(text, SEED_NGRAM)
        assert w.starts.tolist() == expected.starts.tolist() and w.hashes.tolist() == expected.hashes.tolist()
    assert [t.tolist() for t in batch_tokens(texts, sk.shingled)] == [w.hashes.tolist() for w in made]
