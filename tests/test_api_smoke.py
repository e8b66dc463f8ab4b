from dedupe import Config, scan
from dedupe.io.writers.json import render


def test_identical_documents_cluster():
    text = "one two three four five six seven eight nine ten eleven twelve"
    r = scan([("a", text), ("b", text), ("c", "completely different words here and there again")], Config())
    assert [c.members for c in r.clusters] == [("a", "b")]


def test_scan_runs_the_garbage_collector_less_often_and_restores_it():
    import gc

    from dedupe.api import GC_THRESHOLD

    before = gc.get_threshold()
    seen = []
    scan([("a", "one two three four five six"), ("b", "one two three four five six")],
         progress=lambda *_: seen.append(gc.get_threshold()[0]))
    assert seen and min(seen) >= GC_THRESHOLD
    assert gc.get_threshold() == before


def test_scan_gives_the_heap_back_only_from_trim_documents(monkeypatch):
    """A small scan (a check's few hundred documents) keeps what its stages free for the next
    stage or scan; a scan of ``TRIM_DOCUMENTS`` or more gives it back between its stages."""
    from dedupe import api

    calls = []
    monkeypatch.setattr(api, "trim", lambda: calls.append(1))
    docs = [(str(i), f"the council met on day {i} to vote on the harbour bridge repairs") for i in range(4)]
    small = scan(docs, Config(passages=True, rules=False), timestamp=False)
    assert calls == []
    monkeypatch.setattr(api, "TRIM_DOCUMENTS", 4)
    large = scan(docs, Config(passages=True, rules=False), timestamp=False)
    assert len(calls) == 3  # after the search, and around the passages' derivation
    assert render(small) == render(large)
