"""Running the HTTP app under uvicorn with limits for slow and abusive clients.

What uvicorn (h11 protocol) offers, and why that is not enough on its own:

* ``timeout_keep_alive`` runs only *between* requests, and every byte received cancels it (the
  first line of ``data_received``). Nothing times out a client that connects and sends nothing, or
  that trickles its request headers or body: it holds its socket forever. uvicorn issue #157
  ("--timeout-request-start", "--timeout-request-complete") was never implemented, and ASGI
  middleware cannot help with headers: the app is called only once they are complete.
* ``limit_concurrency`` answers 503 only after a request's headers are parsed (a slow client never
  gets there) and counts running tasks too, so it does not bound file descriptors.
* ``h11_max_incomplete_event_size`` (16 KiB by default) caps the size of a request head: kept.
* ``backlog`` is the listen queue *and* how many sockets asyncio accepts per wake-up before any
  protocol code runs, so a burst holds up to ``backlog`` descriptors beyond the open connections.

So ``guarded_protocol`` subclasses uvicorn's h11 protocol and adds, per connection:

* a **header deadline**: a request head must be complete ``header_timeout_s`` after the connection
  opened (or after the first byte of a later request on a kept-alive connection); the deadline is
  absolute, so trickling one byte at a time does not extend it; then 408 and close;
* a **body deadline**: the body must be complete ``body_timeout_s`` after its headers; then 408 and
  close (the app sees a disconnect);
* a **connection cap**: a connection beyond ``max_connections`` gets an immediate 503 and is closed,
  so it holds no descriptor.

``plan_limits`` sizes the cap and the backlog from ``RLIMIT_NOFILE`` so that open connections, one
accept burst and a reserve for the process (provider connections, cache, logs) always fit: the
server answers 503 instead of running out of descriptors. Closures are counted (a metrics callback)
and logged as one summary line per interval, never one line per socket of a flood. Descriptor
exhaustion that happens anyway (another part of the process) is logged as one line, not asyncio's
traceback; asyncio itself pauses accepting for a second and recovers.
"""

from __future__ import annotations

import asyncio
import copy
import errno
import itertools
import json
import logging
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import h11
import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows
    resource = None  # type: ignore[assignment]

log = logging.getLogger("summarizer.service")

DEFAULT_MAX_CONNECTIONS = 1024
DEFAULT_HEADER_TIMEOUT_S = 10.0
DEFAULT_BODY_TIMEOUT_S = 60.0
DEFAULT_KEEP_ALIVE_S = 5
# Descriptors the process needs besides client sockets: listener, event loop, provider connections,
# cache files, logs, the loopback provider when replaying.
FD_RESERVE = 64
MAX_BACKLOG = 2048
MIN_CONNECTIONS = 16  # below this a server is not worth starting: say how to raise the limit


@dataclass(frozen=True)
class ConnectionLimits:
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S
    backlog: int = MAX_BACKLOG


@dataclass(frozen=True)
class LimitPlan:
    limits: ConnectionLimits
    fd_limit: int | None
    note: str | None = None  # why a requested cap was lowered


def fd_limit(raise_soft: bool = False) -> int | None:
    """The process's descriptor limit (``ulimit -n``); with ``raise_soft`` first lift the soft limit
    to the hard one (as Go does at start-up): a server should use what it is allowed."""
    if resource is None:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if raise_soft and soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or hard > soft):
        target = 1 << 16 if hard == resource.RLIM_INFINITY else min(hard, 1 << 16)
        if target > soft:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                soft = target
            except (ValueError, OSError):
                pass
    return None if soft == resource.RLIM_INFINITY else int(soft)


