"""Hostile and malformed input and output: nothing lost, nothing replaced, nothing left running.

The output cases use a FIFO, a symbolic link and character devices made with ``os.mknod`` in
a temporary folder (the tests run as root, as CI does; the real /dev is never touched)."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import registered

from dedupe import Config, scan
from dedupe.cli import app
from dedupe.errors import InputFileError
from dedupe.io.readers import read_input
from dedupe.io.readers.reread import read_record
from dedupe.io.writers import OutputError, atomic_write_text

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
TEXT = "The council approved the new budget on Tuesday after a long debate about the cost of the bridge."
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="os.mknod needs root (CI runs as root)")


def cli(*args, **kw):
    return subprocess.run(
        [sys.executable, "-m", "dedupe", *args], capture_output=True, text=True, cwd=kw.pop("cwd", None), **kw
    )


def corpus(tmp_path, n=3, text=TEXT) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": text}) + "\n" for i in range(n)))
    return path


# ------------------------------------------------------------------ outputs
@root_only
def test_character_device_is_written_in_place_not_replaced(tmp_path):
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    res = cli("scan", str(corpus(tmp_path)), "--json", str(null), "--no-html", "--no-language", "-q")
    assert res.returncode == 0, res.stderr
    assert stat.S_ISCHR(null.stat().st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".null")]


@root_only
def test_full_device_is_an_error_not_a_success(tmp_path):
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    res = cli("scan", str(corpus(tmp_path)), "--json", str(full), "--no-html", "-q")
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "cannot write" in res.stderr and "Traceback" not in res.stderr
    assert stat.S_ISCHR(full.stat().st_mode)
    with pytest.raises(OutputError):
        atomic_write_text(str(full), "x" * 100_000)
    # stdout to a full device too
    with open(full, "w") as out:
        res = subprocess.run([sys.executable, "-m", "dedupe", "scan", str(corpus(tmp_path)), "--json", "-", "--no-html", "-q"],
                             stdout=out, stderr=subprocess.PIPE, text=True)
    assert res.returncode == 2 and "standard output" in res.stderr


def test_fifo_is_streamed_to_its_reader(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    atomic_write_text(str(fifo), '{"ok": true}\n')
    reader.join(10)
    assert got == [b'{"ok": true}\n']
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_symbolic_link_target_is_written_and_link_kept(tmp_path):
    target = tmp_path / "real" / "report.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    atomic_write_text(str(link), "new")
    assert link.is_symlink() and target.read_text() == "new"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "real" / "fresh.json")
    atomic_write_text(str(dangling), "made")
    assert dangling.is_symlink() and (tmp_path / "real" / "fresh.json").read_text() == "made"


@pytest.mark.parametrize(
    "command",
    [["scan", "--json", "-", "--no-html", "--no-rules", "--no-passages", "--no-language"], ["dedup", "--out", "-"]],
)
def test_closed_stdout_is_not_an_error(tmp_path, command):
    src = tmp_path / "big.jsonl"  # more than a pipe's buffer, so the write meets the closed pipe
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": " ".join(f"w{i}x{k}" for k in range(20))}) + "\n" for i in range(1500)))
    args = [sys.executable, "-m", "dedupe", command[0], str(src), *command[1:], "-q"]
    p1 = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    p2 = subprocess.run(["head", "-c0"], stdin=p1.stdout, capture_output=True)
    p1.stdout.close()
    err = p1.stderr.read().decode()
    assert p1.wait() in (0, -signal.SIGPIPE), err
    assert "Traceback" not in err and "Broken pipe" not in err and p2.returncode == 0


def test_dedup_refuses_to_replace_its_own_input(tmp_path):
    src = corpus(tmp_path)
    before = src.read_bytes()
    for option in ("--out", "--dropped"):
        extra = [] if option == "--out" else ["--out", str(tmp_path / "kept.jsonl")]
        res = runner.invoke(app, ["dedup", str(src), *extra, option, str(src)])
        assert res.exit_code == 2 and "is an input" in res.output
    assert src.read_bytes() == before


# ------------------------------------------------------------------ signals
def _children(pid: int) -> set:
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.add(int(d.name))
            except (OSError, IndexError, ValueError):
                pass
    return out


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_ends_the_run_and_its_workers(tmp_path, signum, code):
    src = tmp_path / "many.jsonl"
    words = [f"w{k}" for k in range(5000)]
    import random

    rng = random.Random(1)
    src.write_text("".join(
        json.dumps({"id": f"d{i}", "text": " ".join(rng.choices(words, k=400))}) + "\n" for i in range(6000)
    ))
    report = tmp_path / "report.json"
    report.write_text("previous")
    proc = subprocess.Popen(
        [sys.executable, "-m", "dedupe", "scan", str(src), "--json", str(report), "--no-html", "--workers", "2", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
    )
    workers: set = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
        workers |= _children(proc.pid)
        time.sleep(0.05)
    assert workers, "the scan should have started its workers"
    proc.send_signal(signum)
    assert proc.wait(20) == code
    assert "Traceback" not in proc.stderr.read().decode()
    time.sleep(1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists() and "Z" not in Path(f"/proc/{w}/stat").read_text().split()[2]]
    assert not alive, alive
    assert report.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# ------------------------------------------------------------------ inputs
def test_text_keeps_its_own_leading_feff_only_the_file_bom_is_stripped(tmp_path):
    j = tmp_path / "a.jsonl"
    j.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": "\ufeffword one"}).encode() + b"\n")
    c = tmp_path / "a.csv"
    c.write_bytes("\ufeffid,text\nb,\ufeffword two\n".encode())
    docs = [d for p in (j, c) for d in read_input(str(p))]
    assert [d.text for d in docs] == ["\ufeffword one", "\ufeffword two"]


def test_deeply_nested_line_is_one_bad_line(tmp_path):
    src = tmp_path / "deep.jsonl"
    src.write_text("[" * 3000 + "]" * 3000 + "\n" + json.dumps({"id": "ok", "text": TEXT}) + "\n")
    items = list(read_input(str(src)))
    assert [type(i).__name__ for i in items] == ["InputError", "Document"]
    assert items[0].line == 1 and "nested too deeply" in items[0].message


def test_csv_unterminated_quote_names_the_row_it_opened(tmp_path):
    src = tmp_path / "q.csv"
    src.write_text('id,text\na,fine\nb,"opened here\nc,swallowed\nd,also\n')
    items = list(read_input(str(src)))
    assert items[0].text == "fine"
    assert items[1].line == 3 and "unterminated quote" in items[1].message
    assert len(items) == 2


def test_folder_links_followed_broken_and_unreadable_reported(tmp_path, monkeypatch):
    top = tmp_path / "top"
    (top / "a").mkdir(parents=True)
    (top / "a" / "x.txt").write_text("one")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "y.txt").write_text("two")
    (top / "linked").symlink_to(outside)
    (top / "a" / "loop").symlink_to(top)
    (top / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (top / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(read_input(str(top)))
    docs = sorted(i.id for i in items if hasattr(i, "text"))
    errors = sorted(i.message for i in items if not hasattr(i, "text"))
    assert docs == ["a/x", "linked/y"]  # the loop is read once
    assert any("broken symbolic link" in e for e in errors)
    assert any("cannot read folder" in e for e in errors)


def test_input_rewritten_during_the_scan_is_an_input_error(tmp_path):
    src = corpus(tmp_path, n=2)
    doc = [d for d in read_input(str(src))][1]
    src.write_text("short\n")
    with pytest.raises(InputFileError, match="in.jsonl"):
        read_record(doc.path, doc.source)


def test_file_name_control_characters_are_escaped(tmp_path):
    bad = tmp_path / "evil\nname\x1b[31m.jsonl"
    bad.write_text("not json\n")
    res = cli("scan", str(bad), "--json", str(tmp_path / "r.json"), "--no-html", "-q")
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "\\n" in res.stderr and "\x1b" not in res.stderr


def test_wrong_text_field_said_once_with_the_fields(tmp_path):
    src = tmp_path / "f.jsonl"
    src.write_text("".join(json.dumps({"id": i, "body": "x"}) + "\n" for i in range(50)))
    res = cli("scan", str(src), "--json", str(tmp_path / "r.json"), "--no-html", "-q")
    lines = res.stderr.splitlines()
    assert len(lines) == 2 and "the fields are id, body" in lines[0] and "49 more lines with the same error" in lines[1]


def test_format_text_reads_stdin_as_one_document(tmp_path):
    res = cli("scan", "-", "--format", "text", "--json", "-", "--no-html", "-q", input="plain words on stdin\n")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["documents"][0]["id"] == "stdin"


# ------------------------------------------------------------------ CLI
@pytest.mark.parametrize("command", ["scan", "dedup"])
def test_seed_checked_once_in_both_commands(tmp_path, command):
    output = ["--out", str(tmp_path / "o.jsonl")] if command == "dedup" else ["--json", str(tmp_path / "r.json")]
    res = cli(command, str(corpus(tmp_path)), "--seed", str(2**32), *output)
    assert res.returncode == 2 and res.stderr.startswith("dedupe: seed must be an integer from 0 to 4294967295")


def test_usage_errors_are_one_line():
    for args in (["scan", "--nope"], ["scan"], ["scan", "x", "--threshold", "high"]):
        res = cli(*args)
        assert res.returncode == 2 and res.stderr.count("\n") == 1 and res.stderr.startswith("dedupe: "), res.stderr


def test_help_has_no_type_placeholders():
    for name, command in registered.commands().items():
        res = CliRunner().invoke(app, [*name.split(), "--help"], prog_name="dedupe")
        out = res.output
        assert res.exit_code == 0 and out.startswith(f"Usage: dedupe {name}".rstrip()), (name, out)
        assert command.help and "<list[str]>" not in out and "<str>" not in out and "<int>" not in out, name
        for argument in registered.arguments(command):
            assert "{" + argument.name + "}" not in out, name
            if argument.nargs != 1:  # a variadic argument shows as NAME..., as options show their metavar
                assert f"{argument.metavar.removesuffix('...')}..." in out, name


def test_identical_documents_make_a_spanning_cluster():
    report = scan([(f"d{i}", TEXT) for i in range(1000)], Config(detect_language=False, passages=False, rules=False))
    (cluster,) = report.clusters
    assert len(cluster.members) == 1000 and len(cluster.pairs) == 999
    assert {p.a for p in cluster.pairs} == {cluster.representative}
    d = cluster.to_dict()
    assert d["pairs_not_listed"] == 1000 * 999 // 2 - 999 and d["min_jaccard"] == 1.0


def test_empty_documents_are_never_clustered():
    report = scan([("a", ""), ("b", ""), ("c", "   ")], Config(detect_language=False, passages=False, rules=False))
    assert report.clusters == []  # nothing to compare: documented in docs/robustness.md


def test_summary_counts_rules_once_and_against_wording(tmp_path):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "d.txt").write_text(TEXT * 3)
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.txt").write_text(TEXT * 3)
    res = runner.invoke(app, ["scan", str(drafts), "--against", str(archive), "--json", str(tmp_path / "r.json"), "--no-html"])
    assert "duplicates dropped" not in res.output and "drafts in a near-duplicate cluster" in res.output
    assert "findings: " not in res.output  # per-rule counts are in the findings table only
