"""Hostile or broken input over real HTTP: every case gets a 4xx naming the input and what to do,
never a 500, and the server logs no traceback for any of it (checked after every test)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from summarizer.loopback import LoopbackProvider, running
from summarizer.service.http import create_app
from summarizer.settings import Settings

from ..batch.support import VALIDATOR, article_text, responder, settings_for
from .support import ServedApp

MIB = 1024 * 1024
SMALL_INPUT_LIMIT = 100_000  # the second app's max_input_bytes: over-size cases stay small and fast


@pytest.fixture(scope="module")
def provider() -> LoopbackProvider:
    return LoopbackProvider(None, responder=responder)


@pytest.fixture(scope="module")
def provider_url(provider: LoopbackProvider) -> Iterator[str]:
    with running(provider) as srv:
        yield srv.base_url


@pytest.fixture(scope="module")
def served(provider_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    """The app with the real defaults: 8 MiB body limit, 5 MiB input limit."""
    with ServedApp(create_app(settings_for(provider_url, tmp_path_factory.mktemp("svc")))) as s:
        yield s


@pytest.fixture(scope="module")
def small(provider_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    """The app with a small input limit under a 1 MiB body limit."""
    settings = settings_for(provider_url, tmp_path_factory.mktemp("svc"), max_input_bytes=SMALL_INPUT_LIMIT)
    with ServedApp(create_app(settings, max_body_bytes=MIB)) as s:
        yield s


@pytest.fixture
def api(served: ServedApp) -> Iterator[httpx.Client]:
    served.log.clear()
    with httpx.Client(base_url=served.url, timeout=60) as c:
        yield c
    assert not served.log.tracebacks(), "input put a traceback in the server log"


def post_raw(c: httpx.Client, body: str | bytes, content_type: str | None = "application/json", path: str = "/v1/summaries") -> httpx.Response:
    """``body`` as given: a str is sent as JSON text with its lone surrogates as \\uXXXX escapes."""
    headers = {"content-type": content_type} if content_type else {}
    return c.post(path, content=body.encode("utf-8") if isinstance(body, str) else body, headers=headers)


def with_surrogate(payload: dict[str, str], field: str) -> str:
    """JSON for ``payload`` whose ``field`` ends in a lone surrogate (legal JSON, not UTF-8 text)."""
    marked = {**payload, field: payload.get(field, "x") + "SURROGATE"}
    return json.dumps(marked).replace("SURROGATE", "\\ud800")


# ---------------------------------------------------------------- characters that are not text

@pytest.mark.parametrize("field", ["text", "html", "id", "title", "url", "date", "source"])
def test_lone_surrogate_in_any_field_is_repaired_not_a_500(api: httpx.Client, field: str) -> None:
    body = article_text(300 + len(field), marker=f"S-{field}")
    payload = {"html": f"<html><body><p>{body}</p></body></html>"} if field == "html" else {"text": body}
    r = post_raw(api, with_surrogate(payload, field))
    assert r.status_code == 200, r.text
    out = r.json()  # valid UTF-8 JSON
    assert not list(VALIDATOR.iter_errors(out))
    if field in ("text", "html"):
        assert any("surrogate" in w for w in out["meta"]["warnings"]), out["meta"]["warnings"]
    if field == "id":
        assert out["article"]["input_name"] == "x\ufffd"
    if field == "title":
        assert out["article"]["title"] == "x\ufffd"


def test_invalid_request_echoing_a_surrogate_is_422_not_500(api: httpx.Client) -> None:
    r = post_raw(api, '{"text": "a\\ud800", "html": "<p>\\udfff</p>"}')
    assert r.status_code == 422
    assert "exactly one of 'text' or 'html'" in r.json()["detail"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (article_text(310) + "\x00" + article_text(311), "NUL character at offset"),
        (article_text(312) + "\x1b\x07" * 20, "binary data (control characters)"),
    ],
)
def test_nul_or_many_controls_in_text_are_refused_like_the_cli(api: httpx.Client, text: str, needle: str) -> None:
    r = api.post("/v1/summaries", json={"text": text, "id": "doc-9"})
    assert r.status_code == 422
    assert r.json()["kind"] == "input"
    assert r.json()["detail"].startswith("doc-9: ") and needle in r.json()["detail"]


def test_nul_in_html_is_refused(api: httpx.Client) -> None:
    r = api.post("/v1/summaries", json={"html": f"<p>{article_text(313)}\x00</p>"})
    assert r.status_code == 422 and "NUL character" in r.json()["detail"]


def test_a_stray_control_character_is_replaced_with_a_warning(api: httpx.Client) -> None:
    r = api.post("/v1/summaries", json={"text": article_text(314).replace("met", "me\x1bt", 1)})
    assert r.status_code == 200, r.text
    assert any("control character" in w for w in r.json()["meta"]["warnings"])


# ---------------------------------------------------------------- sizes and costs

def test_text_over_the_input_limit_but_under_the_body_limit_is_413(api: httpx.Client, provider: LoopbackProvider) -> None:
    """The issue's case with the real defaults: 5.3 MB of text in a body under 8 MiB."""
    sent = provider.stats.requests
    text = ("中国将推动经济稳定增长。" * 160_000)[: 1_800_000]  # 1.8 M characters, 5.4 MB of UTF-8
    r = post_raw(api, json.dumps({"text": text, "id": "big"}, ensure_ascii=False))  # no \u escapes: under 8 MiB
    assert r.status_code == 413, r.text[:300]
    detail = r.json()["detail"]
    assert r.json()["kind"] == "too_large"
    assert detail.startswith("big: 'text' is 5400000 bytes") and f"{5 * MIB}-byte input limit" in detail
    assert "SUMMARIZER_MAX_INPUT_BYTES" in detail
    assert provider.stats.requests == sent, "no provider request for a refused article"


