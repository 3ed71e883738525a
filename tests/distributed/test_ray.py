"""The Ray path on a local 2-CPU Ray instance (started once for this module) and the loopback provider.

Same records as the local engine; nothing lost when an actor is killed mid-run or the driver
is killed with -9 and rerun with --resume; the shared budget holds the provider's rate.
"""

from __future__ import annotations

import os

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # before Ray's first import: services on 127.0.0.1 only

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray")

from summarizer.distributed import connect, make_budget, read_records, run_job, summarize_dataset  # noqa: E402
from summarizer.distributed.worker import OUTPUT_COLUMNS  # noqa: E402
from summarizer.loopback import LoopbackProvider, running  # noqa: E402

from ..batch.support import article_text, invalid_records, read_jsonl, responder, settings_for, write_jsonl  # noqa: E402
from ..batchapi.support import by_input, comparable, local  # noqa: E402
from ..conftest import ARTICLES, RECORDINGS, SEEDS, replay_settings  # noqa: E402
from .provider_process import ProviderProcess  # noqa: E402


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    connect(None, num_cpus=2)
    ray.data.DataContext.get_current().enable_progress_bars = False
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def _errors(folder: Path) -> dict[str, str]:
    return {e["input"]: e["error"] for f in sorted(folder.glob("*.jsonl")) for e in read_jsonl(f)}


