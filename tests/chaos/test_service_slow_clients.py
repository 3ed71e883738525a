"""Slow and flooding clients against the HTTP service, over real sockets on 127.0.0.1.

Clients that trickle their headers or body are cut at the deadline (408) while a normal client is
still served; connections beyond the cap get an immediate 503; under a low file-descriptor limit
(a subprocess ``summarizer serve`` with ``RLIMIT_NOFILE`` lowered) the server answers 503 to the
excess instead of running out of descriptors, and is healthy once the flood is gone. Nothing here
asserts a duration: deadlines are checked by what the server did (and counted), and the waits are
only upper bounds for a failing run.
"""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from summarizer.loopback import LoopbackProvider, running
from summarizer.service.http import create_app
from summarizer.service.server import ConnectionLimits

from ..batch.support import article_text, responder, settings_for
from ..service.support import CLI, CRASH_SIGNS, ServedApp, cli_env, read_response

try:
    import resource
except ImportError:  # pragma: no cover
    resource = None  # type: ignore[assignment]

HEADER_TIMEOUT_S = 3.0  # long enough for the normal client to be served while the slow ones hang
BODY_TIMEOUT_S = 1.0


@pytest.fixture(scope="module")
def provider_url() -> Iterator[str]:
    with running(LoopbackProvider(None, responder=responder)) as srv:
        yield srv.base_url


def serve(provider_url: str, tmp_path_factory: pytest.TempPathFactory, **limits: float) -> ServedApp:
    app = create_app(settings_for(provider_url, tmp_path_factory.mktemp("svc")))
    values = dict(max_connections=1000, header_timeout_s=HEADER_TIMEOUT_S, body_timeout_s=BODY_TIMEOUT_S, backlog=512)
    values.update(limits)
    return ServedApp(app, limits=ConnectionLimits(**values), log_interval_s=0.5)  # type: ignore[arg-type]


class Trickler:
    """Sockets that send a first fragment, then one more line every ``interval`` s, forever; what
    the server sends back is collected until it closes each one."""

    def __init__(self, port: int, n: int, first: bytes, line: bytes, interval: float = 0.25) -> None:
        self.socks = []
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(first)
            s.setblocking(False)
            self.socks.append(s)
        self.line, self.interval = line, interval
        self.received = [b""] * n
        self.closed = [False] * n
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.is_set() and not all(self.closed):
            for i, s in enumerate(self.socks):
                if self.closed[i]:
                    continue
                try:
                    data = s.recv(65536)
                    if data:
                        self.received[i] += data
                        continue  # the server answered: stop sending, read on until it closes
                    self.closed[i] = True
                except BlockingIOError:
                    if not self.received[i]:
                        try:
                            s.send(self.line)
                        except (BrokenPipeError, ConnectionResetError):
                            self.closed[i] = True
                except ConnectionResetError:
                    self.closed[i] = True
            self._stop.wait(self.interval)

    def wait_closed(self, timeout: float) -> None:
        self.thread.join(timeout)

    def open_count(self) -> int:
        return self.closed.count(False)

    def close(self) -> None:
        self._stop.set()
        self.thread.join(5)
        for s in self.socks:
            s.close()


