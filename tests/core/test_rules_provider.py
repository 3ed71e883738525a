"""--provider rules: no network, no key; same pipeline, cache and records as a model; cross-check."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from summarizer import Settings, Summarizer
from summarizer.cli import app
from summarizer.resources import data_dir

from ..conftest import ARTICLES, RECORDINGS, SEEDS

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((data_dir("schemas") / "article_summary.schema.json").read_text())
runner = CliRunner()


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*a, **kw):  # noqa: ANN002, ANN003
        raise OSError("the rules engine must not open a socket")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_rules_summarize_any_article_offline(no_sockets, tmp_path: Path) -> None:  # noqa: ANN001
    article = tmp_path / "mine.txt"
    article.write_text("区委书记张三表示，今年全区地区生产总值力争增长6%以上，新增高新技术企业不少于50家。\n"
                       "去年全区固定资产投资完成120亿元。会议要求加快建设湖东科创走廊。\n", encoding="utf-8")
    out = runner.invoke(app, ["summarize", str(article), "--provider", "rules", "--cache-dir", str(tmp_path / "c")])
    assert out.exit_code == 0, out.output
    record = json.loads(out.stdout)
    jsonschema.validate(record, SCHEMA)
    assert record["meta"]["model"].startswith("rules-") and record["meta"]["usage"]["requests"] == 0
    assert [s["name"] for s in record["speakers"]] == ["张三"]
    assert {t["value"] for t in record["targets"]} >= {6.0, 50.0} and 12_000_000_000 not in {t["value"] for t in record["targets"]}
    raw = article.read_text(encoding="utf-8")
    for group in ("speakers", "goals", "targets", "initiatives"):
        for item in record[group]:
            ev = item["evidence"]
            assert ev["match"] == "exact" and raw[ev["start"] : ev["end"]] == ev["quote"], "verbatim by construction"


def test_rules_batch_over_seeds_and_dev_set(no_sockets, tmp_path: Path) -> None:  # noqa: ANN001
    out = runner.invoke(app, ["batch", str(ARTICLES), str(ROOT / "fixtures" / "devset"), "-o", str(tmp_path / "r.jsonl"),
                              "--provider", "rules", "--no-progress", "--cache-dir", str(tmp_path / "c")])
    assert out.exit_code == 0, out.output
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    devset = sum(len(list((ROOT / "fixtures" / "devset").glob(f"*.{ext}"))) for ext in ("txt", "html", "md"))  # README.md too
    assert len(records) == len(SEEDS) + devset
    # rerun: every answer from the cache, keyed on the rules version like a model name
    again = runner.invoke(app, ["batch", str(ARTICLES), "-o", str(tmp_path / "r2.jsonl"), "--provider", "rules", "--no-progress",
                                "--cache-dir", str(tmp_path / "c")])
    assert again.exit_code == 0 and "5 ok (5 cached)" in again.output


def test_cross_check_puts_the_rules_engine_beside_the_model_in_meta(tmp_path: Path) -> None:
    settings = Settings(replay=RECORDINGS, cross_check=True, cache_enabled=False)
    with Summarizer(settings) as s:
        results = [s.summarize_file(ARTICLES / f"{seed}.txt") for seed in SEEDS]
    for r in results:
        assert r.meta.cross_check is not None and r.meta.cross_check.rules_version.startswith("rules-")
    # the authored answers hold every gold target, so anything the rules engine adds is rules-only
    assert all(isinstance(x, str) for r in results for x in r.meta.cross_check.rules_only)


def test_no_provider_message_points_at_the_rules_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = runner.invoke(app, ["summarize", str(ARTICLES / f"{SEEDS[0]}.txt")])
    assert out.exit_code == 2 and "--provider rules" in out.output
