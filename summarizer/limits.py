"""Client-side pacing of provider requests: an even schedule for requests/min and tokens/min, a
shared Retry-After pause, and an AIMD concurrency window.

Strict providers and gateways count over a 1-second sliding window, so a limiter that lets any
second carry more than rpm/60 requests (a token bucket that starts full plus its burst) gets
429s. Here every start is given a slot (GCRA, the generic cell rate algorithm):

* requests: one slot every ``(1 + margin) * 60 / rpm`` s, and never more than ``floor(rpm/60)``
  starts within ``1 + margin`` s, counted on the *actual* start times, so no second can carry
  more than the limit whatever the event loop does. Slots left unused (fewer requests than the
  limit allows) are saved, up to a second's worth, and may be taken at once: a batch held by its
  concurrency rather than the rate is not slowed by an even schedule it does not need. Once the
  rate holds requests back (the 1-second count or a pause was what delayed a start), nothing is
  saved and starts are evenly spaced.
* ``margin`` (0.75 %) absorbs the jitter between our clock and the provider's. A 429 although on
  schedule, the second within 200 starts, widens it by the overshoot its Retry-After shows
  (0.1-0.5 % a time, at most 5 %), and 200 quiet starts take it halfway back. Its retry keeps its slot: the provider did not count
  the refused attempt, so the retry waits only for the Retry-After, not for a new slot.
* tokens: a request starts once the tokens of the requests before it have drained at tpm/60 a
  second (its prompt estimate plus ``completion_estimate``, settled to the real usage when it
  completes, so an over-estimate is handed back).
* a 429's Retry-After holds back new starts for as long as it says; requests in flight go on.
* the concurrency window shrinks x0.7 on 429/overload, from what was in flight, at most once per
  round trip (only a request started after the last decrease can shrink it again), and not for a
  429 while the rate schedule, not the window, was what held the pace. It grows back by halving
  the gap to where it was every quiet round trip, then +1 per round trip (BIC-style).
* ``snapshot()["notes"]``: end-of-run advice, e.g. when ``--concurrency`` can never be reached
  under ``--rpm`` at the observed latency (useful in flight ~ rpm/60 x latency).

Every HTTP attempt, retries included, goes through ``Limiter.request`` (``LLMClient.observer``).
One Limiter per event loop; share it between every caller of one Pipeline.

Hand-written rather than a library (aiolimiter, limits): those are token/leaky buckets with
burst, take no feedback from 429s, and do not count actual start times.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import math
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

OVERLOAD_STATUS = frozenset({500, 502, 503, 504, 529})
MAX_MARGIN = 0.05
MARGIN_STEP = (0.001, 0.005)  # how far one 429 on schedule widens the margin: its overshoot, within these
MARGIN_RELAX_STARTS = 200  # quiet starts after which a widened margin goes halfway back
NOTE_429_SHARE = 0.03  # 429s on schedule above this share of requests: the limit set is probably too high
MIN_COMPLETIONS_FOR_NOTES = 5
BURST_SPREAD_S = 0.05  # how long requests started together take to all reach the provider (see _window_slot)


def estimate_tokens(messages: list[dict[str, Any]]) -> int:
    """Cheap, offline prompt-size estimate (no tiktoken download): a Han char ~ 1 token, else 4 chars."""
    n = 0
    for m in messages:
        c = m.get("content")
        if isinstance(c, str):
            han = len(_CJK.findall(c))
            n += han + (len(c) - han) // 4 + 4
    return n


def _positive(name: str, value: float | None) -> float | None:
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0 or math.isinf(value):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


class AIMDWindow:
    """How many requests may be in flight: x``decrease`` on overload (once per round trip), binary
    increase back towards the size before the decrease, then +1 per round trip."""

    def __init__(self, maximum: int, minimum: int = 1, decrease: float = 0.7) -> None:
        if not isinstance(maximum, int) or isinstance(maximum, bool) or maximum < 1:
            raise ValueError(f"concurrency must be a whole number >= 1, got {maximum!r}")
        if not 0.5 < decrease < 1:
            raise ValueError(f"decrease must be between 0.5 and 1 (a cut by less than half), got {decrease!r}")
        self.maximum = maximum
        self.minimum = max(1, min(minimum, maximum))
        self.decrease = decrease
        self.limit = float(maximum)
        self.before_decrease = float(maximum)  # the size the last decrease cut from
        self.in_flight = 0
        self.decreases = 0
        self.epoch = 0  # bumped on each decrease; a 429 from a request started earlier does not cut again
        self._quiet = 0  # successes since the last decrease or increase step
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    @property
    def size(self) -> int:
        return max(self.minimum, int(self.limit))

    async def acquire(self) -> None:
        if self.in_flight < self.size and not self._waiters:
            self.in_flight += 1
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await fut  # release() hands the slot over (in_flight already counts it)
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(fut)
            raise

    def release(self) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self.in_flight < self.size:
            fut = self._waiters.popleft()
            if not fut.done():
                self.in_flight += 1
                fut.set_result(None)

    def success(self) -> None:
        self._quiet += 1
        if self._quiet < self.size:
            return
        self._quiet = 0  # a round trip's worth of successes without a decrease: one step up
        if self.limit < self.before_decrease:
            self.limit = min(self.before_decrease, self.limit + max(1.0, (self.before_decrease - self.limit) / 2))
        else:
            self.limit = min(float(self.maximum), self.limit + 1.0)
        self._wake()

    def overload(self, epoch: int, in_flight: int | None = None) -> bool:
        """Shrink once for a burst of overload answers; ``in_flight``: attempts out when the answer
        came (the window is cut from there when it was not full). True if it shrank."""
        if epoch != self.epoch:
            return False
        base = self.limit if in_flight is None else min(self.limit, float(max(in_flight, self.minimum)))
        self.epoch += 1
        self.decreases += 1
        self.before_decrease = self.limit
        self.limit = max(float(self.minimum), base * self.decrease)
        self._quiet = 0
        return True


@dataclass
class Ticket:
    """One granted HTTP attempt; tell it how the attempt ended."""

    limiter: "Limiter"
    estimate: int
    epoch: int
    started_at: float  # the limiter's clock (time.monotonic) when the attempt was let go
    in_flight: int  # attempts in flight at that moment, this one included
    serial: int = 0  # 1 for the limiter's first attempt, 2 for the next, ...

    def completed(self, prompt_tokens: int, completion_tokens: int) -> None:
        self.limiter._completed(self, prompt_tokens, completion_tokens)

    def rejected(self, status: int | None, retry_after_s: float | None) -> None:
        self.limiter._rejected(self, status, retry_after_s)


class Limiter:
    """Paces HTTP attempts: ``rpm``/``tpm`` schedules, a Retry-After pause shared by every worker,
    and an AIMD window of at most ``concurrency`` attempts in flight."""

    def __init__(
        self,
        concurrency: int,
        *,
        rpm: float | None = None,
        tpm: float | None = None,
        completion_estimate: int = 512,
        min_concurrency: int = 1,
        max_pause_s: float = 60.0,
        margin: float = 0.0075,
        decrease: float = 0.7,
    ) -> None:
        self.window = AIMDWindow(concurrency, min_concurrency, decrease)
        self.rpm = _positive("rpm", rpm)
        self.tpm = _positive("tpm", tpm)
        if not 0 <= margin <= MAX_MARGIN:
            raise ValueError(f"margin must be in [0, {MAX_MARGIN}], got {margin!r}")
        if completion_estimate < 0:
            raise ValueError(f"completion_estimate must be >= 0, got {completion_estimate!r}")
        self.completion_estimate = completion_estimate
        self.max_pause_s = max_pause_s
        self.base_margin = margin
        rate = self.rpm / 60.0 if self.rpm else None
        # Requests: at most `per_span` starts within `span` seconds (a 1-second window; for
        # rates under 1/s simply the interval).
        self._per_span = max(1, math.floor(rate)) if rate else 1
        self._starts: collections.deque[float] = collections.deque(maxlen=self._per_span)
        self._next_req: float | None = None  # GCRA's theoretical arrival time of the next start
        self._next_tok = 0.0
        self._set_margin(margin)
        self._margin_epoch = 0  # starts before the last widening cannot widen it again
        self._quiet_starts = 0  # starts since the margin last changed
        self._last_paced_429: int | None = None  # serial of the last attempt refused while on schedule
        self._retry_slot: set[asyncio.Task[Any]] = set()  # tasks whose refused attempt keeps its slot
        self.paused_until = 0.0
        self._lock: asyncio.Lock | None = None  # FIFO: starts are granted in arrival order
        self._changed: asyncio.Event | None = None
        self._sending = 0
        # counters
        self.started = 0
        self.completed = 0
        self.rate_limited = 0  # 429s seen
        self.overloaded = 0  # 5xx/overload answers seen
        self.rate_limited_paced = 0  # 429s while the rate schedule, not the window, set the pace
        self.throttled_s = 0.0  # time spent waiting on the schedules and pauses
        self._latency_sum = 0.0
        self._tokens_sum = 0

    def _set_margin(self, margin: float) -> None:
        """Room left for the jitter between our clock and the provider's: intervals x (1 + margin)."""
        self.margin = margin
        rate = self.rpm / 60.0 if self.rpm else None
        self._req_interval = (1 + margin) / rate if rate else 0.0
        # GCRA's tolerance: up to a second's worth of slots left unused may be taken at once
        # (never more than the 1-second window allows); see _pace for when none are saved.
        self._tolerance = (self._per_span - 1) * self._req_interval
        self._span = max(1.0, 1.0 / rate) * (1 + margin) if rate else 0.0
        self._tok_interval = (1 + margin) * 60.0 / self.tpm if self.tpm else 0.0  # seconds per token

    def _widen_margin(self, t: Ticket, retry_after_s: float | None) -> None:
        """A 429 although on schedule: the jitter between our clock and the provider's was larger
        than the margin, by about the Retry-After (the time until the provider's window had room).
        A stray one costs next to nothing (its retry keeps its slot); a second within
        MARGIN_RELAX_STARTS starts widens the margin by that much, within MARGIN_STEP, once per
        burst (attempts started before the last widening do not widen again)."""
        previous, self._last_paced_429 = self._last_paced_429, t.serial
        if previous is None or t.serial - previous > MARGIN_RELAX_STARTS:
            return
        if t.serial <= self._margin_epoch or self.margin >= MAX_MARGIN:
            return
        low, high = MARGIN_STEP
        step = high if not retry_after_s else min(high, max(low, retry_after_s / self._span))
        self._set_margin(min(MAX_MARGIN, self.margin + step))
        self._margin_epoch = self.started
        self._quiet_starts = 0

    def _counted(self, now: float) -> None:
        """One more start on the request schedule; narrows a widened margin after a quiet spell."""
        self._starts.append(now)
        self._quiet_starts += 1
        if self._quiet_starts >= MARGIN_RELAX_STARTS and self.margin > self.base_margin:
            self._set_margin(max(self.base_margin, (self.margin + self.base_margin) / 2))
            self._quiet_starts = 0

    @property
    def paced(self) -> bool:
        return bool(self._req_interval or self._tok_interval)

    # ------------------------------------------------------------------ the schedule

    def _window_slot(self) -> float:
        """Earliest start that keeps ``per_span`` starts within ``span`` (on actual start times).
        Behind a burst (the oldest start counted has another within half an interval of it), the
        requests started together reached the provider spread over tens of milliseconds (new
        connections), so the start it holds also waits BURST_SPREAD_S: the pacing benchmark's
        case 1 got a 429 on the first start after its opening burst in every run (Retry-After
        8-32 ms), and the retry, a request the provider counts, cost a whole slot."""
        if len(self._starts) < self._per_span:
            return 0.0
        first = self._starts[0]
        burst = len(self._starts) > 1 and self._starts[1] - first < self._req_interval / 2
        return first + self._span + (BURST_SPREAD_S if burst else 0.0)

    def _slot(self, arrival: float) -> tuple[float, bool]:
        """When an attempt that arrived at ``arrival`` may start, and whether the rate held it
        back: the 1-second count or a pause delayed it by more than half an interval beyond
        GCRA's own slot (a few milliseconds' wait for the window to slide is not that)."""
        gcra = self._tat(arrival) - self._tolerance if self._req_interval else arrival
        held = max(self.paused_until, self._window_slot() if self._req_interval else 0.0)
        slot = max(arrival, gcra, held)
        if self._tok_interval:
            slot = max(slot, self._next_tok)
        return slot, held - max(arrival, gcra) > self._req_interval / 2

    def _tat(self, arrival: float) -> float:
        """GCRA's theoretical arrival time; at first a full second's worth of slots is unused, so
        a batch held by its concurrency (not the rate) starts at full width, not ramping up."""
        return arrival if self._next_req is None else self._next_req

    def _notify(self) -> None:
        """Wake the request waiting for its slot: a pause or a token refund changed the schedule."""
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def _wait(self, seconds: float) -> None:
        if self._changed is None:
            self._changed = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), seconds)

    async def _retry_in_own_slot(self) -> float:
        """The retry of an attempt refused with 429 while on schedule: the provider never counted
        that attempt, so its retry takes no new slot (which would cost the whole batch one
        interval); it waits only for the Retry-After pause and the 1-second window."""
        queued = now = time.monotonic()
        while (slot := max(self.paused_until, self._window_slot() if self._req_interval else 0.0)) > now:
            await self._wait(slot - now)
            now = time.monotonic()
        if self._req_interval:
            self._counted(now)
        self.throttled_s += now - queued
        return now

    async def _pace(self, estimate: int) -> float:
        """Wait for this attempt's slot; return the time it starts."""
        now = time.monotonic()
        if not self.paced and self.paused_until <= now:
            return now
        if self._retry_slot:
            task = asyncio.current_task()
            if task in self._retry_slot:
                self._retry_slot.discard(task)
                return await self._retry_in_own_slot()
        queued = now
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            arrival = time.monotonic()
            while True:
                slot, held = self._slot(arrival)
                now = time.monotonic()
                if slot <= now:
                    break
                await self._wait(slot - now)
            if self._req_interval:
                # Held back by the 1-second count or a pause: the rate, not the demand, sets the
                # pace, so no slots are saved up and what follows is evenly spaced.
                tat = slot + self._tolerance if held else self._tat(arrival)
                self._next_req = max(tat, now) + self._req_interval  # lateness beyond the tolerance is forgiven
                self._counted(now)
            if self._tok_interval:
                self._next_tok = slot + estimate * self._tok_interval
            self.throttled_s += now - queued
            return now

    @contextlib.asynccontextmanager
    async def request(self, messages: list[dict[str, Any]]) -> AsyncIterator[Ticket]:
        estimate = estimate_tokens(messages) + self.completion_estimate if self.tpm else 0
        await self.window.acquire()
        try:
            started = await self._pace(estimate)
            self._sending += 1
            self.started += 1
            try:
                yield Ticket(self, estimate, self.window.epoch, started, self._sending, self.started)
            finally:
                self._sending -= 1
        finally:
            self.window.release()

    # ------------------------------------------------------------------ feedback

    def _completed(self, t: Ticket, prompt_tokens: int, completion_tokens: int) -> None:
        self.completed += 1
        self._latency_sum += time.monotonic() - t.started_at
        used = prompt_tokens + completion_tokens
        self._tokens_sum += used or t.estimate
        self.window.success()
        if self._tok_interval and used:
            delta = used - t.estimate
            self._next_tok += delta * self._tok_interval
            if delta < 0:
                self._notify()

    def _give_back_slot(self, t: Ticket) -> None:
        """A strict provider does not count a refused request: drop its start from the 1-second
        log and let the same task's retry (the transport layer retries in the task that was
        refused) go in its own slot once the Retry-After pause is over."""
        with contextlib.suppress(ValueError):
            self._starts.remove(t.started_at)
        task = asyncio.current_task()
        if task is not None:
            self._retry_slot.add(task)
            task.add_done_callback(self._retry_slot.discard)

    def _window_set_the_pace(self, t: Ticket) -> bool:
        return not self.paced or t.in_flight >= self.window.size

    def _rejected(self, t: Ticket, status: int | None, retry_after_s: float | None) -> None:
        if status == 429:
            self.rate_limited += 1
            if retry_after_s:
                until = time.monotonic() + min(retry_after_s, self.max_pause_s)
                if until > self.paused_until:
                    self.paused_until = until
                    self._notify()
            if self._window_set_the_pace(t):
                self.window.overload(t.epoch, self._sending)
            else:
                self.rate_limited_paced += 1
                self._widen_margin(t, retry_after_s)
                self._give_back_slot(t)
        elif status in OVERLOAD_STATUS:
            self.overloaded += 1
            self.window.overload(t.epoch, self._sending)
        if self._tok_interval and status is not None and 400 <= status < 500 and status != 429:
            # refused before any work: hand the tokens back (a 429 keeps them: we were too fast)
            self._next_tok -= t.estimate * self._tok_interval
            self._notify()

    # ------------------------------------------------------------------ reporting

    @property
    def latency_s(self) -> float | None:
        """Mean seconds from start to completion over the successful attempts."""
        return self._latency_sum / self.completed if self.completed else None

    def rate_ceiling(self) -> float | None:
        """Requests/s the rpm and tpm limits allow (tpm: at the observed tokens per request)."""
        rates = []
        if self.rpm:
            rates.append(self.rpm / 60.0)
        if self.tpm and self.completed:
            rates.append(self.tpm / 60.0 / max(1.0, self._tokens_sum / self.completed))
        return min(rates) if rates else None

    def _limits_text(self) -> str:
        parts = [f"--rpm {self.rpm:g}" if self.rpm else "", f"--tpm {self.tpm:g}" if self.tpm else ""]
        return " and ".join(p for p in parts if p)

    def notes(self) -> list[str]:
        """Advice for the end of a run, from what was observed (empty until enough requests)."""
        out: list[str] = []
        latency, rate = self.latency_s, self.rate_ceiling()
        if latency is None or self.completed < MIN_COMPLETIONS_FOR_NOTES:
            return out
        c = self.window.maximum
        if rate:
            useful = rate * latency  # requests in flight that hold the allowed rate
            enough = math.ceil(useful * 1.1)
            if c > enough + 1 and c >= 1.5 * useful:
                out.append(
                    f"--concurrency {c} is never reached under {self._limits_text()}: requests take {latency:.2f} s, "
                    f"so about {useful:.1f} are in flight at {rate:.2f} requests/s; any --concurrency above {enough} adds nothing."
                )
            elif c < 0.9 * useful:
                out.append(
                    f"--concurrency {c} holds the rate to about {c / latency:.2f} requests/s (requests take {latency:.2f} s), "
                    f"below the {rate:.2f}/s {self._limits_text()} allows: --concurrency {enough} would reach it."
                )
        if self.rate_limited_paced > max(1.0, NOTE_429_SHARE * self.started):
            out.append(
                f"{self.rate_limited_paced} of {self.started} requests were refused (429) although paced to {self._limits_text()}: "
                "the provider's limit looks lower than that; set it to the provider's real limit."
            )
        return out

    def snapshot(self) -> dict[str, Any]:
        latency = self.latency_s
        return {
            "concurrency_limit": self.window.size,
            "concurrency_max": self.window.maximum,
            "concurrency_decreases": self.window.decreases,
            "rpm": self.rpm,
            "tpm": self.tpm,
            "requests_started": self.started,
            "rate_limited": self.rate_limited,
            "overloaded": self.overloaded,
            "throttled_s": round(self.throttled_s, 3),
            "pacing_margin": round(self.margin, 4),
            "latency_s": round(latency, 3) if latency is not None else None,
            "notes": self.notes(),
        }
