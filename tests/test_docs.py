"""The documentation is kept honest by tests, as sqlite-utils keeps its own: every registered
command and option is in docs/cli.md, docs/rules.md is what scripts/rules_doc.py writes, the
README's commands run on the sample corpus (its test command is the one CI runs), and every
page of docs/ is reachable from the README through links that resolve."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from typer.testing import CliRunner

import registered
from dedupe.cli import app
from scripts import rules_doc

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def sections(markdown: str) -> dict[str, str]:
    """Second-level sections by heading (``## `dedupe scan` `` -> "`dedupe scan`")."""
    parts = re.split(r"^## (.+)$", markdown, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def shell_lines(markdown: str) -> list[str]:
    """The commands of the ```sh blocks, comments and blank lines left out."""
    blocks = re.findall(r"^```sh\n(.*?)^```", markdown, flags=re.M | re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_every_command_and_option_is_in_cli_md():
    cli_md = sections((ROOT / "docs" / "cli.md").read_text(encoding="utf-8"))
    missing = []
    for name, command in registered.commands().items():
        heading = f"`dedupe {name}`" if name else "Global options"
        if heading not in cli_md:
            missing.append(f"a section '## {heading}'")
            continue
        for option in registered.options(command):
            if not re.search(rf"`{re.escape(option)}[` ]", cli_md[heading]):
                missing.append(f"{option} in '## {heading}'")
    assert not missing, "docs/cli.md lacks " + ", ".join(missing)


def test_rules_page_is_current():
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == rules_doc.render(), "docs/rules.md is out of date: run python scripts/rules_doc.py"


def test_readme_quick_start_matches_ci():
    install_and_scan, install_and_test, *_ = shell_lines(README)
    assert install_and_scan.startswith("python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/dedupe scan seeds/")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci.splitlines(), ".ci/run must run the README's test command"


def test_readme_commands_run_on_the_sample_corpus(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    install_and_scan, _, *others = shell_lines(README)
    stray = [line for line in others if not line.startswith("dedupe ")]
    assert not stray, f"README shell lines other than the quick start must be dedupe commands: {stray}"
    commands = [install_and_scan.split(" && .venv/bin/", 2)[-1], *others]
    assert len(commands) >= 5
    for command in commands:
        result = CliRunner().invoke(app, shlex.split(command)[1:], prog_name="dedupe")
        assert result.exit_code == 0, (command, result.output)
    assert (tmp_path / "reports" / "report.json").is_file() and (tmp_path / "out" / "kept.jsonl").is_file()


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    (example,) = re.findall(r"^```python\n(.*?)^```", README, flags=re.M | re.S)
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)
    assert namespace["data"]["summary"]["documents"] == 5 and "'documents': 5" in capsys.readouterr().out


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_docs_reachable_from_readme_and_links_resolve():
    pages = {ROOT / "README.md", *(ROOT / "docs").glob("*.md")}
    linked, broken = set(), []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]+))?\)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path = (page.parent / target).resolve() if target else page
            if not path.exists():
                broken.append(f"{page.name}: {target}")
                continue
            linked.add(path)
            if anchor and path.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), flags=re.M)
                if anchor not in {_slug(h) for h in headings}:
                    broken.append(f"{page.name}: {target}#{anchor}")
    assert not broken, broken
    from_readme = {(ROOT / t).resolve() for t in re.findall(r"\]\((docs/[^)#\s]+)", README)}
    assert from_readme >= {p.resolve() for p in (ROOT / "docs").glob("*.md")}, "a docs page the README does not link"
    assert linked


def test_readme_is_short():
    assert len(README.encode("utf-8")) < 10_000, "README.md over 10 KB: move the detail into docs/"
