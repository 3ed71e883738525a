"""The provider side: ask for an ``Extraction`` and get back its valid part, with usage.

* ``client.LLMClient``: any OpenAI-compatible endpoint (openai SDK; request shapes from
  instructor's mode handlers), with per-item validation and targeted re-asks;
* ``rules_client.RulesClient``: the deterministic extractor, in-process (``--provider rules``);
* ``make_client(settings)``: the one to use for a ``Settings``.
"""

from __future__ import annotations

from typing import Any

from ..settings import Settings
from .client import LLMClient
from .errors import AnswerError, LLMError, ProviderError, RequestRejected
from .stats import CallStats
from .transport import RequestObserver, RequestTicket

__all__ = [
    "AnswerError",
    "CallStats",
    "LLMClient",
    "LLMError",
    "ProviderError",
    "RequestObserver",
    "RequestRejected",
    "RequestTicket",
    "make_client",
]


def make_client(settings: Settings, *, observer: RequestObserver | None = None, prompts: Any = None) -> Any:
    """The client for ``settings``: the rules engine in-process, else the HTTP client."""
    if settings.profile.in_process:
        from .rules_client import RulesClient

        return RulesClient(settings, observer=observer, prompts=prompts)
    return LLMClient(settings, observer=observer, prompts=prompts)
