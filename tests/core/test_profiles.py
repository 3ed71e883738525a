"""Every provider profile's instructor mode works end to end against the loopback server."""

from __future__ import annotations

import json

import pytest

from summarizer import Summarizer
from summarizer.loopback import Fault, LoopbackProvider, running
from summarizer.loopback.responders import is_followup
from summarizer.profiles import PROFILES
from summarizer.settings import ConfigError, Settings

from ..conftest import replay_settings

ARTICLE = "市长王明表示,今年全市地区生产总值力争增长6%以上。会议要求加快建设湖东科创走廊。"
ANSWER = {
    "title": None,
    "summary": "市长王明提出今年经济增长目标。",
    "speakers": [{"name": "王明", "title": "市长", "quote": "市长王明表示"}],
    "goals": [],
    "targets": [
        {"metric": "地区生产总值增速", "value_text": "6%", "value": 6, "unit": "%", "comparator": "at_least",
         "kind": "growth_rate", "period": "今年", "strength": "strive", "quote": "今年全市地区生产总值力争增长6%以上"}
    ],
    "initiatives": [{"name": "湖东科创走廊", "quote": "加快建设湖东科创走廊"}],
}


HTTP_PROFILES = sorted(name for name, p in PROFILES.items() if not p.in_process)


@pytest.mark.parametrize("profile", HTTP_PROFILES)
def test_profile_mode_round_trip(profile: str) -> None:
    seen: list[dict] = []

    def responder(body: dict) -> str:
        seen.append(body)
        return json.dumps(ANSWER if not is_followup(body) else {}, ensure_ascii=False)

    with running(LoopbackProvider(None, responder=responder)) as srv:
        settings = replay_settings(srv, provider=profile, model="m", api_key="k" if PROFILES[profile].needs_key else None)
        with Summarizer(settings) as s:
            result = s.summarize(ARTICLE)
    assert [sp.name for sp in result.speakers] == ["王明"]
    assert result.targets[0].value_text == "6%"
    mode = PROFILES[profile].mode
    body = seen[0]
    if "tool" in mode:
        assert body.get("tools"), f"{profile}: tool mode sends tools"
    elif mode != "md_json":
        assert "response_format" in body, f"{profile}: JSON modes ask for a JSON response"
    if mode == "json_object_schema":  # llama-cpp-python: the schema becomes a grammar
        assert body["response_format"]["type"] == "json_object" and "properties" in body["response_format"]["schema"]
    if mode == "json_schema":
        assert body["response_format"]["type"] == "json_schema"
    assert bool(body.get("stream")) == PROFILES[profile].stream, "local servers stream (a timeout stops the generation)"


def test_tool_mode_bad_quote_fault_applies_to_tool_arguments() -> None:
    provider = LoopbackProvider(None, responder=lambda body: json.dumps(ANSWER if not is_followup(body) else {}, ensure_ascii=False))
    provider.faults.add(Fault("bad_quote"))
    with running(provider) as srv, Summarizer(replay_settings(srv, provider="openai", model="m", api_key="k")) as s:
        result = s.summarize(ARTICLE)
    assert all(i.evidence.match == "none" for i in [*result.speakers, *result.initiatives])
    # the target's number is in the article: not an invention, its evidence moves to where it is
    t = result.targets[0]
    assert t.verification == "misplaced" and "6%" in t.evidence.quote and t.evidence.model_quote != t.evidence.quote
    assert any("could not be aligned" in w or "unaligned" in w or "not found" in w for w in result.meta.warnings)


def test_keyed_profile_without_key_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        Settings(provider="openai").check_provider()


def test_unknown_profile_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"unknown provider 'opnai' \(did you mean 'openai'\?\)"):
        Settings(provider="opnai")
