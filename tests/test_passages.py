"""Shared passages: the seeds' acceptance, a planted-paragraph fixture, alignment edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dedupe import Config, scan
from dedupe.passages import document_reuse, find_passages
from dedupe.passages.candidates import candidate_pairs
from dedupe.passages.tokens import common_grams, words_of
from dedupe.api import ingest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
PLANTED = ROOT / "fixtures" / "passages"


def passages_of(docs, **config):
    cfg = Config(detect_language=False, **config)
    corpus, _ = ingest(list(docs), cfg)
    return find_passages(corpus, cfg)


def norm(s: str) -> str:
    return " ".join(s.replace("’", "'").replace("“", '"').replace("”", '"').split())


# ----- the seeds -----
@pytest.fixture(scope="module")
def seeds_report():
    docs = [(p.name[:3], p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    return scan(docs, Config(detect_language=False, rules=False), timestamp=False), dict(docs)


def shared_texts(report, texts, a, b):
    out = []
    for p in report.passages:
        if {p.a.doc, p.b.doc} == {a, b}:
            out.append((norm(texts[p.a.doc][p.a.start : p.a.end]), norm(texts[p.b.doc][p.b.start : p.b.end])))
    return out


@pytest.mark.parametrize(
    "a, b, phrase",
    [
        ("001", "003", "Russia does not have a veto"),
        ("001", "003", "Finland and Sweden as NATO members"),
        ("001", "003", "applied for membership in April"),
        ("001", "003", "might target them next"),
        ("001", "003", "We stand by that, too, on membership for Ukraine"),
        ("002", "003", "is depriving millions of Ukrainians of basic human services"),
        ("002", "003", "as it continues to defend its sovereignty and territorial integrity"),
    ],
)
def test_seeds_shared_blocks_are_passages_on_both_sides(seeds_report, a, b, phrase):
    report, texts = seeds_report
    pairs = shared_texts(report, texts, a, b)
    assert any(phrase in ta and phrase in tb for ta, tb in pairs), pairs


def test_seeds_joint_statement_is_one_edited_passage(seeds_report):
    report, texts = seeds_report
    for ta, tb in shared_texts(report, texts, "002", "003"):
        if "sovereignty" in ta:
            # the re-worded verbs ("increase" / "step up") are bridged, not split
            assert "We will continue and further" in ta and "will maintain our support" in ta
            assert "We will continue and further" in tb and "will maintain our support" in tb
            break
    else:
        pytest.fail("joint statement not found")


def test_seeds_stock_slogans_are_not_passages(seeds_report):
    report, _ = seeds_report
    assert not [p for p in report.passages if {p.a.doc, p.b.doc} == {"001", "004"} and p.words >= 10]
    # 000 shares no agency copy with anyone
    assert not [p for p in report.passages if "000" in (p.a.doc, p.b.doc)]


def test_seeds_reuse_fractions(seeds_report):
    report, _ = seeds_report
    d3 = report.document("003")
    assert 0.1 < d3.reused_fraction < 0.4
    assert [s["doc"] for s in d3.shared_with] == ["002", "001"]
    assert d3.shared_with[0]["fraction"] >= d3.shared_with[1]["fraction"]
    assert abs(d3.reused_fraction - sum(s["fraction"] for s in d3.shared_with)) < 1e-9  # disjoint here
    assert report.document("000").reused_fraction == 0 and report.document("000").shared_with == []


def test_seeds_passage_offsets_are_on_word_boundaries(seeds_report):
    report, texts = seeds_report
    assert report.passages
    for p in report.passages:
        for span in (p.a, p.b):
            t = texts[span.doc]
            assert t[span.start].isalnum() and t[span.end - 1].isalnum()
            assert span.start == 0 or not t[span.start - 1].isalnum()
            assert span.end == len(t) or not t[span.end].isalnum()


def test_no_passages_when_disabled():
    docs = [(p.name[:3], p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    r = scan(docs, Config(detect_language=False, rules=False, passages=False), timestamp=False)
    assert r.passages == [] and all(d.reused_fraction == 0 for d in r.documents)


# ----- the planted fixture -----
def overlap(spans, target):
    """Character-level overlap |covered & target| / |covered | target| of a union of spans."""
    covered = set()
    for s, e in spans:
        covered |= set(range(s, e))
    t = set(range(*target))
    return len(covered & t) / len(covered | t)


@pytest.fixture(scope="module")
def planted():
    manifest = json.loads((PLANTED / "planted.json").read_text(encoding="utf-8"))
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(PLANTED.glob("host*.txt"))}
    return manifest, texts, passages_of(sorted(texts.items()))


def test_fixture_manifest_offsets_hold(planted):
    manifest, texts, _ = planted
    sources = {s["source"]: s["text"] for s in manifest["sources"]}
    for p in manifest["planted"]:
        body = texts[p["doc"]][p["start"] : p["end"]]
        if p["edit"] == "verbatim":
            assert body == sources[p["source"]]
        else:
            assert body != sources[p["source"]]


def test_fixture_every_planted_pair_is_recovered(planted):
    manifest, texts, found = planted
    by_source: dict = {}
    for p in manifest["planted"]:
        by_source.setdefault(p["source"], []).append(p)
    checked = 0
    for group in by_source.values():
        for i, x in enumerate(group):
            for y in group[i + 1 :]:
                between = [p for p in found if {p.a.doc, p.b.doc} == {x["doc"], y["doc"]}]
                spans_x = [(s.start, s.end) for p in between for s in (p.a, p.b) if s.doc == x["doc"]]
                spans_y = [(s.start, s.end) for p in between for s in (p.a, p.b) if s.doc == y["doc"]]
                ox = overlap(spans_x, (x["start"], x["end"]))
                oy = overlap(spans_y, (y["start"], y["end"]))
                assert ox >= 0.9 and oy >= 0.9, (x, y, ox, oy)
                checked += 1
    assert checked == 11  # 3 sources in 3 hosts (3 pairs each) + 2 sources in 2 hosts


def test_fixture_reports_nothing_beyond_the_planted(planted):
    manifest, _, found = planted
    spans: dict = {}
    for p in manifest["planted"]:
        spans.setdefault(p["doc"], []).append((p["source"], p["start"], p["end"]))
    assert found
    evidenced = set()
    for p in found:
        src_a = {s for s, st, en in spans.get(p.a.doc, []) if st <= p.a.start and p.a.end <= en}
        src_b = {s for s, st, en in spans.get(p.b.doc, []) if st <= p.b.start and p.b.end <= en}
        if p.words >= Config().passage_min_words:
            assert src_a & src_b, p  # both sides inside planted copies of one source paragraph
            evidenced.add((p.a.doc, p.b.doc))
    for p in found:  # shorter runs (a named entity, a clause) count only in a pair with evidence
        if p.words < Config().passage_min_words:
            assert (p.a.doc, p.b.doc) in evidenced and p.kind == "verbatim", p


def test_fixture_candidates_are_not_all_pairs(planted):
    _, texts, _ = planted
    items = sorted(texts.items())
    ws = [words_of(t, 3) for _, t in items]
    pairs = candidate_pairs([t for _, t in items], ws, common_grams(ws, 100), 3, Config(), 100)
    all_pairs = len(items) * (len(items) - 1) // 2
    assert len(pairs) < all_pairs / 2, (len(pairs), all_pairs)


# ----- alignment edge cases -----
BODY = (
    "The regional water authority confirmed on Monday that the northern reservoir had fallen to "
    "its lowest level in forty years, and that rationing would begin across three districts next week."
)
HOST_A = "Farmers met in the town hall to discuss prices for the coming harvest season. "
HOST_B = "A new library opened downtown after two years of delays and rising construction costs. "


def one(passages):
    assert len(passages) == 1, passages
    return passages[0]


def test_verbatim_copy_offsets_and_kind():
    a, b = HOST_A + BODY, BODY + " " + HOST_B
    p = one(passages_of([("a", a), ("b", b)]))
    assert a[p.a.start : p.a.end] == BODY[:-1] and b[p.b.start : p.b.end] == BODY[:-1]  # ends on a word
    assert p.kind == "verbatim" and p.similarity == 1.0 and p.words == len(words_of(BODY, 3)) == 30


def test_curly_quotes_and_case_do_not_break_a_match():
    body = 'He said "we will not stop until the last family in the valley has clean water again" today.'
    curly = body.replace('"we', "“We").replace('again"', "again”")
    p = one(passages_of([("a", HOST_A + body), ("b", curly + HOST_B)]))
    assert p.kind == "verbatim"


def test_changed_word_and_shortened_name_are_bridged():
    a = HOST_A + "Minister Maria Gonzalez " + BODY
    b = "Gonzalez " + BODY.replace("confirmed", "announced").replace("three", "four") + " " + HOST_B
    p = one(passages_of([("a", a), ("b", b)]))
    assert p.kind == "edited" and 0.85 < p.similarity < 1.0
    assert a[p.a.start : p.a.end].startswith("Gonzalez The regional") and b[p.b.start :].startswith("Gonzalez The")


def test_cut_clause_is_bridged():
    cut = BODY.replace(" to its lowest level in forty years,", ",")
    p = one(passages_of([("a", HOST_A + BODY), ("b", cut)]))
    assert p.words == len(cut.split()) and p.kind == "edited"


def test_minimum_length_counts_shared_words():
    eight = "the harbour pilots union voted to strike from Friday"  # 9 words
    a, b = HOST_A + eight + ".", eight + ". " + HOST_B
    assert one(passages_of([("a", a), ("b", b)], passage_min_words=9)).words == 9
    assert passages_of([("a", a), ("b", b)], passage_min_words=10) == []


def test_shared_three_word_runs_alone_are_not_a_passage():
    # many short common runs ("as long as", "will continue to") in a row are not copy
    a = "NATO will continue to stand with Ukraine as long as it takes and we will back them."
    b = "Allies will continue to support Kyiv as long as necessary, and we will back them too."
    assert passages_of([("a", a), ("b", b)], passage_min_words=8) == []


def test_large_gap_splits_passages():
    other = "Tourism officials expect visitor numbers to recover strongly once the new airport terminal opens."
    a = HOST_A + BODY + " " + other
    b = BODY + " " + HOST_B + " " + other
    found = passages_of([("a", a), ("b", b)])
    assert len(found) == 2 and {p.kind for p in found} == {"verbatim"}


def test_repeated_paragraph_uses_each_word_once():
    a = BODY + " " + HOST_A + BODY
    b = HOST_B + BODY
    p = one(passages_of([("a", a), ("b", b)]))
    assert b[p.b.start : p.b.end] == BODY[:-1]


def test_stock_ngrams_in_many_documents_are_not_passages():
    stock = "we will stand with our friends for as long as it takes whatever the cost"
    docs = [(f"d{i}", f"{topic} {stock}.") for i, topic in enumerate(
        ["Storms hit the coast.", "Markets fell sharply.", "The team won the cup.", "Prices rose in June."]
    )]
    assert len(passages_of(docs, passage_max_df=10)) == 6  # every pair shares it
    assert passages_of(docs, passage_max_df=3) == []  # found in 4 documents: stock phrase


def test_unrelated_documents_share_nothing():
    assert passages_of([("a", HOST_A * 3), ("b", HOST_B * 3)]) == []


def test_deterministic_order():
    docs = [("x", HOST_A + BODY), ("y", BODY + " " + HOST_B), ("z", "Tourism is up. " + BODY)]
    first = passages_of(docs)
    assert first == passages_of(docs)
    assert [(p.a.doc, p.b.doc) for p in first] == [("x", "y"), ("x", "z"), ("y", "z")]


def test_document_reuse_fractions():
    a, b = HOST_A + BODY, BODY
    found = passages_of([("a", a), ("b", b)])
    reuse = document_reuse({"a": a, "b": b}, found)
    n_a, n_body = len(words_of(a, 3)), len(words_of(BODY, 3))
    assert reuse["a"][0] == pytest.approx(n_body / n_a)
    assert reuse["b"] == (1.0, [{"doc": "a", "fraction": 1.0}])


def test_word_after_two_copies_of_a_paragraph_is_not_taken():
    a = HOST_A + "\n\n" + BODY + "\n\nThe mayor was not available for comment."
    b = BODY + "\n\nThe ministry published new figures on Friday."
    p = one(passages_of([("a", a), ("b", b)]))
    assert a[p.a.start : p.a.end] == BODY[:-1] and b[p.b.start : p.b.end] == BODY[:-1]


# ----- issue 8: wrapped wire copy, short runs once a pair has evidence -----
def test_hard_wrapped_copy_is_not_cut_at_each_line():
    import textwrap

    wrapped = textwrap.fill(BODY, 60)
    assert wrapped.count("\n") >= 3
    p = one(passages_of([("wire", wrapped + "\n"), ("paper", HOST_A + BODY)]))
    assert p.words == len(BODY.split())


def test_short_run_counts_only_in_a_pair_with_evidence():
    short = "the ferry operator cancelled crossings"  # five words, uncommon ones
    a, b = HOST_A + BODY + " Meanwhile " + short + ".", BODY + " " + HOST_B + " Later " + short + " again."
    found = passages_of([("a", a), ("b", b)])
    assert any(b[p.b.start : p.b.end] == short for p in found)
    # the same five words alone are not a passage
    assert passages_of([("a", HOST_A + " " + short + "."), ("b", HOST_B + " " + short + ".")]) == []


def _datasketch_candidate_pairs(texts, all_words, stop, n, config, max_df):
    """The reference: units in datasketch's MinHashLSH, its buckets read back."""
    import numpy as np
    from datasketch import MinHashLSH

    from dedupe.near.lsh import recall_params
    from dedupe.near.signatures import lean, signature
    from dedupe.passages.candidates import UNIT_PERM, UNIT_RECALL, UNIT_THRESHOLD, unit_ranges

    lsh = MinHashLSH(num_perm=UNIT_PERM, params=recall_params(UNIT_THRESHOLD, UNIT_PERM, UNIT_RECALL))
    unit_doc = []
    for d, (text, words) in enumerate(zip(texts, all_words)):
        for w0, w1 in unit_ranges(text, words):
            grams = np.unique(words.grams[w0 : max(w0, w1 - n + 1)])
            grams = grams[~np.isin(grams, stop)] if stop.size else grams
            if grams.size:
                lsh.insert(len(unit_doc), lean(signature(grams, UNIT_PERM, config.seed), config.seed), check_duplication=False)
                unit_doc.append(d)
    found = set()
    for table in lsh.hashtables:
        for key, count in table.itemcounts().items():
            docs = sorted({unit_doc[u] for u in table.get(key)})
            if count >= 2 and 2 <= len(docs) <= max_df:
                found.update((d, e) for i, d in enumerate(docs) for e in docs[i + 1 :])
    return sorted(found)


