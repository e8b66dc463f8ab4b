"""name-variant: a name in its own language's spelling beside the English one is style (info),
a diacritic no language writes the name with is a warning, both mixed in one document."""

from dedupe.config import Config
from dedupe.model import Document
from dedupe.rules import RuleContext, all_rules
from dedupe.rules._lex import native_spelling

RULE = next(r for r in all_rules() if r.id == "name-variant")


def _severities(*texts):
    docs = [Document(id=f"d{i}", text=t) for i, t in enumerate(texts)]
    return {(f.doc, f.text): f.severity for f in RULE.run(docs, RuleContext(config=Config()))}


def test_native_spelling_is_a_word_of_its_language():
    assert native_spelling("Zürich") and native_spelling("Málaga")
    assert not native_spelling("Zurich")  # no diacritics: nothing to judge
    assert not native_spelling("Bründell")  # no language writes it so


def test_native_and_english_spelling_in_one_document_is_info():
    found = _severities("Flights to Zürich resumed. Zürich airport reopened and Zurich officials cheered.")
    assert found and set(found.values()) == {"info"}


def test_an_invented_diacritic_in_one_document_is_a_warning():
    found = _severities("Mr Brundell spoke first. Brundell said the vote would wait. Later Bründell left.")
    assert found.get(("d0", "Bründell")) == "warning"


def test_a_hyphen_left_out_in_one_document_is_info():
    found = _severities("Coca-Cola opened a plant. Coca-Cola said it would hire. CocaCola shares rose.")
    assert found and set(found.values()) == {"info"}


def test_british_and_american_spellings_are_one_word():
    assert not _severities("The Harbour Centre opened. The Harbour Centre hosts fairs.",
                           "The Harbor Center opened. The Harbor Center hosts fairs.")


def test_groups_compared_a_chunk_at_a_time_find_the_same(monkeypatch):
    """The report's relatedness vectors are made a chunk of groups at a time (RELATED_CHUNK
    documents): one group per chunk finds what one chunk for all finds."""
    from dedupe.rules import name_variant

    texts = ("Officials in Kharkiv said trains resumed on Monday. Kharkiv station reopened after repairs.",
             "Trains to Kharkov resumed on Monday after repairs, officials at the station said.",
             "Flights to Zaporizhzhia resumed on Friday. Zaporizhzhia airport reopened after the storm.",
             "Zaporizhzhya airport reopened on Friday after the storm and flights resumed.",
             "Trains resumed on Monday. Kharkiv station and the airport in Zaporizhzhia reopened.")
    docs = [Document(id=f"d{i}", text=t) for i, t in enumerate(texts)]

    def found():
        return [(f.doc, f.start, f.end, f.message, f.severity, f.evidence)
                for f in RULE.run(docs, RuleContext(config=Config()))]

    whole = found()
    monkeypatch.setattr(name_variant, "RELATED_CHUNK", 1)
    assert found() == whole
    assert {"Kharkov", "Zaporizhzhya"} <= {texts[int(d[1:])][s:e] for d, s, e, *_ in whole}
