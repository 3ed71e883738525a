"""``summarizer batch ... --dry-run``: what a batch would send and cost, without sending anything.

Every input is read and cleaned and planned exactly as the batch would (``Pipeline.plan``: the
same chunks, prompts and cache keys, the same per-article caps); the answer cache is looked up
(finished summaries and chunk answers), and the prompt tokens of the requests that would go out
are counted on the exact request body, the answer schema included (``chunking.count_tokens``:
tiktoken when its files are cached locally, else the documented estimate). The cost is a range:
completion sizes are unknown before the model answers, so it uses ``COMPLETION_RANGE`` tokens per
request, and the follow-up turns (re-asks, quote fixes, gleaning) are not counted — it is a lower
bound for them. No request, not even the provider probe, is made.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .intake import IntakeError, Source
from .intake.chunking import count_tokens
from .pipeline import Pipeline

COMPLETION_RANGE = (300, 1200)  # tokens a first answer takes, per chunk: short article .. dense report


@dataclass
class DryRunReport:
    articles: int = 0
    unreadable: int = 0
    over_cap: int = 0
    cached_articles: int = 0  # finished summaries already in the cache: no intake, no request
    chunks: int = 0
    cached_chunks: int = 0  # answers already in the cache
    requests: int = 0  # first-answer requests that would be sent
    prompt_tokens: int = 0
    completion_tokens_low: int = 0
    completion_tokens_high: int = 0
    cost_low_usd: float | None = None
    cost_high_usd: float | None = None
    model: str = ""
    problems: list[dict[str, str]] = field(default_factory=list)  # the first few unreadable inputs

    def lines(self) -> list[str]:
        cost = (
            f"est. cost ${self.cost_low_usd:.4f} - ${self.cost_high_usd:.4f}"
            if self.cost_low_usd is not None
            else f"est. cost unknown (no price for model {self.model!r} in settings.prices)"
        )
        return [
            f"{self.articles} articles ({self.cached_articles} already summarized in the cache, "
            f"{self.unreadable} unreadable, {self.over_cap} over the per-article cap)",
            f"{self.chunks} chunks ({self.cached_chunks} answered in the cache); {self.requests} requests would be sent",
            f"prompt tokens {self.prompt_tokens}; completion tokens {self.completion_tokens_low}-{self.completion_tokens_high} "
            f"(assumed {COMPLETION_RANGE[0]}-{COMPLETION_RANGE[1]} per request; follow-up turns not counted)",
            f"{cost}; no request was sent",
        ]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _request_tokens(pipeline: Pipeline, messages: list[dict[str, str]]) -> int:
    body = pipeline.client.request_body(messages) if hasattr(pipeline.client, "request_body") else {"messages": messages}
    text = "\n".join(m.get("content") or "" for m in body.get("messages", []))
    extra = {k: v for k, v in body.items() if k in ("tools", "response_format")}
    return count_tokens(text) + (count_tokens(json.dumps(extra, ensure_ascii=False)) if extra else 0)


def dry_run(pipeline: Pipeline, sources: Iterable[Source], *, keep_problems: int = 20) -> DryRunReport:
    report = DryRunReport(model=pipeline.client.model)
    cache = pipeline.cache
    for src in sources:
        report.articles += 1
        try:
            if src.error is not None:
                raise src.error
            if cache is not None and src.article is not None and cache.get(pipeline._summary_key(src.article)) is not None:
                report.cached_articles += 1
                continue
            plan = pipeline.plan(src.load())
        except IntakeError as exc:
            from .intake.errors import InputTooLarge

            if isinstance(exc, InputTooLarge):
                report.over_cap += 1
            else:
                report.unreadable += 1
            if len(report.problems) < keep_problems:
                report.problems.append({"input": src.name, "error": str(exc)})
            continue
        for request in plan.requests:
            report.chunks += 1
            if cache is not None and cache.get(request.key) is not None:
                report.cached_chunks += 1
                continue
            report.requests += 1
            report.prompt_tokens += _request_tokens(pipeline, request.messages)
    report.completion_tokens_low = report.requests * COMPLETION_RANGE[0]
    report.completion_tokens_high = report.requests * COMPLETION_RANGE[1]
    s = pipeline.settings
    report.cost_low_usd = s.cost_usd(report.prompt_tokens, report.completion_tokens_low)
    report.cost_high_usd = s.cost_usd(report.prompt_tokens, report.completion_tokens_high)
    return report
