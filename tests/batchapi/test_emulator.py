"""The loopback provider's Batch API, driven by the openai SDK over real HTTP."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import openai
import pytest

from summarizer.loopback import Fault, LoopbackProvider, running
from summarizer.loopback.responders import echo_responder


def _lines(n: int, marker: str = "") -> bytes:
    items = []
    for i in range(n):
        text = f"<<<ARTICLE\nThe plan {i}{marker if i == 1 else ''} grows by {i + 2}%.\nARTICLE>>>"
        items.append({"custom_id": f"c{i}", "method": "POST", "url": "/v1/chat/completions",
                      "body": {"model": "m", "messages": [{"role": "user", "content": text}]}})
    return b"\n".join(json.dumps(x).encode() for x in items) + b"\n"


def _wait(client: openai.OpenAI, batch_id: str, seen: list[str] | None = None) -> Any:
    deadline = time.monotonic() + 20
    while True:
        b = client.batches.retrieve(batch_id)
        if seen is not None and (not seen or seen[-1] != b.status):
            seen.append(b.status)
        if b.status in ("completed", "failed", "expired", "cancelled"):
            return b
        assert time.monotonic() < deadline, f"batch stuck in {b.status}"
        time.sleep(0.03)


def _submit(client: openai.OpenAI, data: bytes) -> Any:
    f = client.files.create(file=("in.jsonl", io.BytesIO(data)), purpose="batch")
    return client.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h",
                                 metadata={"run": "t"})


@pytest.fixture
def provider() -> LoopbackProvider:
    p = LoopbackProvider(None, responder=echo_responder)
    p.batches.completion_s = 0.4
    return p


def test_a_batch_runs_through_its_states_and_answers_every_request(provider: LoopbackProvider) -> None:
    provider.faults.add(Fault("status", status=500, match="MARK"))
    with running(provider) as srv:
        c = openai.OpenAI(base_url=srv.base_url, api_key="x")
        seen: list[str] = []
        b = _wait(c, _submit(c, _lines(4, "MARK")).id, seen)
        out = [json.loads(x) for x in c.files.content(b.output_file_id).text.splitlines()]
        err = [json.loads(x) for x in c.files.content(b.error_file_id).text.splitlines()]
        listed = [x.id for x in c.batches.list(limit=10)]
        names = [f.filename for f in c.files.list(purpose="batch")]
    assert seen[0] == "validating" and "in_progress" in seen and seen[-1] == "completed"
    assert b.request_counts.total == 4 and b.request_counts.completed == 3 and b.request_counts.failed == 1
    assert sorted(x["custom_id"] for x in out) == ["c0", "c2", "c3"]
    assert all(x["response"]["status_code"] == 200 and x["response"]["body"]["choices"] for x in out)
    assert [(x["custom_id"], x["response"]["status_code"]) for x in err] == [("c1", 500)]
    assert b.id in listed and names == ["in.jsonl"]
    assert b.metadata == {"run": "t"}
    # batch requests are counted apart: they never touch the online rate limits
    assert provider.stats.requests == 0 and provider.batches.stats.batch_requests == 4


def test_limits_validation_expiry_and_cancel(provider: LoopbackProvider) -> None:
    provider.batches.max_requests = 3
    with running(provider) as srv:
        c = openai.OpenAI(base_url=srv.base_url, api_key="x")
        too_many = _wait(c, _submit(c, _lines(4)).id)
        provider.batches.faults.expire_after = 2
        expired = _wait(c, _submit(c, _lines(3)).id)
        provider.batches.faults.stall = True
        stalled = _submit(c, _lines(3))
        time.sleep(0.1)
        cancelling = c.batches.cancel(stalled.id)
        cancelled = _wait(c, stalled.id)
        dup = _wait(c, _submit(c, _lines(1) + _lines(1)).id)
        expired_errors = [json.loads(x) for x in c.files.content(expired.error_file_id).text.splitlines()]
    assert too_many.status == "failed" and too_many.errors.data[0].code == "too_many_requests"
    assert too_many.output_file_id is None
    assert expired.status == "expired" and expired.request_counts.completed == 2
    assert [(e["custom_id"], e["error"]["code"]) for e in expired_errors] == [("c2", "batch_expired")]
    assert cancelling.status == "cancelling" and cancelled.status == "cancelled"
    assert cancelled.request_counts.completed == 0
    assert dup.status == "failed" and dup.errors.data[0].code == "duplicate_custom_id"


def test_unknown_ids_and_bad_requests_are_refused_clearly(provider: LoopbackProvider) -> None:
    with running(provider) as srv:
        c = openai.OpenAI(base_url=srv.base_url, api_key="x", max_retries=0)
        with pytest.raises(openai.NotFoundError):
            c.batches.retrieve("batch_nope")
        with pytest.raises(openai.BadRequestError, match="does not exist"):
            c.batches.create(input_file_id="file-nope", endpoint="/v1/chat/completions", completion_window="24h")
        with pytest.raises(openai.NotFoundError):
            c.files.content("file-nope")
