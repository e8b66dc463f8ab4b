"""CPU time and resident memory of each stage of a full scan, in one process, one worker: ingest,
near-duplicates, passages, derivation, then every rule in the registry's order (each
document-scope rule over every document, each corpus-scope rule as the scan runs it).

    python benchmarks/stage_times.py CORPUS.jsonl [--src OLD_CHECKOUT]

Prints one row per stage: CPU seconds (``time.process_time``) and the process's peak resident
memory after the stage (MB; cumulative, so a stage's own growth is the difference to the row
before). The first stage to need a shared part (the word lists, a document's person mentions,
its sentences) pays for it. ``--src``: the source tree to import ``dedupe`` from (default: this
checkout), to compare two versions on the same corpus. Start-up (imports before the first
stage) is the row ``imports``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--src", default=str(ROOT))
    args = ap.parse_args(argv)
    sys.path.insert(0, args.src)
    rows = []
    t = time.process_time()

    def lap(name: str) -> None:
        nonlocal t
        now = time.process_time()
        rows.append((name, now - t, _peak_mb()))
        t = now

    from dedupe import api
    from dedupe.config import Config
    from dedupe.derivation import apply_derivation
    from dedupe.io.readers import read_input
    from dedupe.near import find_clusters
    from dedupe.passages import apply_reuse, find_reuse
    from dedupe.rules import RuleContext, _keyed, not_english, select_rules

    config = Config(workers=1)
    if hasattr(api, "fewer_collections"):  # the garbage collector's setting of a scan
        api.fewer_collections().__enter__()
    lap("imports")
    corpus, _ = api.ingest(read_input(str(args.corpus)), config)
    lap("ingest")
    clusters, assignment = find_clusters(corpus, config)
    for i, (cid, keep) in assignment.items():
        corpus.results[i].cluster, corpus.results[i].keep = cid, keep
    lap("near-duplicates")
    documents = corpus.documents
    texts = {d.id: d.text for d in documents}
    lap("read texts")
    reuse = find_reuse(documents, config)
    lap("passages")
    apply_reuse(corpus.results, reuse.passages, texts, reuse.words)
    apply_derivation(corpus, reuse)
    del reuse
    lap("reuse fractions + derivation")
    results = {r.id: r for r in corpus.results}
    skip = not_english(results.values())
    docs = [d for d in documents if d.id not in skip]
    ctx = RuleContext(config=config, results=results)
    found = 0
    for rule in select_rules():
        if rule.scope == "corpus" and rule.keyed is not None:
            found += len(_keyed.run(rule.id, docs, 1))
        else:
            found += sum(1 for _ in rule.run(docs, ctx))
        lap(f"rule {rule.id} ({rule.scope})")
    total = sum(r[1] for r in rows)
    mb = sum(len(x.encode("utf-8")) for x in texts.values()) / 1e6
    print(f"{args.corpus.name}: {len(documents)} documents, {mb:.2f} MB, {found} findings")
    print("| stage | CPU s | peak RSS MB |\n| --- | ---: | ---: |")
    for name, cpu, peak in rows:
        print(f"| {name} | {cpu:.2f} | {peak:.0f} |")
    print(f"| total | {total:.2f} | {rows[-1][2]:.0f} |")
    print(f"MB per CPU second: {mb / total:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
