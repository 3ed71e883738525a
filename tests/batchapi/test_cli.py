"""``summarizer batch --via batch-api`` in subprocesses: kill -9 then --resume, and batch-status."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.loopback import LoopbackProvider, running
from summarizer.loopback.responders import echo_answer, followup_answer, is_followup

from ..batch.support import article_of, article_text, invalid_records, read_jsonl, write_jsonl

CLI = [sys.executable, "-c", "from summarizer.cli import main; main()"]
STATE = "out.jsonl.batchapi/state.json"


def _responder(body: dict[str, Any]) -> str:
    """Articles marked SLOWQ get quotes that are not in them: their quote-fix turn goes online."""
    if is_followup(body):
        return followup_answer(body)
    text = article_of(body)
    answer = json.loads(echo_answer(text))
    if "SLOWQ" in text:
        for item in answer["goals"] + answer["initiatives"]:
            item["quote"] = "A sentence the article does not hold."
    return json.dumps(answer, ensure_ascii=False)


def _cmd(tmp: Path, base_url: str, *extra: str) -> list[str]:
    return [*CLI, "batch", str(tmp / "in.jsonl"), "-o", str(tmp / "out.jsonl"), "--via", "batch-api", "--provider", "replay",
            "--base-url", base_url, "--cache-dir", str(tmp / "cache"), "--no-progress", *extra]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env.update(PYTHONPATH=str(Path(__file__).resolve().parents[2]), SUMMARIZER_BATCH_API_POLL_INITIAL_S="0.05",
               SUMMARIZER_BATCH_API_POLL_MAX_S="0.2")
    return env


def _state(tmp: Path) -> dict[str, Any]:
    try:
        return json.loads((tmp / STATE).read_text())
    except (OSError, ValueError):
        return {}


def _kill_when(proc: subprocess.Popen, ready: Any, what: str) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while not ready():
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        assert time.monotonic() < deadline, f"never reached: {what}"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def _check_all_once(tmp: Path, ids: list[str]) -> list[dict[str, Any]]:
    records = read_jsonl(tmp / "out.jsonl")  # asserts whole lines
    errors = read_jsonl(tmp / "out.errors.jsonl")
    names = [r["article"]["input_name"] for r in records]
    assert errors == [] and sorted(names) == sorted(ids) and len(set(names)) == len(ids)
    assert invalid_records(records) == []
    return records


def test_kill_9_while_waiting_then_resume_never_uploads_twice(tmp_path: Path) -> None:
    ids = write_jsonl(tmp_path / "in.jsonl", 30)
    provider = LoopbackProvider(None, responder=_responder)
    provider.batches.completion_s = 0.3
    provider.batches.faults.stall = True  # the batch waits until released: the client is killed while polling
    with running(provider) as srv:
        proc = subprocess.Popen(_cmd(tmp_path, srv.base_url), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _kill_when(proc, lambda: any(p.get("batch_id") for p in _state(tmp_path).get("parts", [])), "a batch submitted")
        assert provider.batches.stats.batches_created == 1
        status = CliRunner().invoke(app, ["batch-status", str(tmp_path / "out.jsonl"), "--json"])
        provider.batches.release()
        resumed = subprocess.run(_cmd(tmp_path, srv.base_url, "--resume", "--summary-json", str(tmp_path / "s.json")),
                                 env=_env(), capture_output=True, text=True, timeout=120)
    shown = json.loads(status.output)
    assert status.exit_code == 0 and shown["summary"]["finished"] is False
    (batch,) = shown["batches"]
    assert batch["batch_id"] and batch["status"] in ("validating", "in_progress")
    assert resumed.returncode == 0, resumed.stderr
    _check_all_once(tmp_path, ids)
    assert provider.batches.stats.files_uploaded == 1 and provider.batches.stats.batches_created == 1
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["uploaded_requests"] == 0 and summary["records"]["ok"] == 30
    assert "at Batch API prices" in resumed.stderr or "est. cost unknown" in resumed.stderr


def test_kill_9_while_writing_records_then_resume_loses_nothing(tmp_path: Path) -> None:
    ids = write_jsonl(tmp_path / "in.jsonl", 30, extra={i: article_text(i, f"SLOWQ{i}") for i in range(30)})
    provider = LoopbackProvider(None, responder=_responder, latency_s=0.3)  # online follow-ups take a while
    provider.batches.completion_s = 0.2
    with running(provider) as srv:
        proc = subprocess.Popen(_cmd(tmp_path, srv.base_url, "-c", "2"), env=_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        out = tmp_path / "out.jsonl"
        _kill_when(proc, lambda: out.exists() and out.read_bytes().count(b"\n") >= 4, "records written")
        written = out.read_bytes().count(b"\n")
        resumed = subprocess.run(_cmd(tmp_path, srv.base_url, "-c", "4", "--resume", "--summary-json", str(tmp_path / "s.json")),
                                 env=_env(), capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    _check_all_once(tmp_path, ids)
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["records"]["skipped"] == written and summary["uploaded_requests"] == 0
    assert provider.batches.stats.batches_created == 1


def test_batch_status_without_a_run_names_the_problem(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["batch-status", str(tmp_path / "nothing.jsonl")])
    assert result.exit_code == 2 and "no Batch API run found" in result.output


def test_via_rejects_an_unknown_path_and_an_in_process_provider(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 1)
    bad = CliRunner().invoke(app, ["batch", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--via", "carrier-pigeon"])
    rules = CliRunner().invoke(app, ["batch", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o.jsonl"), "--via", "batch-api",
                                     "--provider", "rules", "--no-progress", "--cache-dir", str(tmp_path / "c")])
    assert bad.exit_code == 2 and "choose online or batch-api" in bad.output
    assert rules.exit_code == 2 and "Batch API needs an OpenAI-compatible endpoint" in rules.output