def _worker_pids() -> list[int]:
    """The processes of this job's SummarizeBatch actors (Ray titles them after the actor)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if b"SummarizeBatch" in cmd:
                pids.append(int(entry))
    return pids


def test_the_same_records_as_the_local_engine_seeds_and_generated(cluster: str, tmp_path: Path) -> None:
    """The five seeds (their recordings) and 40 generated articles (the echo responder), one job."""
    ids = write_jsonl(tmp_path / "in.jsonl", 40, extra={7: article_text(7, "X")})
    with (tmp_path / "in.jsonl").open("a") as fh:
        fh.write("{not json\n")  # an unreadable line: an error line on both paths
    inputs = [str(ARTICLES), str(tmp_path / "in.jsonl")]
    with running(LoopbackProvider(RECORDINGS, responder=responder)) as srv:
        asyncio_local(replay_settings(srv, tmp_path / "a"), inputs, tmp_path / "local.jsonl")
        report = run_job(replay_settings(srv, tmp_path / "b"), inputs, tmp_path / "ray.parquet")
    a = by_input(tmp_path / "local.jsonl")
    b = {r["article"]["input_name"]: r for r in read_records(tmp_path / "ray.parquet")}
    seeds = {k for k in b if "fixtures/articles" in k}
    assert len(seeds) == len(SEEDS) and set(ids) <= set(b) and report.ok == len(b) == len(SEEDS) + 40
    assert {k: comparable(v) for k, v in b.items()} == {k: comparable(v) for k, v in a.items()}
    ray_errors = _errors(tmp_path / "ray.errors.jsonl")
    assert ray_errors == {e["input"]: e["error"] for e in read_jsonl(tmp_path / "local.errors.jsonl")} and len(ray_errors) == 1


def asyncio_local(settings: Any, inputs: list[str], out: Path) -> Any:
    import asyncio

    return asyncio.run(local(settings, inputs, out))


def test_an_actor_killed_mid_run_loses_nothing(cluster: str, tmp_path: Path) -> None:
    ids = write_jsonl(tmp_path / "in.jsonl", 36)
    provider = LoopbackProvider(None, responder=responder, latency_s=0.15)
    killed: list[int] = []

    def kill_one() -> None:
        deadline = time.monotonic() + 60
        while provider.stats.requests < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        pids = _worker_pids()
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    with running(provider) as srv:
        killer = threading.Thread(target=kill_one)
        killer.start()
        report = run_job(settings_for(srv.base_url, tmp_path), [str(tmp_path / "in.jsonl")], tmp_path / "out.jsonl",
                         batch_size=6, concurrency=3)
        killer.join()
    records = read_records(tmp_path / "out.jsonl")
    names = [r["article"]["input_name"] for r in records]
    assert killed, "no actor was found to kill"
    assert sorted(names) == sorted(ids) and len(set(names)) == 36 and report.failed == 0
    assert invalid_records(records) == []
    # the batch the dead actor held was redone; answers it had stored came from the shared cache
    assert sum(provider.stats.keys.values()) <= 36 + 6


def test_the_global_rate_limit_holds_across_actors(cluster: str, tmp_path: Path) -> None:
    """A strict provider (1-second sliding window, 429 beyond it) in a process of its own: two
    actors sharing one budget stay under it; without the budget they overshoot many times over."""
    write_jsonl(tmp_path / "in.jsonl", 30)
    rps = 6
    with ProviderProcess(latency_s=0.05, rps_limit=rps) as provider:
        s = settings_for(provider.base_url, tmp_path / "a")
        budget = make_budget(s, actors=2, concurrency=4, rpm=rps * 60)
        report = run_job(s, [str(tmp_path / "in.jsonl")], tmp_path / "out.jsonl", actors=2, concurrency=4,
                         batch_size=6, budget=budget)
        paced = provider.stats()
        sends = sorted(ray.get(budget.start_times.remote()))
        time.sleep(1.1)  # the provider's window empties
        write_jsonl(tmp_path / "few.jsonl", 30, start=100)
        # the control: the same kind of job with no shared budget, against the same provider, wide
        # enough (16 requests in flight) to overshoot 6/s however busy the machine is
        run_job(settings_for(provider.base_url, tmp_path / "b", transport_retries=1), [str(tmp_path / "few.jsonl")],
                tmp_path / "out2.jsonl", actors=2, concurrency=8, batch_size=15)
        unpaced_429 = provider.stats()["rate_limited"] - paced["rate_limited"]
    assert report.ok == 30 and paced["peak_requests_per_s"] <= rps
    # sends as the workers made them: never more than the limit within any second
    assert max(sum(1 for t in sends if t0 <= t < t0 + 1.0) for t0 in sends) <= rps
    # what reached the provider: at most a stray early 429 (a worker's first send, late)
    assert paced["rate_limited"] <= 3

    assert unpaced_429 > 3 * max(1, paced["rate_limited"])


def test_summarize_dataset_takes_jsonl_shaped_rows(cluster: str, tmp_path: Path) -> None:
    rows = [{"id": f"r{i}", "text": article_text(i)} for i in range(5)] + [{"id": "empty", "text": ""}, {"text": "no id"}]
    with running(LoopbackProvider(None, responder=responder)) as srv:
        out = summarize_dataset(ray.data.from_items(rows), settings_for(srv.base_url), actors=1).take_all()
    assert set(out[0]) == set(OUTPUT_COLUMNS)
    by_name = {r["input_name"]: r for r in out}
    assert all(by_name[f"r{i}"]["ok"] and json.loads(by_name[f"r{i}"]["record"])["article"]["input_name"] == f"r{i}" for i in range(5))
    assert "no non-empty 'text'" in by_name["empty"]["error"] and "needs an 'id'" in by_name["<row>"]["error"]


def test_kill_9_of_the_driver_then_resume_loses_nothing(cluster: str, tmp_path: Path) -> None:
    ids = write_jsonl(tmp_path / "in.jsonl", 24)
    out = tmp_path / "out.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env.update(PYTHONPATH=str(Path(__file__).resolve().parents[2]), RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0")
    provider = LoopbackProvider(None, responder=responder, latency_s=0.15)

    def cmd(*extra: str) -> list[str]:
        return [sys.executable, "-c", "from summarizer.cli import main; main()", "batch", str(tmp_path / "in.jsonl"),
                "-o", str(out), "--ray-address", cluster, "--provider", "replay", "--base-url", srv.base_url,
                "--cache-dir", str(tmp_path / "cache"), "--no-progress", "-c", "2", *extra]

    with running(provider) as srv:
        proc = subprocess.Popen(cmd(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 300  # a Ray job's start takes minutes on a loaded 2-core box
        while len(list(out.glob("*.jsonl"))) < 1 if out.exists() else True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "no result file appeared"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        written = len(read_records(out))
        resumed = subprocess.run(cmd("--resume", "--summary-json", str(tmp_path / "s.json")), env=env,
                                 capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    records = read_records(out)
    names = [r["article"]["input_name"] for r in records]
    assert sorted(names) == sorted(ids) and len(set(names)) == 24
    summary = json.loads((tmp_path / "s.json").read_text())
    assert 1 <= written < 24 and summary["skipped"] == written and summary["ok"] == 24 - written
