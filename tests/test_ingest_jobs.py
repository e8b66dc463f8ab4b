"""With several workers and language identification, ingest sends jobs of LANGUAGE_JOB
documents; the corpus is the same as in one process."""

import numpy as np

from dedupe import ingest as ingest_module
from dedupe.config import Config
from planted import planted_corpus


def test_small_jobs_in_two_workers_give_the_same_corpus(monkeypatch):
    docs = planted_corpus(40)
    one, _ = ingest_module.ingest(docs, Config(workers=1))
    monkeypatch.setattr(ingest_module, "LANGUAGE_JOB", 7)  # six jobs
    two, _ = ingest_module.ingest(docs, Config(workers=2))
    assert two.results == one.results
    assert np.array_equal(two.signatures, one.signatures) and two.sizes == one.sizes