@pytest.mark.parametrize("max_df", [2, 100])
def test_candidates_are_datasketch_minhashlsh_buckets(planted, max_df):
    _, texts, _ = planted
    items = [t for _, t in sorted(texts.items())]
    ws = [words_of(t, 3) for t in items]
    stop = common_grams(ws, 100)
    ours = candidate_pairs(items, ws, stop, 3, Config(), max_df)
    assert ours and ours == _datasketch_candidate_pairs(items, ws, stop, 3, Config(), max_df)


def test_candidates_when_band_keys_collide(planted, monkeypatch):
    """Rows that share a 64-bit band key but differ are never one bucket: with every key
    made equal, the exact sort gives the same pairs."""
    import dedupe.passages.candidates as cand

    _, texts, _ = planted
    items = [t for _, t in sorted(texts.items())]
    ws = [words_of(t, 3) for t in items]
    stop = common_grams(ws, 100)
    hashed = candidate_pairs(items, ws, stop, 3, Config(), 100)
    monkeypatch.setattr(cand, "band_key", lambda block, start, end: np.zeros(block.shape[0], dtype=np.uint64))
    assert hashed and candidate_pairs(items, ws, stop, 3, Config(), 100) == hashed


def test_workers_find_the_same_reuse_as_one_process(planted, monkeypatch):
    """Words, units and alignments in two worker processes, several jobs each: the same
    passages, related pairs and stock n-grams as in one process."""
    import dedupe.passages as passages
    from dedupe.passages import candidates, find_reuse

    _, texts, _ = planted
    docs = sorted(texts.items())
    cfg = Config(detect_language=False)
    corpus, _ = ingest(list(docs), cfg)
    one = find_reuse(corpus, cfg)
    assert len(one.passages) > 10
    monkeypatch.setattr(passages, "DOCS_PER_JOB", 3)
    monkeypatch.setattr(candidates, "DOCS_PER_JOB", 3)
    monkeypatch.setattr(passages, "PAIRS_PER_JOB", 2)
    two = find_reuse(corpus, Config(detect_language=False, workers=2))
    assert two.passages == one.passages and two.related == one.related
    assert two.stock.tolist() == one.stock.tolist()
    assert all(np.array_equal(two.words[i].grams, one.words[i].grams) for i in one.words)


