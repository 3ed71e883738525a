"""Validation re-asks: one bad item never fails an article, re-asks name the field and the rule,
and a provider that repeats the rejected answer is not paid again (seen on a real 1.5B model)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from summarizer import Summarizer
from summarizer.llm import AnswerError
from summarizer.loopback import LoopbackProvider, running
from summarizer.loopback.responders import is_followup

from ..conftest import replay_settings

ARTICLE = "市长王明表示,今年全市地区生产总值力争增长6%以上。会议要求加快建设湖东科创走廊。"
TARGET = {"metric": "地区生产总值增速", "value_text": "6%", "value": 6, "unit": "%", "comparator": "at_least",
          "kind": "growth_rate", "period": "今年", "quote": "今年全市地区生产总值力争增长6%以上"}
GOAL_WITHOUT_QUOTE = {"statement": "建设湖东科创走廊", "horizon": None}
GOAL = {**GOAL_WITHOUT_QUOTE, "quote": "会议要求加快建设湖东科创走廊"}
FIRST = {"summary": "市长王明提出今年经济增长目标。", "speakers": [], "goals": [GOAL_WITHOUT_QUOTE], "targets": [TARGET], "initiatives": []}


def _run(answers: Callable[[dict[str, Any], int], Any], **overrides: Any) -> tuple[Any, list[dict[str, Any]]]:
    """Summarize ARTICLE against a provider answering with ``answers(body, n)`` (n: first-turn count so far)."""
    seen: list[dict[str, Any]] = []

    def responder(body: dict[str, Any]) -> str:
        seen.append(body)
        out = answers(body, len(seen))
        return out if isinstance(out, str) else json.dumps(out, ensure_ascii=False)

    with running(LoopbackProvider(None, responder=responder)) as srv:
        with Summarizer(replay_settings(srv, glean=False, ground_reask=False, **overrides)) as s:
            return s.summarize(ARTICLE), seen


def _last_user(body: dict[str, Any]) -> str:
    return body["messages"][-1]["content"]


def test_one_invalid_item_is_reasked_alone_and_the_fix_is_kept() -> None:
    result, seen = _run(lambda body, n: {"goals": [GOAL]} if is_followup(body) else FIRST)
    assert [g.statement for g in result.goals] == ["建设湖东科创走廊"]
    assert result.goals[0].evidence.match == "exact"
    assert [t.value_text for t in result.targets] == ["6%"], "the valid target was never at risk"
    assert result.meta.usage.reasks == 1 and result.meta.usage.requests == 2
    assert result.meta.usage.steps["reask"].requests == 1
    reask = _last_user(seen[1])
    assert "goals[0]" in reask and "'quote'" in reask and "copied character for character" in reask
    assert "targets" not in reask.split("Answer with")[0], "only the failing item is asked about"


def test_same_answer_again_stops_reasking_and_is_counted() -> None:
    result, seen = _run(lambda body, n: FIRST, max_reasks=3)
    assert len(seen) == 2, "the identical answer to the re-ask ends the re-asking"
    assert result.meta.usage.reasks == 1 and result.meta.usage.reasks_unchanged == 1
    assert result.goals == [] and [t.value_text for t in result.targets] == ["6%"]
    warnings = " ".join(result.meta.warnings)
    assert "dropped goals[0] ('建设湖东科创走廊'): field 'quote' is missing" in warnings


def test_still_invalid_after_the_budget_is_dropped_with_the_field_and_reason() -> None:
    bad_fixes = iter([{"goals": [{"statement": "x"}]}, {"goals": [{"statement": "y", "quote": None}]}])
    result, seen = _run(lambda body, n: next(bad_fixes) if is_followup(body) else FIRST, max_reasks=2)
    assert len(seen) == 3 and result.meta.usage.reasks == 2
    assert result.goals == []
    assert any("goals[0]" in w and "'quote'" in w for w in result.meta.warnings)


def test_an_unreadable_answer_is_reasked_whole_then_fails_with_the_reason() -> None:
    with pytest.raises(AnswerError, match=r"not valid JSON"):
        _run(lambda body, n: "Sure! Here is the JSON you asked for: {oops", max_reasks=1)


def test_an_unreadable_first_answer_recovers_on_reask() -> None:
    result, seen = _run(lambda body, n: {**FIRST, "goals": [GOAL]} if is_followup(body) else "no json here", max_reasks=1)
    assert len(seen) == 2 and result.goals and result.targets
    assert "could not be used" in _last_user(seen[1])


def test_a_truncated_answer_keeps_its_complete_items(monkeypatch: pytest.MonkeyPatch) -> None:
    cut = json.dumps({**FIRST, "goals": [GOAL], "initiatives": [{"name": "湖东科创走廊", "quote": "会议要求加快"}]}, ensure_ascii=False)[:-30]

    from summarizer.loopback import server

    real = server.completion_body

    def truncated(content: str, **kw: Any) -> dict[str, Any]:
        return real(content, **{**kw, "finish_reason": "length"}) if content == cut else real(content, **kw)

    monkeypatch.setattr(server, "completion_body", truncated)
    result, _ = _run(lambda body, n: {} if is_followup(body) else cut, max_reasks=0)
    assert [t.value_text for t in result.targets] == ["6%"] and [g.statement for g in result.goals] == ["建设湖东科创走廊"]
    assert any("cut off at max_tokens" in w for w in result.meta.warnings)


def test_a_blank_summary_is_reasked_and_never_fails_the_article() -> None:
    result, seen = _run(lambda body, n: {} if is_followup(body) else {**FIRST, "summary": "", "goals": [GOAL]}, max_reasks=1)
    assert result.summary == "" and result.targets and result.goals
    assert "summary" in _last_user(seen[1])
    assert any("no valid summary" in w for w in result.meta.warnings)


def test_enum_spellings_are_mapped_not_reasked() -> None:
    odd = {**TARGET, "comparator": "greater_than", "kind": "percentage", "strength": "must", "value": "6"}
    result, seen = _run(lambda body, n: {**FIRST, "goals": [GOAL], "targets": [odd]})
    assert len(seen) == 1, "nothing to re-ask: grounding re-reads comparator and kind from the source"
    assert result.targets[0].comparator == "at_least" and result.targets[0].value == 6


def test_gleaning_asks_a_yes_or_no_per_hinted_number_and_builds_the_target_from_the_hint() -> None:
    """The first answer misses the 50家 target; gleaning lists it, the model says yes: the target
    comes back with the sentence as its quote and the number as written, verified."""
    article = "市长王明表示，今年全市地区生产总值力争增长6%以上，新增高新技术企业不少于50家。"
    first = {"summary": "增长目标。", "speakers": [], "goals": [], "initiatives": [],
             "targets": [{**TARGET, "quote": "今年全市地区生产总值力争增长6%以上"}]}
    seen: list[dict[str, Any]] = []

    def responder(body: dict[str, Any]) -> str:
        seen.append(body)
        if not is_followup(body):
            return json.dumps(first, ensure_ascii=False)
        return json.dumps({"numbers": [{"ref": "N1", "target": True, "metric": "新增高新技术企业"}]}, ensure_ascii=False)

    with running(LoopbackProvider(None, responder=responder)) as srv:
        with Summarizer(replay_settings(srv, ground_reask=False)) as s:
            result = s.summarize(article)
    ask = seen[1]["messages"][-1]["content"]
    assert 'N1. "50家" in:' in ask and "6%" not in ask.split("N1.")[1].split("\n")[0][:6], "only the uncovered number is asked about"
    t = next(t for t in result.targets if t.value == 50)
    assert t.verification == "verified" and t.metric == "新增高新技术企业" and t.comparator == "at_least"
    assert article[t.evidence.start : t.evidence.end] == t.evidence.quote and "50家" in t.evidence.quote
    assert result.meta.usage.steps["glean"].requests == 1


def test_a_streamed_answer_cut_off_at_max_tokens_keeps_its_complete_items(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen on a real 1.5B model on llama-cpp-python (a local, streaming profile): it rambled to
    max_tokens and the SDK's stream accumulator raised LengthFinishReasonError, failing the article."""
    cut = json.dumps({**FIRST, "goals": [GOAL], "initiatives": [{"name": "湖东科创走廊", "quote": "会议要求加快"}]}, ensure_ascii=False)[:-30]

    from summarizer.loopback import server

    real = server.completion_body

    def truncated(content: str, **kw: Any) -> dict[str, Any]:
        return real(content, **{**kw, "finish_reason": "length"}) if content == cut else real(content, **kw)

    monkeypatch.setattr(server, "completion_body", truncated)
    result, seen = _run(lambda body, n: {} if is_followup(body) else cut, max_reasks=0, provider="llama-cpp-python",
                        model="m", mode="json")
    assert seen[0].get("stream") is True, "local profiles stream"
    assert [t.value_text for t in result.targets] == ["6%"] and [g.statement for g in result.goals] == ["建设湖东科创走廊"]
    assert any("cut off at max_tokens" in w for w in result.meta.warnings)
