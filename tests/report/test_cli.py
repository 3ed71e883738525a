"""`summarizer report` and `summarizer export` as a user types them (the README's commands), and shell completion."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

from ..conftest import ROOT
from .support import make_record, write_jsonl

runner = CliRunner()

# The commands the README shows, run verbatim from a folder where fixtures/ is the repository's
# (the cache goes to a throwaway XDG_CACHE_HOME).
README_COMMANDS = [
    "summarizer batch fixtures/articles --replay fixtures/recordings -o out/results.jsonl",
    "summarizer report out/results.jsonl -o out/report.html --inputs fixtures/articles",
    "summarizer export out/results.jsonl --format csv -o out/targets.csv",
    "summarizer export out/results.jsonl --format xlsx -o out/results.xlsx",
    "summarizer export out/results.jsonl --format md -o out/results.md",
]


def _run(command: str):  # noqa: ANN202
    argv = shlex.split(command)
    assert argv[0] == "summarizer"
    return runner.invoke(app, argv[1:], prog_name="summarizer")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def seeded(workdir: Path, seed_results: Path) -> Path:
    (workdir / "out").mkdir()
    (workdir / "out" / "results.jsonl").write_bytes(seed_results.read_bytes())
    return workdir


def test_readme_commands_run_and_write_their_files(workdir: Path) -> None:
    for command in README_COMMANDS:
        res = _run(command)
        assert res.exit_code == 0, (command, res.output)
    html = (workdir / "out" / "report.html").read_text(encoding="utf-8")
    index = json.loads(html.split('id="report-index">', 1)[1].split("</script>", 1)[0])
    assert len(index["rows"]) == 5 and all(r["rt"] for r in index["rows"])  # every raw text found via --inputs
    for name in ("targets.csv", "targets.speakers.csv", "targets.goals.csv", "targets.initiatives.csv",
                 "results.xlsx", "results.md"):
        assert (workdir / "out" / name).stat().st_size > 0, name


def test_report_without_text_says_how_to_get_it(seeded: Path) -> None:
    res = _run("summarizer report out/results.jsonl -o out/plain.html")
    assert res.exit_code == 0
    assert "5 article(s) have no raw text" in res.output and "--keep-text" in res.output


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (None, "error: missing.jsonl: no such file"),
        (b"\x00\x01binary\xff", "error: missing.jsonl: not a results JSONL file"),
        (b'{"name": "x.txt", "error": "timeout"}\n', "error: missing.jsonl: not a results JSONL file"),
    ],
)
@pytest.mark.parametrize("command", ["report missing.jsonl -o r.html", "export missing.jsonl -o r.csv"])
def test_bad_results_end_in_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setup: bytes | None, expected: str, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if setup is not None:
        (tmp_path / "missing.jsonl").write_bytes(setup)
    res = runner.invoke(app, command.split(), prog_name="summarizer")
    assert res.exit_code == 2
    assert res.output.startswith(expected) and res.output.count("\n") == 1
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


@pytest.mark.parametrize("command", ["report", "export"])
def test_a_bad_line_is_a_warning_with_its_number(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "r.jsonl"
    write_jsonl(path, [make_record("One 5% target.", targets=[{"metric": "m", "value_text": "5%", "quote": "5% target"}])])
    path.write_text(path.read_text(encoding="utf-8") + '{"broken": \n', encoding="utf-8")
    out = "r.html" if command == "report" else "r.md"
    res = runner.invoke(app, [command, "r.jsonl", "-o", out], prog_name="summarizer")
    assert res.exit_code == 0, res.output
    assert "warning: r.jsonl line 2: not JSON" in res.output
    assert (tmp_path / out).exists()


def test_export_needs_a_format_it_can_tell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "r.jsonl", [make_record("x")])
    res = runner.invoke(app, ["export", "r.jsonl", "-o", "out.txt"], prog_name="summarizer")
    assert res.exit_code == 2 and "pass --format" in res.output
    res = runner.invoke(app, ["export", "r.jsonl", "-o", "out.txt", "--format", "pdf"], prog_name="summarizer")
    assert res.exit_code == 2 and "pdf" in res.output
    res = runner.invoke(app, ["export", "r.jsonl", "-o", "out.txt", "--format", "MD"], prog_name="summarizer")
    assert res.exit_code == 0 and (tmp_path / "out.txt").read_text(encoding="utf-8").startswith("# ")


def _complete(words: str) -> list[str]:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)  # the word being completed
    env = {"_SUMMARIZER_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    res = runner.invoke(app, [], env=env, prog_name="summarizer")
    assert res.exit_code == 0, res.output
    return res.output.split()


def test_shell_completion_completes_commands_and_choices() -> None:
    assert _complete("summarizer rep") == ["report"]
    assert _complete("summarizer ex") == ["export"]
    assert _complete("summarizer export r.jsonl --format ") == ["csv", "xlsx", "md"]
    assert "--inputs" in _complete("summarizer report r.jsonl --in")


def test_install_completion_writes_the_bash_script(tmp_path: Path) -> None:
    # the README's `summarizer --install-completion`, for bash, into a throwaway home
    res = runner.invoke(app, ["--install-completion", "bash"], env={"HOME": str(tmp_path), "SHELL": "/bin/bash"},
                        prog_name="summarizer")
    assert res.exit_code == 0, res.output
    script = (tmp_path / ".bash_completions" / "summarizer.sh").read_text(encoding="utf-8")
    assert "_SUMMARIZER_COMPLETE=complete_bash" in script
    assert str(tmp_path / ".bash_completions" / "summarizer.sh") in (tmp_path / ".bashrc").read_text(encoding="utf-8")