def _seeds_one_by_one(a, b, stop):
    """Seeds as dictionaries of positions per shared n-gram (the straightforward way)."""
    from dedupe.passages.align import MAX_REPEATS, shared_grams

    shared = set(shared_grams(a, b, stop).tolist())
    pos_a: dict = {}
    pos_b: dict = {}
    for i, g in enumerate(a.grams.tolist()):
        if g in shared:
            pos_a.setdefault(g, []).append(i)
    for j, g in enumerate(b.grams.tolist()):
        if g in shared:
            pos_b.setdefault(g, []).append(j)
    return sorted((i, j) for g, ia in pos_a.items() if len(ia) * len(pos_b[g]) <= MAX_REPEATS for i in ia for j in pos_b[g])


def test_seeds_equal_the_straightforward_ones(planted):
    import sys

    align_module = sys.modules["dedupe.passages.align"]
    _, texts, _ = planted
    words = [words_of(t, 3) for _, t in sorted(texts.items())]
    words.append(words_of("the cat sat. " * 30 + "one two three four", 3))  # repeated n-grams
    words.append(words_of("the cat sat. " * 3 + "x y " * 40 + "one two three four", 3))
    stop = np.zeros(0, dtype=np.uint64)
    for a in words:
        for b in words:
            i, j = align_module.seeds(a, b, stop)
            assert sorted(zip(i.tolist(), j.tolist())) == _seeds_one_by_one(a, b, stop)


