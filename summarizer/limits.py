"""Client-side pacing of provider requests: token buckets (requests/min, tokens/min) and an
AIMD concurrency window that halves on 429 and grows back one slot per window of successes.

``Limiter`` is the ``RequestObserver`` the LLM client calls around every HTTP attempt
(``LLMClient.observer``), so transport retries and re-asks are paced too, and cache hits never
touch it. One Limiter per event loop; share it between every caller of one Pipeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def estimate_tokens(messages: list[dict[str, Any]]) -> int:
    """Cheap, offline prompt-size estimate (no tiktoken download): a Han char ~ 1 token, else 4 chars."""
    n = 0
    for m in messages:
        c = m.get("content")
        if isinstance(c, str):
            han = len(_CJK.findall(c))
            n += han + (len(c) - han) // 4 + 4
    return n


class TokenBucket:
    """Refills ``rate_per_s`` tokens a second up to ``capacity``; may go into debt.

    Debt lets one request larger than the bucket through (when the bucket is full) and lets the
    caller settle the difference between the estimate and the real usage afterwards.
    """

    def __init__(self, rate_per_s: float, capacity: float) -> None:
        if rate_per_s <= 0 or capacity <= 0:
            raise ValueError("rate and capacity must be positive")
        self.rate = rate_per_s
        self.capacity = capacity
        self.level = capacity
        self._stamp = time.monotonic()
        self._lock = asyncio.Lock()  # FIFO: waiters are served in arrival order

    def _refill(self) -> None:
        now = time.monotonic()
        self.level = min(self.capacity, self.level + (now - self._stamp) * self.rate)
        self._stamp = now

    async def take(self, amount: float = 1.0) -> float:
        """Wait until ``amount`` is available (or the bucket is full), take it; return seconds waited."""
        waited = 0.0
        async with self._lock:
            while True:
                self._refill()
                need = min(amount, self.capacity)
                if self.level >= need:
                    self.level -= amount
                    return waited
                delay = (need - self.level) / self.rate
                await asyncio.sleep(delay)
                waited += delay

    def settle(self, delta: float) -> None:
        """Charge (positive) or refund (negative) the difference between estimate and actual."""
        self._refill()
        self.level = min(self.capacity, self.level - delta)


class AIMDWindow:
    """How many requests may be in flight: halves on overload, +1 after ``limit`` successes."""

    def __init__(self, maximum: int, minimum: int = 1) -> None:
        self.maximum = max(1, maximum)
        self.minimum = max(1, min(minimum, self.maximum))
        self.limit = float(self.maximum)
        self.in_flight = 0
        self.decreases = 0
        self._cond = asyncio.Condition()
        self._epoch = 0  # bumped on each decrease; a 429 from an older epoch does not halve again

    @property
    def size(self) -> int:
        return max(self.minimum, int(self.limit))

    async def acquire(self) -> int:
        async with self._cond:
            await self._cond.wait_for(lambda: self.in_flight < self.size)
            self.in_flight += 1
            return self._epoch

    async def release(self) -> None:
        async with self._cond:
            self.in_flight -= 1
            self._cond.notify_all()

    def success(self) -> None:
        if self.limit < self.maximum:
            self.limit = min(float(self.maximum), self.limit + 1.0 / max(1.0, self.limit))

    def overload(self, epoch: int) -> None:
        # One burst of 429s (every request started under the same window) halves once.
        if epoch != self._epoch:
            return
        self._epoch += 1
        self.decreases += 1
        self.limit = max(float(self.minimum), self.limit / 2)


@dataclass
class _Ticket:
    limiter: "Limiter"
    estimate: int
    epoch: int

    def completed(self, prompt_tokens: int, completion_tokens: int) -> None:
        self.limiter._completed(self, prompt_tokens, completion_tokens)

    def rejected(self, status: int | None, retry_after_s: float | None) -> None:
        self.limiter._rejected(self, status, retry_after_s)


class Limiter:
    """Paces requests: ``concurrency`` window (AIMD), ``rpm`` and ``tpm`` token buckets, and a
    shared pause after a 429's Retry-After so every worker backs off, not only the one hit.
    """

    def __init__(
        self,
        concurrency: int,
        *,
        rpm: float | None = None,
        tpm: float | None = None,
        completion_estimate: int = 512,
        min_concurrency: int = 1,
        max_pause_s: float = 60.0,
    ) -> None:
        self.window = AIMDWindow(concurrency, min_concurrency)
        # RPM: paced, with a quarter second's worth of burst (at least one request): enough that
        # a late wake-up is not lost from the schedule, too little to trip a per-second sub-limit.
        self.rpm = TokenBucket(rpm / 60.0, max(1.0, rpm / 60.0 / 4)) if rpm else None
        # TPM: one second's worth of burst; a request is charged its prompt estimate plus
        # ``completion_estimate`` up front and settled with the real usage afterwards.
        self.tpm = TokenBucket(tpm / 60.0, max(1.0, tpm / 60.0)) if tpm else None
        self.completion_estimate = completion_estimate
        self.max_pause_s = max_pause_s
        self.paused_until = 0.0
        self.rate_limited = 0  # 429s seen
        self.overloaded = 0  # 5xx/overload answers seen
        self.throttled_s = 0.0  # time spent waiting on the buckets and pauses

    @contextlib.asynccontextmanager
    async def request(self, messages: list[dict[str, Any]]) -> AsyncIterator[_Ticket]:
        estimate = estimate_tokens(messages) + self.completion_estimate if self.tpm else 0
        pause = self.paused_until - time.monotonic()
        if pause > 0:
            self.throttled_s += pause
            await asyncio.sleep(pause)
        epoch = await self.window.acquire()
        try:
            if self.rpm is not None:
                self.throttled_s += await self.rpm.take(1)
            if self.tpm is not None:
                self.throttled_s += await self.tpm.take(estimate)
            pause = self.paused_until - time.monotonic()  # a 429 may have arrived meanwhile
            if pause > 0:
                self.throttled_s += pause
                await asyncio.sleep(pause)
            yield _Ticket(self, estimate, epoch)
        finally:
            await self.window.release()

    def _completed(self, t: _Ticket, prompt_tokens: int, completion_tokens: int) -> None:
        self.window.success()
        if self.tpm is not None:
            self.tpm.settle(prompt_tokens + completion_tokens - t.estimate)

    def _rejected(self, t: _Ticket, status: int | None, retry_after_s: float | None) -> None:
        if status == 429:
            self.rate_limited += 1
            self.window.overload(t.epoch)
            if retry_after_s:
                until = time.monotonic() + min(retry_after_s, self.max_pause_s)
                self.paused_until = max(self.paused_until, until)
        elif status in (502, 503, 504):
            self.overloaded += 1
            self.window.overload(t.epoch)
        if self.tpm is not None and status is not None and status >= 400:
            self.tpm.settle(-t.estimate)  # a refused request spent no tokens

    def snapshot(self) -> dict[str, Any]:
        return {
            "concurrency_limit": self.window.size,
            "concurrency_max": self.window.maximum,
            "concurrency_decreases": self.window.decreases,
            "rate_limited": self.rate_limited,
            "overloaded": self.overloaded,
            "throttled_s": round(self.throttled_s, 3),
        }
