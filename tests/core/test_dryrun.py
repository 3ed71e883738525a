"""batch --dry-run: counts, tokens, cached answers and a cost range, and not one request."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.loopback import LoopbackProvider, running

from ..conftest import ARTICLES, RECORDINGS, SEEDS

runner = CliRunner()


def test_dry_run_counts_and_prices_without_a_request(tmp_path: Path) -> None:
    cfg = tmp_path / "s.toml"
    cfg.write_text('[summarizer]\n[summarizer.prices]\n"authored" = [0.27, 1.10]\n', encoding="utf-8")
    provider = LoopbackProvider(RECORDINGS)
    with running(provider) as srv:
        args = ["batch", str(ARTICLES), "-o", str(tmp_path / "r.jsonl"), "--base-url", srv.base_url, "--model", "authored",
                "--cache-dir", str(tmp_path / "c"), "--config", str(cfg), "--summary-json", str(tmp_path / "s.json")]
        out = runner.invoke(app, [*args, "--dry-run"])
        assert out.exit_code == 0, out.output
        assert provider.stats.requests == 0, "a dry run sends nothing (no probe either)"
    report = json.loads((tmp_path / "s.json").read_text())
    assert report["articles"] == len(SEEDS) and report["requests"] == report["chunks"] >= len(SEEDS)
    assert report["prompt_tokens"] > 1000 * len(SEEDS), "the schema and the worked example are in every prompt"
    assert 0 < report["cost_low_usd"] < report["cost_high_usd"]
    assert "no request was sent" in out.output and not (tmp_path / "r.jsonl").exists()


def test_dry_run_sees_what_the_cache_already_holds(tmp_path: Path) -> None:
    args = ["batch", str(ARTICLES), "-o", str(tmp_path / "r.jsonl"), "--replay", str(RECORDINGS), "--cache-dir", str(tmp_path / "c"),
            "--no-progress"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    out = runner.invoke(app, [*args, "--dry-run", "--summary-json", str(tmp_path / "s.json")])
    report = json.loads((tmp_path / "s.json").read_text())
    assert out.exit_code == 0 and report["requests"] == 0
    assert report["cached_articles"] + report["cached_chunks"] >= len(SEEDS)


def test_dry_run_counts_unreadable_inputs(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (tmp_path / "in" / "ok.txt").write_text((ARTICLES / f"{SEEDS[3]}.txt").read_text(encoding="utf-8"), encoding="utf-8")
    out = runner.invoke(app, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "r.jsonl"), "--replay", str(RECORDINGS),
                              "--dry-run", "--summary-json", str(tmp_path / "s.json"), "--no-cache"])
    report = json.loads((tmp_path / "s.json").read_text())
    assert out.exit_code == 0 and (report["articles"], report["unreadable"]) == (2, 1)
    assert "bad.txt" in out.output and "binary" in out.output
