"""No input kills a batch: lone surrogates in text or id, undecodable file names, intake bugs.

Issue: a JSONL line whose ``text`` or ``id`` held ``"\\ud800"`` (legal JSON) ended the whole
batch with a traceback, 0 of 3 written and an empty errors file.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from summarizer.batch import run_batch
from summarizer.intake import Source, iter_sources
from summarizer.pipeline import Pipeline

from ..batch.support import article_text, settings_for
from .harness import assert_no_crash, batch_args, echo_provider, records, run_cli


def test_lone_surrogates_and_undecodable_file_names_end_in_results(tmp_path: Path) -> None:
    jsonl = tmp_path / "in.jsonl"
    # written by hand: json.dumps would escape the surrogate the same way, but this is explicit
    jsonl.write_text(
        json.dumps({"id": "plain", "text": article_text(1)}) + "\n"
        + '{"id": "bad-text", "text": "The council met \\ud800 on Monday to approve plan X. Output should grow by 5% next year."}\n'
        + '{"id": "bad-id-\\udc00", "text": "The city met on Tuesday to approve plan Y. Output should grow by 6% next year."}\n',
        encoding="utf-8",
    )
    folder = tmp_path / "files"
    folder.mkdir()
    odd = os.fsencode(folder) + b"/caf\xe9-report.txt"  # Latin-1 byte in the name: not UTF-8
    with open(odd, "wb") as fh:
        fh.write(article_text(2).encode())
    out = tmp_path / "out.jsonl"
    with echo_provider() as srv:
        proc = run_cli(*batch_args([jsonl, folder], out, srv.base_url))
    assert_no_crash(proc)
    assert proc.returncode == 0, proc.stderr
    got = {r["article"]["input_name"]: r for r in records(out)}  # records(): valid UTF-8 JSON lines
    assert records(tmp_path / "out.errors.jsonl") == []
    assert set(got) == {"plain", "bad-text", "bad-id-\ufffd", f"{folder}/caf\\xe9-report.txt"}
    # the repaired text kept its length (offsets stay valid) and says what was repaired
    bad = got["bad-text"]
    assert any("surrogate" in w for w in bad["meta"]["warnings"])


def test_a_bug_anywhere_in_one_article_becomes_its_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Intake, grounding or serialisation raising something unexpected fails that article only."""
    ids = [f"art-{i}" for i in range(8)]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("".join(json.dumps({"id": i, "text": article_text(n, f"M{n}")}) + "\n" for n, i in enumerate(ids)))

    real_load, real_run = Source.load, Pipeline.run

    def load(self: Source):  # noqa: ANN202
        if self.name == "art-2":
            raise KeyError("intake bug")
        return real_load(self)

    async def run(self: Pipeline, document):  # noqa: ANN001, ANN202
        if "M5" in document.raw:
            raise ZeroDivisionError("grounding bug")
        return await real_run(self, document)

    monkeypatch.setattr(Source, "load", load)
    monkeypatch.setattr(Pipeline, "run", run)
    out, err = tmp_path / "out.jsonl", tmp_path / "err.jsonl"
    with echo_provider() as srv:
        pipeline = Pipeline(settings_for(srv.base_url))

        async def go():  # noqa: ANN202
            try:
                return await run_batch(pipeline, iter_sources([str(jsonl)], lazy=True), results=out, errors=err, concurrency=3)
            finally:
                await pipeline.close()

        report = asyncio.run(go())
    reasons = {e["input"]: e["error"] for e in records(err)}
    assert reasons == {"art-2": "KeyError: 'intake bug'", "art-5": "ZeroDivisionError: grounding bug"}
    assert sorted(r["article"]["input_name"] for r in records(out)) == sorted(set(ids) - set(reasons))
    assert (report.ok, report.failed, report.stopped) == (6, 2, None)


def test_a_reader_that_breaks_stops_with_a_reason_and_keeps_what_was_done(tmp_path: Path) -> None:
    def sources():  # noqa: ANN202
        yield from iter_sources([str(tmp_path / "a.txt")])
        raise OSError(5, "Input/output error")

    (tmp_path / "a.txt").write_text(article_text(1))
    out, err = tmp_path / "out.jsonl", tmp_path / "err.jsonl"
    with echo_provider() as srv:
        pipeline = Pipeline(settings_for(srv.base_url))

        async def go():  # noqa: ANN202
            try:
                return await run_batch(pipeline, sources(), results=out, errors=err)
            finally:
                await pipeline.close()

        report = asyncio.run(go())
    assert len(records(out)) == 1 and report.ok == 1
    assert report.stopped is not None and "Input/output error" in report.stopped
