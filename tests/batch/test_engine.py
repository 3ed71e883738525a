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
