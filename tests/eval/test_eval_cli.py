"""``summarizer eval`` as a user runs it: table, JSON, -o, --per-article, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

from .records import gold, gold_article, record, target

runner = CliRunner()


@pytest.fixture
def run(tmp_path: Path) -> tuple[Path, Path]:
    """A results file of two records, and gold for three articles (one failed in the errors file)."""
    results = tmp_path / "results.jsonl"
    results.write_text(
        record("x/a.txt", speakers=["韦皓", "王五"], targets=[target(6, "%", comparator="at_least", target_year=2024)]).model_dump_json()
        + "\n"
        + record("x/b.txt", initiatives=["百千万工程"]).model_dump_json()
        + "\n"
    )
    (tmp_path / "results.errors.jsonl").write_text(json.dumps({"input": "x/c.txt", "error": "timed out"}) + "\n")
    g = tmp_path / "g.gold.json"
    g.write_text(json.dumps(gold(
        gold_article("a", speakers=[{"name": "韋皓"}], not_speakers=["王五"],
                     targets=[{"value": 6, "unit": "%", "comparator": "at_least", "period": "2024"}]),
        gold_article("b", initiatives=["“百千万工程”", "工改工"]),
        gold_article("c", speakers=[{"name": "张三"}]),
    ), ensure_ascii=False))
    return results, g


def test_table(run: tuple[Path, Path]) -> None:
    results, g = run
    out = runner.invoke(app, ["eval", str(results), "--gold", str(g)])
    assert out.exit_code == 0, out.output
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]] for line in out.stdout.splitlines() if line.count("│") >= 3}
    # speakers: 韦皓 matched, 王五 a non-speaker (fp), 张三 of the failed article (fn)
    assert rows["speakers"] == ["0.500", "0.500", "0.500", "1", "1", "1"]
    assert rows["numeric targets"] == ["1.000", "1.000", "1.000", "1", "0", "0"]
    assert rows["initiatives (overlap >= 0.5)"] == ["1.000", "0.500", "0.667", "1", "0", "1"]
    assert rows["non-speakers returned as speakers"] == ["1"]
    assert rows["period year correct (matched targets)"] == ["1/1 (100.0%)"]
    assert rows["articles failed"][0].startswith("1/3")
    assert "Per article" not in out.stdout
    per = runner.invoke(app, ["eval", str(results), "--gold", str(g), "--per-article"])
    assert "Per article" in per.stdout and "failed" in per.stdout


def test_json_and_output_file(run: tuple[Path, Path], tmp_path: Path) -> None:
    results, g = run
    out_file = tmp_path / "deep" / "eval.json"
    out = runner.invoke(app, ["eval", str(results), "--gold", str(g), "--json", "-o", str(out_file)])
    assert out.exit_code == 0, out.output
    printed = json.loads(out.stdout)
    assert printed == json.loads(out_file.read_text())
    assert set(printed) == {"format", "gold", "results", "articles", "fields", "grounding", "verification", "per_article"}
    assert printed["fields"]["speakers"]["non_speakers_returned"] == 1
    assert printed["articles"]["failed"] == 1
    assert printed["results"]["errors_source"].endswith("results.errors.jsonl")
    # -o without --json: the table on stdout, the JSON in the file
    table = runner.invoke(app, ["eval", str(results), "--gold", str(g), "-o", str(out_file)])
    assert "precision" in table.stdout and json.loads(out_file.read_text())["format"] == "summarizer-eval/1"


def test_explicit_errors_file(run: tuple[Path, Path], tmp_path: Path) -> None:
    results, g = run
    other = tmp_path / "other.jsonl"
    other.write_text("")
    d = json.loads(runner.invoke(app, ["eval", str(results), "--gold", str(g), "--errors", str(other), "--json"]).stdout)
    assert (d["articles"]["failed"], d["articles"]["missing"]) == (0, 1)


def _bad(args: list[str]) -> str:
    out = runner.invoke(app, ["eval", *args])
    assert out.exit_code == 2, out.output
    assert out.exception is None or isinstance(out.exception, SystemExit)
    assert "Traceback" not in out.output
    return " ".join(out.stderr.split())


def test_bad_input_exits_2_with_a_message(run: tuple[Path, Path], tmp_path: Path) -> None:
    results, g = run
    assert "no such file" in _bad([str(tmp_path / "none.jsonl"), "--gold", str(g)])
    assert "no such file or folder" in _bad([str(results), "--gold", str(tmp_path / "none.json")])
    assert "line 1: not an ArticleSummary" in _bad([str(g), "--gold", str(g)])
    text = tmp_path / "article.txt"
    text.write_text("东莞市召开会议\n")
    assert "line 1 is not JSON" in _bad([str(text), "--gold", str(g)])
    seeds_style = tmp_path / "seeds.json"
    seeds_style.write_text('[{"seed": "000", "speakers": []}]')
    assert "not a summarizer-gold/1 file" in _bad([str(results), "--gold", str(seeds_style)])
    (tmp_path / "empty").mkdir()
    assert "no *.gold.json" in _bad([str(results), "--gold", str(tmp_path / "empty")])
    assert "--errors" in _bad([str(results), "--gold", str(g), "--errors", str(tmp_path / "nope.jsonl")])
    assert "is a folder" in _bad([str(tmp_path), "--gold", str(g)])
