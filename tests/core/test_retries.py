"""Transport retries (tenacity): what is retried, what fails at once, what is waited for.

Validation re-asks are a different layer: tests/core/test_reasks.py."""

from __future__ import annotations

import time

import pytest

from summarizer import Summarizer
from summarizer.intake import read_path
from summarizer.llm import ProviderError
from summarizer.loopback import Fault

from ..conftest import ARTICLES, SEEDS, replay_settings


def _doc():  # noqa: ANN202
    return read_path(ARTICLES / f"{SEEDS[3]}.txt")


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


def test_a_500_saying_the_request_is_malformed_fails_at_once(loopback, provider) -> None:  # noqa: ANN001
    """llama-cpp-python answers an unsupported response_format with HTTP 500 and a validation body;
    retrying it cannot help (seen costing 5 retries, 17 s)."""
    body = "1 validation error for CreateChatCompletionRequest response_format.type literal_error Input should be 'text' or 'json_object'"
    provider.faults.add(Fault("status", status=500, message=body, times=5))
    with Summarizer(replay_settings(loopback, provider="llamacpp", model="authored")) as s, pytest.raises(ProviderError) as err:
        s.summarize(_doc())
    assert provider.stats.requests == 1
    assert "literal_error" in str(err.value) and "--provider llama-cpp-python" in str(err.value)


def test_local_profiles_do_not_retry_a_timeout(loopback, provider) -> None:  # noqa: ANN001
    """A retry would queue behind the abandoned generation on a CPU server."""
    provider.faults.add(Fault("delay", delay_s=1.5, times=3))
    settings = replay_settings(loopback, provider="llama-cpp-python", model="authored", mode="json", timeout_s=0.5)
    with Summarizer(settings) as s, pytest.raises(ProviderError, match="timed out"):
        s.summarize(_doc())
    assert provider.stats.requests == 1


def test_local_profiles_stream_and_wait_longer() -> None:
    from summarizer.settings import Settings

    local = Settings(provider="llama-cpp-python", model="m")
    hosted = Settings(provider="custom", base_url="http://x/v1", model="m")
    assert local.resolved_stream() and local.resolved_timeout() >= 600
    assert not hosted.resolved_stream() and hosted.resolved_timeout() == 120
    assert Settings(provider="llama-cpp-python", model="m", timeout_s=30).resolved_timeout() == 30
