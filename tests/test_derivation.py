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
