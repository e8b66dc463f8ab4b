from dedupe import Config, scan


def test_identical_documents_cluster():
    text = "one two three four five six seven eight nine ten eleven twelve"
    r = scan([("a", text), ("b", text), ("c", "completely different words here and there again")], Config())
    assert [c.members for c in r.clusters] == [("a", "b")]
