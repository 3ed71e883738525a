"""Every provider profile's instructor mode works end to end against the loopback server."""

from __future__ import annotations

import json

import pytest

from summarizer import Summarizer
from summarizer.loopback import Fault, LoopbackProvider, running
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


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_profile_mode_round_trip(profile: str) -> None:
    seen: list[dict] = []

    def responder(body: dict) -> str:
        seen.append(body)
        return json.dumps(ANSWER, ensure_ascii=False)

    with running(LoopbackProvider(None, responder=responder)) as srv:
        settings = replay_settings(srv, provider=profile, model="m", api_key="k" if PROFILES[profile].needs_key else None)
        with Summarizer(settings) as s:
            result = s.summarize(ARTICLE)
    assert [sp.name for sp in result.speakers] == ["王明"]
    assert result.targets[0].value_text == "6%"
    mode = PROFILES[profile].mode.value
    body = seen[0]
    if "tool" in mode:
        assert body.get("tools"), f"{profile}: tool mode sends tools"
    else:
        assert "response_format" in body, f"{profile}: JSON modes ask for a JSON response"


def test_tool_mode_bad_quote_fault_applies_to_tool_arguments() -> None:
    provider = LoopbackProvider(None, responder=lambda body: json.dumps(ANSWER, ensure_ascii=False))
    provider.faults.add(Fault("bad_quote"))
    with running(provider) as srv, Summarizer(replay_settings(srv, provider="openai", model="m", api_key="k")) as s:
        result = s.summarize(ARTICLE)
    assert all(i.evidence.match == "none" for i in [*result.speakers, *result.targets, *result.initiatives])
    assert any("could not be aligned" in w or "unaligned" in w or "not found" in w for w in result.meta.warnings)


def test_keyed_profile_without_key_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        Settings(provider="openai").check_provider()


def test_unknown_profile_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown provider profile"):
        Settings(provider="nope")
