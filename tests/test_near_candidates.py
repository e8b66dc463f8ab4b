"""Array banding returns exactly datasketch's candidates; the fast pipeline gives the same
clusters as the straightforward reference implementation."""

import numpy as np
import pytest
from datasketch.lshensemble_partition import optimal_partitions as datasketch_partitions

from dedupe import Config, scan
from dedupe.near import banding
from dedupe.near.lsh import ENSEMBLE_WEIGHTS, CandidateIndex, DatasketchCandidateIndex, plausible
from dedupe.near.reference import reference_clusters
from dedupe.near.shingles import shingle_hashes
from dedupe.near.signatures import signature
from planted import planted_corpus


@pytest.fixture(scope="module")
def corpus():
    return planted_corpus(240)


@pytest.mark.parametrize("scheme", ["oph", "kperm"])
def test_same_candidates_as_datasketch(corpus, scheme):
    config = Config(scheme=scheme)
    sh = [shingle_hashes(t) for _, t in corpus]
    sigs = np.array([signature(s, 128, 1, scheme) for s in sh])
    sizes = [s.size for s in sh]
    fast, ref = CandidateIndex(config), DatasketchCandidateIndex(config)
    fast.add_all(sigs, sizes)
    ref.add_all(sigs, sizes)
    ours, theirs = fast.pairs(), ref.pairs()
    # ours = datasketch's minus containment-only candidates that cannot pass verification
    assert ours <= theirs
    n = len(sizes)
    extra = np.array(sorted(i * n + j for i, j in theirs - ours), dtype=np.int64)
    assert plausible(extra, sigs, np.array(sizes), config).size == 0
    raw = set(banding.decode(np.concatenate([
        banding.jaccard_candidates(sigs, np.arange(n), *fast.params),
        banding.containment_candidates(sigs, np.array(sizes), np.arange(n), 0.8, 16, ENSEMBLE_WEIGHTS),
    ]), n))
    assert raw == theirs  # the array banding itself is exactly datasketch's (no key is shared
    # by more than MAX_SHARED documents here)


def test_partitions_equal_datasketch():
    rng = np.random.default_rng(5)
    for num_part in (2, 3, 8, 16):
        sizes = np.unique(rng.integers(1, 2000, 120))
        counts = rng.integers(1, 40, sizes.size)
        ours = [tuple(map(int, p)) for p in banding.optimal_partitions(sizes, counts, num_part)]
        theirs = [tuple(map(int, p)) for p in datasketch_partitions(sizes, counts, num_part)]
        assert ours == theirs


@pytest.mark.parametrize("scheme", ["oph", "kperm"])
def test_same_clusters_as_reference(corpus, scheme):
    config = Config(scheme=scheme, detect_language=False, passages=False, rules=False)
    report = scan(corpus, config)
    expected = reference_clusters(corpus, config)
    assert [c.to_dict() for c in report.clusters] == [c.to_dict() for c in expected]
    kinds = {p.kind for c in report.clusters for p in c.pairs}
    assert kinds == {"near-duplicate", "contained"}  # the planted corpus has both


@pytest.mark.parametrize("key", sorted(banding._KNOWN_PARAMS))
def test_known_ensemble_params_equal_datasketch(key):
    from datasketch import MinHashLSHEnsemble

    threshold, num_perm, weights = key
    ens = MinHashLSHEnsemble(threshold=threshold, num_perm=num_perm, num_part=1, weights=weights)
    xqs, params = banding.ensemble_params(threshold, num_perm, weights)
    assert np.array_equal(xqs, ens.xqs)
    assert np.array_equal(params, ens.params)
    other_xqs, other = banding.ensemble_params(0.7, num_perm, weights)  # not precomputed
    expected = MinHashLSHEnsemble(threshold=0.7, num_perm=num_perm, num_part=1, weights=weights)
    assert np.array_equal(other, expected.params) and np.array_equal(other_xqs, expected.xqs)


def test_groups_of_equal_keys_with_slot_collisions():
    rng = np.random.default_rng(3)
    for n in (0, 1, 2, 5, 100, 3000):
        # keys sharing low bits without being equal (multiples of 2**20), and repeats
        keys = (rng.integers(0, 50, n).astype(np.uint64) << np.uint64(20)) | rng.integers(0, 2, n).astype(np.uint64)
        keys[: n // 3] = rng.integers(0, 2**63, n // 3).astype(np.uint64)
        order, starts, sizes = banding._groups_of_equal(keys)
        groups = [order[s : s + z].tolist() for s, z in zip(starts.tolist(), sizes.tolist())]
        expected = {}
        for i, k in enumerate(keys.tolist()):
            expected.setdefault(k, []).append(i)
        assert [sorted(g) for g in groups] == [v for _, v in sorted(expected.items()) if len(v) > 1]


@pytest.mark.parametrize("n", [1, 16, 128, 256])
def test_binomial_tail_decided_as_scipys_bdtr(n):
    """``binomial_tail_at_least`` (thresholds per count, no scipy import) decides as
    ``bdtr(k, n, p) >= least`` does: random points, every count's root and points just
    around it (those within _UNSURE are asked of scipy), the ends and NaN."""
    from scipy.special import bdtr

    from dedupe.near.lsh import IMPLAUSIBLE, binomial_tail_at_least, tail_roots

    rng = np.random.default_rng(n)
    ks = np.arange(n + 1)
    roots = tail_roots(n, IMPLAUSIBLE, ks).copy()
    k = np.concatenate([rng.integers(0, n + 1, 200_000), *[ks] * 6, [0, n, 0]])
    p = np.concatenate([rng.random(200_000), roots, np.nextafter(roots, 0), roots - 1e-8, roots + 1e-8,
                        roots - 3e-9, roots + 2e-7, [0.0, 1.0, np.nan]])
    with np.errstate(invalid="ignore"):
        expected = bdtr(k, n, p) >= IMPLAUSIBLE
    assert np.array_equal(binomial_tail_at_least(k, n, p, IMPLAUSIBLE), expected)
    assert expected.any() and not expected.all()


def test_tail_roots_the_same_computed_a_few_at_a_time(monkeypatch):
    from dedupe.near import lsh

    monkeypatch.setattr(lsh, "_ROOTS", {})
    whole = lsh.tail_roots(128, lsh.IMPLAUSIBLE, np.arange(129)).copy()
    monkeypatch.setattr(lsh, "_ROOTS", {})
    for part in (np.array([70, 3]), np.array([3, 128, 5]), np.arange(129)):
        pieces = lsh.tail_roots(128, lsh.IMPLAUSIBLE, part)
    assert np.array_equal(pieces, whole) and not np.isnan(whole).any() and whole[128] == 1.0
    assert lsh.binomial_tail_at_least(np.array([], dtype=np.int64), 128, np.array([]), lsh.IMPLAUSIBLE).size == 0
