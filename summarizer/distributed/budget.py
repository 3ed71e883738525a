"""One provider budget for the whole cluster: a Ray actor that every worker asks before a request.

Provider limits (requests/min, tokens/min) are per API key, not per process: N workers each
pacing themselves to the limit would send N times it. ``RateBudget`` is a single async Ray
actor holding the project's own ``summarizer.limits.Limiter`` (the one the local engine uses:
an even schedule with no burst, a 1-second window on actual start times, a Retry-After pause
shared by everyone, an AIMD concurrency window), sized for the whole cluster. Each worker's
``LLMClient`` gets a ``BudgetObserver`` as its observer: before every HTTP attempt it asks the
actor for a start (the actor waits until the schedule allows it), and afterwards tells it how
the attempt ended (tokens used, or the 429/5xx with its Retry-After), so the schedule, the
shared pause and the window work across machines exactly as they do inside one process.

The 1-second window is counted on when requests actually leave the workers, not on when the
actor granted them: a worker reports its send time (``sent``) just before the HTTP call, and a
grant not reported yet counts as sent now. A grant delivered late (a busy worker, a slow actor
call) therefore pushes the next ones back instead of crowding a second at the provider.
Clocks: send times are wall-clock (``time.time``); across nodes that assumes NTP-synchronised
clocks, which ``margin`` covers to within a few milliseconds.

Why an actor rather than splitting the limit (rpm / N per worker): a split budget is wasted
whenever a worker idles (the tail of a dataset, a slow article), and a 429 seen by one worker
would not pause the others. The cost is one small actor call per request (~1 ms locally);
the schedule keeps a slightly wider margin (``margin``) so that the call's jitter never puts
two starts closer than the provider counts.

A worker that dies holding a start never reports back: starts older than ``lease_s`` are
released by the actor itself, so the window cannot leak.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import contextvars
import itertools
import math
import time
from collections.abc import AsyncIterator
from typing import Any

import ray

from ..limits import Limiter


@ray.remote(num_cpus=0, max_restarts=-1, max_task_retries=0)
class RateBudget:
    """The cluster's requests/min, tokens/min and concurrency budget (one per job)."""

    def __init__(self, concurrency: int, rpm: float | None, tpm: float | None, completion_estimate: int,
                 margin: float = 0.03, lease_s: float = 600.0) -> None:
        self.limiter = Limiter(concurrency, rpm=rpm, tpm=tpm, completion_estimate=completion_estimate, margin=margin)
        self.lease_s = lease_s
        self._open: dict[int, tuple[Any, Any, float]] = {}
        self._ids = itertools.count(1)
        self._sweeper: asyncio.Task[None] | None = None
        self.expired = 0
        self.starts: list[float] = []  # wall-clock send times reported (tests and benchmarks)
        rate = rpm / 60.0 if rpm else None
        self._per_span = max(1, math.floor(rate)) if rate else 0  # sends allowed within one span
        self._span_s = max(1.0, 1.0 / rate) if rate else 0.0
        self._sends: list[float] = []  # reported send times within the last span, sorted
        self._unsent: set[int] = set()
        self._window_lock: asyncio.Lock | None = None
        self.window_waits = 0  # grants held back because a late send crowded the window

    async def start(self, messages: list[dict[str, Any]]) -> int:
        """Wait for this attempt's turn; the id to report its send and end with."""
        if self._sweeper is None:
            self._sweeper = asyncio.create_task(self._sweep())
        cm = self.limiter.request(messages)
        ticket = await cm.__aenter__()
        try:
            await self._window()
        except BaseException:
            await cm.__aexit__(None, None, None)
            raise
        tid = next(self._ids)
        self._open[tid] = (cm, ticket, time.monotonic())
        self._unsent.add(tid)
        return tid

    async def _window(self) -> None:
        """Hold the grant while ``per_span`` sends (reported, or granted and not yet reported)
        fall within the last span: the provider's 1-second window, on actual send times."""
        if not self._per_span:
            return
        if self._window_lock is None:
            self._window_lock = asyncio.Lock()
        async with self._window_lock:
            while True:
                now = time.time()
                span = self._span_s * (1 + self.limiter.margin)  # the limiter widens it after paced 429s
                del self._sends[:bisect.bisect_right(self._sends, now - span)]
                if len(self._sends) + len(self._unsent) < self._per_span:
                    return
                self.window_waits += 1
                wait = self._sends[0] + span - now if self._sends else 0.005
                await asyncio.sleep(max(0.001, wait))

    def sent(self, tid: int, at: float) -> None:
        """The worker is sending attempt ``tid`` now (``at``: its wall clock)."""
        if tid in self._unsent:
            self._unsent.discard(tid)
            bisect.insort(self._sends, at)  # reports from several workers may arrive out of order
            self.starts.append(at)

    async def end(self, tid: int, outcome: tuple[Any, ...] | None) -> None:
        """``("completed", prompt, completion)``, ``("rejected", status, retry_after_s)`` or None."""
        if tid in self._unsent:  # never reported as sent: count it as sent now (the safe side)
            self.sent(tid, time.time())
        held = self._open.pop(tid, None)
        if held is None:
            return  # expired already
        cm, ticket, _ = held
        if outcome is not None and outcome[0] == "completed":
            ticket.completed(outcome[1], outcome[2])
        elif outcome is not None and outcome[0] == "rejected":
            ticket.rejected(outcome[1], outcome[2])
        await cm.__aexit__(None, None, None)

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(min(5.0, self.lease_s / 4))
            now = time.monotonic()
            for tid in [t for t, (_, _, since) in self._open.items() if now - since > self.lease_s]:
                self.expired += 1
                await self.end(tid, None)

    def snapshot(self) -> dict[str, Any]:
        return self.limiter.snapshot() | {"expired_leases": self.expired, "open": len(self._open), "window_waits": self.window_waits}

    def start_times(self) -> list[float]:
        return list(self.starts)


