"""SummarizerService as a library: shared by concurrent callers, batch in input order."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from summarizer.intake import IntakeError, from_text
from summarizer.loopback import Fault, LoopbackProvider, running
from summarizer.service import ArticleIn, SummarizerService

from ..batch.support import VALIDATOR, article_text, responder, settings_for


async def test_concurrent_callers_share_one_pipeline_and_limiter(tmp_path: Path) -> None:
    provider = LoopbackProvider(None, responder=responder, latency_s=0.2)
    with running(provider) as srv:
        async with SummarizerService(settings_for(srv.base_url, tmp_path, concurrency=3)) as svc:
            in_flight = peak = 0
            real = svc.limiter.window.acquire

            async def counting_acquire() -> int:  # observe the shared window from outside
                nonlocal in_flight, peak
                epoch = await real()
                in_flight = svc.limiter.window.in_flight
                peak = max(peak, in_flight)
                return epoch

            svc.limiter.window.acquire = counting_acquire  # type: ignore[method-assign]
            results = await asyncio.gather(*(svc.summarize(article_text(i), id=f"c{i}") for i in range(9)))
    assert [r.article.input_name for r in results] == [f"c{i}" for i in range(9)]
    assert all(not list(VALIDATOR.iter_errors(r.model_dump(mode="json"))) for r in results)
    assert peak == 3, "nine concurrent callers, but never more than the window in flight"
    assert provider.stats.requests == 9


async def test_batch_keeps_input_order_and_reports_each_failure(tmp_path: Path) -> None:
    provider = LoopbackProvider(None, responder=responder)
    with running(provider) as srv:
        provider.faults.add(Fault("status", status=400, match="plan B-bad"))
        async with SummarizerService(settings_for(srv.base_url, tmp_path)) as svc:
            items = [
                ArticleIn(text=article_text(1), id="a"),
                "  ",
                ArticleIn(text=article_text(2, marker="B-bad"), id="bad"),
                from_text(article_text(3), name="doc"),
                ArticleIn(html=f"<html><body><p>{article_text(4)}</p></body></html>", id="h"),
            ]
            out = await svc.batch(items, concurrency=2)
            with pytest.raises(IntakeError):
                await svc.summarize("")
            metrics = svc.metrics.render().decode()
    assert [o.index for o in out] == [0, 1, 2, 3, 4]
    assert [o.ok for o in out] == [True, False, False, True, True]
    assert out[1].kind == "input" and "empty article text" in (out[1].error or "")
    assert out[2].kind == "provider" and "HTTP 400" in (out[2].error or "")
    assert out[3].id == "doc" and out[3].summary.article.input_name == "doc"  # type: ignore[union-attr]
    assert 'summarizer_articles_total{outcome="failed"} 3.0' in metrics
    assert 'summarizer_articles_total{outcome="ok"} 3.0' in metrics

