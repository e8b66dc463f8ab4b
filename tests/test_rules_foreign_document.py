"""A document entirely in another language, in a corpus of English, gets one document-level
foreign-fragment finding (the other rules skip it)."""

from dedupe.api import scan
from dedupe.config import Config

ENGLISH = [
    ("en1", "The council approved the new budget on Monday after a long debate about schools, roads and "
            "the cost of heating public buildings during the coming winter months."),
    ("en2", "Farmers in the valley said the harvest was better than expected this year, although prices "
            "for grain fell sharply at the regional market in the second half of the season."),
]
GERMAN = ("de1", "Der Stadtrat hat am Montag nach einer langen Debatte über Schulen, Straßen und die Kosten "
                 "für das Heizen öffentlicher Gebäude in den kommenden Wintermonaten den neuen Haushalt "
                 "beschlossen. Die Opposition stimmte dagegen.")


def test_whole_foreign_document_is_reported_once():
    report = scan(ENGLISH + [GERMAN], Config(select=("foreign-fragment",)))
    found = [f for f in report.findings if f.doc == "de1"]
    assert len(found) == 1
    assert found[0].rule == "foreign-fragment" and found[0].start == 0
    assert "German" in found[0].message
    assert not [f for f in report.findings if f.doc != "de1"]


def test_a_corpus_all_in_one_other_language_is_not_reported():
    report = scan([GERMAN, ("de2", GERMAN[1].replace("Montag", "Dienstag"))], Config(select=("foreign-fragment",)))
    assert not report.findings
