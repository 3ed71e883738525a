"""The batch engine: streaming whole lines, resume, bounded report, summary and cost."""

from __future__ import annotations

import json
from pathlib import Path

from summarizer.batch import FAILURES_KEPT, count_inputs, run_batch, scan_results
from summarizer.intake import iter_sources
from summarizer.loopback import Fault, LoopbackProvider, running
from summarizer.pipeline import Pipeline

from .support import invalid_records, read_jsonl, responder, settings_for, write_jsonl


async def _run(settings, inputs: list[str], out: Path, err: Path | None, **kw):  # noqa: ANN001, ANN202
    pipeline = Pipeline(settings)
    try:
        return await run_batch(pipeline, iter_sources(inputs), results=out, errors=err, **kw)
    finally:
        await pipeline.close()


async def test_results_are_streamed_as_whole_lines_as_they_complete(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 12)
    out = tmp_path / "out.jsonl"
    seen: list[int] = []

    def done(name: str, ok: bool) -> None:  # the line is on disk before the article is reported
        raw = out.read_bytes()
        assert raw.endswith(b"\n")
        seen.append(raw.count(b"\n"))

    provider = LoopbackProvider(None, responder=responder, latency_s=0.05)
    with running(provider) as srv:
        report = await _run(settings_for(srv.base_url), [str(tmp_path / "in.jsonl")], out, None, concurrency=3, on_done=done)
    assert seen == list(range(1, 13))
    assert report.ok == 12 and invalid_records(read_jsonl(out)) == []


async def test_resume_skips_finished_retries_failed_and_trims_a_torn_line(tmp_path: Path) -> None:
    ids = write_jsonl(tmp_path / "in.jsonl", 10)
    out, err = tmp_path / "out.jsonl", tmp_path / "err.jsonl"
    provider = LoopbackProvider(None, responder=responder)
    provider.faults.add(*(Fault("status", status=400, match=f"A{i:06d}") for i in (3, 7)))
    with running(provider) as srv:
        settings = settings_for(srv.base_url)
        first = await _run(settings, [str(tmp_path / "in.jsonl")], out, err)
        assert (first.ok, first.failed) == (8, 2)
        with out.open("ab") as fh:  # a crash mid-write of a ninth line
            fh.write(b'{"article": {"id": "abc", "input_name": "art-')
        assert len(scan_results(out)) == 8
        assert out.read_bytes().endswith(b"\n"), "the torn tail was cut"

        requests_before = provider.stats.requests
        second = await _run(settings, [str(tmp_path / "in.jsonl")], out, err, resume=True)
    assert (second.skipped, second.ok, second.failed) == (8, 2, 0)
    assert provider.stats.requests - requests_before == 2, "only the two failed articles were asked again"
    names = [r["article"]["input_name"] for r in read_jsonl(out)]
    assert sorted(names) == sorted(ids)
    assert read_jsonl(err) == [], "earlier failures were retried, not kept as stale lines"


