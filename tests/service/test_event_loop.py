"""/healthz is answered while a large article is in CPU work (sanitize, intake, grounding, encoding
the answer): that work runs in worker threads, not on the server's event loop.

Counted, not timed: each CPU step is wrapped with a probe that, from inside the step, sends
GET /healthz to the same server and records whether it was answered. Were the step on the event
loop, the loop could not serve the probe until the step returned, so the probe would time out
(deterministically, however fast the machine). The probe's timeout only bounds a failing run.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import summarizer.service.render
from summarizer.grounding.ground import Grounder
from summarizer.intake import sources
from summarizer.loopback import LoopbackProvider, running
from summarizer.service.http import create_app

from ..batch.support import article_text, responder, settings_for
from .support import ServedApp

PROBE_TIMEOUT_S = 5.0


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    provider = LoopbackProvider(None, responder=responder)
    with running(provider) as srv:
        settings = settings_for(srv.base_url, tmp_path_factory.mktemp("svc"), concurrency=4)
        with ServedApp(create_app(settings)) as s:
            yield s


class Probes:
    """Wraps functions so that their first call (per step) asks the server for /healthz."""

    def __init__(self, url: str, timeout_s: float = PROBE_TIMEOUT_S) -> None:
        self.url = url
        self.timeout_s = timeout_s
        self.seen: dict[str, str] = {}
        self.lock = threading.Lock()

    def wrap(self, step: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def probed(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                first = step not in self.seen
                if first:
                    self.seen[step] = "pending"
            if first:
                try:
                    r = httpx.get(f"{self.url}/healthz", timeout=self.timeout_s)
                    self.seen[step] = f"answered {r.status_code}"
                except httpx.TimeoutException:
                    self.seen[step] = "no answer: the event loop was blocked"
            return fn(*args, **kwargs)

        return probed


def large_article(n: int) -> str:
    """A long article (about 60 sentences a paragraph; some tens of KB): several chunks."""
    return "\n\n".join(" ".join(article_text(n * 1000 + p * 20 + i) for i in range(20)) for p in range(12))


@pytest.mark.parametrize(
    ("step", "module", "name"),
    [
        ("sanitize (Article)", sources, "check_text"),  # the service builds the Article in a thread
        ("response encoding", summarizer.service.render, "json_bytes"),  # the service encodes in a thread
        ("intake", sources, "from_text"),  # waits on the pipeline running intake in a thread
        ("grounding", Grounder, "ground"),  # waits on the pipeline running grounding in a thread
    ],
)
def test_healthz_is_answered_during_each_cpu_step_of_a_large_article(
    served: ServedApp, monkeypatch: pytest.MonkeyPatch, step: str, module: Any, name: str
) -> None:
    probes = Probes(served.url)
    monkeypatch.setattr(module, name, probes.wrap(step, getattr(module, name)))
    text = large_article(len(step))
    r = httpx.post(f"{served.url}/v1/summaries", content=json.dumps({"text": text}), timeout=120,
                   headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text[:300]
    assert r.json()["meta"]["chunks"] > 1, "a large article"
    assert step in probes.seen, f"{name} was not called while summarizing: the probe is stale"
    assert probes.seen[step] == "answered 200", f"/healthz during {step}: {probes.seen[step]}"
    assert not served.log.tracebacks()


def test_the_probe_sees_cpu_work_left_on_the_event_loop(served: ServedApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: encode the answer on the loop instead, and the same probe reports the blocked loop."""
    import summarizer.service.http as http

    async def on_the_loop(content: Any, status_code: int = 200) -> Any:
        return await summarizer.service.render.json_response(content, status_code, offload=False)

    monkeypatch.setattr(http, "json_response", on_the_loop)
    probes = Probes(served.url, timeout_s=1.0)
    monkeypatch.setattr(summarizer.service.render, "json_bytes", probes.wrap("encoding", summarizer.service.render.json_bytes))
    r = httpx.post(f"{served.url}/v1/summaries", json={"text": article_text(4242)}, timeout=60)
    assert r.status_code == 200
    assert probes.seen["encoding"] == "no answer: the event loop was blocked"