def test_runs_by_array_operations_as_seed_by_seed():
    """The aligner's runs (made by array operations) are those seeds joined one by one make:
    by diagonal, then position, a seed continuing the run before it on its diagonal."""
    import random

    from dedupe.passages.align import runs

    def one_by_one(pairs, n):
        out = []
        for i, j in sorted(zip(pairs[0].tolist(), pairs[1].tolist()), key=lambda p: (p[1] - p[0], p[0])):
            if out and j - i == out[-1][1] - out[-1][0] and i <= out[-1][0] + out[-1][2] - n + 1:
                out[-1] = (out[-1][0], out[-1][1], i + n - out[-1][0])
            else:
                out.append((i, j, n))
        return out

    rng = random.Random(4)
    for k in range(500):
        size = rng.randint(1, 60)
        seeds = {(rng.randrange(size), rng.randrange(size)) for _ in range(rng.randint(0, 40))}
        for _ in range(rng.randint(0, 3)):  # stretches of one diagonal, with holes
            a, b = rng.randrange(size), rng.randrange(size)
            seeds |= {(a + x, b + x) for x in range(rng.randint(1, 12)) if rng.random() < 0.8}
        seeds = sorted(seeds, key=lambda _: rng.random())
        dtype = (np.int64, np.uint16)[k % 2]  # (positions read back from a store are unsigned)
        pairs = (np.array([s[0] for s in seeds], dtype=dtype), np.array([s[1] for s in seeds], dtype=dtype))
        n = rng.randint(1, 5)
        assert runs(pairs, n) == one_by_one(pairs, n)