def test_slow_headers_are_cut_at_the_deadline_while_a_normal_client_is_served(
    provider_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with serve(provider_url, tmp_path_factory) as served:
        slow = Trickler(served.port, 300, b"GET /healthz HTTP/1.1\r\nHost: slow\r\n", b"X-Slow: 1\r\n")
        try:
            # while all 300 hang, a normal client is served (health, then a real summary)
            assert httpx.get(f"{served.url}/healthz", timeout=10).status_code == 200
            hanging = (served.guard.closed["header_timeout"], slow.open_count())
            r = httpx.post(f"{served.url}/v1/summaries", json={"text": article_text(501)}, timeout=30)
            assert r.status_code == 200
            assert hanging == (0, 300), "health was answered while all the slow clients were still hanging"
            slow.wait_closed(timeout=HEADER_TIMEOUT_S + 20)
            assert slow.open_count() == 0, "every trickling client is cut off"
        finally:
            slow.close()
        assert served.guard.closed["header_timeout"] == 300
        answered = [r for r in slow.received if r]
        assert all(r.startswith(b"HTTP/1.1 408 ") and b"request headers not received within 3 s" in r for r in answered)
        assert len(answered) >= 250, "most see the 408 (a few may race their next line into a reset)"
        metrics = httpx.get(f"{served.url}/metrics").text
        assert 'summarizer_connections_closed_total{reason="header_timeout"} 300.0' in metrics
        time.sleep(0.6)  # the closures' summary line is written once per log interval (0.5 s here)
        summaries = [line for line in served.log.lines() if "closed" in line and "client connection" in line]
        assert summaries and len(summaries) <= 3, "one summary line (per interval), not one line per socket"
        # the closings may straddle two log intervals: their counts add up to every socket
        assert sum(int(n) for line in summaries for n in re.findall(r"(\d+) header timeout", line)) == 300
        assert not served.log.tracebacks()


def test_a_client_that_connects_and_sends_nothing_is_cut_too(provider_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    with serve(provider_url, tmp_path_factory, header_timeout_s=0.5) as served:
        s = socket.create_connection(("127.0.0.1", served.port))
        try:
            assert read_response(s, timeout=20).startswith(b"HTTP/1.1 408 ")
        finally:
            s.close()
        # a kept-alive connection between requests is uvicorn's keep-alive timer's, not a header timeout
        with httpx.Client(base_url=served.url) as c:
            assert c.get("/healthz").status_code == 200
        assert served.guard.closed["header_timeout"] == 1


def test_slow_body_is_cut_with_408_and_the_app_sees_a_disconnect(provider_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    with serve(provider_url, tmp_path_factory) as served:
        head = (b"POST /v1/summaries HTTP/1.1\r\nHost: slow\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100000\r\n\r\n{\"text\": \"")
        slow = Trickler(served.port, 20, head, b"a")
        try:
            slow.wait_closed(timeout=BODY_TIMEOUT_S + 20)
            assert slow.open_count() == 0
        finally:
            slow.close()
        answered = [r for r in slow.received if r]
        assert answered and all(r.startswith(b"HTTP/1.1 408 ") and b"request body not received within 1 s" in r for r in answered)
        assert served.guard.closed["body_timeout"] == 20
        # a body still trickling after the app has answered (GET with a body) is cut as well
        s = socket.create_connection(("127.0.0.1", served.port))
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n12345")
            assert read_response(s, timeout=20).startswith(b"HTTP/1.1 200 ")  # answered, then closed
        finally:
            s.close()
        assert served.guard.closed["body_timeout"] == 21
        assert httpx.get(f"{served.url}/healthz").status_code == 200
        assert not served.log.tracebacks()


def test_connections_beyond_the_cap_get_an_immediate_503(provider_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    with serve(provider_url, tmp_path_factory, max_connections=20, header_timeout_s=60) as served:
        idle = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(20)]
        try:
            deadline = time.monotonic() + 10
            while len(served.server.server_state.connections) < 20:
                assert time.monotonic() < deadline
                time.sleep(0.01)
            over = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(30)]
            try:
                answers = [read_response(s, timeout=10) for s in over]  # answered without sending anything
            finally:
                for s in over:
                    s.close()
            assert all(a.startswith(b"HTTP/1.1 503 ") and b"limit of 20 open connections" in a for a in answers)
            assert all(b"retry-after: 1" in a for a in answers)
            assert len(served.server.server_state.connections) == 20
        finally:
            for s in idle:
                s.close()
        deadline = time.monotonic() + 10
        while served.server.server_state.connections:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert httpx.get(f"{served.url}/healthz").status_code == 200, "room again once the flood is gone"
        assert served.guard.closed["connection_limit"] == 30
        assert not served.log.tracebacks()


@pytest.mark.skipif(resource is None, reason="needs RLIMIT_NOFILE (POSIX)")
def test_the_server_survives_a_flood_under_a_low_descriptor_limit() -> None:
    """``summarizer serve`` under ``ulimit -n 256`` and 300 connections that send nothing: plain
    uvicorn ran out of descriptors ("Too many open files") and stopped answering; now the cap is
    sized to fit, the connections beyond it get 503 at once, and the server serves on."""

    def low_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

    with running(LoopbackProvider(None, responder=responder)) as srv:
        proc = subprocess.Popen(
            [*CLI, "serve", "--port", "0", "--provider", "replay", "--base-url", srv.base_url, "--no-cache", "--header-timeout", "60"],
            env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=low_limit,
        )
        err: list[str] = []
        reader = threading.Thread(target=lambda: err.extend(line.decode("utf-8", "replace") for line in proc.stderr), daemon=True)  # type: ignore[union-attr]
        reader.start()
        flood: list[socket.socket] = []
        try:
            port = _wait_for_port(err, proc)
            cap = int(re.search(r"at most (\d+) connections", "".join(err)).group(1))  # type: ignore[union-attr]
            assert cap < 256 - 64, "the cap leaves room for the process's own descriptors"
            url = f"http://127.0.0.1:{port}"
            for i in range(300):
                flood.append(socket.create_connection(("127.0.0.1", port)))
                if i % 25 == 24:
                    time.sleep(0.05)  # paced, so a full listen queue (SYN retried a second later) is rare
            time.sleep(0.5)  # let the server answer what it refuses (it does so on accepting)
            answers = [_answer(s) for s in flood]
            refused = sum(1 for a in answers if a.startswith(b"HTTP/1.1 503 "))
            held = sum(1 for a in answers if not a)
            assert refused + held == 300, set(a[:20] for a in answers)
            assert held <= cap and refused >= 300 - cap - 20, (held, refused, cap)
            for s in flood:
                s.close()
            assert _eventually_healthy(url), "healthy again once the flood is gone"
            r = httpx.post(f"{url}/v1/summaries", json={"text": article_text(777)}, timeout=30)
            assert r.status_code == 200, r.text
            assert proc.poll() is None, "the server is still running"
        finally:
            for s in flood:
                s.close()
            proc.terminate()
            proc.wait(timeout=20)
            reader.join(5)
        stderr = "".join(err)
        assert "Too many open files" not in stderr and "out of file descriptors" not in stderr, stderr
        for sign in CRASH_SIGNS:
            assert sign not in stderr, stderr


def _answer(s: socket.socket) -> bytes:
    """What the server has sent on ``s`` unasked (a 503 beyond the cap), or b"" while it holds it."""
    s.setblocking(False)
    try:
        return s.recv(200)
    except BlockingIOError:
        return b""


def _eventually_healthy(url: str) -> bool:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return False


def _wait_for_port(err: list[str], proc: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for line in list(err):
            m = re.search(r"Uvicorn running on http://127\.0\.0\.1:(\d+)", line)
            if m:
                return int(m.group(1))
        assert proc.poll() is None, "".join(err)
        time.sleep(0.05)
    raise AssertionError("server did not start:\n" + "".join(err))
