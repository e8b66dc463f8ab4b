"""Language identification loads langdetect's profiles row by row (``dedupe.lang._Profiles``)
and gives exactly what langdetect's own loader gives."""

from pathlib import Path

import pytest

from dedupe import lang

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
WIKINEWS = ROOT / "fixtures" / "wikinews" / "wikinews.jsonl"


def _langdetect_factory():
    from langdetect import DetectorFactory
    from langdetect.detector_factory import PROFILES_DIRECTORY

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


def _probabilities(factory, text: str):
    det = factory.create()
    det.set_max_text_length(2000)
    det.append(text[:2000])
    return [(p.lang, p.prob) for p in det.get_probabilities()]


def _samples() -> list[str]:
    import json

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with open(WIKINEWS, encoding="utf-8") as fh:
        texts += [json.loads(line)["text"] for _, line in zip(range(10), fh)]
    sentences = [s for t in texts for s in t.split(". ")][:150]
    return texts + sentences + ["Der Ausschuss tagte am Montag.", "Le conseil a voté.", "Совет собрался.", "委员会开会", "ok"]


@pytest.fixture(scope="module")
def theirs():
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0
    return _langdetect_factory()


def test_same_languages_and_probabilities_as_langdetects_loader(theirs):
    ours = lang._factory()
    assert ours.langlist == theirs.langlist
    for text in _samples():
        assert _probabilities(ours, text) == _probabilities(theirs, text), text[:60]


def test_rows_equal_langdetects_table(theirs):
    ours = lang._factory().word_lang_prob_map
    table = theirs.word_lang_prob_map
    for gram in list(table)[::97] + ["a", "th", "the", "\u0430", "zzzz"]:
        assert (gram in ours) == (gram in table)
        if gram in table:
            assert ours[gram] == table[gram]
