"""The HTTP API over real HTTP: uvicorn on 127.0.0.1 (ephemeral port) in a thread, httpx client."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from summarizer.loopback import LoopbackProvider, running
from summarizer.service.http import create_app

from ..batch.support import VALIDATOR, article_text, responder, settings_for
from .support import ServedApp

TOKEN = "test-token-123"


@pytest.fixture(scope="module")
def provider() -> LoopbackProvider:
    return LoopbackProvider(None, responder=responder, latency_s=0.05)


@pytest.fixture(scope="module")
def api(provider: LoopbackProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    with running(provider) as srv:
        settings = settings_for(srv.base_url, tmp_path_factory.mktemp("svc"), concurrency=4)
        app = create_app(settings, token=TOKEN, max_body_bytes=64 * 1024, max_job_articles=20)
        with ServedApp(app) as served, httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as c:
            yield c
            assert not served.log.tracebacks(), served.log.tracebacks()


def test_healthz_needs_no_token(api: httpx.Client) -> None:
    r = httpx.get(f"{api.base_url}/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["model"] == "authored"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}])
def test_missing_or_wrong_token_is_401(api: httpx.Client, headers: dict[str, str]) -> None:
    r = httpx.post(f"{api.base_url}/v1/summaries", json={"text": article_text(1)}, headers=headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert httpx.get(f"{api.base_url}/metrics", headers=headers).status_code == 401


def test_summary_validates_against_the_published_schema(api: httpx.Client) -> None:
    r = api.post("/v1/summaries", json={"text": article_text(7), "id": "doc-7", "title": "Plan", "date": "2024-03-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert not list(VALIDATOR.iter_errors(body))
    assert body["article"]["input_name"] == "doc-7" and body["article"]["published"] == "2024-03-01"
    assert body["goals"][0]["evidence"]["match"] == "exact"
    assert body["targets"][0]["target_year"] == 2025, "'next year' resolved from the given date"


def test_html_body_is_accepted(api: httpx.Client) -> None:
    html = f"<html><head><title>T</title></head><body><article><p>{article_text(8)}</p></article></body></html>"
    r = api.post("/v1/summaries", json={"html": html, "id": "h"})
    assert r.status_code == 200, r.text
    assert not list(VALIDATOR.iter_errors(r.json()))


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({"text": "   "}, "empty article text"),  # intake error, reported with its message
        ({"id": "x"}, "exactly one of 'text' or 'html'"),  # request validation
        ({"text": "a", "html": "<p>a</p>"}, "exactly one of 'text' or 'html'"),
        ({"text": 12}, "string"),
        ({"text": "ok", "colour": "red"}, "Extra inputs"),
    ],
)
def test_invalid_input_is_422_with_the_reason(api: httpx.Client, payload: dict, needle: str) -> None:
    r = api.post("/v1/summaries", json=payload)
    assert r.status_code == 422
    assert needle in r.text


def test_body_over_the_limit_is_413(api: httpx.Client) -> None:
    r = api.post("/v1/summaries", json={"text": "x" * (65 * 1024)})
    assert r.status_code == 413
    assert "limit" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the stream itself is counted
        yield b'{"text": "'
        for _ in range(70):
            yield b"y" * 1024
        yield b'"}'

    r = api.post("/v1/summaries", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_job_with_several_articles(api: httpx.Client) -> None:
    articles = [{"text": article_text(100 + i), "id": f"j{i}"} for i in range(6)] + [{"text": " ", "id": "empty"}]
    r = api.post("/v1/jobs", json={"articles": articles})
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    assert r.json()["total"] == 7
    deadline = time.monotonic() + 30
    while True:
        job = api.get(f"/v1/jobs/{job_id}").json()
        if job["status"] == "done":
            break
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
    assert (job["ok"], job["failed"], job["done"]) == (6, 1, 7)
    assert sorted(x["id"] for x in job["results"]) == [f"j{i}" for i in range(6)]
    for x in job["results"]:
        assert not list(VALIDATOR.iter_errors(x["summary"]))
    assert job["errors"] == [{"index": 6, "id": "empty", "error": "empty: empty article text", "kind": "input"}]
    assert api.get("/v1/jobs/nope").status_code == 404


def test_job_article_cap_and_empty_job(api: httpx.Client) -> None:
    assert api.post("/v1/jobs", json={"articles": [{"text": "a"}] * 21}).status_code == 413
    assert api.post("/v1/jobs", json={"articles": []}).status_code == 422


def test_metrics_count_requests_articles_and_tokens(api: httpx.Client) -> None:
    api.post("/v1/summaries", json={"text": article_text(9)})
    r = api.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'summarizer_http_requests_total{method="POST",route="/v1/summaries",status="200"}' in text
    assert "summarizer_http_request_duration_seconds_bucket" in text
    ok = _sample(text, 'summarizer_articles_total{outcome="ok"}')
    assert ok >= 1
    assert _sample(text, 'summarizer_tokens_total{kind="prompt"}') > 0


def test_openapi_docs(api: httpx.Client) -> None:
    spec = api.get("/openapi.json").json()
    assert {"/v1/summaries", "/v1/jobs", "/v1/jobs/{job_id}", "/healthz", "/metrics"} <= set(spec["paths"])
    assert api.get("/docs").status_code == 200


def _sample(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{name} not in metrics")
