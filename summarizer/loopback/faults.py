"""Faults the loopback provider can inject, consumed in order by matching requests."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

FaultKind = Literal["status", "delay", "reset", "malformed", "truncated", "invalid", "bad_quote"]


@dataclass
class Fault:
    """``kind``:

    * ``status``: answer HTTP ``status`` (with ``Retry-After: retry_after`` when given)
    * ``delay``: wait ``delay_s`` before answering normally (trips client timeouts)
    * ``reset``: drop the connection without an answer
    * ``malformed``: HTTP 200 whose body is not JSON
    * ``truncated``: a completion cut short, ``finish_reason="length"``
    * ``invalid``: a well-formed completion whose content fails the answer schema
    * ``bad_quote``: the replayed answer with every quote replaced by text not in the article
    """

    kind: FaultKind
    status: int = 500
    retry_after: float | None = None
    delay_s: float = 0.0
    times: int = 1
    match: str | None = None  # only requests whose messages contain this text
    message: str | None = None  # error text for ``status`` faults (default "injected HTTP <status>")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Fault":
        return cls(**d)


class FaultPlan:
    """Thread-safe queue of faults; tests add faults while the server thread consumes them."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> int:
        with self._lock:
            return sum(f.times for f in self._faults)

    def take(self, request_text: str) -> Fault | None:
        with self._lock:
            for f in self._faults:
                if f.match is None or f.match in request_text:
                    f.times -= 1
                    if f.times <= 0:
                        self._faults.remove(f)
                    return f
        return None
