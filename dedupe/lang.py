"""Language identification with langdetect, made deterministic."""

from __future__ import annotations

from functools import lru_cache

UNKNOWN = "unknown"
_SEED = 0


@lru_cache(maxsize=1)
def _factory():
    from langdetect import DetectorFactory
    from langdetect.detector_factory import init_factory

    DetectorFactory.seed = _SEED
    init_factory()
    from langdetect import detector_factory

    return detector_factory._factory


def detect(text: str, max_chars: int = 2000) -> str:
    """The ISO 639-1 code of the text's language, or ``unknown`` when there is too little."""
    return detect_probs(text, max_chars)[0][0]


def detect_probs(text: str, max_chars: int = 2000) -> list[tuple[str, float]]:
    """Languages with probabilities, best first; ``[("unknown", 0.0)]`` on failure."""
    from langdetect.lang_detect_exception import LangDetectException

    sample = text[:max_chars]
    if not any(ch.isalpha() for ch in sample):
        return [(UNKNOWN, 0.0)]
    try:
        det = _factory().create()
        det.set_max_text_length(max_chars)
        det.append(sample)
        return [(p.lang, p.prob) for p in det.get_probabilities()] or [(UNKNOWN, 0.0)]
    except LangDetectException:
        return [(UNKNOWN, 0.0)]
