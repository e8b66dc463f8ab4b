"""The derivation verdict: features from the union of shared spans, dates give the direction,
the shipped model is plain numbers, and the report/schema carry it."""

from __future__ import annotations

import json

import numpy as np

from dedupe import Config, scan
from dedupe.derivation import FEATURES, when
from dedupe.derivation.model import MODEL_PATH, probabilities

WIRE_1 = ("The regional water authority said on Tuesday that reservoir levels had fallen to their lowest "
          "point since records began, and that a hosepipe ban would take effect from the first of next month. "
          "Engineers have been sent to repair leaking mains across the northern districts of the county.")
WIRE_2 = ("Farmers in the eastern valleys warned that crops planted in the spring could fail without "
          "emergency irrigation, the agricultural union said in a statement issued late on Wednesday night. "
          "The union asked ministers to release funds held back since the last drought ended.")
OWN = ("Readers have written to us about the state of the parks in the town centre this summer. "
       "Our reporter visited three of them and spoke to gardeners about watering the flower beds.")
OTHER = ("A local football club has appointed a new manager after a disappointing season in which "
         "the team finished near the bottom of the league table and lost both cup ties at home.")


def verdicts(docs):
    r = scan(docs, Config(detect_language=False, rules=False), timestamp=False)
    return {d.id: d.derivation for d in r.documents}, r


def test_union_of_several_sources_makes_a_wholly_derived_article():
    article = WIRE_1 + " " + WIRE_2
    v, _ = verdicts([
        {"id": "w1", "text": WIRE_1 + " " + OTHER, "date": "2024-05-01T08:00"},
        {"id": "w2", "text": WIRE_2 + " " + OWN, "date": "2024-05-01T09:00"},
        {"id": "paper", "text": article, "date": "2024-05-02"},
    ])
    assert v["paper"]["label"] == "wholly" and v["paper"]["coverage"] > 0.9
    assert v["paper"]["sources"] == ["w1", "w2"] and v["paper"]["direction"] == "dates"
    # the wire stories are dated earlier: the paper is not their source
    assert v["w1"]["sources"] == [] and v["w1"]["label"] == "none"


def test_partly_copied_and_unrelated_articles():
    v, _ = verdicts([("w1", WIRE_1), ("paper", OWN + " " + WIRE_1 + " " + OTHER), ("other", "Snow is forecast for the hills at the weekend, with strong winds on the coast.")])
    assert v["paper"]["label"] in ("partially", "wholly") and v["paper"]["direction"] == "unknown"
    assert v["paper"]["sources"] == ["w1"] and 0.3 < v["paper"]["coverage"] < 0.6
    assert v["other"]["label"] == "none"


def test_no_shared_text_is_none():
    v, _ = verdicts([("a", WIRE_1), ("b", OTHER)])
    assert v["a"] == {"label": "none", "score": v["a"]["score"], "coverage": 0.0, "sources": [], "direction": None}
    assert v["a"]["score"] < 0.5


def test_dates():
    assert when("2024-05-01") < when("2024-05-01T10:00:00Z")
    assert when("2024-05-01T12:00:00+02:00") == when("2024-05-01T10:00:00")
    assert when("yesterday") is None and when(None) is None


def test_model_is_plain_numbers_in_feature_order():
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert model["features"] == list(FEATURES)
    assert np.array(model["coef"]).shape == (3, len(FEATURES))
    p = probabilities(np.zeros(len(FEATURES)))
    assert p.shape == (1, 3) and abs(p.sum() - 1) < 1e-9
    # more shared text never makes "none" more likely
    low, high = np.full(len(FEATURES), 0.1), np.full(len(FEATURES), 0.8)
    assert probabilities(high)[0][0] < probabilities(low)[0][0]


def test_report_json_carries_the_verdict_and_validates():
    import jsonschema

    from dedupe.io.writers.json import schema

    _, report = verdicts([("w1", WIRE_1), ("paper", WIRE_1 + " " + OWN)])
    data = report.to_dict()
    jsonschema.validate(data, schema())
    assert {d["id"]: d["derivation"]["label"] for d in data["documents"]}["paper"] != "none"


