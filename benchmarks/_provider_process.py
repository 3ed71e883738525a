"""The loopback provider in a process of its own, for benchmarks that time the client.

Run in the client's process (a thread), the provider's CPU and the GIL it holds would be
charged to the client and would jitter its timing; in its own process it is the "remote"
provider the client really talks to. Answers come from the generic echo responder.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import urllib.request
from types import TracebackType
from typing import Any


def _serve(conn: Any, kwargs: dict[str, Any]) -> None:
    from summarizer.loopback import LoopbackProvider
    from summarizer.loopback.responders import echo_responder
    from summarizer.loopback.server import RunningProvider

    srv = RunningProvider(LoopbackProvider(None, responder=echo_responder, **kwargs)).start()
    conn.send(srv.port)
    try:
        conn.recv()  # any message, or the parent going away, stops the server
    except EOFError:
        pass
    srv.stop()


class ProviderProcess:
    """``with ProviderProcess(latency_s=0.2, rps_limit=10) as p: p.base_url, p.stats(), p.cpu_s()``

    ``kwargs`` go to ``LoopbackProvider`` (latency_s, rps_limit, rpm_limit, tpm_limit, window).
    """

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.port = 0
        ctx = mp.get_context("spawn")  # a clean interpreter: no threads or loops inherited
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, kwargs), name="loopback-provider", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> "ProviderProcess":
        self._proc.start()
        if not self._conn.poll(60):
            self._proc.kill()
            raise RuntimeError("the loopback provider process did not start within 60 s")
        try:
            self.port = self._conn.recv()
        except EOFError:
            self._proc.join(5)
            raise RuntimeError(f"the loopback provider process exited before serving (exit code {self._proc.exitcode})") from None
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            self._conn.send("stop")
        except (BrokenPipeError, OSError):
            pass
        self._proc.join(10)
        if self._proc.is_alive():
            self._proc.kill()  # only the process this object started
            self._proc.join(5)

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_loopback/stats", timeout=10) as resp:
            return json.loads(resp.read())

    def cpu_s(self) -> float:
        """User + system CPU seconds the provider process has used so far (Linux /proc)."""
        with open(f"/proc/{self._proc.pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
