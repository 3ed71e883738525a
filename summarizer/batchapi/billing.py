"""Records that bill Batch API answers at the batch price.

``BatchBilledPipeline`` is the ordinary ``Pipeline`` (every step inherited, nothing copied)
whose ``complete`` re-prices the finished record: the tokens of first answers that came from
the Batch API at ``Settings.batch_cost_usd`` (``batch_prices``, else ``batch_discount`` x the
online price: half by default), everything asked online (re-asks, quote fixes, gleaning) at
the online price. ``meta.usage`` stays the true token count.
"""

from __future__ import annotations

from typing import Any

from ..models import ArticleSummary
from ..pipeline import ChunkAnswer, Pipeline, Plan
from .answers import PrefilledAnswers


def add_costs(*costs: float | None) -> float | None:
    """The sum, or None when any part has no price."""
    return None if any(c is None for c in costs) else round(sum(costs), 6)  # type: ignore[arg-type]


class BatchBilledPipeline(Pipeline):
    def __init__(self, settings: Any, *, prefilled: PrefilledAnswers, **kwargs: Any) -> None:
        super().__init__(settings, prefilled=prefilled, **kwargs)
        self.answers = prefilled
        self.batch_prompt_tokens = 0  # billed at the batch price in this run's records
        self.batch_completion_tokens = 0
        self.batch_requests = 0  # first answers from the Batch API billed in this run's records

    async def complete(self, plan: Plan, answers: list[ChunkAnswer], *, started: float | None = None) -> ArticleSummary:
        summary = await super().complete(plan, answers, started=started)
        bp = bc = 0
        for request, answer in zip(plan.requests, answers):
            # billed here (stats handed with it) and fetched through the Batch API
            if answer.stats is not None and request.key in self.answers:
                p, c = self.answers.batch_usage(request.key)
                bp, bc = bp + p, bc + c
                self.batch_requests += 1
        self.batch_prompt_tokens += bp
        self.batch_completion_tokens += bc
        u = summary.meta.usage
        s = self.settings
        summary.meta.cost_usd = add_costs(
            s.batch_cost_usd(bp, bc), s.cost_usd(u.prompt_tokens - bp, u.completion_tokens - bc)
        )
        return summary
