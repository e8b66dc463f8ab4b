"""Per-document rules run in worker processes; the findings do not depend on their number."""

from dedupe import Config
from dedupe.io.readers import read_inputs
from dedupe.rules import run_rules


def test_findings_identical_with_one_or_two_workers(seeds_dir):
    docs = [d for d in read_inputs([str(seeds_dir)]) if hasattr(d, "text")] * 1
    one = run_rules(docs, Config(workers=1), batch_size=2)
    two = run_rules(docs, Config(workers=2), batch_size=2)
    assert [f.to_dict() for f in one] == [f.to_dict() for f in two]
    assert one  # the seeds have findings of both document and corpus rules
    assert {f.rule for f in one} >= {"stray-token", "gender-mismatch"}


def test_findings_identical_when_warm(seeds_dir):
    """A rules process beside other work runs the first batch before its workers start, and
    pass 1 of the others itself while they run the document-scope rules; gender-mismatch's
    first pass runs in the workers, batch by batch: same findings."""
    docs = [d for d in read_inputs([str(seeds_dir)]) if hasattr(d, "text")]
    one = run_rules(docs, Config(workers=1), batch_size=2)
    warm = run_rules(docs, Config(workers=2), batch_size=2, warm=True)
    assert [f.to_dict() for f in one] == [f.to_dict() for f in warm]
    assert "gender-mismatch" in {f.rule for f in warm}  # (its pass dealt out to the workers)


def test_scan_with_rules_beside_passages_is_identical(seeds_dir, monkeypatch):
    """With several workers the rules run in a process of their own while the passages are
    found (here on a corpus made large enough for it): the report is the same."""
    import dedupe.rules
    from dedupe.api import scan
    from dedupe.io.writers.json import render

    docs = [d for d in read_inputs([str(seeds_dir)]) if hasattr(d, "text")]
    one = render(scan(docs, Config(workers=1), timestamp=False))
    monkeypatch.setattr(dedupe.rules, "BATCH", 2)
    assert render(scan(docs, Config(workers=2), timestamp=False)) == one


def test_findings_identical_over_a_corpus_read_again(seeds_dir):
    """Given the corpus (as the scan's rules process is), the rules read the documents from
    their source in batches as they go, holding no list of them: same findings."""
    from dedupe.api import ingest
    from dedupe.corpus import CorpusDocuments

    docs = [d for d in read_inputs([str(seeds_dir)]) if hasattr(d, "text")]
    corpus, _ = ingest(iter(docs), Config(workers=1))
    assert corpus._held == {}  # (files: every text is read again from its source)
    view = corpus.view(range(len(corpus)))
    assert isinstance(view, CorpusDocuments) and [d.text for d in view[1:3]] == [d.text for d in docs[1:3]]
    one = run_rules(docs, Config(workers=1), batch_size=2)
    for workers, warm in ((1, False), (2, True)):
        again = run_rules(corpus, Config(workers=workers), batch_size=2, warm=warm)
        assert [f.to_dict() for f in again] == [f.to_dict() for f in one]


def test_document_findings_kept_on_file_in_batch_order_and_errors_raised():
    """The document-scope findings of each batch are kept pickled in a file as their jobs end,
    in any order, and read back in batch order; a job's error is raised by ``wait``."""
    import pickle
    from concurrent.futures import Future

    import pytest

    from dedupe.model import Finding
    from dedupe.rules import _Pickled

    made = {s: [Finding("r", "info", f"d{s}", n, n + 1, "x", f"m{n}") for n in range(s % 3)] for s in (0, 2, 4, 6)}
    seen = []
    kept = _Pickled(seen.append)
    kept.put(0, pickle.dumps(made[0]))
    futures = {s: Future() for s in (2, 4, 6)}
    for s, f in futures.items():
        kept.add(f, s)
    for s in (6, 2, 4):  # (ending in another order than the batches')
        futures[s].set_result((pickle.dumps(made[s]), None))
    kept.wait()
    assert kept.found() == [f for s in (0, 2, 4, 6) for f in made[s]] and seen == [1, 2, 3, 4]
    kept.close()
    failing = _Pickled(lambda done: None)
    future = Future()
    failing.add(future, 0)
    future.set_exception(ValueError("in a worker"))
    with pytest.raises(ValueError, match="in a worker"):
        failing.wait()
