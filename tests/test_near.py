"""Near-duplicates: signatures, LSH recall, exact verification, containment, clusters."""

import itertools
import random

import numpy as np
import pytest
from datasketch import MinHash

from dedupe import Config, scan
from dedupe.errors import ConfigError
from dedupe.near.clusters import UnionFind, representative
from dedupe.near.lsh import recall_params
from dedupe.near.shingles import combine_ngrams, jaccard, shingle_hashes, token_hashes, words
from dedupe.near.signatures import DATASKETCH_SCHEME, signature


def test_signature_matches_datasketch_affine64():
    sh = shingle_hashes("The quick brown fox jumps over the lazy dog near the river bank today", 3)
    ours = signature(sh, 64, seed=7)
    m = MinHash(num_perm=64, seed=7, scheme=DATASKETCH_SCHEME, hashfunc=lambda x: x)
    m.update_batch([int(h) for h in sh])
    assert np.array_equal(ours, m.hashvalues)


def test_shingles_normalise_case_and_nfkc():
    assert np.array_equal(shingle_hashes("Ｔhe CAT sat on the mat"), shingle_hashes("the cat sat on the mat"))
    assert words("Don’t stop") == ["don", "t", "stop"]


def test_short_text_has_one_shingle_and_empty_has_none():
    assert shingle_hashes("two words").size == 1
    assert shingle_hashes("   ").size == 0


def test_ngram_hash_depends_on_order():
    h = token_hashes(["a", "b", "c"])
    assert combine_ngrams(h, 3)[0] != combine_ngrams(h[::-1].copy(), 3)[0]


def test_char_shingles():
    a = shingle_hashes("abcdef", 3, "char")
    assert a.size == 4
    assert np.array_equal(shingle_hashes("ABC  DEF", 3, "char"), shingle_hashes("abc def", 3, "char"))


def test_exact_jaccard_and_containment():
    a = np.array([1, 2, 3, 4], dtype=np.uint64)
    b = np.array([3, 4, 5, 6, 7, 8], dtype=np.uint64)
    j, ab, ba = jaccard(a, b)
    assert j == pytest.approx(2 / 8) and ab == pytest.approx(0.5) and ba == pytest.approx(2 / 6)


@pytest.mark.parametrize("threshold", [0.5, 0.8, 0.9])
def test_banding_reaches_recall_target(threshold):
    b, r = recall_params(threshold, 128, 0.999)
    assert b * r <= 128
    assert 1 - (1 - threshold**r) ** b >= 0.999


def test_lsh_bands_and_rows_recorded_and_settable():
    chosen = Config().parameters()
    assert (chosen["lsh_bands"], chosen["lsh_rows"]) == recall_params(0.8, 128, 0.999)
    docs = [("a", "one two three four five six seven"), ("b", "one two three four five six seven")]
    report = scan(docs, Config(lsh_bands=16, lsh_rows=8, passages=False, rules=False, detect_language=False))
    assert (report.parameters["lsh_bands"], report.parameters["lsh_rows"]) == (16, 8)
    assert [c.members for c in report.clusters] == [("a", "b")]
    with pytest.raises(ConfigError, match=r"16 \* 16 = 256 > 128; lower them or raise num_perm"):
        Config(lsh_bands=16, lsh_rows=16)


def _generated_corpus(n_bases=120, seed=5):
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(3000)]
    docs = []
    for i in range(n_bases):
        base = [rng.choice(vocab) for _ in range(rng.randint(120, 300))]
        docs.append((f"b{i}", " ".join(base)))
        for v in range(2):
            rate = rng.choice([0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1])
            var = [rng.choice(vocab) if rng.random() < rate else w for w in base]
            docs.append((f"b{i}v{v}", " ".join(var)))
    return docs


