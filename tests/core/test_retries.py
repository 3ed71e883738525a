"""The two retry layers: transport (tenacity) and validation re-asks (instructor)."""

from __future__ import annotations

import time

import pytest

from summarizer import Summarizer
from summarizer.intake import read_path
from summarizer.llm import AnswerError, ProviderError
from summarizer.loopback import Fault

from ..conftest import ARTICLES, SEEDS, replay_settings


def _doc():  # noqa: ANN202
    return read_path(ARTICLES / f"{SEEDS[3]}.txt")


def test_schema_invalid_answer_is_reasked_then_accepted(loopback, provider) -> None:  # noqa: ANN001
    provider.faults.add(Fault("invalid"))
    with Summarizer(replay_settings(loopback)) as s:
        result = s.summarize(_doc())
    assert result.meta.usage.reasks == 1
    assert result.meta.usage.requests == 2
    # tokens are counted over both answers, not only the accepted one
    assert result.meta.usage.completion_tokens > 0
    assert provider.stats.requests == 2 and provider.stats.faults == 1
    assert result.targets, "the accepted (replayed) answer is used"


def test_reasks_are_bounded(loopback, provider) -> None:  # noqa: ANN001
    provider.faults.add(Fault("invalid", times=10))
    with Summarizer(replay_settings(loopback, max_reasks=2)) as s, pytest.raises(AnswerError, match="no valid answer after 3"):
        s.summarize(_doc())
    assert provider.stats.requests == 3


def test_429_with_retry_after_then_success(loopback, provider) -> None:  # noqa: ANN001
    provider.faults.add(Fault("status", status=429, retry_after=0.4))
    started = time.monotonic()
    with Summarizer(replay_settings(loopback)) as s:
        result = s.summarize(_doc())
    assert time.monotonic() - started >= 0.4, "Retry-After was honoured"
    assert result.meta.usage.requests == 2 and result.meta.usage.reasks == 0
    assert provider.stats.requests == 2


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried(loopback, provider, status: int) -> None:  # noqa: ANN001
    provider.faults.add(Fault("status", status=status, times=2))
    with Summarizer(replay_settings(loopback)) as s:
        result = s.summarize(_doc())
    assert result.meta.usage.requests == 3


def test_connection_reset_is_retried(loopback, provider) -> None:  # noqa: ANN001
    provider.faults.add(Fault("reset"))
    with Summarizer(replay_settings(loopback)) as s:
        result = s.summarize(_doc())
    assert result.meta.usage.requests == 2


def test_timeout_is_retried(loopback, provider) -> None:  # noqa: ANN001
    provider.faults.add(Fault("delay", delay_s=1.5))
    with Summarizer(replay_settings(loopback, timeout_s=0.5)) as s:
        result = s.summarize(_doc())
    assert result.meta.usage.requests == 2


def test_client_errors_are_not_retried(loopback, provider) -> None:  # noqa: ANN001
    provider.faults.add(Fault("status", status=400, times=5))
    with Summarizer(replay_settings(loopback)) as s, pytest.raises(ProviderError, match="HTTP 400"):
        s.summarize(_doc())
    assert provider.stats.requests == 1


def test_transport_retries_are_bounded(loopback, provider) -> None:  # noqa: ANN001
    provider.faults.add(Fault("status", status=503, times=50))
    with Summarizer(replay_settings(loopback, transport_retries=2)) as s, pytest.raises(ProviderError, match="HTTP 503"):
        s.summarize(_doc())
    assert provider.stats.requests == 3, "the SDK's own retries are off: only ours count"
