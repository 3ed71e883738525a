"""One writer per results file, and an exit status that says what happened.

Issue: two processes writing the same ``-o`` file wrote every article twice, without a word;
and a batch where 177 of 200 articles failed exited 0 (only "all failed" was non-zero).
"""

from __future__ import annotations

import time
from pathlib import Path

from ..batch.support import article_text
from .harness import assert_no_crash, batch_args, echo_provider, names, records, run_cli, spawn_cli, write_articles

def test_second_writer_on_the_same_results_file_is_refused(tmp_path: Path) -> None:
    ids = [f"art-{i:03d}" for i in range(40)]
    write_articles(tmp_path / "in.jsonl", ids, article_text)
    out = tmp_path / "out.jsonl"
    with echo_provider(latency_s=0.5) as srv:  # slow while the second process starts
        args = batch_args([tmp_path / "in.jsonl"], out, srv.base_url, "-c", "1")
        first = spawn_cli(*args)
        try:
            deadline = time.monotonic() + 60
            while not (out.exists() and out.read_bytes().endswith(b"\n")):
                assert first.alive(), first.wait().stderr
                assert time.monotonic() < deadline, "the first batch wrote nothing"
                time.sleep(0.05)
            second = run_cli(*args)  # same -o while the first is still writing
            first_alive = first.alive()
        finally:
            srv.provider.latency_s = 0.0  # let the first finish quickly
            done = first.wait(timeout=90)
    assert_no_crash(second)
    assert second.returncode == 5, second.stderr
    assert str(out) in second.stderr and "another summarizer batch" in second.stderr
    assert first_alive, "the first batch ended before the second started; the test proves nothing"
    assert_no_crash(done)
    assert done.returncode == 0, done.stderr
    assert sorted(names(out)) == ids  # each exactly once: the second neither wrote nor truncated


def test_exit_status_one_when_some_fail_unless_allowed(tmp_path: Path) -> None:
    # three readable articles and two that cannot be summarized (empty text, not JSON)
    (tmp_path / "in.jsonl").write_text(
        "".join(f'{{"id": "ok-{i}", "text": "{article_text(i)}"}}\n' for i in range(3)) + '{"id": "empty", "text": " "}\nnot json\n'
    )
    (tmp_path / "bad.jsonl").write_text('{"id": "empty", "text": " "}\n')
    out = tmp_path / "out.jsonl"
    with echo_provider() as srv:
        some = run_cli(*batch_args([tmp_path / "in.jsonl"], out, srv.base_url))
        allowed = run_cli(*batch_args([tmp_path / "in.jsonl"], out, srv.base_url, "--allow-failures"))
        none_ok = run_cli(*batch_args([tmp_path / "bad.jsonl"], tmp_path / "o2.jsonl", srv.base_url, "--allow-failures"))
    for proc in (some, allowed, none_ok):
        assert_no_crash(proc)
    assert some.returncode == 1, some.stderr
    assert "3 ok" in some.stderr and "2 failed" in some.stderr and "failures written to" in some.stderr
    assert allowed.returncode == 0, allowed.stderr
    assert len(names(out)) == 3 and len(records(tmp_path / "out.errors.jsonl")) == 2
    assert none_ok.returncode == 1, none_ok.stderr  # --allow-failures still reports a batch with nothing done
