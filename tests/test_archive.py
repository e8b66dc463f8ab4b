"""The persistent archive: ``dedupe archive add|info|remove`` and ``dedupe check``.

``check`` must give the report of ``scan DRAFT --against ARCHIVE_INPUT`` as far as the drafts
are concerned (docs/archive.md says where and why the two may differ); the comparison below
runs on the fixtures.
"""

import dataclasses
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from typer.testing import CliRunner

from dedupe import Config, scan
from dedupe.archive import Archive, ArchiveError
from dedupe.archive.check import check
from dedupe.archive.keys import batch_keys, short_grams
from dedupe.archive.store import SQLiteStore
from dedupe.cli import app
from dedupe.io.readers import read_inputs
from dedupe.io.writers.json import schema
from dedupe.model import Document

ROOT = Path(__file__).resolve().parent.parent
CONFIG = Config(detect_language=False)


def comparable(report) -> dict:
    """What a check must share with scan --against: the drafts' documents, the clusters that
    hold a draft (by members), passages, findings, errors and parameters. Left out: archive
    documents no draft is related to (a check reads only candidates)."""
    d = report.to_dict()
    drafts = {x["id"] for x in d["documents"] if x["role"] == "draft"}
    clusters = {c["id"]: c for c in d["clusters"] if drafts & set(c["members"])}
    related = drafts | {m for c in clusters.values() for m in c["members"]}
    related |= {p[s]["doc"] for p in d["passages"] for s in "ab"}
    docs = []
    for x in d["documents"]:
        if x["id"] in related:
            x = dict(x)
            if x["cluster"] in clusters:
                x["cluster"] = clusters[x["cluster"]]["members"]
            else:  # a cluster of archive documents alone: not reported by a check
                x["cluster"], x["keep"] = None, True
            docs.append(x)
    return {"parameters": d["parameters"], "documents": docs, "passages": d["passages"], "findings": d["findings"],
            "errors": d["errors"], "clusters": sorted(({**c, "id": None} for c in clusters.values()),
                                                      key=lambda c: c["members"])}


def both(tmp_path, drafts: list, archive_items: list, config=CONFIG):
    full = scan(drafts, config, archive=archive_items, timestamp=False)
    with Archive.open(tmp_path / "a.db", config) as a:
        a.add(archive_items)
        checked = check(drafts, a, timestamp=False)
    return full, checked


def _paths(paths):
    return list(read_inputs([str(p) for p in paths]))


