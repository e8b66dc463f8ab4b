from dedupe.baseline import apply_baseline, fingerprint
from dedupe.model import Finding


def finding(text, start, fp_text, rule="decimal-comma"):
    end = start + len(fp_text)
    return Finding(rule, "info", "d", start, end, fp_text, "m", fingerprint=fingerprint(rule, "d", text, start, end))


def test_fingerprint_ignores_offsets_but_not_context():
    a = "Prices rose 2,5 percent."
    b = "New opening line.\n" + a
    assert fingerprint("r", "d", a, 12, 15) == fingerprint("r", "d", b, 30, 33)
    assert fingerprint("r", "d", a, 12, 15) != fingerprint("r", "d", "Costs fell 2,5 percent.", 11, 14)
    assert fingerprint("r", "d", a, 12, 15) != fingerprint("other", "d", a, 12, 15)


def test_baseline_counts_occurrences():
    text = "It was 2,5 then. It was 2,5 then. It was 2,5 then."
    fs = [finding(text, i, "2,5") for i in (7, 24, 41)]
    # the same words in the same context three times: one accepted hides only one
    kept, hidden = apply_baseline(fs, [fs[0].to_dict()])
    assert hidden == 1 and len(kept) == 2


def test_baseline_without_fingerprints_falls_back_to_text():
    text = "It was 2,5 then."
    f = finding(text, 7, "2,5")
    old = {k: v for k, v in f.to_dict().items() if k != "fingerprint"}
    assert apply_baseline([f], [old]) == ([], 1)


def test_scan_hides_a_baseline_and_the_report_decides_fail_on(tmp_path):
    import json

    import pytest

    from dedupe import Config, scan
    from dedupe.io.writers import json as json_writer

    docs = [("a", "Prices rose 2,5 percent in March, the statistics office said on Monday.")]
    config = Config(detect_language=False, passages=False, select=("decimal-comma",))
    first = scan(docs, config)
    assert first.findings and first.hidden_by_baseline is None
    assert first.fails("info") and not first.fails("error") and not first.fails("never")
    assert not first.fails("duplicate")
    path = tmp_path / "base.json"
    json_writer.write(first, str(path))
    again = scan(docs + [("b", "It grew 3,7 percent, officials said.")], config, baseline=path)
    assert again.hidden_by_baseline == len(first.findings)
    assert [f.doc for f in again.findings] == ["b"]
    accepted = json.loads(path.read_text())["findings"]
    assert scan(docs, config, baseline=accepted).findings == []
    with pytest.raises(ValueError, match="fail_on must be one of"):
        first.fails("sometimes")


def test_fingerprints_filled_from_texts_one_at_a_time_as_from_a_dict():
    """The rules' stage fills the fingerprints from its documents one after the other (no dict
    of the flagged documents' texts): the same findings as from a dict, a document met twice
    counting as a dict's last entry for its id, a finding of a document not given unchanged."""
    from dedupe.baseline import fill_fingerprints, with_fingerprints

    texts = [("a", "It was 2,5 then. Later 3,5."), ("b", "Costs were 4,5 here."), ("a", "Now 2,5 was it.")]
    fs = [Finding("r", "info", "a", 4, 7, "2,5", "m"), Finding("r", "info", "b", 11, 14, "4,5", "m"),
          Finding("r", "info", "c", 0, 1, "x", "m"), Finding("s", "info", "a", 23, 26, "3,5", "m")]
    expected = with_fingerprints(fs, dict(texts))
    given = list(fs)
    assert fill_fingerprints(given, iter(texts)) is given
    assert given == expected and [f.fingerprint for f in given] == [f.fingerprint for f in expected]
    assert given[2].fingerprint == "" and given[0].fingerprint == fingerprint("r", "a", texts[2][1], 4, 7)