class _RemoteTicket:
    """What the transport tells a ticket, kept until the attempt ends."""

    def __init__(self) -> None:
        self.outcome: tuple[Any, ...] | None = None

    def completed(self, prompt_tokens: int, completion_tokens: int) -> None:
        self.outcome = ("completed", prompt_tokens, completion_tokens)

    def rejected(self, status: int | None, retry_after_s: float | None) -> None:
        self.outcome = ("rejected", status, retry_after_s)


_SENDING: contextvars.ContextVar[int | None] = contextvars.ContextVar("summarizer_budget_ticket", default=None)


class BudgetObserver:
    """``LLMClient.observer`` inside a worker: every attempt goes through the shared ``RateBudget``.

    The send time is reported from an httpx request hook, right before the request goes on
    the wire: whatever the worker's event loop did between the grant and the send (a cache
    write, another article's CPU work) is then counted, not hidden. Where the hook cannot be
    installed the time is taken at the grant.
    """

    def __init__(self, budget: Any, *, send_messages: bool) -> None:
        self.budget = budget
        self.send_messages = send_messages  # only a tokens/min budget needs the prompt size
        self.hooked = False

    def install(self, llm_client: Any) -> None:
        """Report sends from the HTTP client of ``llm_client`` (an ``LLMClient``)."""
        http = getattr(getattr(llm_client, "_client", None), "_client", None)  # AsyncOpenAI -> httpx.AsyncClient
        hooks = getattr(http, "event_hooks", None)
        if isinstance(hooks, dict):
            http.event_hooks = {**hooks, "request": [*hooks.get("request", []), self._on_send]}
            self.hooked = True
        llm_client.observer = self

    async def _on_send(self, request: Any) -> None:
        tid = _SENDING.get()
        if tid is not None:
            self.budget.sent.remote(tid, time.time())
            _SENDING.set(None)

    @contextlib.asynccontextmanager
    async def request(self, messages: list[dict[str, Any]]) -> AsyncIterator[_RemoteTicket]:
        tid = await self.budget.start.remote(messages if self.send_messages else [])
        ticket = _RemoteTicket()
        if self.hooked:
            token = _SENDING.set(tid)
        else:
            self.budget.sent.remote(tid, time.time())  # the transport sends right after this yield
        try:
            yield ticket
        finally:
            if self.hooked:
                _SENDING.reset(token)
            await self.budget.end.remote(tid, ticket.outcome)