@pytest.mark.parametrize("field", ["text", "html"])
def test_each_body_field_has_the_input_limit(small: ServedApp, field: str) -> None:
    content = "x" * (SMALL_INPUT_LIMIT + 1)
    value = f"<p>{content}</p>" if field == "html" else content
    r = httpx.post(f"{small.url}/v1/summaries", json={field: value})
    assert r.status_code == 413
    assert f"'{field}' is" in r.json()["detail"] and f"{SMALL_INPUT_LIMIT}-byte input limit" in r.json()["detail"]
    just_under = "ok " * ((SMALL_INPUT_LIMIT - 10) // 3)
    assert httpx.post(f"{small.url}/v1/summaries", json={"text": just_under}, timeout=60).status_code != 413
    assert not small.log.tracebacks()


def test_job_article_over_the_input_limit_fails_alone(small: ServedApp) -> None:
    articles = [{"text": article_text(320), "id": "fine"}, {"text": "y" * (SMALL_INPUT_LIMIT + 5), "id": "huge"},
                {"text": "z\x00z", "id": "nul"}, {"text": article_text(321), "id": "sur\ud800"}]
    r = httpx.post(f"{small.url}/v1/jobs", content=json.dumps({"articles": articles}), headers={"content-type": "application/json"})
    assert r.status_code == 202, r.text
    job = _wait(small.url, r.json()["id"])
    assert (job["ok"], job["failed"]) == (2, 2)
    errors = {e["id"]: e for e in job["errors"]}
    assert errors["huge"]["kind"] == "too_large" and "input limit" in errors["huge"]["error"]
    assert errors["nul"]["kind"] == "input" and "NUL" in errors["nul"]["error"]
    assert sorted(x["id"] for x in job["results"]) == ["fine", "sur\ufffd"]


@pytest.mark.parametrize(("cap", "value"), [("max_chunks_per_article", 3), ("max_prompt_tokens_per_article", 2000)])
def test_article_over_the_per_article_cost_cap_is_413_before_any_request(cap: str, value: int, tmp_path: Path) -> None:
    """Waits on the pipeline's per-article cap (Settings.max_chunks_per_article /
    max_prompt_tokens_per_article raising InputTooLarge before the first provider request)."""
    assert cap in Settings.model_fields, f"Settings has no {cap} yet (pipeline change pending)"
    text = " ".join(article_text(400 + i) for i in range(40))  # ~40 x 60 tokens: a dozen chunks of 250
    provider = LoopbackProvider(None, responder=responder)
    with running(provider) as srv:
        settings = settings_for(srv.base_url, tmp_path, chunk_budget_tokens=250, **{cap: value})
        with ServedApp(create_app(settings)) as s:
            sent = provider.stats.requests
            r = httpx.post(f"{s.url}/v1/summaries", json={"text": text, "id": "costly"}, timeout=60)
            assert r.status_code == 413, r.text
            assert r.json()["kind"] == "too_large" and r.json()["detail"].startswith("costly: ")
            assert provider.stats.requests == sent, "the cap holds before any provider request"
            job = httpx.post(f"{s.url}/v1/jobs", json={"articles": [{"text": text, "id": "costly"}]}).json()
            job = _wait(s.url, job["id"])
            assert job["errors"][0]["kind"] == "too_large"
            assert provider.stats.requests == sent
            assert not s.log.tracebacks()


# ---------------------------------------------------------------- bodies that are not UTF-8 JSON

@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        (b'{"text": "abc\xff\xfe"}', 400, "not UTF-8 JSON: invalid start byte at position 13"),
        ('{"text": "Café"}'.encode("latin-1"), 400, "not UTF-8 JSON"),
        (b'{"text": ', 400, "not valid JSON: Expecting value at position 9"),
        (b"hello", 400, "not valid JSON: Expecting value at position 0"),
        (b"[" * 100_000, 400, "nested too deeply"),
        (b'["a list"]', 422, "Input should be a valid dictionary"),
        (b"{}", 422, "exactly one of 'text' or 'html'"),
        (b"", 422, "request body is empty"),
    ],
)
def test_a_body_that_is_not_a_json_object_gets_a_clear_4xx(api: httpx.Client, body: bytes, status: int, needle: str) -> None:
    r = post_raw(api, body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    assert needle in r.json()["detail"]


@pytest.mark.parametrize(
    ("content_type", "needle"),
    [("text/plain", "got 'text/plain'"), ("application/x-www-form-urlencoded", "got 'application/x-www-form-urlencoded'"),
     (None, "no Content-Type was sent")],
)
def test_a_body_not_declared_json_is_415(api: httpx.Client, content_type: str | None, needle: str) -> None:
    r = post_raw(api, json.dumps({"text": article_text(330)}), content_type=content_type)
    assert r.status_code == 415
    assert "Content-Type: application/json" in r.json()["detail"] and needle in r.json()["detail"]
    r = post_raw(api, json.dumps({"articles": [{"text": "a"}]}), content_type=content_type, path="/v1/jobs")
    assert r.status_code == 415


def test_json_media_types_with_parameters_are_accepted(api: httpx.Client) -> None:
    r = post_raw(api, json.dumps({"text": article_text(331)}), content_type="application/json; charset=utf-8")
    assert r.status_code == 200, r.text


def test_a_bug_is_a_json_500_with_an_incident_id_and_one_log_line(
    served: ServedApp, api: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not input: a fault inside the service. The operator gets one line that matches the caller's id."""
    from summarizer.service.core import SummarizerService

    async def broken(self: SummarizerService, article: object, **meta: object) -> None:
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(SummarizerService, "summarize", broken)
    r = api.post("/v1/summaries", json={"text": article_text(340)})
    assert r.status_code == 500
    body = r.json()
    assert body["kind"] == "internal" and body["incident"] in body["detail"]
    errors = [line for line in served.log.lines() if line.startswith("ERROR")]
    assert len(errors) == 1, served.log.lines()
    assert body["incident"] in errors[0] and "RuntimeError: simulated fault" in errors[0] and "POST /v1/summaries" in errors[0]
    assert api.get("/healthz").status_code == 200


def _wait(url: str, job_id: str) -> dict:
    import time

    deadline = time.monotonic() + 30
    while True:
        job = httpx.get(f"{url}/v1/jobs/{job_id}").json()
        if job["status"] == "done":
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
