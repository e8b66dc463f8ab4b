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