def plan_limits(
    max_connections: int | None = None,
    *,
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S,
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S,
    descriptors: int | None = None,
    reserve: int = FD_RESERVE,
) -> LimitPlan:
    """Connection cap and accept backlog that fit in ``descriptors`` (default: the current limit).

    Needed descriptors = cap + backlog (one accept burst) + reserve. A requested cap that does not
    fit is lowered, and ``note`` says so; ``ValueError`` when not even a few connections fit.
    """
    if descriptors is None:
        descriptors = fd_limit()
    if descriptors is None:
        backlog, budget = MAX_BACKLOG, None
    else:
        backlog = _backlog(descriptors)
        budget = descriptors - reserve - backlog
        if budget < MIN_CONNECTIONS:
            need = next(d for d in itertools.count(descriptors) if d - reserve - _backlog(d) >= MIN_CONNECTIONS)
            raise ValueError(
                f"the file-descriptor limit ({descriptors}, see `ulimit -n`) leaves no room for client "
                f"connections ({reserve} reserved, {backlog} for accepting); raise it to at least {need}"
            )
    cap = max_connections or DEFAULT_MAX_CONNECTIONS
    note = None
    if budget is not None and cap > budget:
        if max_connections is not None:
            note = (
                f"--max-connections {max_connections} does not fit the file-descriptor limit ({descriptors}, "
                f"`ulimit -n`): using {budget}; raise the limit to allow more"
            )
        cap = budget
    limits = ConnectionLimits(max_connections=cap, header_timeout_s=header_timeout_s, body_timeout_s=body_timeout_s, backlog=backlog)
    return LimitPlan(limits, descriptors, note)


