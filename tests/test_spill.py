"""Arrays spilled to a temporary file (unit signatures, the stock n-gram count) and the JSON
report written in parts give what holding them whole gave."""

import json

import numpy as np

from dedupe import api
from dedupe.config import Config
from dedupe.io.writers.json import chunks
from dedupe.passages import tokens
from dedupe.passages.spill import Spill
from dedupe.passages.tokens import common_grams, words_of


def test_spill_gives_back_what_was_added_in_order():
    rng = np.random.default_rng(1)
    blocks = [rng.integers(0, 2**63, size=(k, 2), dtype=np.uint64) for k in (5, 0, 3, 7)]
    with Spill() as spill:
        for k, b in enumerate(blocks):
            spill.add(k % 2, b)
        assert np.array_equal(spill.get(0), np.concatenate(blocks[0::2]))
        assert np.array_equal(spill.get(1), np.concatenate(blocks[1::2]))
        assert spill.get("none", np.uint64, (2,)).shape == (0, 2)


def test_stock_count_in_slices_is_the_count_of_the_whole(monkeypatch):
    rng = np.random.default_rng(2)
    vocabulary = [f"w{k}" for k in range(60)]
    texts = [" ".join(rng.choice(vocabulary, size=80)) for _ in range(120)]
    all_words = [words_of(t, 3) for t in texts]
    values, counts = np.unique(np.concatenate([np.unique(w.grams) for w in all_words]), return_counts=True)
    for buffer in (1, 50, 1 << 20):
        monkeypatch.setattr(tokens, "STOCK_BUFFER", buffer)
        for max_df in (0, 1, 2, 5):
            assert np.array_equal(common_grams(all_words, max_df), values[counts > max_df])


def test_json_report_in_parts_is_json_dumps_of_the_whole():
    shared = "the committee said on Tuesday that the new bridge over the river would open in May"
    docs = [("a", f"Elsewhere, news.\n{shared}. More \"quoted\" text."), ("b", f"Local: {shared}, officials added."),
            ("c", "Ünïcode text with a tab\tand\u2028a line separator.")]
    report = api.scan(docs, Config(detect_language=False), timestamp=False)
    assert report.passages
    whole = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    assert "".join(chunks(report)) == whole
    report.passages, report.errors = [], []
    assert "".join(chunks(report)) == json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