def test_recall_and_precision_against_brute_force():
    docs = _generated_corpus()
    cfg = Config(detect_language=False, containment=1.0, passages=False, rules=False)
    report = scan(docs, cfg)
    cluster_of = {m: c.id for c in report.clusters for m in c.members}
    sh = {d: shingle_hashes(t) for d, t in docs}
    truth = set()
    for (a, _), (b, _) in itertools.combinations(docs, 2):
        if jaccard(sh[a], sh[b])[0] >= cfg.threshold:
            truth.add((a, b))
    assert len(truth) > 100, "the generator must produce enough pairs at or above the threshold"
    found = {(a, b) for a, b in truth if a in cluster_of and cluster_of.get(a) == cluster_of.get(b)}
    assert len(found) / len(truth) >= 0.99, len(found) / len(truth)
    # precision: a cluster is inside one connected part of the graph of passing pairs
    passing = {(a, b) for (a, _), (b, _) in itertools.combinations(docs, 2) if max(jaccard(sh[a], sh[b])[1:]) >= 1.0}
    component = {}
    for a, b in sorted(truth | passing):
        ca, cb = component.setdefault(a, {a}), component.setdefault(b, {b})
        if ca is not cb:
            ca |= cb
            for m in cb:
                component[m] = ca
    for c in report.clusters:
        assert set(c.members) <= component[c.members[0]]
        # the spanning set: the representative with every other member, each measured exactly
        assert len(c.pairs) == len(c.members) - 1
        assert {p.b for p in c.pairs} == set(c.members) - {c.representative}
        for p in c.pairs:
            assert p.a == c.representative
            assert abs(p.jaccard - jaccard(sh[p.a], sh[p.b])[0]) < 1e-9
            assert (p.kind == "near-duplicate") == (p.jaccard >= cfg.threshold)


def test_fixture_corpus_clustered_as_planted(near_corpus):
    report = scan([{"id": r["id"], "text": r["text"]} for r in near_corpus], Config(detect_language=False, passages=False, rules=False))
    planted: dict = {}
    for r in near_corpus:
        if r["planted"]:
            planted.setdefault(r["planted"], set()).add(r["id"])
    got = {frozenset(c.members) for c in report.clusters}
    assert got == {frozenset(m) for m in planted.values()}
    kinds = {frozenset((p.a, p.b)): p.kind for c in report.clusters for p in c.pairs}
    for label, members in planted.items():
        if label.startswith("contained"):
            wire = next(m for m in members if m.endswith("-wire"))
            host = next(m for m in members if m.endswith("-host"))
            assert kinds[frozenset((wire, host))] == "contained"
    # keep policy "longest": the host (longer) is kept, the wire story dropped
    by_id = {d.id: d for d in report.documents}
    assert by_id["contained-0-host"].keep and not by_id["contained-0-wire"].keep
    dropped = sum(1 for d in report.documents if not d.keep)
    assert dropped == sum(len(m) - 1 for m in planted.values())


def test_containment_can_be_disabled(near_corpus):
    docs = [{"id": r["id"], "text": r["text"]} for r in near_corpus if r["planted"] == "contained-0"]
    assert scan(docs, Config(detect_language=False, containment=1.0, passages=False, rules=False)).clusters == []


def test_keep_policies():
    chars = [10, 30, 30, 5]
    assert representative([0, 1, 2, 3], chars, "longest") == 1
    assert representative([0, 1, 2, 3], chars, "shortest") == 3
    assert representative([1, 2, 3], chars, "first") == 1


def test_union_find_groups():
    uf = UnionFind()
    uf.union(3, 1)
    uf.union(5, 6)
    uf.union(1, 6)
    uf.union(8, 9)
    assert uf.groups() == [[1, 3, 5, 6], [8, 9]]


def test_sorted_unique_equals_unique():
    """``dedupe.arrays.sorted_unique`` is ``np.unique`` (values, dtype, flattening, empty input)."""
    import numpy as np

    from dedupe.arrays import sorted_unique

    rng = np.random.default_rng(5)
    for n in (0, 1, 2, 50, 1000):
        a = rng.integers(0, 40, n).astype(np.uint64) * np.uint64(2**60 // 40)
        for values in (a, a.astype(np.int64), a[: n - n % 2].reshape(-1, 2) if n > 1 else a, a.astype(np.int32)):
            got, expected = sorted_unique(values), np.unique(values)
            assert got.dtype == expected.dtype and np.array_equal(got, expected)
    for values in ([], [3, 1, 3], np.zeros(0, dtype=np.int64)):
        got, expected = sorted_unique(values), np.unique(values)
        assert got.dtype == expected.dtype and np.array_equal(got, expected)
