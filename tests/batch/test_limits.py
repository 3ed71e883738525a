"""The Limiter's parts: the even request schedule, the tokens schedule, the AIMD window, the
Retry-After pause and the end-of-run advice. No timing assertions: the tests read the start
times the limiter itself granted (``Ticket.started_at``) and count."""

from __future__ import annotations

import asyncio
import math
import time

import pytest

from summarizer.limits import AIMDWindow, Limiter, estimate_tokens

MSG = [{"role": "user", "content": "x" * 396}]  # 99 + 4 = 103 tokens by the estimate


def max_in_window(times: list[float], span: float, weights: list[float] | None = None) -> float:
    """The largest count (or weight sum) of ``times`` inside any half-open window of ``span`` s."""
    pairs = sorted(zip(times, weights or [1.0] * len(times)))
    best, total, lo = 0.0, 0.0, 0
    for t, w in pairs:
        total += w
        while pairs[lo][0] <= t - span:
            total -= pairs[lo][1]
            lo += 1
        best = max(best, total)
    return best


async def _starts(limiter: Limiter, n: int, hold_s: float = 0.0, reject: set[int] | None = None) -> list[float]:
    """Run ``n`` attempts through ``limiter``; the start times of the ones the provider accepted."""
    accepted: list[float] = []
    counter = iter(range(n))

    async def one() -> None:
        i = next(counter)
        async with limiter.request(MSG) as ticket:
            await asyncio.sleep(hold_s)
            if reject and i in reject:
                ticket.rejected(429, None)
                return
            accepted.append(ticket.started_at)
            ticket.completed(100, 20)

    await asyncio.gather(*(one() for _ in range(n)))
    return accepted


async def test_no_second_carries_more_than_rpm_over_60_and_there_is_no_starting_burst() -> None:
    limiter = Limiter(12, rpm=600)  # 10 a second
    starts = await _starts(limiter, 35, hold_s=0.01)
    assert len(starts) == 35
    # any second, the first included: the bucket that started full (the previous limiter) let
    # 10 + 2.5 through in the first second
    assert max_in_window(starts, 1.0) <= 10
    # held by the rate, starts are spread evenly after the first second: a quarter second holds
    # its 2.5 slots, plus one a late wake-up may have pushed into it
    later = [t for t in starts if t >= min(starts) + 1.0]
    assert len(later) == 25
    assert max_in_window(later, 0.25) <= 4


async def test_retries_are_paced_too_and_refused_attempts_do_not_crowd_the_window() -> None:
    limiter = Limiter(8, rpm=600)  # 10 a second
    starts = await _starts(limiter, 30, reject={3, 4, 11, 17})
    assert len(starts) == 26 and limiter.rate_limited == 4
    assert max_in_window(starts, 1.0) <= 10
    assert limiter.snapshot()["requests_started"] == 30, "every attempt went through the schedule"


async def test_tokens_per_minute_are_spread_evenly() -> None:
    # 60,000 tokens/min = 1,000 a second; each request is charged 103 prompt + 97 completion = 200
    limiter = Limiter(8, tpm=60_000, completion_estimate=97)
    tickets: list[tuple[float, int]] = []

    async def one() -> None:
        async with limiter.request(MSG) as ticket:
            tickets.append((ticket.started_at, ticket.estimate))
            ticket.completed(103, 97)

    await asyncio.gather(*(one() for _ in range(12)))
    assert {e for _, e in tickets} == {estimate_tokens(MSG) + 97}
    # at most one second's tokens plus the request that opens the next
    assert max_in_window([t for t, _ in tickets], 1.0, [float(e) for _, e in tickets]) <= 1000 + 200


async def test_an_over_estimate_is_handed_back() -> None:
    limiter = Limiter(2, tpm=60_000, completion_estimate=900)  # charged ~1003, used 120
    async with limiter.request(MSG) as ticket:
        before = limiter._next_tok
        ticket.completed(100, 20)
    assert limiter._next_tok == pytest.approx(before - (ticket.estimate - 120) * limiter._tok_interval)


async def test_aimd_cuts_once_per_burst_by_less_than_half() -> None:
    limiter = Limiter(10)
    tickets = []
    cms = []
    for _ in range(10):  # ten attempts in flight, all refused: one burst
        cm = limiter.request(MSG)
        tickets.append(await cm.__aenter__())
        cms.append(cm)
    for t in tickets:
        t.rejected(429, None)
    for cm in cms:
        await cm.__aexit__(None, None, None)
    snap = limiter.snapshot()
    assert snap["concurrency_decreases"] == 1 and snap["rate_limited"] == 10
    assert 10 / 2 < snap["concurrency_limit"] < 10, "cut once, by less than half"
    async with limiter.request(MSG) as t:  # started after the cut: its 429 may cut again
        t.rejected(429, None)
    assert limiter.window.decreases == 2


