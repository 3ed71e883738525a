"""``summarizer serve``: no API beyond loopback without a token; connection limits that fit the
process's file-descriptor limit."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.cli.serve import is_loopback
from summarizer.service.server import plan_limits


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                                 ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False)])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_beyond_loopback_without_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUMMARIZER_SERVICE_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 2
    assert "without authentication" in result.output and "SUMMARIZER_SERVICE_TOKEN" in result.output


# ---------------------------------------------------------------- limits sized to the descriptor limit

@pytest.mark.parametrize("descriptors", [128, 256, 1024, 20000])
def test_the_connection_cap_and_one_accept_burst_fit_the_descriptor_limit(descriptors: int) -> None:
    reserve = 70
    plan = plan_limits(descriptors=descriptors, reserve=reserve)
    limits = plan.limits
    assert limits.max_connections >= 4 and limits.backlog >= 8
    assert limits.max_connections + limits.backlog + reserve <= descriptors
    assert plan.note is None, "the default cap is lowered silently; only a requested one is reported"


def test_a_requested_cap_that_does_not_fit_is_lowered_and_said() -> None:
    plan = plan_limits(5000, descriptors=1024)
    assert plan.limits.max_connections < 1024
    assert plan.note is not None and "--max-connections 5000" in plan.note and "ulimit -n" in plan.note
    fits = plan_limits(100, descriptors=1024, header_timeout_s=2.5, body_timeout_s=7)
    assert (fits.limits.max_connections, fits.limits.header_timeout_s, fits.limits.body_timeout_s, fits.note) == (100, 2.5, 7, None)


def test_a_descriptor_limit_too_low_to_serve_is_refused_with_what_to_do() -> None:
    with pytest.raises(ValueError, match=r"ulimit -n.*raise it to at least \d+") as info:
        plan_limits(descriptors=80)
    advised = int(str(info.value).rsplit(" ", 1)[-1])
    assert plan_limits(descriptors=advised).limits.max_connections >= 1, "the advised limit is enough"
    with pytest.raises(ValueError):
        plan_limits(descriptors=advised - 1)


def test_serve_refuses_to_start_under_a_descriptor_limit_it_cannot_work_with() -> None:
    import resource

    from .support import run_cli

    def tiny() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (80, 80))

    proc = run_cli("serve", "--port", "0", "--provider", "replay", "--base-url", "http://127.0.0.1:9/v1", preexec_fn=tiny)
    assert proc.returncode == 2, proc.stderr
    assert "file-descriptor limit (80" in proc.stderr and "raise it to at least" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("flag", ["--header-timeout", "--body-timeout", "--max-connections"])
def test_limit_flags_refuse_zero(flag: str) -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "0", flag, "0"])
    assert result.exit_code == 2
    assert flag in result.output
