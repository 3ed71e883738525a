"""The recorder and replay, as seen with a real model: re-asks are forwarded and recorded (never
answered with the first answer again), usage is what the provider really counted, /v1/models
tells the truth, and any recordings folder replays with one command in the shape it was made."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from summarizer import Settings, Summarizer
from summarizer.cli import app
from summarizer.loopback import LoopbackProvider, running
from summarizer.loopback.recordings import write_manifest
from summarizer.loopback.responders import is_followup

from ..conftest import ARTICLES, RECORDINGS, SEEDS

ARTICLE = "市长王明表示,今年全市地区生产总值力争增长6%以上。会议要求加快建设湖东科创走廊。"
GOAL = {"statement": "建设湖东科创走廊", "quote": "会议要求加快建设湖东科创走廊"}
FIRST = {"summary": "市长王明提出增长目标。", "speakers": [], "goals": [{"statement": "建设湖东科创走廊"}], "targets": [], "initiatives": []}


def _upstream(seen: list[dict[str, Any]]) -> LoopbackProvider:
    """A stand-in for a real model: answers a first turn with an invalid goal, the re-ask with the fix."""

    def responder(body: dict[str, Any]) -> str:
        seen.append(body)
        return json.dumps({"goals": [GOAL]} if is_followup(body) else FIRST, ensure_ascii=False)

    return LoopbackProvider(None, responder=responder)


def _settings(base_url: str, **kw: Any) -> Settings:
    values: dict[str, Any] = dict(provider="custom", base_url=base_url, model="real-model-x", cache_enabled=False,
                                  glean=False, ground_reask=False)
    return Settings(**{**values, **kw})


def test_recorder_forwards_reasks_and_counts_what_the_provider_saw(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    with running(_upstream(seen)) as up:
        recorder = LoopbackProvider(tmp_path, upstream=up.base_url, record_to=tmp_path)
        with running(recorder) as rec, Summarizer(_settings(rec.base_url)) as s:
            result = s.summarize(ARTICLE)
    assert len(seen) == 2, "the re-ask reached the model"
    assert recorder.stats.as_dict()["recorded"] == 2 and recorder.stats.replayed == 0
    assert [g.statement for g in result.goals] == ["建设湖东科创走廊"]
    upstream_prompt = sum(json.loads(p.read_text())["responses"][0]["body"]["usage"]["prompt_tokens"]
                          for p in tmp_path.glob("*.json"))
    assert result.meta.usage.prompt_tokens == upstream_prompt, "usage is what the provider counted, no replayed tokens"
    assert all(json.loads(p.read_text())["origin"] == "recorded" for p in tmp_path.glob("*.json"))


def test_record_mode_lists_the_upstreams_models(tmp_path: Path) -> None:
    with running(LoopbackProvider(RECORDINGS)) as up:
        up_models = httpx.get(f"{up.base_url}/models").json()
        with running(LoopbackProvider(None, upstream=up.base_url, record_to=tmp_path)) as rec:
            assert httpx.get(f"{rec.base_url}/models").json() == up_models
    assert [m["id"] for m in up_models["data"]] == ["authored"]


def test_a_recorded_folder_replays_offline_in_the_shape_it_was_made(tmp_path: Path) -> None:
    """Recorded with a real model's name, a grammar mode and its own max_tokens: one command replays it."""
    seen: list[dict[str, Any]] = []
    folder = tmp_path / "rec"
    shape = dict(provider="llama-cpp-python", max_tokens=2048, prompt_variant="compact")
    with running(_upstream(seen)) as up:
        with running(LoopbackProvider(folder, upstream=up.base_url, record_to=folder)) as rec:
            with Summarizer(_settings(rec.base_url, **shape)) as s:
                recorded = s.summarize(ARTICLE, name="a.txt")
    write_manifest(folder, {"origin": "recorded", "model": "real-model-x", "provider": "llama-cpp-python",
                            "mode": "json_object_schema", "settings": {"max_tokens": 2048, "prompt_variant": "compact"}})
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    calls_before = len(seen)
    out = CliRunner().invoke(app, ["summarize", str(article), "--replay", str(folder), "--no-glean", "--no-ground-reask", "--no-cache"])
    assert out.exit_code == 0, out.output
    replayed = json.loads(out.stdout)
    assert len(seen) == calls_before, "nothing reached the model"
    assert replayed["meta"]["model"] == "real-model-x"
    assert [g["statement"] for g in replayed["goals"]] == [g.statement for g in recorded.goals]
    assert replayed["meta"]["usage"]["reasks"] == 1

    # without a manifest, the shape is read off the recorded requests
    (folder / "manifest.json").unlink()
    out = CliRunner().invoke(app, ["summarize", str(article), "--replay", str(folder), "--no-glean", "--no-ground-reask",
                                   "--no-cache", "--prompt-variant", "compact"])
    assert out.exit_code == 0, out.output


def test_settings_replay_is_the_offline_python_path(tmp_path: Path) -> None:
    with Summarizer(Settings(replay=RECORDINGS, cache_dir=tmp_path)) as s:
        result = s.summarize_file(ARTICLES / f"{SEEDS[3]}.txt")
    assert result.meta.model == "authored" and result.targets
    assert all(t.verification == "verified" for t in result.targets)


def test_a_request_the_folder_lacks_fails_loudly_with_its_hash(tmp_path: Path) -> None:
    article = tmp_path / "new.txt"
    article.write_text("An article nobody recorded: the council will build 3 parks.", encoding="utf-8")
    out = CliRunner().invoke(app, ["summarize", str(article), "--replay", str(RECORDINGS), "--no-cache"])
    assert out.exit_code == 1 and "no recording for request" in out.output