def test_aimd_recovers_within_a_few_round_trips() -> None:
    w = AIMDWindow(16)
    assert w.overload(w.epoch, in_flight=16)
    assert w.size == 11
    successes = 0
    while w.size < 16 and successes < 1000:
        w.success()
        successes += 1
    assert w.size == 16
    assert successes <= 4 * 16, "back to 16 within about four round trips of successes"
    assert not w.overload(w.epoch - 1, in_flight=16), "a 429 from before the cut does not cut again"


def test_aimd_is_cut_from_what_was_in_flight() -> None:
    w = AIMDWindow(32)
    w.overload(w.epoch, in_flight=4)  # 32 allowed but only 4 were out: the provider choked on 4
    assert w.size == 2


async def test_a_429_on_schedule_does_not_shrink_the_window() -> None:
    limiter = Limiter(32, rpm=600)  # the schedule, not the window, sets the pace
    async with limiter.request(MSG) as t:
        t.rejected(429, 0.01)
    assert limiter.window.decreases == 0 and limiter.window.size == 32
    assert limiter.rate_limited == 1


async def test_the_retry_of_a_refused_attempt_keeps_its_slot() -> None:
    limiter = Limiter(4, rpm=60)  # one a second
    async with limiter.request(MSG) as t:
        t.rejected(429, 0.05)
    next_slot = limiter._next_req
    async with limiter.request(MSG) as retry:  # the same task retries, as the transport layer does
        retry.completed(100, 20)
    assert limiter._next_req == next_slot, "the retry took no new slot"
    assert retry.started_at >= limiter.paused_until - 1e-9, "but waited out the Retry-After"
    assert retry.started_at < next_slot


async def test_retry_after_pauses_new_starts_only_as_long_as_it_says() -> None:
    limiter = Limiter(4)
    async with limiter.request(MSG) as in_flight:
        async with limiter.request(MSG) as refused:
            asked_at = time.monotonic()
            refused.rejected(429, 0.3)
        # the attempt already in flight is untouched; the pause is what the provider asked
        assert limiter.paused_until - asked_at == pytest.approx(0.3, abs=0.05)
        in_flight.completed(10, 5)
    async with limiter.request(MSG) as later:
        pass
    assert later.started_at >= limiter.paused_until
    assert limiter.window.decreases == 1


async def _run_with_latency(limiter: Limiter, n: int, latency_s: float) -> None:
    async def one() -> None:
        async with limiter.request(MSG) as t:
            await asyncio.sleep(latency_s)
            t.completed(100, 20)

    await asyncio.gather(*(one() for _ in range(n)))


async def test_notes_say_when_concurrency_can_never_be_reached() -> None:
    limiter = Limiter(32, rpm=1200)  # 20/s at ~0.05 s each: about one request in flight
    await _run_with_latency(limiter, 8, 0.05)
    notes = limiter.snapshot()["notes"]
    assert len(notes) == 1 and "--concurrency 32 is never reached under --rpm 1200" in notes[0]


async def test_notes_say_when_concurrency_is_too_low_for_the_rpm() -> None:
    limiter = Limiter(1, rpm=6000)  # 100/s would need ~5 in flight at 0.05 s each
    await _run_with_latency(limiter, 6, 0.05)
    notes = limiter.snapshot()["notes"]
    assert len(notes) == 1 and notes[0].startswith("--concurrency 1 holds the rate")


async def test_no_notes_without_limits_or_data() -> None:
    limiter = Limiter(4)
    await _run_with_latency(limiter, 6, 0.0)
    assert limiter.snapshot()["notes"] == []
    assert Limiter(4, rpm=60).snapshot()["notes"] == []


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [({"concurrency": 0}, "concurrency"), ({"concurrency": 4, "rpm": -1}, "rpm"), ({"concurrency": 4, "tpm": math.inf}, "tpm"),
     ({"concurrency": 4, "decrease": 0.4}, "decrease"), ({"concurrency": 4, "margin": 0.5}, "margin")],
)
def test_bad_settings_are_refused_by_name(kwargs: dict, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        Limiter(**kwargs)


async def test_a_stray_429_on_schedule_keeps_the_margin_a_second_widens_it() -> None:
    limiter = Limiter(4, rpm=600)
    base = limiter.margin
    async with limiter.request(MSG) as t:
        t.rejected(429, 0.003)
    assert limiter.margin == base, "one stray refusal: its retry keeps its slot, nothing else changes"
    async with limiter.request(MSG) as retry:
        retry.completed(100, 20)
    async with limiter.request(MSG) as t:
        t.rejected(429, 0.003)
    assert base < limiter.margin <= base + 0.005, "a second: widened by the overshoot, within one step"
