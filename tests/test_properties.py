"""Property tests: offsets, round trips and report invariants on arbitrary text."""

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe import Config, scan
from dedupe.io.readers import read_inputs
from dedupe.near.shingles import normalise, word_spans
from dedupe.textutil import paragraphs, sentences

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@given(texts)
def test_word_spans_are_offsets_into_the_text(text):
    for start, end, norm in word_spans(text):
        assert 0 <= start < end <= len(text)
        assert normalise(text[start:end]) == norm


@given(texts)
def test_sentence_and_paragraph_spans_are_ordered_and_trimmed(text):
    for splitter in (sentences, paragraphs):
        prev = 0
        for s, e in splitter(text):
            assert prev <= s < e <= len(text)
            assert not text[s].isspace() and not text[e - 1].isspace()
            prev = e


@given(st.lists(texts, min_size=1, max_size=5))
def test_jsonl_round_trip(bodies):
    data = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(bodies)).encode()
    docs = list(read_inputs(["-"], stdin=io.BytesIO(data)))
    assert [d.text for d in docs] == [t[1:] if t.startswith("\ufeff") else t for t in bodies]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet="abc de", max_size=60), min_size=1, max_size=8))
def test_every_document_is_reported_once_and_pairs_pass_thresholds(bodies):
    cfg = Config(detect_language=False, threshold=0.5, ngram=2, containment=0.9, passages=False, rules=False)
    report = scan(list(enumerate(bodies)), cfg)
    assert [d.id for d in report.documents] == [str(i) for i in range(len(bodies))]
    for c in report.clusters:
        assert sum(1 for d in report.documents if d.cluster == c.id and d.keep) == 1
        for p in c.pairs:
            assert p.jaccard >= 0.5 or max(p.containment_a_in_b, p.containment_b_in_a) >= 0.9
