"""Start-up stays light: the CLI (``dedupe --help``) and the package import load neither numpy
nor datasketch (which imports scipy.integrate); they come in only when a command runs."""

import subprocess
import sys

HEAVY = ("numpy", "datasketch", "scipy", "jinja2", "langdetect", "wordfreq")


def _loaded_after(statement: str) -> set:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {m.split(".")[0] for m in out.split()}


def test_cli_import_loads_no_heavy_module():
    assert not _loaded_after("import dedupe.cli") & set(HEAVY)


def test_package_import_is_light_and_scan_still_reachable():
    assert not _loaded_after("import dedupe") & set(HEAVY)
    assert "numpy" in _loaded_after("import dedupe; dedupe.scan")


def test_shipped_stop_words_are_scikit_learns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from dedupe.rules._people import stopwords

    assert stopwords() == frozenset(ENGLISH_STOP_WORDS)


def test_scan_of_one_small_file_loads_no_datasketch_scipy_or_sklearn(tmp_path, monkeypatch):
    path = tmp_path / "one.jsonl"
    path.write_text('{"id": "a", "text": "The council met on Monday. It approved the budget for the year."}\n')
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path / "cache"))  # (the subprocesses' environment)
    code = (
        "from dedupe.cli.app import main; import sys; sys.argv = ['dedupe', 'scan', %r, '--no-html', '--json', %r, '-q']\n"
        "try: main()\nexcept SystemExit: pass" % (str(path), str(tmp_path / "r.json"))
    )
    first = _loaded_after(code)  # builds the word tables it needs into the cache
    assert "wordfreq" in first and list((tmp_path / "cache").rglob("best_en.txt"))
    loaded = _loaded_after(code)
    assert not loaded & {"datasketch", "scipy", "sklearn", "jinja2"}
    # nor wordfreq (its lists are read from the tables in the cache) nor pydantic (typer's
    # coercion of parameters left unset or given as plain strings: dedupe.cli.app._Coercion)
    assert not loaded & {"wordfreq", "pydantic"}


def test_help_builds_no_command_and_lists_every_one():
    code = (
        "import sys, io, contextlib\n"
        "from dedupe.cli.app import COMMANDS, main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try: main(['--help'])\n"
        "    except SystemExit: pass\n"
        "print(' '.join(m for m in sys.modules if m.startswith('dedupe.cli.') or m in ('dedupe.config', 'dedupe.model')))\n"
        "print(all(name in out.getvalue() for name in COMMANDS))\n"
    )
    loaded, listed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert loaded.split() == ["dedupe.cli.app"] and listed == "True"


def test_every_listed_command_is_registered_by_its_module():
    import registered
    from dedupe.cli.app import COMMANDS

    names = {name for name in registered.commands() if name and " " not in name}
    assert names == set(COMMANDS)


def test_local_scan_imports_no_staged_pipeline(tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text('{"id": "a", "text": "The council met on Monday. It approved the budget for the year."}\n')
    code = (
        "import sys\nfrom dedupe.cli.app import main\n"
        "try: main(['scan', %r, '--no-html', '--json', %r, '-q'])\nexcept SystemExit: pass\n"
        "print(' '.join(sorted(sys.modules)))" % (str(path), str(tmp_path / "r.json"))
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert (tmp_path / "r.json").is_file()
    assert not {"dedupe.distributed.commands", "dedupe.distributed.pipeline"} & set(loaded)