def _backlog(descriptors: int) -> int:
    """Accept burst (and listen queue) for a descriptor limit: an eighth of it, within [8, 2048]."""
    return max(8, min(MAX_BACKLOG, descriptors // 8))


def _raw_response(status: int, reason: str, detail: str, kind: str, extra: tuple[tuple[str, str], ...] = ()) -> bytes:
    """A complete response written straight to the socket: outside a request cycle h11 cannot
    send one (no request was parsed), and the connection is closed right after."""
    body = json.dumps({"detail": detail, "kind": kind}).encode()
    head = [f"HTTP/1.1 {status} {reason}", "content-type: application/json", f"content-length: {len(body)}", "connection: close"]
    head += [f"{k}: {v}" for k, v in extra]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body


class ConnectionGuard:
    """Shared by every connection of one server: the limits, and the tally of closures."""

    def __init__(
        self,
        limits: ConnectionLimits,
        on_close: Callable[[str], None] | None = None,
        *,
        log_interval_s: float = 10.0,
    ) -> None:
        self.limits = limits
        self.on_close = on_close
        self.log_interval_s = log_interval_s
        self.closed: Counter[str] = Counter()  # since start, by reason
        self._pending: Counter[str] = Counter()  # since the last log line
        self._flush: asyncio.TimerHandle | None = None

    def close(self, reason: str, loop: asyncio.AbstractEventLoop) -> None:
        self.closed[reason] += 1
        self._pending[reason] += 1
        if self.on_close is not None:
            self.on_close(reason)
        if self._flush is None:  # one summary line per interval, however many sockets a flood opens
            self._flush = loop.call_later(self.log_interval_s, self.flush)

    def flush(self) -> None:
        self._flush = None
        if self._pending:
            what = ", ".join(f"{n} {reason.replace('_', ' ')}" for reason, n in sorted(self._pending.items()))
            log.warning("closed %d client connection(s) for exceeding limits: %s", sum(self._pending.values()), what)
            self._pending.clear()


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with header/body deadlines and a connection cap (see module doc)."""

    guard: ClassVar[ConnectionGuard]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._phase: str | None = None
        self._rejected = False
        self._served = False  # a response was completed on this connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        limits = self.guard.limits
        if len(self.connections) >= limits.max_connections:
            self._rejected = True
            transport.write(_raw_response(
                503, "Service Unavailable",
                f"the server is at its limit of {limits.max_connections} open connections; retry shortly",
                "overloaded", (("retry-after", "1"),),
            ))
            transport.close()
            self.guard.close("connection_limit", self.loop)
            return
        super().connection_made(transport)
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._set_phase(None)
        if self._rejected:
            return
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        self._served = True
        super().on_response_complete()
        self._watch()

    def _watch(self) -> None:
        """Arm the deadline for what the connection is waiting for from the client, if anything."""
        if self.transport is None or self.transport.is_closing():
            self._set_phase(None)
            return
        state = self.conn.their_state
        if state is h11.IDLE:
            partial_head = bool(self.conn.trailing_data[0])
            # a fresh connection must send a request; a kept-alive idle one is uvicorn's keep-alive timer's
            self._set_phase("headers" if partial_head or not self._served else None)
        elif state is h11.SEND_BODY:
            self._set_phase("body")
        else:
            self._set_phase(None)  # request received: the app's time, never cut

    def _set_phase(self, phase: str | None) -> None:
        if phase == self._phase:
            return  # same wait: the deadline stays where it was (absolute, not per byte)
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._phase = phase
        if phase is not None:
            limits = self.guard.limits
            delay = limits.header_timeout_s if phase == "headers" else limits.body_timeout_s
            self._deadline = self.loop.call_later(delay, self._expire, phase)

    def _expire(self, phase: str) -> None:
        self._deadline = None
        self._phase = None
        if self.transport.is_closing():
            return
        limits = self.guard.limits
        seconds = limits.header_timeout_s if phase == "headers" else limits.body_timeout_s
        cycle = self.cycle
        if phase == "headers" or (cycle is not None and not cycle.response_started):
            if cycle is not None and not cycle.response_complete:
                cycle.disconnected = True  # the app's receive() sees a disconnect, its sends are dropped
                cycle.message_event.set()
            what = "request headers" if phase == "headers" else "request body"
            self.transport.write(_raw_response(
                408, "Request Timeout", f"{what} not received within {seconds:g} s; the connection is closed", "timeout"
            ))
        self.transport.close()
        self.guard.close("header_timeout" if phase == "headers" else "body_timeout", self.loop)


def guarded_protocol(guard: ConnectionGuard) -> type[GuardedH11Protocol]:
    """A protocol class bound to ``guard`` (uvicorn builds protocols from a class)."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"guard": guard})


def _loop_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    exc = context.get("exception")
    if isinstance(exc, OSError) and exc.errno in (errno.EMFILE, errno.ENFILE):
        # asyncio pauses accepting for a second and retries; say what to do, without a traceback
        log.error("out of file descriptors accepting a connection (%s): lower --max-connections or raise `ulimit -n`",
                  exc.strerror)
        return
    loop.default_exception_handler(context)


class GuardedServer(uvicorn.Server):
    """uvicorn's server with the descriptor-exhaustion handler installed in its loop."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        asyncio.get_running_loop().set_exception_handler(_loop_errors)
        await super().startup(sockets=sockets)


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging set-up, plus the service's own logger on the same handler."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["summarizer"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return config


def build_server(
    app: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    limits: ConnectionLimits | None = None,
    on_close: Callable[[str], None] | None = None,
    log_level: str = "warning",
    configure_logging: bool = True,
    log_interval_s: float = 10.0,
) -> GuardedServer:
    """A uvicorn server for ``app`` with the guarded protocol. ``on_close(reason)`` is called for
    each connection closed by a limit (e.g. a metrics counter)."""
    limits = limits or plan_limits().limits
    guard = ConnectionGuard(limits, on_close, log_interval_s=log_interval_s)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=guarded_protocol(guard),
        backlog=limits.backlog,
        timeout_keep_alive=DEFAULT_KEEP_ALIVE_S,
        log_level=log_level,
        log_config=log_config(log_level) if configure_logging else None,
        lifespan="on",
    )
    server = GuardedServer(config)
    server.guard = guard  # type: ignore[attr-defined]
    return server
