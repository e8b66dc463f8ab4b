"""Signature schemes: kperm is datasketch's affine64; OPH (optimal densification) is unbiased."""

import numpy as np
import pytest
from datasketch import MinHash

from dedupe import Config
from dedupe.near import signatures as S


def random_sets(rng, size, overlap):
    common = rng.integers(0, 2**63, overlap, dtype=np.int64).astype(np.uint64)
    a = np.concatenate([common, rng.integers(0, 2**63, size - overlap, dtype=np.int64).astype(np.uint64)])
    b = np.concatenate([common, rng.integers(0, 2**63, size - overlap, dtype=np.int64).astype(np.uint64)])
    return a, b


def estimate_errors(scheme, pairs, seed=1):
    errs = []
    for a, b, j in pairs:
        sig = S.batch_signatures(np.concatenate([a, b]), np.array([0, a.size, a.size + b.size]), 128, seed, scheme)
        errs.append(S.estimate(sig[0], sig[1]) - j)
    return np.array(errs)


def test_oph_unbiased_and_no_noisier_than_kperm():
    rng = np.random.default_rng(0)
    pairs = []
    for target in np.linspace(0.3, 1.0, 300):
        size = int(rng.integers(40, 600))  # small sets leave many bins empty: densification
        overlap = int(round(2 * size * target / (1 + target)))
        a, b = random_sets(rng, size, overlap)
        pairs.append((a, b, overlap / (2 * size - overlap)))
    oph = estimate_errors("oph", pairs)
    kperm = estimate_errors("kperm", pairs)
    assert abs(oph.mean()) <= 0.01
    assert oph.std() <= 1.2 * kperm.std()
    assert Config().scheme == "oph"  # the default follows this test


def test_kperm_equals_datasketch_affine64():
    rng = np.random.default_rng(1)
    h = np.unique(rng.integers(0, 2**63, 300, dtype=np.int64).astype(np.uint64))
    m = MinHash(num_perm=128, seed=7, scheme="affine64", hashfunc=lambda x: x)
    m.update_batch([int(x) for x in h])
    assert np.array_equal(m.hashvalues, S.signature(h, 128, 7, "kperm"))


def test_batch_equals_one_at_a_time_and_empty_documents():
    rng = np.random.default_rng(2)
    docs = [rng.integers(0, 2**63, k, dtype=np.int64).astype(np.uint64) for k in (0, 1, 3, 200, 0, 50)]
    offsets = np.concatenate([[0], np.cumsum([d.size for d in docs])])
    for scheme in ("oph", "kperm"):
        batch = S.batch_signatures(np.concatenate(docs), offsets, 64, 3, scheme)
        for i, d in enumerate(docs):
            assert np.array_equal(batch[i], S.signature(d, 64, 3, scheme))
        assert (batch[0] == S.EMPTY).all()
        assert (batch[2] != S.EMPTY).all()  # densified from its few non-empty bins


def test_scheme_recorded_in_parameters():
    assert Config(scheme="kperm").parameters()["hash_scheme"].startswith("kperm:")
    assert Config().parameters()["hash_scheme"].startswith("oph:")


@pytest.mark.parametrize("num_perm,seed", [(128, 1), (64, 7), (256, 12345)])
def test_permutations_are_datasketch_affine64(num_perm, seed):
    from datasketch import MinHash

    from dedupe.near.signatures import DATASKETCH_SCHEME, permutations

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=DATASKETCH_SCHEME).permutations
    ours = permutations(num_perm, seed)
    assert ours[0].ravel().tolist() == a.tolist() and ours[1].ravel().tolist() == b.tolist()