async def test_resume_does_not_confuse_a_changed_input_with_a_finished_one(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out.jsonl"
    provider = LoopbackProvider(None, responder=responder)
    with running(provider) as srv:
        settings = settings_for(srv.base_url)
        await _run(settings, [str(tmp_path / "in.jsonl")], out, None)
        write_jsonl(tmp_path / "in.jsonl", 3, extra={1: "A different text for the same id. It grows by 4%."})
        again = await _run(settings, [str(tmp_path / "in.jsonl")], out, None, resume=True)
    assert (again.skipped, again.ok) == (2, 1)


async def test_failures_are_counted_but_only_the_first_few_kept(tmp_path: Path) -> None:
    with (tmp_path / "in.jsonl").open("w") as fh:
        for i in range(FAILURES_KEPT + 15):
            fh.write(json.dumps({"id": f"e{i}", "text": ""}) + "\n")
    err = tmp_path / "err.jsonl"
    provider = LoopbackProvider(None, responder=responder)
    with running(provider) as srv:
        report = await _run(settings_for(srv.base_url), [str(tmp_path / "in.jsonl")], tmp_path / "out.jsonl", err)
    assert report.failed == FAILURES_KEPT + 15
    assert len(report.failures) == FAILURES_KEPT
    assert len(read_jsonl(err)) == FAILURES_KEPT + 15
    assert report.as_dict()["first_failures"][0]["error"].endswith("no non-empty 'text' or 'html' field")


async def test_summary_reports_tokens_cost_and_rate(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 4)
    provider = LoopbackProvider(None, responder=responder)
    with running(provider) as srv:
        priced = settings_for(srv.base_url, tmp_path, prices={"authored": (1.0, 2.0)})
        report = await _run(priced, [str(tmp_path / "in.jsonl")], tmp_path / "o.jsonl", None)
        rerun = await _run(priced, [str(tmp_path / "in.jsonl")], tmp_path / "o2.jsonl", None)
        unpriced = await _run(settings_for(srv.base_url), [str(tmp_path / "in.jsonl")], tmp_path / "o3.jsonl", None)
    d = report.as_dict()
    assert (d["ok"], d["failed"], d["cached"], d["requests"], d["reasks"]) == (4, 0, 0, 4, 0)
    assert d["prompt_tokens"] > 0 and d["completion_tokens"] > 0
    expected = (d["prompt_tokens"] * 1.0 + d["completion_tokens"] * 2.0) / 1e6
    assert abs(d["cost_usd"] - expected) < 1e-6
    assert d["articles_per_min"] > 0 and d["wall_s"] > 0
    assert "$" in report.line()
    assert (rerun.cached, rerun.requests, rerun.cost_usd) == (4, 0, 0.0)
    assert unpriced.cost_usd is None and "cost unknown" in unpriced.line()
    assert unpriced.as_dict()["cost_usd"] is None


def test_count_inputs_is_cheap_and_honest(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", 7)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_text("x")
    (tmp_path / "d" / "y.html").write_text("<p>y</p>")
    (tmp_path / "d" / "skip.bin").write_bytes(b"\0")
    assert count_inputs([str(tmp_path / "a.jsonl"), str(tmp_path / "d"), str(tmp_path / "missing.txt")]) == 10
    assert count_inputs(["-"]) is None


def test_torn_tail_is_cut_back_to_the_last_whole_line(tmp_path) -> None:  # noqa: ANN001
    from summarizer.batch import _last_line_end, scan_results

    path = tmp_path / "r.jsonl"
    line = b'{"article": {"input_name": "a", "id": "1"}}\n'
    path.write_bytes(line * 3000 + b'{"article": {"inp')  # > one 64 KiB block before the tear
    assert len(scan_results(path)) == 1  # the three thousand lines are one (name, id)
    assert path.read_bytes() == line * 3000
    small = tmp_path / "s"
    small.write_bytes(b"ab\ncd\nefgh")
    with small.open("rb") as fh:  # the newline sits two small blocks back from the end
        assert _last_line_end(fh, 10, block=2) == 6
    path.write_bytes(b"no newline at all")
    assert scan_results(path) == set() and path.read_bytes() == b""


# ---------------------------------------------------------------- output failures and the writer lock


def test_a_failed_write_is_rolled_back_to_the_last_whole_line(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import errno
    import os

    import pytest

    from summarizer import batch
    from summarizer.batch import JsonlSink, SinkError

    path = tmp_path / "r.jsonl"
    sink = JsonlSink(path)
    sink.write({"n": 1})
    real_write = os.write

    def half_then_full(fd: int, data) -> int:  # noqa: ANN001 - the disk fills mid-record
        if len(data) > 4:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(batch.os, "write", half_then_full)
    with pytest.raises(SinkError) as exc:
        sink.write({"n": 2, "pad": "x" * 100})
    monkeypatch.undo()
    sink.close()
    assert path.read_bytes() == b'{"n": 1}\n'
    assert str(path) in str(exc.value) and "free some space" in str(exc.value)


def test_a_second_writer_is_refused_and_does_not_truncate(tmp_path: Path) -> None:
    import pytest

    from summarizer.batch import JsonlSink, OutputLocked

    path = tmp_path / "r.jsonl"
    first = JsonlSink(path, truncate=True)
    first.write({"n": 1})
    with pytest.raises(OutputLocked, match="another summarizer batch"):
        JsonlSink(path, truncate=True)
    assert path.read_bytes() == b'{"n": 1}\n'
    first.close()
    JsonlSink(path, truncate=True).close()  # released on close: the next run may start afresh
    assert path.read_bytes() == b""


async def test_output_failure_stops_the_batch_and_accounts_for_every_article(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import errno

    from summarizer import batch
    from summarizer.batch import SinkError

    ids = write_jsonl(tmp_path / "in.jsonl", 30)
    out, err = tmp_path / "out.jsonl", tmp_path / "err.jsonl"
    real = batch.JsonlSink.write_bytes
    writes = {"n": 0}

    def filling(self, line: bytes) -> None:  # noqa: ANN001 - the sixth result finds the disk full
        if self.path == out:
            writes["n"] += 1
            if writes["n"] >= 6:
                raise SinkError(out, OSError(errno.ENOSPC, "No space left on device"))
        real(self, line)

    monkeypatch.setattr(batch.JsonlSink, "write_bytes", filling)
    provider = LoopbackProvider(None, responder=responder, latency_s=0.05)
    with running(provider) as srv:
        report = await _run(settings_for(srv.base_url), [str(tmp_path / "in.jsonl")], out, err, concurrency=4)
    written = [r["article"]["input_name"] for r in read_jsonl(out)]
    assert report.stopped is not None and "No space left on device" in report.stopped
    assert report.ok == len(written) == 5 and report.failed == 0
    # the one whose write failed and those in flight are "not done", by name; the rest never started
    from summarizer.batch import prefetch

    # articles in flight (the request window plus the prefetch), and the one the reader had read
    # and was waiting to start
    at_most = 4 + prefetch(4) + 1
    assert 1 <= report.not_done <= at_most and len(report.not_done_inputs) == report.not_done
    assert not set(report.not_done_inputs) & set(written) and set(report.not_done_inputs) <= set(ids)
    assert report.ok + report.not_done < len(ids)
    assert "not done" in report.line()
