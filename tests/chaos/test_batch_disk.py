"""Output disk full / file-size limit: stop cleanly, no torn line, resume finishes the rest.

Issue: a traceback, "Task exception was never retrieved", a torn last line and an empty errors
file. Now: exit 3 with a message naming the file, the reason and ``--resume``; every line in
the results file is whole; a rerun with ``--resume`` (once there is room) ends with every input
exactly once.
"""

from __future__ import annotations

import signal
from pathlib import Path

from ..batch.support import article_text
from .harness import assert_no_crash, batch_args, echo_provider, names, records, remount, run_cli, tmpfs, write_articles

N = 40
IDS = [f"art-{i:03d}" for i in range(N)]


def _check_stopped(proc, out: Path, reason: str) -> list[str]:  # noqa: ANN001
    assert_no_crash(proc)
    assert proc.returncode == 3, proc.stderr
    assert "stopped early" in proc.stderr and reason in proc.stderr and str(out) in proc.stderr
    assert "--resume" in proc.stderr
    written = names(out)  # records(): raises on a torn last line
    assert 0 < len(written) < N and len(set(written)) == len(written)
    return written


def _check_resumed(proc, out: Path, written: list[str]) -> None:  # noqa: ANN001
    assert_no_crash(proc)
    assert proc.returncode == 0, proc.stderr
    final = names(out)
    assert sorted(final) == IDS  # every input exactly once
    assert final[: len(written)] == written  # what was written before stayed as it was
    assert f"{len(written)} already done" in proc.stderr


def test_output_disk_full_stops_cleanly_and_resume_finishes(tmp_path: Path) -> None:
    write_articles(tmp_path / "in.jsonl", IDS, article_text)
    with tmpfs(tmp_path / "disk", "48k") as disk, echo_provider() as srv:
        out = disk / "results.jsonl"
        args = batch_args([tmp_path / "in.jsonl"], out, srv.base_url, "-c", "4")
        proc = run_cli(*args)
        written = _check_stopped(proc, out, "No space left on device")
        assert "not done" in proc.stderr and "not started" in proc.stderr
        remount(disk, "size=4m")  # the user frees space
        _check_resumed(run_cli(*args, "--resume"), out, written)
        assert records(disk / "results.errors.jsonl") == []


def test_file_size_limit_stops_cleanly_instead_of_dying_of_sigxfsz(tmp_path: Path) -> None:
    write_articles(tmp_path / "in.jsonl", IDS, article_text)
    out = tmp_path / "out" / "results.jsonl"
    with echo_provider() as srv:
        args = batch_args([tmp_path / "in.jsonl"], out, srv.base_url, "-c", "3")
        # SIGXFSZ starts at the kernel default (kill) in the child (zygote.py): the CLI must ignore it
        proc = run_cli(*args, fsize=24_000)
        assert proc.returncode != -signal.SIGXFSZ, "killed by SIGXFSZ"
        written = _check_stopped(proc, out, "File too large")
        assert out.stat().st_size <= 24_000
        _check_resumed(run_cli(*args, "--resume"), out, written)
