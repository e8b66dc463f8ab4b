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
