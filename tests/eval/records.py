"""Building schema-valid result records and gold documents for the eval tests."""

from __future__ import annotations

from typing import Any

from summarizer.evaluation import FORMAT
from summarizer.models import (
    ArticleInfo,
    ArticleSummary,
    Evidence,
    Goal,
    Initiative,
    Meta,
    NumericTarget,
    Speaker,
)


def ev(match: str = "exact") -> Evidence:
    return Evidence(quote="q", start=0 if match != "none" else None, end=1 if match != "none" else None, match=match)


def target(value: float | None, unit: str | None = None, **kw: Any) -> NumericTarget:
    kw.setdefault("metric", "m")
    kw.setdefault("value_text", f"{value:g}" if value is not None else "?")
    match = kw.pop("match", "exact")
    return NumericTarget(value=value, unit=unit, evidence=ev(match), **kw)


def record(
    name: str | None,
    *,
    speakers: list[str] = (),
    targets: list[NumericTarget] = (),
    initiatives: list[str] = (),
    goals: int = 0,
    ungrounded: int = 0,
) -> ArticleSummary:
    """A result whose first ``ungrounded`` speakers have no evidence match."""
    return ArticleSummary(
        article=ArticleInfo(id="0" * 16, input_name=name),
        summary="s",
        speakers=[Speaker(name=n, evidence=ev("none" if i < ungrounded else "exact")) for i, n in enumerate(speakers)],
        goals=[Goal(statement=f"g{i}", evidence=ev()) for i in range(goals)],
        targets=list(targets),
        initiatives=[Initiative(name=n, evidence=ev("fuzzy")) for n in initiatives],
        meta=Meta(engine_version="t", provider="test", model="test", prompt_version="t", pipeline_version="t"),
    )


def gold_article(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, **fields}


def gold(*articles: dict[str, Any]) -> dict[str, Any]:
    return {"format": FORMAT, "origin": "authored (test)", "articles": list(articles)}
