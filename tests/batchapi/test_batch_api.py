"""The Batch API path: the same records as the local engine, the cache, splitting, failures, cost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.batchapi import PendingBatches, Workdir
from summarizer.loopback import Fault, LoopbackProvider, running
from summarizer.settings import ConfigError

from ..batch.support import article_text, invalid_records, read_jsonl, responder, settings_for, write_jsonl
from ..conftest import ARTICLES, RECORDINGS, SEEDS, replay_settings
from .support import by_input, comparable, local, via_api

PRICES = {"authored": (2.0, 8.0)}


def _provider(completion_s: float = 0.3, **kw) -> LoopbackProvider:  # noqa: ANN003
    p = LoopbackProvider(None, responder=responder, **kw)
    p.batches.completion_s = completion_s
    return p


async def test_the_five_seeds_give_the_records_of_the_local_engine(tmp_path: Path) -> None:
    provider = LoopbackProvider(RECORDINGS)
    provider.batches.completion_s = 0.3
    with running(provider) as srv:
        online = await local(replay_settings(srv, tmp_path / "a"), [str(ARTICLES)], tmp_path / "local.jsonl")
        online_requests = provider.stats.requests
        report = await via_api(replay_settings(srv, tmp_path / "b"), [str(ARTICLES)], tmp_path / "api.jsonl")
    a, b = by_input(tmp_path / "local.jsonl"), by_input(tmp_path / "api.jsonl")
    failed_a = {e["input"] for e in read_jsonl(tmp_path / "local.errors.jsonl")}
    failed_b = {e["input"] for e in read_jsonl(tmp_path / "api.errors.jsonl")}
    # a seed whose recording is missing fails both ways alike; every other one gives the same record
    assert len(a) + len(failed_a) == len(SEEDS) and len(a) >= 1 and failed_b == failed_a
    assert online.ok == report.records.ok == len(b)
    assert {k: comparable(v) for k, v in b.items()} == {k: comparable(v) for k, v in a.items()}
    # every first answer came from the Batch API; only follow-up turns went online
    first_turns = sum(r["meta"]["chunks"] for r in a.values())
    assert report.uploaded_requests >= first_turns and provider.batches.stats.batch_requests == report.uploaded_requests
    follow_ups = sum(r["meta"]["usage"]["requests"] for r in a.values()) - first_turns
    assert provider.stats.requests - online_requests == follow_ups


async def test_generated_articles_split_into_batches_same_records_half_the_cost(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 60)
    provider = _provider()
    provider.batches.max_requests = 25  # the provider's per-batch limit; the client splits below it
    with running(provider) as srv:
        await local(settings_for(srv.base_url, tmp_path / "a", prices=PRICES), [str(tmp_path / "in.jsonl")], tmp_path / "local.jsonl")
        online_requests = provider.stats.requests
        report = await via_api(settings_for(srv.base_url, tmp_path / "b", prices=PRICES), [str(tmp_path / "in.jsonl")],
                               tmp_path / "api.jsonl", max_requests_per_batch=25)
    a, b = by_input(tmp_path / "local.jsonl"), by_input(tmp_path / "api.jsonl")
    assert len(b) == 60 and invalid_records(list(b.values())) == []
    assert {k: comparable(v) for k, v in b.items()} == {k: comparable(v) for k, v in a.items()}
    assert report.batches_created == provider.batches.stats.batches_created == 3
    assert report.uploaded_requests == 60 and provider.stats.requests == online_requests  # nothing went online
    assert report.cost_usd == pytest.approx(report.online_cost_usd * 0.5)
    assert "at Batch API prices" in report.line()
    for name, record in b.items():  # each record bills its tokens at the batch price
        assert record["meta"]["usage"] == a[name]["meta"]["usage"]
        assert record["meta"]["cost_usd"] == pytest.approx(a[name]["meta"]["cost_usd"] * 0.5, abs=1e-6)


async def test_batch_prices_setting_overrides_the_discount(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 4)
    with running(_provider()) as srv:
        s = settings_for(srv.base_url, tmp_path / "c", prices=PRICES, batch_prices={"authored": (0.5, 2.0)})
        report = await via_api(s, [str(tmp_path / "in.jsonl")], tmp_path / "api.jsonl")
    assert report.cost_usd == pytest.approx(report.online_cost_usd * 0.25)


async def test_answers_in_the_cache_are_not_uploaded_and_answers_land_in_it(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "first.jsonl", 10)
    write_jsonl(tmp_path / "all.jsonl", 25)
    provider = _provider()
    with running(provider) as srv:
        s = settings_for(srv.base_url, tmp_path)
        await local(s, [str(tmp_path / "first.jsonl")], tmp_path / "local.jsonl")
        first = await via_api(s, [str(tmp_path / "all.jsonl")], tmp_path / "api.jsonl")
        again = await via_api(s, [str(tmp_path / "all.jsonl")], tmp_path / "api2.jsonl")
    assert first.planned.cached == 10 and first.uploaded_requests == 15
    assert again.uploaded_requests == 0 and again.batches_created == 0 and again.records.ok == 25
    assert provider.batches.stats.batch_requests == 15


async def test_expired_and_failed_batches_are_resubmitted_nothing_lost(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 12)
    provider = _provider()
    provider.batches.faults.expire_after = 5
    with running(provider) as srv:
        report = await via_api(settings_for(srv.base_url, tmp_path), [str(tmp_path / "in.jsonl")], tmp_path / "out.jsonl",
                               resubmit_rounds=2)
    assert report.records.ok == 12 and report.resubmitted == 7 and report.batches_created == 2
    assert sorted(set(report.batches.values())) == ["completed", "expired"]

    provider = _provider()
    provider.batches.faults.fail_next = 1
    with running(provider) as srv:
        report = await via_api(settings_for(srv.base_url, tmp_path / "x"), [str(tmp_path / "in.jsonl")], tmp_path / "out2.jsonl")
    assert report.records.ok == 12 and report.resubmitted == 12 and sorted(report.batches.values()) == ["completed", "failed"]


async def test_unanswered_requests_end_as_errors_when_configured(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 6, extra={2: article_text(2, "ERRMARK")})
    provider = _provider()
    provider.faults.add(Fault("status", status=500, match="ERRMARK", message="the model crashed"))
    provider.batches.faults.expire_after = 5
    with running(provider) as srv:
        report = await via_api(settings_for(srv.base_url, tmp_path), [str(tmp_path / "in.jsonl")], tmp_path / "out.jsonl",
                               failed="errors")
    errors = read_jsonl(tmp_path / "out.errors.jsonl")
    reasons = {e["input"]: e["error"] for e in errors}
    assert report.records.ok == 4 and report.records.failed == 2 and report.answers_failed == 2
    assert "HTTP 500: the model crashed" in reasons["art-2"] and "batch_expired" in reasons["art-5"]
    assert len(read_jsonl(tmp_path / "out.jsonl")) + len(errors) == 6
    assert provider.stats.requests == 0  # failed batch requests are never asked online behind the user's back


async def test_an_invalid_answer_is_validated_like_online_and_re_asked_online(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 3, extra={1: article_text(1, "BADANSWER")})
    results = {}
    for path in ("local", "api"):
        provider = _provider()
        provider.faults.add(Fault("invalid", match="BADANSWER"))
        with running(provider) as srv:
            s = settings_for(srv.base_url, tmp_path / path)
            run = local if path == "local" else via_api
            await run(s, [str(tmp_path / "in.jsonl")], tmp_path / f"{path}.jsonl")
            results[path] = (by_input(tmp_path / f"{path}.jsonl"), provider.stats.requests)
    (a, _), (b, api_online) = results["local"], results["api"]
    assert comparable(b["art-1"]) == comparable(a["art-1"])
    assert b["art-1"]["meta"]["usage"]["reasks"] >= 1 and api_online >= 1  # the re-ask went online
    assert any("dropped" in w for w in b["art-1"]["meta"]["warnings"])


async def test_an_unfinished_run_is_not_started_again_without_resume(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", 3)
    wd = Workdir(tmp_path / "out.jsonl")
    with running(_provider()) as srv:
        s = settings_for(srv.base_url, tmp_path)
        await via_api(s, [str(tmp_path / "in.jsonl")], tmp_path / "out.jsonl")
        state = wd.load()
        state.finished = False  # as a run killed while writing records leaves it
        wd.save(state)
        with pytest.raises(PendingBatches, match="--resume"):
            await via_api(s, [str(tmp_path / "in.jsonl")], tmp_path / "out.jsonl")
        with pytest.raises(ConfigError, match="other settings"):
            await via_api(settings_for(srv.base_url, tmp_path, model="other"), [str(tmp_path / "in.jsonl")],
                          tmp_path / "out.jsonl", resume=True)
        report = await via_api(s, [str(tmp_path / "in.jsonl")], tmp_path / "out.jsonl", resume=True)
    assert report.records.skipped == 3 and report.uploaded_requests == 0


async def test_a_crash_right_after_an_upload_or_a_create_does_not_pay_twice(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """Killed between the provider's answer and the state write: resume finds what was made."""
    from summarizer.batchapi.remote import BatchRemote

    class Killed(BaseException):
        pass

    write_jsonl(tmp_path / "in.jsonl", 5)
    provider = _provider()
    real_upload, real_create = BatchRemote.upload, BatchRemote.create
    with running(provider) as srv:
        s = settings_for(srv.base_url, tmp_path)
        for method, real in (("upload", real_upload), ("create", real_create)):
            async def dies_after(self, *a, _real=real, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
                await _real(self, *a, **kw)
                raise Killed

            monkeypatch.setattr(BatchRemote, method, dies_after)
            with pytest.raises(Killed):
                await via_api(s, [str(tmp_path / "in.jsonl")], tmp_path / "out.jsonl", resume=True)
            monkeypatch.setattr(BatchRemote, method, real)
        report = await via_api(s, [str(tmp_path / "in.jsonl")], tmp_path / "out.jsonl", resume=True)
    assert provider.batches.stats.files_uploaded == 1 and provider.batches.stats.batches_created == 1
    assert report.uploads == 0 and report.batches_created == 0 and report.records.ok == 5
    state = json.loads(Workdir(tmp_path / "out.jsonl").state_path.read_text())
    assert [p["stage"] for p in state["parts"]] == ["submitted"]
