"""Serving the app for tests as ``summarizer serve`` does (``server.build_server``: guarded h11
protocol, deadlines, connection cap) on 127.0.0.1, in a thread, with the server's log captured."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from summarizer.service.server import ConnectionLimits, build_server

# Loggers a served app writes to: uvicorn's, the service's, and asyncio's (loop exceptions).
SERVER_LOGGERS = ("uvicorn", "summarizer", "asyncio")


class LogCapture(logging.Handler):
    """Every record the server logs while attached (thread-safe: Handler locks emit)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self) -> list[str]:
        return [self.format(r) for r in self.records]

    def tracebacks(self) -> list[str]:
        """Records that carry a traceback (or print one): what must never follow from input."""
        return [self.format(r) for r in self.records if r.exc_info or r.stack_info or "Traceback" in r.getMessage()]

    def clear(self) -> None:
        self.records.clear()


class ServedApp:
    """``with ServedApp(app) as s:`` -> ``s.url``, ``s.port``, ``s.log``, ``s.guard``."""

    def __init__(self, app: Any, *, limits: ConnectionLimits | None = None, log_interval_s: float = 10.0) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        metrics = getattr(app.state, "metrics", None)
        self.server = build_server(
            app, limits=limits or ConnectionLimits(), on_close=metrics.connection_closed if metrics else None,
            log_level="warning", configure_logging=False, log_interval_s=log_interval_s,
        )
        self.guard = self.server.guard  # type: ignore[attr-defined]
        self.log = LogCapture()
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "ServedApp":
        for name in SERVER_LOGGERS:
            logging.getLogger(name).addHandler(self.log)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            assert self.thread.is_alive(), "uvicorn stopped during start-up"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
        for name in SERVER_LOGGERS:
            logging.getLogger(name).removeHandler(self.log)


def read_response(sock: socket.socket, timeout: float = 10.0) -> bytes:
    """Everything the server sends until it closes the connection (or ``timeout`` passes)."""
    sock.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    return data


# ---------------------------------------------------------------- ``summarizer`` in a subprocess

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from summarizer.cli import main; main()"]
CRASH_SIGNS = ("Traceback (most recent call last)", "Task exception was never retrieved", "Exception ignored")


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env.update(PYTHONPATH=str(ROOT), COLUMNS="200", NO_COLOR="1", TERM="dumb")
    return env


def run_cli(*args: str, preexec_fn: Callable[[], None] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([*CLI, *args], env=cli_env(), capture_output=True, timeout=timeout, preexec_fn=preexec_fn, cwd=ROOT)
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))
