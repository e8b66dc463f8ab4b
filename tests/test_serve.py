"""``dedupe serve`` over real HTTP: a server process on a free localhost port, bounded requests."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import jsonschema
import pytest


from dedupe import Config  # noqa: E402
from dedupe.archive import Archive  # noqa: E402
from dedupe.io.writers.json import schema  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ("the regional council voted on Tuesday to close the old harbour bridge for repairs "
          "that engineers say will take at least eighteen months")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("serve") / "a.db"
    with Archive.open(db, Config(detect_language=False)) as a:
        a.add([("w1", f"Wire: {SHARED}, a spokesman said."),
               ("w2", "An unrelated story about gardens and the spring weather in the hills.")])
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dedupe", "serve", "--archive", str(db), "--port", str(port), "--max-bytes", "20000"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/health", timeout=2)
            break
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"server did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def call(url: str, body=None, method: str = "POST", raw: bytes = None, timeout: float = 120):
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode("utf-8"))
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        text = e.read().decode("utf-8")
        assert "Traceback" not in text
        return e.code, json.loads(text)


def test_health(server):
    assert call(server + "/health", method="GET") == (200, {"status": "ok", "documents": 2})


def test_check_one_and_a_list(server):
    status, report = call(server + "/check", {"id": "draft", "text": f"Morning. {SHARED}. Traffic is diverted."})
    assert status == 200
    jsonschema.validate(report, schema())
    assert [(p["a"]["doc"], p["b"]["doc"]) for p in report["passages"]] == [("draft", "w1")]
    status, report = call(server + "/check", [{"id": "d1", "text": f"One. {SHARED}."}, {"id": "d2", "text": "Two."}])
    assert status == 200 and {d["id"] for d in report["documents"] if d["role"] == "draft"} == {"d1", "d2"}


def test_archive_then_check_finds_it(server):
    text = "the museum reopened its north wing on Friday after a restoration that lasted nine years"
    assert call(server + "/archive", {"id": "w3", "text": f"Culture: {text}."}) == \
        (200, {"added": 1, "replaced": 0, "skipped": 0})
    status, body = call(server + "/archive", {"id": "w3", "text": "again"})
    assert status == 409 and "'w3' is already in the archive" in body["error"]
    assert call(server + "/archive?on_duplicate=skip", {"id": "w3", "text": "again"})[1]["skipped"] == 1
    status, report = call(server + "/check", {"id": "d", "text": f"Today {text}, the city said."})
    assert status == 200 and any(p["b"]["doc"] == "w3" for p in report["passages"])


@pytest.mark.parametrize("raw, status, words", [
    (b"{not json", 400, "not JSON"),
    (json.dumps({"id": "x"}).encode(), 400, "'text' is missing"),
    (json.dumps([1, 2]).encode(), 400, "expected an object"),
    (json.dumps([]).encode(), 400, "no documents"),
    (json.dumps({"id": "x", "text": "y" * 30000}).encode(), 413, "larger than 20000 bytes"),
    (json.dumps({"id": "x", "text": "\ud800"}).encode(), 422, "not valid Unicode"),
])
def test_bad_input_is_a_json_4xx(server, raw, status, words):
    got, body = call(server + "/check", raw=raw)
    assert got == status and words in body["error"]


def test_bad_duplicate_mode_and_unknown_route(server):
    status, body = call(server + "/archive?on_duplicate=maybe", {"id": "z", "text": "t"})
    assert status == 400 and "on_duplicate must be one of" in body["error"]
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(server + "/nope", timeout=10)
    assert e.value.code == 404
