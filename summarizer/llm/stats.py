"""Counting what a call cost: HTTP attempts, re-asks, tokens, by step."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import StepUsage, Usage

# Steps of one article's conversation with the provider, in the order they happen.
STEPS = ("extract", "reask", "ground_reask", "glean")


@dataclass
class CallStats:
    """What one or more requests cost, over transport retries and re-asks.

    ``requests`` counts HTTP attempts (retries included); tokens are summed over every
    completion received, including rejected answers (they were billed).
    """

    requests: int = 0
    completions: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    transport_retries: int = 0
    reasks: int = 0
    reasks_unchanged: int = 0  # re-asks answered with the very answer that was rejected
    errors: list[str] = field(default_factory=list)
    steps: dict[str, StepUsage] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was dropped or cut, for the record's warnings
    answer_text: str | None = None  # the first answer as sent, for follow-up turns

    def step(self, name: str) -> StepUsage:
        return self.steps.setdefault(name, StepUsage())

    def add(self, other: "CallStats") -> None:
        self.requests += other.requests
        self.completions += other.completions
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.transport_retries += other.transport_retries
        self.reasks += other.reasks
        self.reasks_unchanged += other.reasks_unchanged
        self.errors.extend(other.errors)
        self.notes.extend(other.notes)
        for name, u in other.steps.items():
            mine = self.step(name)
            mine.requests += u.requests
            mine.prompt_tokens += u.prompt_tokens
            mine.completion_tokens += u.completion_tokens

    def usage(self) -> Usage:
        return Usage(
            requests=self.requests,
            reasks=self.reasks,
            reasks_unchanged=self.reasks_unchanged,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            steps={k: v.model_copy() for k, v in self.steps.items()},
        )
