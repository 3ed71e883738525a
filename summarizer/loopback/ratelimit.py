"""Provider-side rate limits for the loopback server, enforced the strict way.

Three independent limits, in any combination: requests per second, requests per minute and
tokens per minute. Each is counted over a window that is either

* ``"sliding"``: the last 1 s / 60 s before now, as strict providers and gateways count; or
* ``"fixed"``: calendar-aligned 1 s / 60 s buckets that reset on the boundary (lenient: up to
  twice the limit can pass across a boundary).

A refused request is not counted (it used no capacity) and is told exactly when enough of the
window will have expired for it to fit: that is its Retry-After. Tokens are counted the way
usage-billed providers do: the prompt when the request is admitted (the loopback's own estimate
of the request text), the completion when the answer is sent (``charge``).

Hand-written rather than a library (e.g. ``limits``): the loopback must report the exact wait of
each window and charge completion tokens after the answer, which fixed-API limiters do not do.
"""

from __future__ import annotations

import collections
import math
import threading
from dataclasses import dataclass

WINDOW_KINDS = ("sliding", "fixed")


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused and when to retry (None: it can never fit, e.g. too many tokens)."""

    limit: str  # "rps" | "rpm" | "tpm"
    retry_after_s: float | None
    message: str

    def headers(self) -> dict[str, str]:
        """``Retry-After`` in whole seconds (RFC 9110) and ``retry-after-ms`` (as OpenAI sends it)."""
        if self.retry_after_s is None:
            return {}
        ms = max(1, math.ceil(self.retry_after_s * 1000))
        return {"Retry-After": str(max(1, math.ceil(ms / 1000))), "retry-after-ms": str(ms)}


class Window:
    """Amounts admitted within ``span_s`` (sliding: the last span; fixed: the current bucket)."""

    def __init__(self, limit: float, span_s: float, kind: str = "sliding") -> None:
        self.limit = limit
        self.span_s = span_s
        self.kind = kind
        self.total = 0.0
        self._entries: collections.deque[tuple[float, float]] = collections.deque()  # (time, amount)

    def _expire(self, now: float) -> None:
        if self.kind == "sliding":
            while self._entries and now - self._entries[0][0] >= self.span_s:
                self.total -= self._entries.popleft()[1]
        elif self._entries and self._bucket(self._entries[-1][0]) != self._bucket(now):
            self._entries.clear()
            self.total = 0.0

    def _bucket(self, t: float) -> int:
        return math.floor(t / self.span_s)

    def wait(self, amount: float, now: float) -> float:
        """Seconds until ``amount`` fits (0.0: it fits now; inf: it never will)."""
        self._expire(now)
        if self.total + amount <= self.limit:
            return 0.0
        if amount > self.limit:
            return math.inf
        if self.kind == "fixed":
            return (self._bucket(now) + 1) * self.span_s - now
        excess = self.total + amount - self.limit
        for stamp, amt in self._entries:  # oldest first: wait until enough of them have expired
            excess -= amt
            if excess <= 0:
                return stamp + self.span_s - now
        return self.span_s  # unreachable: amount <= limit means the whole window would do

    def add(self, amount: float, now: float) -> None:
        self._expire(now)
        self._entries.append((now, amount))
        self.total += amount


def _limit(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    return value


class ProviderLimits:
    """The loopback's rate limits; thread-safe. ``admit`` takes a slot or says why not."""

    def __init__(
        self, *, rps: int | None = None, rpm: int | None = None, tpm: int | None = None, window: str = "sliding"
    ) -> None:
        if window not in WINDOW_KINDS:
            raise ValueError(f"window must be one of {', '.join(WINDOW_KINDS)}, got {window!r}")
        self.rps, self.rpm, self.tpm = _limit("rps_limit", rps), _limit("rpm_limit", rpm), _limit("tpm_limit", tpm)
        self.window = window
        self._windows: list[tuple[str, str, Window]] = []
        if self.rps:
            self._windows.append(("rps", "requests per second", Window(self.rps, 1.0, window)))
        if self.rpm:
            self._windows.append(("rpm", "requests per minute", Window(self.rpm, 60.0, window)))
        self._tokens = Window(self.tpm, 60.0, window) if self.tpm else None
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        return bool(self._windows or self._tokens)

    @property
    def counts_tokens(self) -> bool:
        return self._tokens is not None

    def admit(self, now: float, prompt_tokens: int = 0) -> Refusal | None:
        """Count one request (and its prompt tokens) if every limit has room, else a Refusal."""
        with self._lock:
            worst: Refusal | None = None
            for key, label, w in self._windows:
                wait = w.wait(1, now)
                if wait > 0 and (worst is None or wait > (worst.retry_after_s or 0)):
                    worst = Refusal(key, wait, f"rate limit reached: {w.limit:g} {label}")
            if self._tokens is not None:
                wait = self._tokens.wait(prompt_tokens, now)
                if math.isinf(wait):
                    return Refusal("tpm", None, f"request too large: {prompt_tokens} tokens, limit {self.tpm} tokens per minute")
                if wait > 0 and (worst is None or wait > (worst.retry_after_s or 0)):
                    worst = Refusal("tpm", wait, f"rate limit reached: {self.tpm} tokens per minute")
            if worst is not None:
                return worst
            for _, _, w in self._windows:
                w.add(1, now)
            if self._tokens is not None:
                self._tokens.add(prompt_tokens, now)
            return None

    def charge(self, now: float, tokens: int) -> None:
        """Count tokens produced after admission (the completion), when they are sent."""
        if self._tokens is not None and tokens > 0:
            with self._lock:
                self._tokens.add(tokens, now)


class PeakRate:
    """The most requests seen within any 1-second sliding window (what a strict provider counts)."""

    def __init__(self, span_s: float = 1.0) -> None:
        self.span_s = span_s
        self.peak = 0
        self._times: collections.deque[float] = collections.deque()

    def add(self, now: float) -> int:
        while self._times and now - self._times[0] >= self.span_s:
            self._times.popleft()
        self._times.append(now)
        self.peak = max(self.peak, len(self._times))
        return self.peak
