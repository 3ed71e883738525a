"""Token buckets, the AIMD window, and the limiter seen through a real batch."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from summarizer.batch import BatchReport, run_batch
from summarizer.intake import iter_sources
from summarizer.limits import AIMDWindow, Limiter, TokenBucket
from summarizer.loopback import Fault, LoopbackProvider, running
from summarizer.pipeline import Pipeline

from .support import read_jsonl, responder, settings_for, write_jsonl


async def test_token_bucket_paces_to_its_rate() -> None:
    bucket = TokenBucket(rate_per_s=20, capacity=1)
    started = time.monotonic()
    for _ in range(11):
        await bucket.take()
    assert 0.45 <= time.monotonic() - started < 1.0  # 10 waits of 50 ms


async def test_token_bucket_lets_an_oversized_request_through_then_charges_debt() -> None:
    bucket = TokenBucket(rate_per_s=100, capacity=10)
    assert await bucket.take(50) == 0.0  # bigger than the bucket: allowed when full
    started = time.monotonic()
    await bucket.take(1)  # must wait out the 40-token debt plus one
    assert time.monotonic() - started >= 0.35
    bucket.settle(-1000)  # a refund never overfills
    assert bucket.level <= bucket.capacity


async def test_aimd_halves_once_per_burst_and_grows_back() -> None:
    w = AIMDWindow(maximum=8)
    epochs = [await w.acquire() for _ in range(4)]
    for e in epochs:  # four 429s from requests started under the same window: one halving
        w.overload(e)
    assert w.size == 4 and w.decreases == 1
    for _ in range(4):
        await w.release()
    w.overload(await w.acquire())  # a later request's 429 halves again
    await w.release()
    assert w.size == 2
    for _ in range(40):
        w.success()
    assert w.size == 8, "additive increase back to the maximum"
    for _ in range(10):
        w.overload(await w.acquire())
        await w.release()
    assert w.size == 1, "never below the minimum"


async def test_window_bounds_requests_in_flight() -> None:
    lim = Limiter(concurrency=3)
    peak = 0

    async def call() -> None:
        nonlocal peak
        async with lim.request([{"role": "user", "content": "x"}]) as ticket:
            peak = max(peak, lim.window.in_flight)
            await asyncio.sleep(0.02)
            ticket.completed(10, 5)

    await asyncio.gather(*(call() for _ in range(12)))
    assert peak == 3


async def test_retry_after_pauses_every_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    lim = Limiter(concurrency=4)
    async with lim.request([]) as t:
        t.rejected(429, 0.3)
    started = time.monotonic()
    async with lim.request([]):  # another worker: waits out the shared pause
        pass
    assert time.monotonic() - started >= 0.25
    assert lim.snapshot()["rate_limited"] == 1 and lim.snapshot()["concurrency_limit"] == 2


async def _timed_batch(tmp_path: Path, articles: int, **limits: float) -> tuple[BatchReport, float]:
    """Run ``articles`` generated articles through the engine with ``limits``; (report, seconds)."""
    write_jsonl(tmp_path / "in.jsonl", articles)
    with running(LoopbackProvider(None, responder=responder)) as srv:
        pipeline = Pipeline(settings_for(srv.base_url))
        try:
            started = time.monotonic()
            report = await run_batch(pipeline, iter_sources([str(tmp_path / "in.jsonl")]), results=tmp_path / "o.jsonl",
                                     errors=None, concurrency=8, **limits)
            return report, time.monotonic() - started
        finally:
            await pipeline.close()


async def test_rpm_limit_paces_a_batch(tmp_path: Path) -> None:
    report, elapsed = await _timed_batch(tmp_path, 21, rpm=600)
    assert report.ok == 21
    # 600/min = one request per 100 ms after a burst of 2.5 (a quarter second's worth)
    assert elapsed >= 1.75
    assert report.limiter["throttled_s"] > 0


async def test_tpm_limit_paces_by_tokens(tmp_path: Path) -> None:
    # each request is ~3.3k prompt tokens (+1k completion estimate): 300k/min = 5k/s
    report, elapsed = await _timed_batch(tmp_path, 4, tpm=300_000)
    assert report.ok == 4 and report.prompt_tokens > 10_000
    assert elapsed >= 1.2, "~13k tokens beyond the first second at 5k/s"


async def test_429s_shrink_the_window_and_successes_restore_it(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 30)
    provider = LoopbackProvider(None, responder=responder, latency_s=0.05)
    provider.faults.add(Fault("status", status=429, retry_after=0.1, times=4))
    with running(provider) as srv:
        pipeline = Pipeline(settings_for(srv.base_url))
        limiter = Limiter(concurrency=8)
        sizes: list[int] = []
        try:
            report = await run_batch(pipeline, iter_sources([str(tmp_path / "in.jsonl")]), results=tmp_path / "o.jsonl",
                                     errors=None, limiter=limiter, on_done=lambda n, ok: sizes.append(limiter.window.size))
        finally:
            await pipeline.close()
    assert report.ok == 30 and len(read_jsonl(tmp_path / "o.jsonl")) == 30
    assert report.limiter["rate_limited"] == 4 and report.limiter["concurrency_decreases"] >= 1
    assert min(sizes) < 8, "the window shrank after the 429s"
    assert sizes[-1] > min(sizes), "and grew back with successes"
    assert report.requests == 34
