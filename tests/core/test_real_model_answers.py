"""What the pipeline does with the answers a real small model gave (issue: "what the first real
model showed"). The answers are Qwen2.5-Coder-1.5B-Instruct's own, recorded at commit 82401c9
(fixtures/recordings-real/qwen2.5-coder-1.5b-instruct-82401c9), served unchanged to the current
requests for the same seed. Assertions are about the pipeline, not about the model being right."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from summarizer import Settings, Summarizer
from summarizer.loopback import LoopbackProvider, running
from summarizer.loopback.responders import is_followup

from ..conftest import ARTICLES

OLD = Path(__file__).resolve().parents[2] / "fixtures" / "recordings-real" / "qwen2.5-coder-1.5b-instruct-82401c9"
SEED_OF = {"aaa2138be1a5388d": "000", "04cb04143e789f20": "001", "cd2d63ffca819b0d": "002", "637b1049fc112c42": "003",
           "95a8ee4f74725e0b": "004"}


def _answer(seed: str) -> str:
    stem = next(k for k, v in SEED_OF.items() if v == seed)
    data = json.loads((OLD / f"{stem}.json").read_text(encoding="utf-8"))
    return data["responses"][0]["body"]["choices"][0]["message"]["content"]


def _run(seed: str, followup: Any = "same", **overrides: Any):  # noqa: ANN202
    """Summarize the seed with the model's first answer; follow-ups answered with the same answer
    again (what that model did at temperature 0) or with ``followup``."""
    first = _answer(seed)
    bodies: list[dict[str, Any]] = []

    def responder(body: dict[str, Any]) -> str:
        bodies.append(body)
        if not is_followup(body):
            return first
        return first if followup == "same" else json.dumps(followup)

    article = next(ARTICLES.glob(f"{seed}_*.txt"))
    with running(LoopbackProvider(None, responder=responder)) as srv:
        settings = Settings(provider="custom", base_url=srv.base_url, model="qwen2.5-coder-1.5b-instruct", cache_enabled=False,
                            **overrides)
        with Summarizer(settings) as s:
            return s.summarize_file(article), bodies


def test_an_item_without_a_quote_no_longer_fails_the_article_and_the_same_answer_is_not_paid_three_times() -> None:
    """Seed 004 failed whole ("no valid answer after 3 attempt(s): 1 validation error"), 14,220
    prompt tokens for three byte-identical answers."""
    result, bodies = _run("004", glean=False, ground_reask=False)
    assert result.targets, "the valid target survives the invalid goal"
    assert len(bodies) == 2 and result.meta.usage.reasks == 1 and result.meta.usage.reasks_unchanged == 1
    assert any("goals[0]" in w and "field 'quote' is missing" in w for w in result.meta.warnings)
    reask = bodies[1]["messages"][-1]["content"]
    assert "goals[0]: field 'quote' is missing" in reask, "the re-ask names the field and the rule"


def test_a_right_number_under_a_wrong_quote_is_misplaced_not_invented() -> None:
    """Seed 004's 6% came with a long paraphrase as its quote; 6% is in the article."""
    result, _ = _run("004", glean=False, ground_reask=False)
    t = next(t for t in result.targets if t.value == 6)
    assert t.verification == "misplaced" and "6%" in t.evidence.quote and t.evidence.model_quote


def test_a_number_that_is_nowhere_in_the_article_is_flagged_as_likely_invented() -> None:
    """Seed 003: the model's 6% growth target does not occur in the article at all."""
    result, _ = _run("003", glean=False, ground_reask=False)
    t = next(t for t in result.targets if t.value == 6)
    assert t.verification == "not_in_article" and t.verified is False
    assert any("occurs nowhere in the article" in w for w in result.meta.warnings)


def test_the_publishing_account_is_not_a_speaker_and_one_reused_quote_shows_in_the_grounding_summary() -> None:
    """Seed 001: the speaker was 东莞发布 and every item reused one invented sentence; the record was ok."""
    result, _ = _run("001", glean=False, ground_reask=False)
    assert "东莞发布" not in [s.name for s in result.speakers]
    g = result.meta.grounding
    assert g is not None and g.items_total > 0 and g.items_grounded < g.items_total
    assert g.low_confidence and g.reasons
    # its two "targets" (万亿GDP, 千万人口) are real numbers of the article, said elsewhere
    assert result.targets and all(t.verification == "misplaced" for t in result.targets)


@pytest.mark.parametrize("seed", ["000", "002"])
def test_targets_without_a_number_become_goals(seed: str) -> None:
    """Seed 000: value_text "strategic emerging industries"; seed 002: "全面提升" with value 1."""
    result, _ = _run(seed, glean=False, ground_reask=False)
    assert result.targets == []
    assert any("has no number" in w and "kept as a goal" in w for w in result.meta.warnings)


def test_a_quote_fix_request_goes_out_for_quotes_not_in_the_article() -> None:
    """Seed 001's invented sentence: one follow-up asks for the exact sentences; a model that
    withdraws the items gets them removed, one that answers nothing useful leaves them flagged."""
    result, bodies = _run("001", followup={"quotes": []}, glean=False)
    asks = [b for b in bodies if is_followup(b) and '"quotes"' in b["messages"][-1]["content"]]
    assert len(asks) == 1, "one quote-fix request per chunk, not one per item"
    assert result.meta.usage.steps["ground_reask"].requests == 1
    assert any(i.evidence.match == "none" for i in [*result.goals, *result.initiatives])
