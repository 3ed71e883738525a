"""Finished summaries are cached on the raw input: an unchanged rerun skips intake and grounding."""

from __future__ import annotations

import asyncio

import pytest

from summarizer import cache as cache_mod
from summarizer.batch import run_batch
from summarizer.intake import Article, iter_sources
from summarizer.pipeline import Pipeline

from ..conftest import ARTICLES, SEEDS, replay_settings


def _batch(settings, out):  # noqa: ANN001, ANN202
    async def go():  # noqa: ANN202
        pipeline = Pipeline(settings)
        try:
            return await run_batch(
                pipeline, iter_sources([str(ARTICLES)], lazy=True), results=out, errors=out.with_suffix(".err")
            )
        finally:
            await pipeline.close()

    return asyncio.run(go())


def test_cached_rerun_runs_no_intake_and_no_request(loopback, provider, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    s = replay_settings(loopback, tmp_path)
    first = _batch(s, tmp_path / "a.jsonl")
    assert first.ok == len(SEEDS) and provider.stats.requests == len(SEEDS)

    def no_intake(self):  # noqa: ANN001, ANN202
        raise AssertionError("intake ran on a cached article")

    monkeypatch.setattr(Article, "build", no_intake)
    second = _batch(s, tmp_path / "b.jsonl")
    assert second.ok == second.cached == len(SEEDS)
    assert provider.stats.requests == len(SEEDS)
    a = sorted((tmp_path / "a.jsonl").read_text().splitlines())
    b = sorted((tmp_path / "b.jsonl").read_text().splitlines())
    assert len(a) == len(b) == len(SEEDS)
    assert all('"cached":true' in line for line in b)


def test_code_change_regrounds_without_rebilling(loopback, provider, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    s = replay_settings(loopback, tmp_path)
    _batch(s, tmp_path / "a.jsonl")
    built: list[str] = []
    real_build = Article.build

    def counting_build(self):  # noqa: ANN001, ANN202
        built.append(self.name)
        return real_build(self)

    monkeypatch.setattr(Article, "build", counting_build)
    monkeypatch.setattr(cache_mod, "code_fingerprint", lambda: "another-version")
    monkeypatch.setattr("summarizer.pipeline.code_fingerprint", lambda: "another-version")
    report = _batch(s, tmp_path / "b.jsonl")
    assert len(built) == len(SEEDS), "new code: every summary is rebuilt"
    assert report.cached == len(SEEDS) and provider.stats.requests == len(SEEDS), "but provider answers are reused"


@pytest.mark.parametrize("change", [{"title": "Another title"}, {"published": "2020-01-01"}, {"text": "Different text."}])
def test_summary_key_covers_the_input_and_its_metadata(loopback, change) -> None:  # noqa: ANN001
    pipeline = Pipeline(replay_settings(loopback), cache=None)
    base = Article(text="Mayor Wang said the city will grow.", name="a", title="T", published="2024-01-01")
    changed = Article(**{**base.__dict__, **change})
    assert pipeline._summary_key(base) != pipeline._summary_key(changed)
    renamed = Article(**{**base.__dict__, "name": "b"})
    assert pipeline._summary_key(base) == pipeline._summary_key(renamed), "the file name is not content"


def test_summary_key_covers_output_settings(loopback) -> None:  # noqa: ANN001
    art = Article(text="Mayor Wang said the city will grow.")
    base = Pipeline(replay_settings(loopback), cache=None)._summary_key(art)
    for override in ({"require_grounding": True}, {"output_language": "French"}, {"simplify_chinese": True}, {"model": "m2"}):
        assert Pipeline(replay_settings(loopback, **override), cache=None)._summary_key(art) != base, override


def test_lazy_source_reports_intake_errors_on_load(tmp_path) -> None:  # noqa: ANN001
    page = tmp_path / "junk.txt"
    page.write_text("点击右上角微信好友\n朋友圈\n请使用浏览器分享功能进行分享\n")
    (src,) = list(iter_sources([str(page)], lazy=True))
    assert src.error is None and src.id
    from summarizer.intake import IntakeError

    with pytest.raises(IntakeError, match="no article text left"):
        src.load()
    assert src.error is not None
    (eager,) = list(iter_sources([str(page)]))
    assert eager.error is not None and "no article text left" in str(eager.error)