def _archive_rows(path, tables, levels: bool = False) -> dict:
    """An archive's contents, run numbers aside: every row of ``tables``, and each kind's runs
    (shift, pairs and, with ``levels``, level; in that order) with their blocks (ids within
    the run) and summaries."""
    con = sqlite3.connect(path)
    rows = {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    query = ("SELECT run, shift, pairs, level FROM runs WHERE kind = ? ORDER BY level, run" if levels
             else "SELECT run, shift, pairs FROM runs WHERE kind = ? ORDER BY run")
    for kind in ("keys", "jaccard", "grams"):
        rows[kind] = [(r[1:], con.execute("SELECT id - (? << 32), data FROM blocks WHERE id >> 32 = ? ORDER BY id",
                                          (r[0], r[0])).fetchall(),
                       con.execute("SELECT data FROM summaries WHERE run = ?", (r[0],)).fetchall())
                      for r in con.execute(query, (kind,)).fetchall()]
    con.close()
    return rows


@pytest.mark.parametrize("draft", ["003_811dcac62ff5ac35", "001_c060a10094a7c604"])
def test_check_equals_scan_against_on_seeds(tmp_path, seeds_dir, draft):
    files = sorted(seeds_dir.glob("*.txt"))
    full, checked = both(tmp_path, _paths([f for f in files if f.stem == draft]),
                         _paths([f for f in files if f.stem != draft]), Config())
    assert full.passages and full.findings
    assert comparable(checked) == comparable(full)


def test_check_equals_scan_against_on_near_duplicates(tmp_path, near_corpus):
    # as read from a file (API dicts are named by their position in the stream)
    docs = [Document(r["id"], r["text"], path="corpus.jsonl", line=n) for n, r in enumerate(near_corpus, 1)]
    drafts = [d for d in docs if d.id.startswith("near-") and not d.id.endswith("-orig")][:6]
    archive_items = [d for d in docs if d not in drafts]
    full, checked = both(tmp_path, drafts, archive_items)
    assert any(len(c.members) > 1 for c in full.clusters)
    assert comparable(checked) == comparable(full)
    assert len(checked.documents) < len(full.documents)  # only candidates were read


def test_check_equals_scan_against_on_passages(tmp_path):
    hosts = sorted((ROOT / "fixtures" / "passages").glob("host*.txt"))
    full, checked = both(tmp_path, _paths(hosts[:2]), _paths(hosts[2:]))
    assert comparable(checked) == comparable(full)


def test_mixing_parameters_is_refused(tmp_path):
    path = tmp_path / "a.db"
    Archive.open(path, CONFIG).close()
    with pytest.raises(ArchiveError, match=r"built with ngram=5 .*this run uses ngram=4"):
        Archive.open(path, Config(detect_language=False, ngram=4))
    res = CliRunner().invoke(app, ["archive", "add", str(ROOT / "seeds"), "--db", str(path), "--scheme", "kperm",
                                   "--no-language"])
    assert res.exit_code == 2 and "scheme=oph" in res.output and "scheme=kperm" in res.output


def test_on_duplicate_modes(tmp_path):
    path = tmp_path / "a.db"
    text = "the council voted on Tuesday to close the old harbour bridge for repairs lasting a year"
    with Archive.open(path, CONFIG) as a:
        a.add([("w1", text), ("w2", "gardens bloom early in the hills this spring, growers said")])
        with pytest.raises(ArchiveError, match="'w1' is already in the archive"):
            a.add([("w3", "a third story"), ("w1", "other text")])
        assert a.info()["documents"] == 2  # the failed batch wrote nothing
        r = a.add([("w1", "other text entirely"), ("w3", "a third story")], on_duplicate="skip")
        assert (r.added, r.skipped, r.replaced) == (1, 1, 0)
        assert a.documents([1])[0].text == text
        r = a.add([("w1", "replaced text about a bridge")], on_duplicate="replace")
        assert (r.added, r.replaced) == (0, 1)
        assert [d.text for d in a.documents(range(1, 10)) if d.id == "w1"] == ["replaced text about a bridge"]
        assert check([("d", text)], a).passages == []  # the old text left the indexes


def test_remove_restores_the_indexes(tmp_path, seeds_dir):
    files = sorted(seeds_dir.glob("*.txt"))
    with Archive.open(tmp_path / "a.db", CONFIG) as a:
        a.add(_paths(files[:3]), batch=1)
        before = a.info()
        grams = a.store.all_df()
        a.add(_paths(files[3:]), batch=1)
        assert a.remove([f.stem for f in files[3:]] + ["nope"]) == ["nope"]
        after = a.info()
        assert {k: after[k] for k in ("documents", "index_keys", "word_ngrams")} == \
               {k: before[k] for k in ("documents", "index_keys", "word_ngrams")}
        assert a.store.all_df() == grams


def test_cli_archive_workflow(tmp_path, seeds_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    archive = [str(f) for f in sorted(seeds_dir.glob("*.txt")) if not f.stem.startswith("003")]
    res = runner.invoke(app, ["archive", "add", *archive, "--db", "a.db"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["archive", "add", archive[0], "--db", "a.db"])
    assert res.exit_code == 2 and "'000_73e56ecfb8db3804' is already in the archive" in res.output
    info = json.loads(runner.invoke(app, ["archive", "info", "--db", "a.db"]).output)
    assert info["documents"] == 4 and info["parameters"]["ngram"] == 5
    res = runner.invoke(app, ["check", str(seeds_dir / "003_811dcac62ff5ac35.txt"), "--archive", "a.db",
                              "--json", "r.json", "--html", "r.html", "--no-timestamp", "-q"])
    assert res.exit_code == 0, res.output
    report = json.loads(Path("r.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema())
    assert {d["role"] for d in report["documents"]} == {"draft", "archive"} and report["passages"]
    assert "<html" in Path("r.html").read_text(encoding="utf-8").lower()
    res = runner.invoke(app, ["archive", "remove", "000_73e56ecfb8db3804", "nope", "--db", "a.db"])
    assert res.exit_code == 2 and "'nope' is not in the archive" in res.output
    draft = ["check", str(seeds_dir / "003_811dcac62ff5ac35.txt"), "--archive", "a.db", "--json", "r.json",
             "--no-html", "--no-timestamp", "-q"]
    assert runner.invoke(app, draft).exit_code == 0
    before = Path("r.json").read_text(encoding="utf-8")
    with sqlite3.connect("a.db") as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 6  # the removal's runs (3 kinds)
    res = runner.invoke(app, ["archive", "compact", "--db", "a.db"])
    assert res.exit_code == 0, res.output
    with sqlite3.connect("a.db") as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 3
    assert runner.invoke(app, draft).exit_code == 0 and Path("r.json").read_text(encoding="utf-8") == before
    res = runner.invoke(app, ["check", "x.txt", "--archive", "missing.db"])
    assert res.exit_code == 2 and "no such archive" in res.output


ADDER = """
import json, sys
from dedupe import Config
from dedupe.archive import Archive
docs = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
workers = int(sys.argv[4]) if len(sys.argv) > 4 else 1
with Archive.open(sys.argv[1], Config(detect_language=False, batch_size=int(sys.argv[3]) // workers, workers=workers)) as a:
    a.add(docs, on_duplicate="skip", progress=lambda *_: print("batch", flush=True), batch=int(sys.argv[3]))
"""


@pytest.mark.parametrize("workers", [1, 2])
def test_kill_during_add_loses_nothing_committed(tmp_path, workers):
    rng = np.random.default_rng(7)
    vocab = [f"w{i}" for i in range(3000)]
    corpus = tmp_path / "c.jsonl"
    with corpus.open("w", encoding="utf-8") as f:
        for i in range(3000):
            f.write(json.dumps({"id": f"d{i}", "text": " ".join(rng.choice(vocab, 120)) + "."}) + "\n")
    db = tmp_path / "a.db"
    batch = 100
    proc = subprocess.Popen([sys.executable, "-c", ADDER, str(db), str(corpus), str(batch), str(workers)],
                            stdout=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    for _ in range(3):  # a few batches committed, then killed in the middle of the next ones
        assert proc.stdout.readline().startswith(b"batch")
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Archive.open(db) as a:
        n = a.info()["documents"]
        assert n >= 3 * batch and n % batch == 0 and n < 3000
        stored = a.documents(range(1, n + 1))
        assert [s.id for s in stored] == [f"d{i}" for i in range(n)]
        keys = batch_keys([s.text for s in stored], a.config)  # every committed key is there
        assert a.info()["index_keys"] == len(keys.bands)
        df = a.store.all_df()
        values, counts = np.unique(np.concatenate([np.unique(short_grams(g)) for g in keys.grams]), return_counts=True)
        assert df == dict(zip(values.tolist(), counts.tolist()))
    # adding again completes the archive
    subprocess.run([sys.executable, "-c", ADDER, str(db), str(corpus), "500"], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, timeout=600)
    with Archive.open(db) as a:
        assert a.info()["documents"] == 3000


def test_batch_tokens_are_the_passage_stage_words():
    from dedupe.archive.keys import SEED_NGRAM, batch_tokens, ngrams
    from dedupe.passages.tokens import words_of

    texts = ["Plain text, with punctuation: here.", "Ｆｕｌｌ-width and CAPS ﬁ ligature", "", "one", "Ünïcödé wörds"]
    for text, tokens in zip(texts, batch_tokens(texts)):
        assert ngrams(tokens, SEED_NGRAM).tolist() == words_of(text, SEED_NGRAM).grams.tolist()


def test_a_shared_run_of_eight_words_shares_a_fingerprint():
    from dedupe.archive.keys import FINGERPRINT_NGRAM, UNIT_BAND, WINNOW

    assert WINNOW + FINGERPRINT_NGRAM - 1 == 8
    rng = np.random.default_rng(5)
    vocab = [f"w{i}" for i in range(5000)]
    for _ in range(30):
        run = " ".join(rng.choice(vocab, 8))
        a = " ".join(rng.choice(vocab, int(rng.integers(0, 60)))) + f" {run} " + " ".join(rng.choice(vocab, 40))
        b = " ".join(rng.choice(vocab, int(rng.integers(0, 60)))) + f" {run} " + " ".join(rng.choice(vocab, 40))
        rows = batch_keys([a, b], CONFIG).bands
        fp = rows[rows[:, 0] == UNIT_BAND]
        assert set(fp[fp[:, 2] == 0, 1].tolist()) & set(fp[fp[:, 2] == 1, 1].tolist())


def test_batch_keys_are_each_documents_own():
    """Keys computed over a whole batch at once are those of each document alone."""
    from dedupe.archive.keys import FINGERPRINT_NGRAM, SEED_NGRAM, UNIT_BAND, batch_tokens, ngrams, winnowed

    rng = np.random.default_rng(11)
    vocab = [f"w{i}" for i in range(400)]
    texts = [" ".join(rng.choice(vocab, int(n))) for n in rng.integers(0, 40, 60)] + ["", "a b c d", "a a a a a a a a"]
    keys = batch_keys(texts, CONFIG)
    for d, (text, tokens) in enumerate(zip(texts, batch_tokens(texts))):
        assert keys.grams[d].tolist() == np.unique(ngrams(tokens, SEED_NGRAM)).tolist()
        mine = keys.bands[(keys.bands[:, 0] == UNIT_BAND) & (keys.bands[:, 2] == d), 1]
        assert sorted(mine.view(np.uint64).tolist()) == winnowed(ngrams(tokens, FINGERPRINT_NGRAM)).tolist()
        alone = batch_keys([text], CONFIG)
        assert alone.quotes[0] == keys.quotes[d] and alone.unit_words[0] == keys.unit_words[d]


def test_band_rows_of_every_band_at_once_are_those_band_by_band(monkeypatch):
    """The Jaccard and quotation band rows made every band at once (a few signatures) are
    those made band by band (many), in the same order."""
    from dedupe.archive import keys as K
    from dedupe.near import banding

    rng = np.random.default_rng(5)
    sig = rng.integers(0, 1 << 63, (40, CONFIG.num_perm), dtype=np.int64).astype(np.uint64) * np.uint64(2) + np.uint64(1)
    sizes = rng.integers(0, 3, 40)
    b, r = CONFIG.lsh_params
    rows = np.flatnonzero(sizes > 0)
    expected = np.concatenate([K._rows(j, banding.band_key(sig[rows], j * r, (j + 1) * r), rows) for j in range(b)])
    quotes = np.concatenate([K._rows(K.QUOTE_BAND + j, banding.band_key(sig[:, :36], 3 * j, 3 * j + 3), np.arange(40) * 7)
                             for j in range(12)])
    for limit in (banding.ALL_BANDS_DOCS, 10):  # every band at once, then band by band
        monkeypatch.setattr(banding, "ALL_BANDS_DOCS", limit)
        assert np.array_equal(K.document_bands(sig, sizes, CONFIG), expected)
        assert np.array_equal(K._band_rows(sig[:, :36], K.QUOTE_BAND, 12, 3, np.arange(40) * 7), quotes)


def test_keys_of_in_chunks_equal_one_batch():
    """Keys computed ``batch_size`` texts at a time and joined are those of one batch, every
    field (the words of quotation units included)."""
    from dataclasses import fields, replace

    from dedupe.archive.keys import keys_of

    texts = [d.text for d in _paths(sorted((ROOT / "seeds").glob("*.txt")))] * 2
    whole, chunked = batch_keys(texts, CONFIG), keys_of(texts, replace(CONFIG, batch_size=3))
    for f in fields(whole):
        a, b = getattr(whole, f.name), getattr(chunked, f.name)
        if f.name == "bands":
            assert sorted(map(tuple, a.tolist())) == sorted(map(tuple, b.tolist()))
        elif isinstance(a, np.ndarray):
            assert np.array_equal(a, b), f.name
        else:
            assert len(a) == len(b) == len(texts) and all(
                np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y for x, y in zip(a, b)), f.name
    assert any(whole.unit_words)


def _as_version_7(con) -> None:
    """An archive of this version in the layout of version 7 (no ``jaccard`` runs, no
    summaries)."""
    from dedupe.archive.store import RUN_BITS

    con.execute("BEGIN")
    for (run,) in con.execute("SELECT run FROM runs WHERE kind = 'jaccard'").fetchall():
        con.execute(f"DELETE FROM blocks WHERE id >> {RUN_BITS} = ?", (run,))
    con.execute("DELETE FROM runs WHERE kind = 'jaccard'")
    con.execute("DROP TABLE summaries")
    con.execute("PRAGMA user_version = 7")
    con.execute("COMMIT")


def _as_version_6(con) -> None:
    """An archive of this version in the layout of version 6 (run blocks in a WITHOUT ROWID
    table, without the flag PLUS; quotation blobs not compressed)."""
    from dedupe.archive import runs
    from dedupe.archive.store import RUN_BITS

    con.execute("BEGIN")
    con.execute("CREATE TABLE blocks6 (run INTEGER, block INTEGER, data BLOB NOT NULL, PRIMARY KEY (run, block)) "
                "WITHOUT ROWID")
    for run, shift in con.execute("SELECT run, shift FROM runs").fetchall():
        rows = con.execute(f"SELECT id - ({run} << {RUN_BITS}), data FROM blocks WHERE id >> {RUN_BITS} = ? ORDER BY id",
                           (run,)).fetchall()
        old = runs.encode(*runs.decode(rows, shift), shift, plus=False)
        con.executemany(f"INSERT INTO blocks6 VALUES ({run}, ?, ?)", old)
    con.execute("DROP TABLE blocks")
    con.execute("ALTER TABLE blocks6 RENAME TO blocks")
    for n, u, w in con.execute("SELECT doc, units, words FROM quotes").fetchall():
        con.execute("UPDATE quotes SET units = ?, words = ? WHERE doc = ?",
                    (zlib.decompress(u), zlib.decompress(w) if w else b"", n))
    con.execute("PRAGMA user_version = 6")
    con.execute("COMMIT")


def _as_version_5(con) -> None:
    """An archive of this version in the layout of version 5 (no words of quotation units)."""
    con.execute("ALTER TABLE quotes DROP COLUMN words")
    con.execute("PRAGMA user_version = 5")


def _as_version_3(con) -> None:
    """An archive of this version in the layout of version 3 (tables of key and n-gram rows,
    8-byte Jaccard keys, 32-bit quotation words)."""
    from dedupe.archive.keys import quote_blob, unpack_keys

    store = SQLiteStore.__new__(SQLiteStore)
    store.db = con
    con.execute("BEGIN")
    keys, grams = list(store._net("keys")), list(store._net("grams"))
    con.execute("CREATE TABLE keys (key INTEGER, doc INTEGER, PRIMARY KEY (key, doc)) WITHOUT ROWID")
    con.execute("CREATE TABLE grams (gram INTEGER PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID")
    for table, pairs in (("keys", keys), ("grams", grams)):
        for k, v in pairs:
            con.executemany(f"INSERT INTO {table} VALUES (?, ?)", zip(k.tolist(), v.tolist()))
    con.execute("DROP TABLE runs")
    con.execute("DROP TABLE blocks")
    for n, j, t in con.execute("SELECT doc, jaccard, text FROM docs").fetchall():
        con.execute("UPDATE docs SET jaccard = ? WHERE doc = ?", (unpack_keys(j).tobytes(), n))
        con.execute("UPDATE quotes SET units = ? WHERE doc = ?", (quote_blob(zlib.decompress(t).decode(), bits=32), n))
    con.execute("PRAGMA user_version = 3")
    con.execute("COMMIT")


def _as_version_4(con) -> None:
    """An archive of this version with its run blocks in the layout of version 4 (low key
    bits as uint32, so blocks of 2**32 keys at most; values in whole bytes)."""
    from dedupe.archive import runs

    con.execute("BEGIN")
    for run, shift in con.execute("SELECT run, shift FROM runs").fetchall():
        rows = con.execute("SELECT block, data FROM blocks WHERE run = ? ORDER BY block", (run,)).fetchall()
        old_shift = min(shift, runs.SCHEMA4_SHIFT)
        old = runs.encode4(*runs.decode(rows, shift), old_shift)
        assert [d for _, d in old] != [d for _, d in rows]
        con.execute("DELETE FROM blocks WHERE run = ?", (run,))
        con.executemany(f"INSERT INTO blocks VALUES ({run}, ?, ?)", old)
        con.execute("UPDATE runs SET shift = ? WHERE run = ?", (old_shift, run))
    con.execute("PRAGMA user_version = 4")
    con.execute("COMMIT")


@pytest.mark.parametrize("version", [2, 3, 4, 5, 6, 7])
def test_old_schemas_are_migrated(tmp_path, seeds_dir, version, monkeypatch):
    db = tmp_path / "a.db"
    files = sorted(seeds_dir.glob("*.txt"))
    with Archive.open(str(db), CONFIG) as a:
        a.add(_paths(files))
        expected = {s.id: (s.quotes, s.unit_words, s.jaccard.tolist()) for s in a.documents(range(1, 100), text=False)}
        grams, info = a.store.all_df(), a.info()
        draft = ("draft", files[3].read_text(encoding="utf-8")[:2000])
        report = check([draft], a, timestamp=False).to_dict()
    assert any(q for q, _, _ in expected.values()) and any(w for _, w, _ in expected.values())
    with sqlite3.connect(db, isolation_level=None) as con:
        jaccard = _pairs_of(con, "jaccard")
        summaries = con.execute("SELECT run, data FROM summaries ORDER BY run").fetchall()
        _as_version_7(con)
        if 4 <= version <= 6:
            _as_version_6(con)
        if version <= 5:
            _as_version_5(con)
        if version < 5:
            _as_version_4(con) if version == 4 else _as_version_3(con)
        if version == 2:
            con.execute("DROP TABLE quotes")
            con.execute("PRAGMA user_version = 2")
    with pytest.raises(ArchiveError, match="needs migrating"):
        Archive.open(str(db), readonly=True)
    if version == 7:  # the migration to 8 counts and summarises in several parts of the key space
        import dedupe.archive.runs as runs

        monkeypatch.setattr(runs, "PART_PAIRS", 4)
    with Archive.open(str(db)) as a:
        assert {s.id: (s.quotes, s.unit_words, s.jaccard.tolist()) for s in a.documents(range(1, 100), text=False)} == expected
        assert a.store.all_df() == grams
        assert {k: a.info()[k] for k in ("documents", "index_keys", "word_ngrams")} == \
               {k: info[k] for k in ("documents", "index_keys", "word_ngrams")}
        assert check([draft], a, timestamp=False).to_dict() == report
        assert _pairs_of(a.store.db, "jaccard") == jaccard
        if version == 7:  # the runs as they were: the same summaries (in the order of the runs)
            assert [d for _, d in a.store.db.execute("SELECT run, data FROM summaries ORDER BY run")] == \
                   [d for _, d in summaries]


def _pairs_of(con, kind: str) -> dict:
    """The net pairs of a kind of run (the stored ones, from the database alone)."""
    store = SQLiteStore.__new__(SQLiteStore)
    store.db = con
    return {k: v for keys, values in store._net(kind) for k, v in zip(keys.tolist(), values.tolist())}


def test_merged_runs_change_no_lookup(tmp_path, seeds_dir, monkeypatch):
    """Index runs merged (as a bulk add does when runs pile up) are read as before, and
    removing documents after a merge takes their keys and n-grams out."""
    import dedupe.archive.runs as runs

    monkeypatch.setattr(runs, "FANOUT", 2)
    monkeypatch.setattr(runs, "PART_PAIRS", 500)  # merged in several parts of the key space
    files = sorted(seeds_dir.glob("*.txt"))
    with Archive.open(str(tmp_path / "a.db"), Config(detect_language=False)) as a:
        a.add(_paths(files[:3]), batch=1)
        draft = ("draft", files[3].read_text(encoding="utf-8")[:2000])
        before, grams, info = check([draft], a, timestamp=False).to_dict(), a.store.all_df(), a.info()
        a.add(_paths(files[3:]), batch=1)
        assert a.store.db.execute("SELECT max(level) FROM runs").fetchone()[0] >= 2  # merged twice over
        assert a.remove([f.stem for f in files[3:]]) == []
        assert check([draft], a, timestamp=False).to_dict() == before
        assert a.store.all_df() == grams
        assert {k: a.info()[k] for k in ("documents", "index_keys", "word_ngrams")} == \
               {k: info[k] for k in ("documents", "index_keys", "word_ngrams")}
        a.compact()
        assert a.store.db.execute("SELECT count(*) FROM runs").fetchone()[0] == 3
        assert check([draft], a, timestamp=False).to_dict() == before
        assert a.store.all_df() == grams


def test_summaries_answer_as_the_runs(tmp_path, seeds_dir, monkeypatch):
    """``Store.shared`` is true for every Jaccard key two documents or more hold (and, with
    one run per kind, for those alone), and ``Store.df(grams, above)`` is exact above
    ``above`` and at most ``above`` elsewhere, with runs of several levels, after removals
    and after a compact."""
    import dedupe.archive.runs as runs
    import dedupe.archive.store as store

    monkeypatch.setattr(runs, "FANOUT", 2)
    # runs of several levels: merged by level during the adds (as a small add to a large
    # archive merges them; a bulk add leaves its runs to its end, see SQLiteStore.settle)
    monkeypatch.setattr(store, "BULK_RUNS", 0)
    monkeypatch.setitem(store.SUMMARY_FLOOR, "grams", 2)  # summaries of the few documents
    files = sorted(seeds_dir.glob("*.txt"))
    texts = [(f"{f.stem}-{k}", f.read_text(encoding="utf-8")[k * 1500 :]) for k in range(2) for f in files]
    texts += [("copy", texts[0][1]), ("part", texts[1][1][:3000])]  # Jaccard keys shared

    def checked(a, exact_runs: bool):
        held: dict = {}
        for s in a.documents(range(1, 100), text=False):
            for k in np.unique(s.jaccard).tolist():
                held[k] = held.get(k, 0) + 1
        keys = np.array(sorted(held), dtype=np.int64)
        twice = np.array([held[k] >= 2 for k in keys.tolist()])
        assert twice.any() and not twice.all()
        mask = a.store.shared(keys)
        assert mask[twice].all()
        if exact_runs:
            assert np.array_equal(mask, twice)
        df = a.store.all_df()
        grams = np.array(sorted(df) + [5, 2**40 + 3], dtype=np.int64)
        exact = a.store.df(grams)
        assert exact.tolist() == [df.get(g, 0) for g in grams.tolist()]
        for above in (0, 1, 2, 3, 5):
            got = a.store.df(grams, above)
            assert np.array_equal(got[exact > above], exact[exact > above]) and (got[exact <= above] <= above).all()

    with Archive.open(str(tmp_path / "a.db"), CONFIG) as a:
        a.add(texts[:6], batch=2)
        a.add(texts[6:], batch=1)
        assert a.store.db.execute("SELECT count(*) FROM runs WHERE kind = 'jaccard'").fetchone()[0] > 1
        checked(a, False)
        a.remove([texts[2][0], "copy"])
        checked(a, False)
        a.compact()
        checked(a, True)


def test_a_bulk_add_ends_with_one_run_per_kind(tmp_path, seeds_dir):
    """An add that at least doubles the pairs of a kind merges its runs into one at the end
    (fuller blocks, one block read per key); a small add to a larger archive does not."""
    files = sorted(seeds_dir.glob("*.txt"))
    runs = "SELECT kind, count(*) FROM runs GROUP BY kind ORDER BY kind"
    with Archive.open(str(tmp_path / "a.db"), Config(detect_language=False)) as a:
        a.add(_paths(files[:-1]), batch=2)
        assert a.store.db.execute(runs).fetchall() == [("grams", 1), ("jaccard", 1), ("keys", 1)]
        draft = ("draft", files[3].read_text(encoding="utf-8")[:2000])
        report = check([draft], a, timestamp=False).to_dict()
        a.add(_paths(files[-1:]))
        assert a.store.db.execute(runs).fetchall() == [("grams", 2), ("jaccard", 2), ("keys", 2)]
        a.remove([files[-1].stem])
        assert check([draft], a, timestamp=False).to_dict() == report


def test_quotation_candidates_are_verified(tmp_path):
    """A document found through a quotation key is kept when a quotation shares the
    quote-drift rule's minimum of content words with the draft's, and only then."""
    from dedupe.archive.check import candidate_numbers

    quote = "the harbour bridge will stay closed until engineers finish checking every cable and bolt"
    reworded = "the harbour bridge shall remain shut until engineers finish inspecting every cable and bolt"
    other = "gardeners expect early blossoms across the valley orchards after a mild and sunny winter season"
    with Archive.open(str(tmp_path / "a.db"), CONFIG) as a:
        a.add([("w1", f'The mayor said: "{reworded}." Traffic moved.'), ("w2", f'A grower said: "{other}."')])
        numbers = candidate_numbers(a, [Document(id="draft", text=f'Officials said: "{quote}," on Monday.')])
        assert [s.id for s in a.documents(numbers, text=False)] == ["w1"]


def test_run_blocks_round_trip():
    from dedupe.archive import runs

    rng = np.random.default_rng(0)
    keys = np.sort(rng.integers(0, 2**47, 3000))
    mixed = np.where(keys >> 40 < 64, rng.integers(1, 5, 3000), rng.integers(-3, 4, 3000))  # positive blocks and others
    for values in (rng.integers(-2**31 + 1, 2**31, 3000), rng.integers(-3, 4, 3000), rng.integers(1, 70000, 3000),
                   np.ones(3000, dtype=np.int64), mixed):
        for shift in (12, 32, 36):
            rows = runs.encode(keys, values, shift)
            plain = runs.encode(keys, values, shift, plus=False)  # schema 5-6 blocks, read the same
            assert [runs.decode([r], shift)[1].tolist() for r in rows[:50]] == \
                   [runs.decode([r], shift)[1].tolist() for r in plain[:50]]
            if values.min() >= 1:  # positive values stored minus 1: narrower than zigzag
                assert sum(len(d) for _, d in rows) < sum(len(d) for _, d in plain)
            assert [d for _, d in rows] == [runs.encode(keys[keys >> shift == b], values[keys >> shift == b], shift)[0][1]
                                            for b, _ in rows[:20]] + [d for _, d in rows[20:]]
            k, v = runs.decode(rows, shift)
            assert k.tolist() == keys.tolist() and v.tolist() == values.tolist()
            k, v = runs.decode(rows[3:4], shift)
            assert k.tolist() == keys[keys >> shift == rows[3][0]].tolist()


def test_normalised_pairs_add_up():
    """Pairs sorted by (key, document) with +doc and -doc netted, whether the key span and the
    documents fit one packed sort or not (a part of a merge, a wide batch)."""
    from dedupe.archive import runs

    rng = np.random.default_rng(1)
    for key_range, doc_range in ((40, 9), (2**47, 1000), (2**47, 2**23)):
        keys = rng.integers(0, key_range, 5000)
        values = rng.integers(1, doc_range, 5000) * rng.choice([1, 1, -1], 5000)
        net: dict = {}
        for k, v in zip(keys.tolist(), values.tolist()):
            net[k, abs(v)] = net.get((k, abs(v)), 0) + (1 if v > 0 else -1)
        expected = [(k, d if n > 0 else -d) for (k, d), n in sorted(net.items()) if n]
        k, v = runs.normalised(keys, values, True)
        assert list(zip(k.tolist(), v.tolist())) == expected


def test_quotation_content_is_the_rules_units():
    """The archive's quotation words are the quote-drift rule's units' content words, for
    quotations of one and of several sentences, curly and straight quotes, non-ASCII words."""
    from dedupe.rules.quote_drift import _content, _units, quotation_content

    texts = [
        'The minister said: "We will build the new bridge next year. It will cost a great deal of money. '
        'Nobody should doubt it." Then she left.',
        "“Über die Brücke gehen wir nicht mehr, sagte der Bürgermeister am Dienstag,” so the report. "
        "He added, “Ça ne va pas. Die Straße bleibt gesperrt bis zum nächsten Frühling.”",
        '"An unclosed quotation that runs to the end of its paragraph, as wire copy often has it\n'
        "Another paragraph without quotes. ‘A single curly quote with enough words in it to count.’",
        'Dr. Smith said "the U.S. economy grew 3.5 percent. Mr. Jones didn\'t agree, at all!" on Monday.',
    ]
    for text in texts:
        assert quotation_content(text) == [_content(u.words) for u in _units(text, 0)]
    assert any(len(quotation_content(t)) > 1 for t in texts)
    # the batch's hashes: each unit's content words, read once per piece over the batch
    from dedupe.archive.keys import _quote_hashes
    from dedupe.near.fast import hash_tokens

    batch = texts + ["no quotes here", '"six words but all of them"', *texts]
    flat, sizes, owner = _quote_hashes(batch)
    units = [(t, c) for t, text in enumerate(batch) for c in quotation_content(text) if c]
    assert owner.tolist() == [t for t, _ in units] and sizes.tolist() == [len(c) for _, c in units]
    assert flat.tolist() == hash_tokens([w for _, c in units for w in c]).tolist()


def test_blobs_read_joined_are_those_read_one_by_one():
    """A check reads its quotation candidates' blobs at once (``quote_words_joined``,
    ``unit_words_joined``): the units, sizes, words and values of reading each blob alone,
    empty blobs and units of one word included."""
    from dedupe.archive.keys import quote_blobs, quote_words, quote_words_joined, unit_words, unit_words_joined

    texts = ['The minister said: "We will build the new bridge next year. It will cost a lot." Then she left.',
             "no quotes here", '"Yes" he said, and "the river rose again, as it did in 2024, and the town flooded"',
             "“Über die Brücke gehen wir nicht mehr, sagte der Bürgermeister am Dienstag,” so the report.", ""]
    quotes, words = quote_blobs(texts * 3)
    assert b"" in quotes and b"" in words and any(quotes)
    for part in (slice(0, 0), slice(1, 2), slice(None), slice(2, 11)):
        q, w = quotes[part], words[part]
        units, sizes, values = quote_words_joined(q)
        alone = [quote_words(b) for b in q]
        assert units.tolist() == [a[0].size for a in alone]
        assert sizes.tolist() == [int(x) for a in alone for x in a[0]]
        assert values.dtype == np.uint16 and values.tolist() == [int(x) for a in alone for x in a[1]]
        units, lengths, others, values = unit_words_joined(w)
        alone = [unit_words(b) for b in w]
        assert units.tolist() == [a[0].size for a in alone]
        assert lengths.tolist() == [int(x) for a in alone for x in a[0]]
        assert others.tolist() == [int(x) for a in alone for x in a[1]]
        assert values.tolist() == [int(x) for a in alone for x in a[2]]


def test_workers_build_the_same_archive(tmp_path):
    """Keys and compressed texts computed by worker processes (the next batch's while one is
    written) make the archive one process makes, table by table, row by row; an id twice in
    the input still fails after the batches before it are written."""
    lines = (ROOT / "fixtures" / "wikinews" / "wikinews.jsonl").read_text(encoding="utf-8").splitlines()
    docs = [(f"d{i}", json.loads(line)["text"]) for i, line in enumerate(lines[:90])]
    dbs = []
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.db"
        with Archive.open(db, dataclasses.replace(CONFIG, batch_size=7, workers=workers)) as a:
            assert a.add(docs, batch=20).added == len(docs)
        dbs.append(db)
    tables = ("docs", "quotes", "paths", "runs", "blocks", "meta")
    with sqlite3.connect(dbs[0]) as one, sqlite3.connect(dbs[1]) as two:
        for table in tables:
            assert one.execute(f"SELECT * FROM {table}").fetchall() == two.execute(f"SELECT * FROM {table}").fetchall()
    with Archive.open(tmp_path / "dup.db", dataclasses.replace(CONFIG, batch_size=7, workers=2)) as a:
        with pytest.raises(ArchiveError, match="duplicate id"):
            a.add(docs[:45] + [docs[41]], batch=20)  # (the third batch holds d41 twice)
        assert a.info()["documents"] == 40


def test_piece_words_read_as_arrays_are_the_rules():
    """The words of quotation pieces read with array operations (pieces ASCII once curly
    apostrophes are straight) and by the rule's functions (others) are the rule's words
    (``_piece_words``), hashed, and its content words (``_is_content``), in order."""
    from dedupe.archive.keys import _piece_words
    from dedupe.near.fast import hash_tokens
    from dedupe.rules import quote_drift as qd

    pieces = ["We Don't agree, won't we? It's 3.5 percent of 2024's budget_line", "", "''a''b'' c'd' 'e",
              "I\u2019m sure they\u2019ll say \u2018no\u2019 to the UN\u2019s plan", "Die Stra\u00dfe bleibt gesperrt",
              "shouldn't couldn't ain't can't they've we'd I'll HE'S", "x", "\u0130stanbul \u03a3\u039f\u03a3 caf\u00e9",
              "one TWO three hundred per cent half-time don''t", "a" * 30 + " " + "'" * 3,
              "9 x9 9x a1b -7- 1'a a'1 b 2", "7"]  # (digits at words' ends, between words, at pieces' ends)
    hashes, content, sizes = _piece_words(pieces)
    words = [qd._piece_words(p) for p in pieces]
    assert sizes.tolist() == [len(w) for w in words]
    flat = [w for ws in words for w in ws]
    assert hashes.tolist() == hash_tokens(flat).tolist()
    assert content.tolist() == [qd._is_content(w) for w in flat]
    assert 0 < content.sum() < content.size


def test_a_removed_documents_number_is_not_given_again(tmp_path):
    """Its keys' removal pairs stay in the index runs until merged: a new document under its
    number would be counted out with it."""
    text = "the council voted on Tuesday to close the old harbour bridge for repairs lasting a year"
    with Archive.open(tmp_path / "a.db", CONFIG) as a:
        a.add([("w1", "gardens bloom early in the hills this spring"), ("w2", text)])
        assert a.remove(["w2"]) == []
        a.add([("w3", text)])
        assert [(d.doc, d.id) for d in a.documents(range(1, 5), text=False)] == [(1, "w1"), (3, "w3")]
        assert [d.id for d in check([("d", text)], a).documents if d.id != "d"] == ["w3"]


def test_run_search_is_the_decoded_pairs_of_the_keys():
    """A lookup decodes the values of the wanted pairs of a block only: the same pairs as
    decoding the blocks and keeping those keys."""
    from dedupe.archive import runs

    rng = np.random.default_rng(1)
    for trial in range(60):
        n, doc_values = int(rng.integers(0, 3000)), bool(trial % 2)
        keys = rng.integers(0, 2**20 if trial % 3 else 2**47, n)
        values = rng.integers(1, 2 ** int(rng.integers(1, 31)), n)
        if doc_values:  # several documents per key
            keys, values = np.concatenate([keys, keys[: n // 3]]), np.concatenate([values, values[: n // 3] + 1])
        else:
            values = values * rng.choice([-1, 1], n)
        keys, values = runs.normalised(keys, values, doc_values)
        shift = runs.shift_for(keys.size) if trial % 4 else int(rng.integers(0, 33))
        rows = runs.encode(keys, values, shift)
        rng.shuffle(rows)
        read = rows[: len(rows) * 2 // 3]
        wanted = np.unique(np.concatenate([keys[rng.random(keys.size) < 0.3], rng.integers(0, 2**47, 50)]))
        k, v = runs.decode(sorted(read), shift)
        found = runs.search(read, shift, wanted)
        assert found[0].tolist() == k[np.isin(k, wanted)].tolist() and found[1].tolist() == v[np.isin(k, wanted)].tolist()


def test_stock_ngrams_of_documents_no_draft_reaches_are_not_looked_up(seeds_dir, near_corpus, monkeypatch):
    """With drafts against an archive, only the n-grams of the drafts and of the documents
    sharing a non-stock n-gram with one are looked up in the archive's frequencies; the
    passages, related pairs and derivation are those of every n-gram looked up."""
    import dedupe.passages as P
    from dedupe.api import ingest
    from dedupe.derivation import derive
    from dedupe.passages.tokens import common_grams, words_of

    files = sorted(seeds_dir.glob("*.txt"))
    texts = [f.read_text(encoding="utf-8") for f in files] + [r["text"] for r in near_corpus[::10]]
    draft = texts[0][:1500] + "\n\n" + texts[1][:900] + "\n\n" + texts[2][-900:]
    docs = [Document("draft", draft)] + [Document(f"a{i}", t) for i, t in enumerate(texts[1:])]
    asked = []
    # stock: an n-gram in three of these documents (a common phrase) or every seventh one
    common, counts = np.unique(np.concatenate([np.unique(words_of(d.text, P.SEED_NGRAM).grams) for d in docs]),
                               return_counts=True)
    common = common[counts >= 3]

    def archive_df(grams):
        asked.append(grams.size)
        return np.where(np.isin(grams, common) | (grams % np.uint64(7) == 0), 500, 1)

    corpus, _ = ingest(docs, CONFIG)
    reuse = P.find_reuse(docs, CONFIG, archive_df=archive_df, drafts={"draft"})
    looked_up = sum(asked)
    monkeypatch.setattr(P, "draft_stock", common_grams)
    asked.clear()
    everything = P.find_reuse(docs, CONFIG, archive_df=archive_df, drafts={"draft"})
    assert reuse.passages and reuse.passages == everything.passages and reuse.related == everything.related
    assert derive(corpus, reuse, {"draft"}) == derive(corpus, everything, {"draft"})
    assert looked_up < sum(asked)  # some documents were not reached
    words = [words_of(d.text, P.SEED_NGRAM) for d in docs]
    reached = {s.doc for p in reuse.passages for s in (p.a, p.b)} | {x for pair in reuse.related for x in pair}
    seen = np.unique(np.concatenate([w.grams for d, w in zip(docs, words) if d.id in reached]))
    assert np.isin(seen, reuse.stock).tolist() == np.isin(seen, everything.stock).tolist()


def test_quotation_pairs_read_are_those_the_rule_compares(tmp_path, seeds_dir, near_corpus, monkeypatch):
    """Only the unit pairs the stored content words pass are compared on the texts: the
    documents kept are those of comparing every unit of every document with the drafts'."""
    import dedupe.archive.check as check_module
    from dedupe.archive.check import _compared, quoted, quoting

    quote = "the harbour bridge will stay closed until engineers finish checking every cable and bolt"
    reworded = "the harbour bridge shall remain shut until engineers finish inspecting every cable and bolt"
    texts = [f.read_text(encoding="utf-8") for f in sorted(seeds_dir.glob("*.txt"))] + [r["text"] for r in near_corpus]
    texts.insert(7, f'Late on Sunday the mayor said: "{reworded}." Traffic moved.')
    drafts = [Document("draft", f'Officials said: "{quote}," on Monday. ' + texts[2][:1500])]
    with Archive.open(str(tmp_path / "a.db"), CONFIG) as a:
        a.add([(f"d{i}", t) for i, t in enumerate(texts)])
        numbers = list(range(1, len(texts) + 1))
        keys = batch_keys([d.text for d in drafts], CONFIG)
        compared = []
        monkeypatch.setattr(check_module, "_compared", lambda u, v: compared.append(1) or _compared(u, v))
        kept = quoting(a, numbers, drafts, keys.quotes, keys.unit_words)
        bounded = len(compared)
        compared.clear()
        assert quoting(a, numbers, drafts, keys.quotes) == kept  # without the stored words
        ours = quoted(drafts[0].text)
        every = [s.doc for s in a.documents(numbers) if any(_compared(u, v) for u in ours for v in quoted(s.text))]
    assert kept == every and 8 in kept
    assert 0 < bounded < len(compared)  # the stored words rejected pairs before the texts were read


def test_stored_unit_words_bound_the_words_units_share():
    """The bound a check computes from stored quotation words (distinct content values,
    repeated content words, other words with repeats, all cut to 16 bits) is never below
    the words two units really share (as multisets), so it rejects no pair the quote-drift
    rule's comparison could accept; and it rejects pairs."""
    from collections import Counter

    from dedupe.archive.check import _draft_words, _Words
    from dedupe.archive.keys import _encode_quotes, quote_sets, quote_words, unit_words_blobs
    from dedupe.near.fast import hash_tokens
    from dedupe.rules.quote_drift import _content, may_align

    rng = np.random.default_rng(5)
    vocab = ["the", "a", "of", "to", "and", "we", "will", "not", "it", "is", "2024", "three"] + \
            ["harbour", "bridge", "council", "engineers", "cable", "closed", "repairs", "minister", "budget", "vote",
             "river", "flood", "schools", "teachers", "strike", "police", "court", "judge", "trial", "market"]
    units = []
    while len(units) < 300:
        words = tuple(rng.choice(vocab, int(rng.integers(6, 30))).tolist())
        if _content(words):
            units.append((words, _content(words)))
    rejected = 0
    for a in range(0, 300, 2):
        doc_a, doc_b = [units[a]], [units[a + 1], units[(a + 7) % 300]]
        blobs = []
        for doc in (doc_a, doc_b):
            flat, sizes = hash_tokens([w for _, c in doc for w in c]), np.array([len(c) for _, c in doc])
            blobs.append((_encode_quotes(flat, sizes, np.zeros(sizes.size, dtype=np.int64), 1)[0], unit_words_blobs([doc])[0]))
        mine = _draft_words([blobs[0][1]], [quote_sets(blobs[0][0])])[0]
        member = set(quote_sets(blobs[0][0])[0].tolist())
        shared = np.array([len(member & set(s.tolist())) for s in quote_sets(blobs[1][0])])
        sizes = quote_words(blobs[1][0])[0]
        bound = _Words(np.array([sizes.size]), sizes, [blobs[1][1]]).may_align(mine, np.arange(2), shared)
        for k, (words, _) in enumerate(doc_b):
            true = sum((Counter(units[a][0]) & Counter(words)).values())
            assert bound[k] or not may_align(true, min(len(words), len(units[a][0])))
            rejected += not bound[k]
    assert rejected > 50


def test_documents_no_draft_reaches_are_listed_only(tmp_path, seeds_dir, near_corpus, monkeypatch):
    """Archive documents that share no non-stock n-gram with a draft (reached through a
    fingerprint of stock n-grams), are not its near-duplicates nor quotation candidates,
    are listed but not read by the passage stage and the rules: the report is the one of
    reading them all."""
    import dedupe.api as api
    import dedupe.passages as P

    config = Config(detect_language=False, passage_max_df=2)
    run = "alpha bravo charlie delta echo foxtrot golf hotel"  # 8 words: a shared fingerprint
    words = run.split()
    grams = [" ".join(words[k : k + 3]) for k in range(len(words) - 2)]
    # its 3-grams (not its 4-grams) in three more documents: stock at passage_max_df 2
    fillers = [" zz. ".join(grams) + f" and then story{k} ended." for k in range(3)]
    stock_only = f"Lorem ipsum unusual{0} words here, {run}, then more unusual words follow."
    texts = [f.read_text(encoding="utf-8") for f in sorted(seeds_dir.glob("*.txt"))] + [r["text"] for r in near_corpus[:40]]
    draft = texts[2][:1200] + f"\n\nMeanwhile {run} said nobody else.\n\n" + near_corpus[5]["text"]
    chosen, read = api._rules_documents, []
    monkeypatch.setattr(api, "_rules_documents", lambda *a: read.append((len(a[1]), len(chosen(*a)))) or chosen(*a))
    with Archive.open(tmp_path / "a.db", config) as a:
        a.add([(f"d{i}", t) for i, t in enumerate(texts + fillers + [stock_only])])
        listed = check([("draft", draft)], a, timestamp=False)
        monkeypatch.setattr(P, "reaching", lambda words, *rest: np.ones(len(words), dtype=bool))
        everything = check([("draft", draft)], a, timestamp=False)
    assert f"d{len(texts) + 3}" in {d.id for d in listed.documents}  # the stock-only document is listed
    assert listed.passages and listed.to_dict() == everything.to_dict()
    assert read[0][1] < read[0][0] and read[1][1] == read[1][0]  # it was not read the first time


def test_stored_keys_are_the_batch_keys_in_stored_form(seeds_dir):
    """The add's keys (:func:`stored_keys`, key rows not made distinct, n-gram frequencies
    counted over the batch) store what :func:`batch_keys` gives, chunked or not."""
    from dedupe.archive.keys import folded, stored_keys, stored_keys_of, unpack_keys

    texts = [d.text for d in _paths(sorted(seeds_dir.glob("*.txt")))] + ["", "a b c d", "one two. one two."] * 2
    whole = batch_keys(texts, CONFIG)
    for stored in (stored_keys(texts, CONFIG), stored_keys_of(texts, dataclasses.replace(CONFIG, batch_size=4))):
        assert set(zip(folded(whole.bands).tolist(), whole.bands[:, 2].tolist())) == \
            set(zip(stored.keys.tolist(), stored.docs.tolist()))
        short = np.concatenate([np.unique(short_grams(g)) for g in whole.grams])
        values, counts = np.unique(short, return_counts=True)
        assert stored.grams.tolist() == values.tolist() and stored.df.tolist() == counts.tolist()
        for d in range(len(texts)):
            rows = whole.bands[(whole.bands[:, 2] == d) & (whole.bands[:, 0] < 1000)]
            b = stored.jaccard_bounds
            assert unpack_keys(stored.jaccard[6 * b[d] : 6 * b[d + 1]]).tolist() == folded(rows).tolist()
        assert stored.quotes == whole.quotes and stored.unit_words == whole.unit_words
        assert stored.words.tolist() == whole.words.tolist() and stored.languages == whole.languages


def test_encoding_in_parts_and_sums_in_parts_are_the_same(monkeypatch):
    """Runs encoded a few blocks at a time are the bytes of one pass; counts summed part of
    the key space by part are those of one sort; blobs deflated from a copied compressor are
    ``zlib.compress``'s bytes; texts deflated by libdeflate are read by zlib, and without it are
    ``zlib.compress``'s bytes too."""
    from dedupe.archive import runs, store
    from dedupe.archive.store import deflated, deflated_text

    rng = np.random.default_rng(4)
    keys = np.sort(rng.integers(0, 2**47, 20000))
    values = rng.integers(1, 9, 20000) * rng.choice([1, 1, 1, -1], 20000)
    whole = runs.encode(keys, values, 32)
    monkeypatch.setattr(runs, "ENCODE_PAIRS", 100)
    assert runs.encode(keys, values, 32) == whole and len(whole) > 100
    parts = [np.unique(rng.integers(0, 2**47 if i else 50, n)) for i, n in enumerate((30, 5000, 0, 7000))]
    counted = [(p, rng.integers(1, 2**20, p.size)) for p in parts]
    k, v = runs.summed_runs(counted)
    all_k, all_v = np.concatenate([p for p, _ in counted]), np.concatenate([c for _, c in counted])
    expected, inverse = np.unique(all_k, return_inverse=True)
    assert k.tolist() == expected.tolist() and v.tolist() == np.bincount(inverse, weights=all_v).astype(np.int64).tolist()
    for data in (b"", b"x", bytes(range(256)) * 50, "une citation « mot » ’".encode() * 9):
        assert deflated(data) == zlib.compress(data, 6) and deflated(data, 9) == zlib.compress(data, 9)
        assert type(deflated_text(data)) is bytes and zlib.decompress(deflated_text(data)) == data
    assert store._libdeflate() is not None  # installed with '.[test]': the fast path is tested
    monkeypatch.setattr(store, "_libdeflate", lambda: None)  # without it: zlib's own bytes
    for data in (b"", b"x", bytes(range(256)) * 50, "une citation « mot » ’".encode() * 9):
        assert deflated_text(data) == zlib.compress(data, 6)


def test_the_last_batch_merged_at_once_stores_what_a_merge_at_the_end_stores(tmp_path, seeds_dir, monkeypatch):
    """An add whose last batch merges the add's runs with its own pairs at once
    (:meth:`SQLiteStore.add_last`) stores the rows, blocks and summaries of one that writes
    that batch's run and merges at the end (:meth:`Store.add_last`, the generic way), on a
    new archive and when adding to one; only the run numbers differ."""
    from dedupe.archive.store import Store

    paragraphs = [p for f in sorted(seeds_dir.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n")]
    docs = [Document(f"p{i}", p) for i, p in enumerate(p for p in paragraphs if len(p) > 200)][:14]
    assert len(docs) == 14

    def build(name):
        with Archive.open(str(tmp_path / name), CONFIG) as a:
            a.add(docs[:11], batch=2)  # six batches (a merge by level after four)
            a.add(docs[11:], batch=2)  # a small add: a run of its own
        return _archive_rows(tmp_path / name, ("docs", "quotes", "paths", "meta"), levels=True)

    merged = build("last.db")
    monkeypatch.setattr(SQLiteStore, "add_last", Store.add_last)
    assert build("end.db") == merged
    assert [len(merged[k]) for k in ("keys", "jaccard", "grams")] == [3, 3, 3]  # (one for the first add, two for the small one)


def test_a_bulk_add_leaves_its_runs_to_its_end(tmp_path, seeds_dir, monkeypatch):
    """A bulk add's batches leave their runs unmerged (its last batch merges them all into
    one, :meth:`SQLiteStore.settle` with ``before``) and it stores what an add merging by
    level after each batch stores (run numbers and levels aside); an add that fails
    merges the runs it left by level."""
    paragraphs = [p for f in sorted(seeds_dir.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n")]
    docs = [Document(f"p{i}", p) for i, p in enumerate(p for p in paragraphs if len(p) > 200)][:11]
    assert len(docs) == 11

    def build(name):
        seen = []
        with Archive.open(str(tmp_path / name), CONFIG) as a:
            a.add(docs, batch=2, progress=lambda *_: seen.append(a.store.pair_counts()["keys"][1]))
        return _archive_rows(tmp_path / name, ("docs", "quotes", "paths")), seen

    bulk, seen = build("bulk.db")
    assert seen == [1, 2, 3, 4, 5, 1]  # (six batches; the last merges)
    settle = SQLiteStore.settle
    monkeypatch.setattr(SQLiteStore, "settle", lambda self, before=None: settle(self))
    by_level, seen = build("levels.db")
    assert seen == [1, 2, 3, 1, 2, 1]
    assert by_level == bulk
    monkeypatch.undo()

    with Archive.open(str(tmp_path / "failed.db"), CONFIG) as a:
        with pytest.raises(ArchiveError, match="already in the archive"):
            a.add(docs[:10] + [docs[1]], batch=2)  # (the sixth batch holds an archived id)
        assert a.store.db.execute("SELECT kind, level, count(*) FROM runs GROUP BY kind, level ORDER BY kind").fetchall() == [
            ("grams", 1, 1), ("jaccard", 1, 1), ("keys", 1, 1)]
        assert a.store.counts()["documents"] == 10


def test_runs_kept_in_memory_are_dropped_when_another_connection_writes(tmp_path, seeds_dir):
    """A store merges the runs it wrote from memory only while no other connection has
    written: here, between two batches of an add, another connection empties the archive
    (the runs table too) and writes runs under the same numbers again, with other pairs."""
    paragraphs = [p for f in sorted(seeds_dir.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n")]
    docs = [Document(f"p{i}", p) for i, p in enumerate(p for p in paragraphs if len(p) > 200)][:12]
    db = str(tmp_path / "a.db")
    with Archive.open(db, CONFIG) as a, Archive.open(db, CONFIG) as b:
        meddled = []

        def meddle(*_):  # (after the first batch: the last one merges the add's runs into one too)
            if meddled or not a.store.pair_counts().get("keys", (0, 0))[1] == 1:
                return
            meddled.append(True)
            kept = set(a.store._fresh)  # the first batch's runs
            assert kept
            b.remove([d.id for d in docs[:3]])
            b.compact()
            assert b.store.pair_counts() == {}
            b.add(docs[3:6])
            assert {r for r, in b.store.db.execute("SELECT run FROM runs")} == kept

        a.add(docs[:3] + docs[6:], batch=3, progress=meddle)
        assert not a.store._fresh  # (released at the end of an add)
        a.compact()
        merged, info = a.store.all_df(), a.info()
    with Archive.open(str(tmp_path / "b.db"), CONFIG) as c:
        c.add(docs[3:6])
        c.add(docs[6:])
        c.compact()
        assert merged == c.store.all_df() and info["index_keys"] == c.info()["index_keys"]


def test_stored_texts_read_back_as_written():
    from dedupe.archive.store import deflated, deflated_text, inflated_text

    texts = ["", "a", "plain words " * 300, "Ünïcödé wörds, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and 中文 " * 50]
    for text in texts:
        data = text.encode("utf-8")
        for blob in (deflated_text(data), deflated(data), zlib.compress(data, 9)):
            assert inflated_text(blob, len(text)) == text
    with pytest.raises(zlib.error):
        inflated_text(b"not deflated", 3)


def test_a_check_reads_one_state_of_the_archive(tmp_path, seeds_dir, monkeypatch):
    """Every read of a check sees the archive as it was when the check began: documents that
    another connection adds (and commits) while the check runs are not seen half-way."""
    from dedupe.archive import check as checking

    docs = _paths(sorted(seeds_dir.glob("*.txt")))
    db = str(tmp_path / "a.db")
    with Archive.open(db, CONFIG) as a, Archive.open(db, CONFIG) as b:
        a.add(docs[1:3])
        alone = check(docs[:1], a, timestamp=False)
        real_scan, seen = checking.scan, []

        def meddling_scan(*args, **kwargs):  # between the check's candidate reads and its scan
            b.add(docs[3:])
            seen.append(a.store.document_count())
            return real_scan(*args, **kwargs)

        monkeypatch.setattr(checking, "scan", meddling_scan)
        checked = check(docs[:1], a, timestamp=False)
        assert seen == [2] and not a.store.db.in_transaction
        assert checked.to_dict() == alone.to_dict()
        assert a.store.document_count() == len(docs) - 1  # seen once the check is over
