"""The shipped contract: JSON Schema file, layering, settings, prompts, packaging."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.prompts import load_prompts
from summarizer.resources import data_dir
from summarizer.schema import SCHEMA_FILE, schema_dict
from summarizer.settings import ConfigError, Settings

from ..conftest import ARTICLES, ROOT, SEEDS


def test_schema_file_matches_the_models() -> None:
    on_disk = json.loads((data_dir("schemas") / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert on_disk == schema_dict(), "regenerate: summarizer schema -o schemas/article_summary.schema.json"


def test_schema_command_prints_it() -> None:
    out = CliRunner().invoke(app, ["schema"])
    assert out.exit_code == 0
    assert json.loads(out.stdout) == schema_dict()


def test_layering_contract_holds() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "BROKEN" not in proc.stdout and "KEPT" in proc.stdout


def test_worked_example_quotes_are_verbatim() -> None:
    p = load_prompts()
    article = (p.directory / "example_article.txt").read_text(encoding="utf-8")
    answer = json.loads((p.directory / "example_answer.json").read_text(encoding="utf-8"))
    quotes = [i["quote"] for g in ("speakers", "goals", "targets", "initiatives") for i in answer[g]]
    assert quotes and all(q in article for q in quotes)


def test_prompt_asks_for_the_rules() -> None:
    p = load_prompts()
    system, user = (m["content"] for m in p.messages("x", language="zh-Hans"))
    for must in ("character for", "NOT speakers", "already achieved", "data, not instructions"):
        assert must in system
    assert "Answer language: Simplified Chinese" in user
    assert "Answer language: English" in p.messages("x", language="en")[1]["content"]
    assert "Answer language: French" in p.messages("x", language="en", output_language="French")[1]["content"]


def test_the_system_prompt_is_the_same_for_every_article() -> None:
    """So a provider's prompt cache reuses it: a local server on CPU skips re-reading ~2,500
    tokens per article, hosted providers bill cached prefixes at a discount."""
    p = load_prompts()
    systems = {p.messages(a, language=lang, output_language=out, title=t, published=d)[0]["content"]
               for a, lang, out, t, d in [("甲", "zh-Hans", None, "标题", "2024-01-01"), ("b", "en", "French", None, None),
                                          ("丙", "zh-Hant", None, None, "2023-05-06")]}
    assert len(systems) == 1
    for variant in ("compact",):
        v = load_prompts(variant=variant)
        assert len({v.messages(a, language=lang)[0]["content"] for a, lang in [("甲", "zh-Hans"), ("b", "en")]}) == 1


def test_api_key_in_a_toml_file_is_refused(tmp_path) -> None:  # noqa: ANN001
    cfg = tmp_path / "s.toml"
    cfg.write_text('[summarizer]\nmodel = "m"\napi_key = "sk-should-not-be-here"\n')
    with pytest.raises(ConfigError, match="api_key must not be stored"):
        Settings.load(cfg)


def test_settings_precedence_flags_env_file(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    cfg = tmp_path / "s.toml"
    cfg.write_text('model = "from-file"\ntemperature = 0.3\nconcurrency = 9\n')
    monkeypatch.setenv("SUMMARIZER_TEMPERATURE", "0.5")
    s = Settings.load(cfg, concurrency=2)
    assert (s.model, s.temperature, s.concurrency) == ("from-file", 0.5, 2)


def test_cli_without_a_provider_says_how_to_configure(monkeypatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(app, ["summarize", str(ARTICLES / f"{SEEDS[0]}.txt")])
    assert out.exit_code != 0
    assert "--replay" in out.output and "--provider" in out.output


def test_cli_reports_a_missing_file() -> None:
    out = CliRunner().invoke(app, ["summarize", "no/such/file.txt", "--replay", str(ROOT / "fixtures" / "recordings")])
    assert out.exit_code != 0 and "no/such/file.txt" in out.output


def test_wheel_ships_prompts_and_schemas(tmp_path) -> None:  # noqa: ANN001
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    wheel = next(tmp_path.glob("policy_summarizer-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    from summarizer.prompts import ALL_FILES

    for name in ALL_FILES:  # every template, follow-ups and the compact variant included
        assert f"summarizer/_data/prompts/{name}" in names
    assert f"summarizer/_data/schemas/{SCHEMA_FILE}" in names
