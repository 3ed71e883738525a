"""The start-up probe: any HTTP answer is "reachable"; refused, unresolvable or silent is not,
and the message names the URL and what to check."""

from __future__ import annotations

import socket

import httpx

from summarizer.probe import _cause, probe

from .harness import echo_provider


def test_any_http_answer_counts_as_reachable() -> None:
    with echo_provider() as srv:
        assert probe(srv.base_url) is None  # GET /v1 is a 404 there: still someone answering
        assert probe(srv.base_url.replace("/v1", "/no/such/path")) is None


def test_refused_connection_names_the_url() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
    message = probe(url, timeout=2)
    assert message is not None and url in message and "connection refused" in message
    assert "--base-url" in message


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as s:  # listening, so connect() succeeds, but nobody ever reads
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        url = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
        message = probe(url, timeout=0.5)
    assert message is not None and url in message and "no answer within the timeout" in message


def test_bad_urls_and_unknown_hosts_are_explained() -> None:
    message = probe("localhost:8000/v1")  # no scheme
    assert message is not None and "not a valid http(s) URL" in message
    dns = httpx.ConnectError("[Errno -2] Name or service not known")
    assert _cause(dns) == "host name not found"


def test_summarize_exits_4_before_reading_when_the_provider_is_down(tmp_path) -> None:  # noqa: ANN001
    from typer.testing import CliRunner

    from summarizer.cli import app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
    (tmp_path / "a.txt").write_text("The council met on Monday. Output should grow by 5% next year.")
    result = CliRunner().invoke(app, ["summarize", str(tmp_path / "a.txt"), "--base-url", url, "--model", "m", "--no-cache"])
    assert result.exit_code == 4, result.output
    assert f"cannot reach the provider at {url}" in result.stderr