def test_against_judges_drafts_on_the_archive_only():
    r = scan([("draft", WIRE_1 + " " + OWN), ("draft2", WIRE_1)], Config(detect_language=False, rules=False),
             archive=[("wire", WIRE_1 + " " + OTHER)], timestamp=False)
    d = {x.id: x.derivation for x in r.documents}
    assert d["draft"]["sources"] == ["wire"] and d["draft"]["label"] != "none"
    assert d["wire"] is None


# an article with a few short stretches from the wire story (no run of 8 words: no passage)
SHORT = ("Councillors met in the town hall last night to discuss the budget for next year. "
         "Reservoir levels had fallen to their lowest, one of them said. "
         "Engineers have been sent to repair the pumps, the mayor added. "
         "The mayor promised a report on road repairs before the spring.")


def test_short_stretches_without_a_passage_still_compare_with_their_source():
    from dedupe.api import ingest
    from dedupe.derivation import feature_table
    from dedupe.passages import find_reuse

    cfg = Config(detect_language=False)
    corpus, _ = ingest([("wire", WIRE_1 + " " + OTHER), ("paper", SHORT), ("far", OWN)], cfg)
    reuse = find_reuse(corpus, cfg)
    assert reuse.passages == []  # the pair has no evidence: no passage is reported
    assert reuse.related == [("wire", "paper")]
    table = feature_table(corpus, reuse)
    x, sources, _ = table["paper"]
    assert sources == ["wire"]
    f = dict(zip(FEATURES, x))
    assert f["coverage"] == 0 and f["runs"] == 0 and f["sources"] > 0
    assert f["containment_3"] > 0.05  # "reservoir levels had fallen to their lowest"
    assert "far" not in table


def test_common_phrases_alone_relate_no_documents():
    from dedupe.api import ingest
    from dedupe.passages import find_reuse

    a = "The museum opened its doors for the first time in a decade, and the queues were long."
    b = "Our local team won the cup for the first time in its history after a tense final."
    cfg = Config(detect_language=False)
    corpus, _ = ingest([("a", a), ("b", b)], cfg)
    reuse = find_reuse(corpus, cfg)
    assert reuse.related == [] and reuse.passages == []
    v, _ = verdicts([("a", a), ("b", b)])
    assert v["a"]["sources"] == [] and v["a"]["label"] == "none"


def test_containment_features_equal_those_from_the_union_of_the_sources():
    """The containment features test membership source by source; the share is the one of
    the n-grams found in the union of the sources' sets."""
    from dedupe.derivation.features import _in_any

    rng = np.random.default_rng(3)
    for _ in range(50):
        pool = np.unique(rng.integers(0, 2**64, 400, dtype=np.uint64))
        mine = np.unique(rng.choice(pool, rng.integers(1, 100)))
        sets = [np.unique(rng.choice(pool, rng.integers(0, 200))) for _ in range(rng.integers(1, 6))]
        union = np.unique(np.concatenate(sets))
        assert _in_any(mine, sets).tolist() == np.isin(mine, union, assume_unique=True).tolist()


def test_numbered_as_ranks_among_the_distinct_hashes():
    """``numbered`` (a stable sort of the sets laid end to end, ranks scattered back) gives
    each hash its rank among the distinct hashes of all the sets (a binary search of each in
    them), with empty sets and hashes shared by several sets among them."""
    import random

    from dedupe.derivation.features import numbered

    rng = random.Random(3)
    for _ in range(200):
        pool = [rng.getrandbits(64) for _ in range(rng.randint(1, 60))]
        sets = [np.unique(np.array(rng.sample(pool, rng.randint(0, len(pool))), dtype=np.uint64))
                for _ in range(rng.randint(1, 6))]
        distinct = np.unique(np.concatenate(sets))
        count, numbers = numbered(sets)
        assert count == distinct.size
        assert [x.tolist() for x in numbers] == [distinct.searchsorted(s).tolist() for s in sets]
        assert all(x.dtype == np.int32 for x in numbers)
    assert numbered([]) == (0, [])
