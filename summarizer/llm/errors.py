"""What can go wrong when asking a provider, as exceptions whose messages are safe to show.

Messages never carry request headers or keys (``summarizer.redact``); each failure that cost
requests carries its ``CallStats`` so callers can bill what was spent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .stats import CallStats


class LLMError(RuntimeError):
    """A failed extraction; the message is safe to log (no headers, no keys)."""

    def __init__(self, message: str, stats: "CallStats | None" = None) -> None:
        super().__init__(message)
        self.stats = stats


class ProviderError(LLMError):
    """The provider could not be reached, or kept failing with faults that can pass."""


class RequestRejected(ProviderError):
    """The provider said the request itself is wrong (4xx, or a 500 carrying a validation
    error): retrying the same request cannot help, so it fails at once with the reason."""


class AnswerError(LLMError):
    """The provider answered, but nothing usable came back within the re-ask budget."""
