from dedupe import Config, scan


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
