"""Secrets never reach error messages, the errors file or library logs."""

from __future__ import annotations

import json
import logging

import pytest
from typer.testing import CliRunner

from summarizer import Summarizer
from summarizer.cli import app
from summarizer.llm import ProviderError
from summarizer.loopback import Fault, LoopbackProvider, running
from summarizer.redact import MASK, redact

from ..conftest import ARTICLES, RECORDINGS, SEEDS, replay_settings

KEY = "sk-live-ABCDEF0123456789xyz"


def test_redact_masks_keys_and_bearer_tokens() -> None:
    text = f"Incorrect API key provided: {KEY}. Header was Bearer tok_0123456789abcdef; api_key='s3cr3t-value'"
    out = redact(text, ["s3cr3t-value"])
    assert KEY not in out and "tok_0123456789abcdef" not in out and "s3cr3t-value" not in out
    assert out.count(MASK) == 3


def test_provider_echoing_the_key_does_not_leak_it(caplog: pytest.LogCaptureFixture) -> None:
    provider = LoopbackProvider(None, responder=lambda body: "{}")
    provider.faults.add(Fault("status", status=401, message=f"Incorrect API key provided: {KEY}"))
    caplog.set_level(logging.DEBUG)
    with running(provider) as srv, Summarizer(replay_settings(srv, provider="custom", model="m", api_key=KEY)) as s:
        with pytest.raises(ProviderError) as err:
            s.summarize("Mayor Wang said the city will grow.")
    assert "HTTP 401" in str(err.value) and KEY not in str(err.value)
    assert caplog.records, "instructor logs the failed attempt"
    assert all(KEY not in r.getMessage() for r in caplog.records)


def test_errors_file_holds_no_key(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("SUMMARIZER_API_KEY", KEY)
    provider = LoopbackProvider(RECORDINGS)
    provider.faults.add(Fault("status", status=403, message=f"key {KEY} is not allowed", times=100))
    with running(provider) as srv:
        out = CliRunner().invoke(
            app,
            ["batch", str(ARTICLES / f"{SEEDS[0]}.txt"), "-o", str(tmp_path / "r.jsonl"), "--base-url", srv.base_url,
             "--model", "authored", "--no-cache", "--no-progress"],
        )
    assert out.exit_code == 1
    errors = (tmp_path / "r.errors.jsonl").read_text()
    assert json.loads(errors.splitlines()[0])["error"].startswith("HTTP 403")
    assert KEY not in errors and KEY not in out.output
