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
