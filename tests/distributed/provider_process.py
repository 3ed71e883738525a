"""The loopback provider in a process of its own, for the rate checks.

In the test's own process the provider's thread shares the GIL with the Ray driver, whose
bursts of work delay its clock readings and bunch the arrival times it counts; in its own
process it sees requests when they really arrive, as a remote provider does.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import urllib.request
from typing import Any


def _serve(conn: Any, kwargs: dict[str, Any]) -> None:
    from summarizer.loopback import LoopbackProvider
    from summarizer.loopback.responders import echo_responder
    from summarizer.loopback.server import RunningProvider

    srv = RunningProvider(LoopbackProvider(None, responder=echo_responder, **kwargs)).start()
    conn.send(srv.port)
    try:
        conn.recv()
    except EOFError:
        pass
    srv.stop()


class ProviderProcess:
    def __init__(self, **kwargs: Any) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, kwargs), daemon=True)
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> "ProviderProcess":
        self._proc.start()
        assert self._conn.poll(60), "the provider process did not start"
        self.port = self._conn.recv()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._conn.send("stop")
        except OSError:
            pass
        self._proc.join(10)
        if self._proc.is_alive():
            self._proc.kill()  # the process this object started
            self._proc.join(5)

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base_url.removesuffix('/v1')}/_loopback/stats", timeout=10) as resp:
            return json.loads(resp.read())