def test_runs_of_many_pairs_at_once_as_of_each(planted):
    """``pair_runs`` (the seeds and runs of many pairs in one pass of array operations, as
    ``align_pairs`` finds them) gives each pair the runs of its own seeds and the count of its
    shared n-grams, with and without stock n-grams, pairs of empty and repeating texts among them."""
    from dedupe.passages.align import pair_runs, runs, seeds, shared_grams

    _, texts, _ = planted
    words = [words_of(t, 3) for _, t in sorted(texts.items())]
    words.append(words_of("the cat sat. " * 30 + "one two three four", 3))  # repeated n-grams
    words.append(words_of("the cat sat. " * 3 + "x y " * 40 + "one two three four", 3))
    words.append(words_of("", 3))
    pairs = [(a, b) for a in words for b in words]
    for stop in (np.zeros(0, dtype=np.uint64), np.unique(np.concatenate([w.grams[::7] for w in words]))):
        found, shared = pair_runs(pairs, stop, 3)
        assert found == [runs(seeds(a, b, stop), 3) for a, b in pairs]
        assert shared == [shared_grams(a, b, stop).size for a, b in pairs]
        assert sum(map(len, found)) > len(pairs)


def test_words_inside_many_spans_as_inside_each():
    """``inside`` with many spans (a binary search in their starts) marks the words that one
    span or another holds (each span tested alone)."""
    import random

    from dedupe.passages import inside

    rng = random.Random(8)
    for k in range(300):
        starts = np.sort(np.array([rng.randrange(300) for _ in range(rng.randint(0, 40))], dtype=(np.int32, np.int64)[k % 2]))
        ends = starts + np.array([rng.randint(1, 8) for _ in range(starts.size)], dtype=starts.dtype)
        words = type("W", (), {"starts": starts, "ends": ends, "__len__": lambda self: int(starts.size)})()
        spans = [(s, s + rng.randint(0, 40)) for s in (rng.randrange(320) for _ in range(rng.randint(0, 8)))]
        mids = (starts + ends) / 2
        each = np.zeros(starts.size, dtype=bool)
        for s, e in spans:
            each |= (mids >= s) & (mids < e)
        assert (inside(words, spans) == each).all()
