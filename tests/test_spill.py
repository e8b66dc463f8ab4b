"""Arrays spilled to a temporary file (unit signatures, the stock n-gram count) and the JSON
report written in parts give what holding them whole gave."""

import json

import numpy as np

from dedupe import api
from dedupe.config import Config
from dedupe.io.writers.json import chunks
from dedupe.passages import tokens
from dedupe.spill import Numbers, Spill
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


def test_numbers_read_back_any_range_from_the_file_and_the_buffer():
    rng = np.random.default_rng(3)
    values = rng.integers(-2**31, 2**31, size=1000, dtype=np.int64).astype(np.int32)
    with Numbers("i", buffer=64) as numbers:
        for k in range(0, len(values), 37):  # appends across the buffer's flushes
            numbers.extend(values[k : k + 37].tolist())
        assert len(numbers) == len(values)
        for start, stop in [(0, 0), (0, 1000), (10, 70), (63, 65), (900, 1000), (995, 1000), (500, 499)]:
            assert np.array_equal(numbers.read(start, stop), values[start:max(start, stop)])
            assert numbers.read(start, stop).dtype == np.int32


def test_records_added_one_by_one_or_at_once_read_back_by_number():
    from dedupe.spill import Records

    data = [b"", b"abc", bytes(range(256)), b"x" * 5, b""]
    with Records() as records:
        records.add(data[0])
        records.extend(data[1:4])
        records.extend([])
        records.add(data[4])
        assert len(records) == len(data) and [bytes(records.get(i)) for i in range(len(data))] == data


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


def test_word_store_gives_back_the_words_with_their_order_and_breaks():
    from dedupe.passages.tokens import WordStore

    texts = ["One two three. Four five six seven!", "", "a", "Ünïcode wörds, and more words.\nNew line here"]
    with WordStore(texts.__getitem__, cache=2) as store:
        for t in texts:
            store.append(words_of(t, 3))
        assert len(store) == len(texts)
        for i, t in enumerate(texts):
            made, back = words_of(t, 3), store[i]
            for name in ("starts", "ends", "hashes", "breaks"):
                assert np.array_equal(getattr(made, name), getattr(back, name)), (i, name)
            assert np.array_equal(made.grams, back.grams)
            for a, b in zip(made.index(), back.index()):
                assert np.array_equal(a, b)
            assert made.tokens == back.tokens  # the text read when asked


def _runs_corpus(seed: int) -> list:
    """Texts of a small generated vocabulary (chance three- and four-word runs in common) with
    stretches copied between some of them."""
    rng = np.random.default_rng(seed)
    vocabulary = [f"w{k}" for k in range(150)]

    def sentence(k):
        return " ".join(rng.choice(vocabulary, size=k)).capitalize() + "."

    texts = [" ".join(sentence(int(rng.integers(6, 20))) for _ in range(12)) for _ in range(120)]
    for _ in range(40):
        a, b = rng.integers(0, len(texts), size=2)
        words = texts[a].split()
        start = int(rng.integers(0, len(words) - 12))
        texts[b] += " " + " ".join(words[start : start + int(rng.integers(4, 12))])
    for _ in range(60):  # three-word fragments only, apart: units that collide, no run of four
        a, b = rng.integers(0, len(texts), size=2)
        words = texts[a].split()
        for start in rng.integers(0, len(words) - 3, size=4):
            texts[b] += f" {sentence(3)} " + " ".join(words[start : start + 3])
    return texts


def test_candidate_pairs_without_a_shared_run_change_nothing(monkeypatch):
    """The aligner finds no passage and no related pair in a candidate pair that shares no run
    of ANCHOR_WORDS words of non-stock n-grams, so leaving those pairs out (what
    ``find_reuse`` does) gives the passages and related pairs of aligning every candidate."""
    import dedupe.passages as passages
    from dedupe.model import Document

    texts = _runs_corpus(3)
    docs = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
    config = Config(passage_max_df=8)
    pairs = {}
    original = passages.candidate_codes

    def every(*args, **kwargs):  # the candidates without the run filter
        return original(*args[:8])

    def counted(*args, **kwargs):
        codes = original(*args, **kwargs)
        pairs["kept"] = codes.size
        return codes

    monkeypatch.setattr(passages, "candidate_codes", counted)
    kept = passages.find_reuse(docs, config)
    monkeypatch.setattr(passages, "candidate_codes", every)
    pairs["all"] = original(*_args_of(passages, docs, config)).size
    whole = passages.find_reuse(docs, config)
    assert kept.passages == whole.passages and kept.related == whole.related
    assert whole.related and pairs["kept"] < pairs["all"]  # the filter left pairs out, not every pair


def _args_of(passages, docs, config):
    from dedupe.passages.tokens import stock_grams

    words = [words_of(d.text, passages.SEED_NGRAM) for d in docs]
    stop = stock_grams((w.grams for w in words), config.passage_max_df)
    return [d.text for d in docs], words, stop, passages.SEED_NGRAM, config, config.passage_max_df
