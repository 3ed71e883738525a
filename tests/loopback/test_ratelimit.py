"""The loopback provider's rate limits: per-second and per-minute request windows, tokens per
minute, sliding or fixed, 429 with an exact Retry-After, counted in /_loopback/stats."""

from __future__ import annotations

import asyncio
import math

import httpx
import pytest
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.loopback import LoopbackProvider, running
from summarizer.loopback.ratelimit import ProviderLimits, Refusal, Window

CHAT = {"model": "m", "messages": [{"role": "user", "content": "x" * 400}]}  # ~100 tokens by the loopback's estimate


def test_sliding_window_refuses_the_extra_request_until_the_oldest_expires() -> None:
    w = Window(limit=3, span_s=1.0, kind="sliding")
    for t in (0.0, 0.1, 0.2):
        assert w.wait(1, t) == 0.0
        w.add(1, t)
    assert w.wait(1, 0.5) == pytest.approx(0.5), "the 4th within the second waits for the request at 0.0 to leave"
    assert w.wait(1, 0.999) == pytest.approx(0.001)
    assert w.wait(1, 1.0) == 0.0, "one second after the first, there is room again"
    w.add(1, 1.0)
    assert w.wait(1, 1.05) == pytest.approx(0.05), "now the request at 0.1 is the one to wait for"


def test_fixed_window_resets_on_the_boundary_and_so_lets_a_double_burst_through() -> None:
    w = Window(limit=2, span_s=1.0, kind="fixed")
    for t in (0.90, 0.95):
        w.add(1, t)
    assert w.wait(1, 0.99) == pytest.approx(0.01), "wait for the next bucket"
    assert w.wait(1, 1.0) == 0.0
    w.add(1, 1.0)
    w.add(1, 1.01)
    assert w.wait(1, 1.02) == pytest.approx(0.98)  # four requests within 0.11 s: why strict providers slide


def test_limits_combine_and_the_longest_wait_is_the_retry_after() -> None:
    limits = ProviderLimits(rps=2, rpm=3)
    assert limits.admit(0.0) is None and limits.admit(0.1) is None
    refusal = limits.admit(0.2)
    assert refusal is not None and refusal.limit == "rps" and refusal.retry_after_s == pytest.approx(0.8)
    assert limits.admit(1.5) is None  # the per-second window has room again; the 3rd of the minute
    refusal = limits.admit(2.0)
    assert refusal is not None and refusal.limit == "rpm" and refusal.retry_after_s == pytest.approx(58.0)


def test_tokens_per_minute_counts_prompt_on_arrival_and_completion_when_charged() -> None:
    limits = ProviderLimits(tpm=1000)
    assert limits.admit(0.0, prompt_tokens=400) is None
    limits.charge(0.5, 500)  # the answer's completion tokens
    refusal = limits.admit(1.0, prompt_tokens=200)
    assert refusal is not None and refusal.limit == "tpm"
    assert refusal.retry_after_s == pytest.approx(59.0), "until the first prompt's 400 tokens leave the minute"
    assert limits.admit(1.0, prompt_tokens=100) is None, "a smaller request still fits"
    too_big = limits.admit(2.0, prompt_tokens=5000)
    assert too_big is not None and too_big.retry_after_s is None and "too large" in too_big.message


def test_retry_after_headers_round_up() -> None:
    assert Refusal("rps", 0.0123, "m").headers() == {"Retry-After": "1", "retry-after-ms": "13"}
    assert Refusal("rpm", 59.0001, "m").headers() == {"Retry-After": "60", "retry-after-ms": "59001"}
    assert Refusal("tpm", None, "m").headers() == {}


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [({"rps": 0}, "rps_limit"), ({"tpm": -5}, "tpm_limit"), ({"rpm": 1.5}, "rpm_limit"), ({"window": "leaky"}, "window")],
)
def test_bad_limits_are_refused_by_name(kwargs: dict, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        ProviderLimits(**kwargs)


async def _post_concurrently(base_url: str, n: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=10) as client:
        return await asyncio.gather(*(client.post(f"{base_url}/chat/completions", json=CHAT) for _ in range(n)))


async def test_per_second_window_refuses_the_request_over_the_limit_over_http() -> None:
    provider = LoopbackProvider(None, responder=lambda body: '{"ok": true}', rps_limit=4)
    with running(provider) as srv:
        responses = await _post_concurrently(srv.base_url, 5)  # five at once: well within one second
        async with httpx.AsyncClient() as client:
            stats = (await client.get(srv.base_url.replace("/v1", "/_loopback/stats"))).json()
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 200, 200, 429]
    refused = next(r for r in responses if r.status_code == 429)
    wait_ms = int(refused.headers["retry-after-ms"])
    assert 0 < wait_ms <= 1000 and refused.headers["Retry-After"] == "1"
    assert "requests per second" in refused.json()["error"]["message"]
    assert stats["rate_limited"] == 1 and stats["rate_limited_rps"] == 1 and stats["rate_limited_rpm"] == 0
    assert stats["peak_requests_per_s"] == 4


async def test_requests_per_minute_keeps_working_as_before() -> None:
    provider = LoopbackProvider(None, responder=lambda body: '{"ok": true}', rpm_limit=3)
    with running(provider) as srv:
        responses = await _post_concurrently(srv.base_url, 5)
    refused = [r for r in responses if r.status_code == 429]
    assert len(refused) == 2 and provider.stats.rate_limited_rpm == 2
    assert all(55 <= math.ceil(int(r.headers["retry-after-ms"]) / 1000) <= 60 for r in refused)


async def test_tokens_per_minute_over_http_charges_the_answer_too() -> None:
    # ~100 prompt tokens per request; the answer below is ~250 completion tokens
    provider = LoopbackProvider(None, responder=lambda body: "y" * 1000, tpm_limit=400)
    with running(provider) as srv:
        async with httpx.AsyncClient(timeout=10) as client:
            first = await client.post(f"{srv.base_url}/chat/completions", json=CHAT)
            second = await client.post(f"{srv.base_url}/chat/completions", json=CHAT)
    assert first.status_code == 200 and first.json()["usage"]["completion_tokens"] >= 200
    assert second.status_code == 429, "prompt (~100) + completion (~250) + the next prompt is over 400"
    assert provider.stats.rate_limited_tpm == 1


def test_loopback_command_refuses_an_unknown_window_by_name() -> None:
    result = CliRunner().invoke(app, ["loopback", "--window", "leaky", "--port", "0"])
    assert result.exit_code == 2
    assert "window must be one of sliding, fixed" in result.output


def test_loopback_command_refuses_a_zero_limit() -> None:
    result = CliRunner().invoke(app, ["loopback", "--rps", "0", "--port", "0"])
    assert result.exit_code == 2 and "--rps" in result.output
