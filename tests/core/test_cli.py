"""The CLI as a user runs it: summarize, batch with a bad file, cache, inspect."""

from __future__ import annotations

import json
import shutil

import jsonschema
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.resources import data_dir

from ..conftest import ARTICLES, RECORDINGS, SEEDS

SCHEMA = json.loads((data_dir("schemas") / "article_summary.schema.json").read_text())
runner = CliRunner()


def test_summarize_prints_grounded_json(tmp_path) -> None:  # noqa: ANN001
    out = runner.invoke(
        app, ["summarize", str(ARTICLES / f"{SEEDS[3]}.txt"), "--replay", str(RECORDINGS), "--cache-dir", str(tmp_path)]
    )
    assert out.exit_code == 0, out.output
    record = json.loads(out.stdout)
    jsonschema.validate(record, SCHEMA)
    assert record["targets"] and all(t["verified"] for t in record["targets"])
    assert all(t["evidence"]["match"] != "none" for t in record["targets"])


def test_batch_with_a_bad_file_finishes_the_rest(tmp_path) -> None:  # noqa: ANN001
    inputs = tmp_path / "in"
    shutil.copytree(ARTICLES, inputs)
    (inputs / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (inputs / "empty.txt").write_text("   \n")
    results = tmp_path / "out" / "results.jsonl"
    out = runner.invoke(
        app, ["batch", str(inputs), "-o", str(results), "--replay", str(RECORDINGS), "--cache-dir", str(tmp_path / "c"), "--no-progress"]
    )
    assert out.exit_code == 1, out.output  # some articles failed: scripts must notice
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert sorted(r["article"]["input_name"].rsplit("/", 1)[-1] for r in records) == [f"{s}.txt" for s in SEEDS]
    for r in records:
        jsonschema.validate(r, SCHEMA)
    errors = [json.loads(line) for line in results.with_name("results.errors.jsonl").read_text().splitlines()]
    by_name = {e["input"].rsplit("/", 1)[-1]: e["error"] for e in errors}
    assert set(by_name) == {"broken.txt", "empty.txt"}
    assert "broken.txt" in by_name["broken.txt"] and "empty" in by_name["empty.txt"]
    assert "5 ok" in out.output and "2 failed" in out.output


def test_cache_stats_and_clear(tmp_path) -> None:  # noqa: ANN001
    cache = tmp_path / "c"
    runner.invoke(app, ["summarize", str(ARTICLES / f"{SEEDS[0]}.txt"), "--replay", str(RECORDINGS), "--cache-dir", str(cache)])
    stats = runner.invoke(app, ["cache", "stats", "--cache-dir", str(cache)])
    assert stats.exit_code == 0 and json.loads(stats.stdout)["entries"] >= 1
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(cache)])
    assert cleared.exit_code == 0
    assert json.loads(runner.invoke(app, ["cache", "stats", "--cache-dir", str(cache)]).stdout)["entries"] == 0


def test_inspect_text_shows_the_body_without_junk() -> None:
    out = runner.invoke(app, ["inspect", str(ARTICLES / "001_6db94505a2053910.txt"), "--text"])
    assert out.exit_code == 0
    assert "坚持制造业立市不动摇" in out.stdout and "东莞,能造!" in out.stdout
    for junk in ("点击右上角微信好友", "相关阅读", "编辑:钟欣玲", "您此时的心情", "加载更多"):
        assert junk not in out.stdout
    repaired = runner.invoke(app, ["inspect", str(ARTICLES / "002_7fb5d263923113ca.txt"), "--text"]).stdout
    assert "學習" in repaired and "(xué)" not in repaired and "相關" not in repaired


def test_inspect_json_reports_removals_with_reasons() -> None:
    out = runner.invoke(app, ["inspect", str(ARTICLES / "003_0175b27fccb1c689.txt"), "--json"])
    info = json.loads(out.stdout)
    assert info["language"] == "zh-Hans" and info["published"] == "2023-01-27"
    reasons = {r["reason"] for r in info["removed"]}
    assert {"share", "image"} <= reasons, reasons
