"""Peak RSS of the batch engine over 100,000 articles streamed from a JSONL file (target: flat,
< 300 MB).

Each input line has its own id (so 100k distinct records are written), cycling through
``--distinct`` article bodies whose answers are put in the cache first (in-process responder,
as in cached.py), so the run is bounded by the pipeline's CPU per article, not by a provider.
RSS is sampled as articles complete; flatness = RSS at the end vs. at 10k.

Run: python benchmarks/memory.py [--articles 100000 --distinct 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

import _bench as b
from cached import _batch

from summarizer.batch import run_batch
from summarizer.intake import iter_sources
from summarizer.loopback import LoopbackProvider, running
from summarizer.pipeline import Pipeline


def short_article(i: int) -> str:
    """Shorter than _bench.article (grounding dominates the per-article cost): one target each."""
    if i % 2:
        return f"第{i}号通知：会议要求加快建设第{i}号产业园。今年全市工业产值力争增长{i % 7 + 3}%。"
    return f"Notice {i}: the council approved Industrial Park No. {i}. Output should grow by {i % 7 + 3}% this year."


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--distinct", type=int, default=2_000)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    fill_in, inp = tmp / "fill.jsonl", tmp / "in.jsonl"
    with fill_in.open("w", encoding="utf-8") as fh:
        for k in range(args.distinct):
            fh.write(json.dumps({"id": f"d{k}", "text": short_article(k)}, ensure_ascii=False) + "\n")
    with inp.open("w", encoding="utf-8") as fh:
        for i in range(args.articles):
            fh.write(json.dumps({"id": f"a{i}", "text": short_article(i % args.distinct)}, ensure_ascii=False) + "\n")

    samples: dict[int, float] = {}
    marks = {1_000, 10_000, 50_000, args.articles}
    provider = LoopbackProvider(None, responder=b.responder)
    with running(provider) as srv:
        settings = b.settings(srv.base_url, tmp / "cache", concurrency=16)
        asyncio.run(_batch(settings, fill_in, tmp / "fill-out.jsonl", direct=True))
        rss_start = b.rss_mb()
        done = 0

        def on_done(name: str, ok: bool) -> None:
            nonlocal done
            done += 1
            if done in marks:
                samples[done] = b.rss_mb()

        async def go():  # noqa: ANN202
            pipeline = Pipeline(settings)
            try:
                return await run_batch(pipeline, iter_sources([str(inp)], lazy=True), results=tmp / "out.jsonl", errors=tmp / "err.jsonl",
                                       concurrency=16, on_done=on_done)
            finally:
                await pipeline.close()

        started = time.perf_counter()
        report = asyncio.run(go())
        wall = time.perf_counter() - started
        requests = provider.stats.requests

    lines = sum(1 for _ in (tmp / "out.jsonl").open("rb"))
    print(f"articles={args.articles}")
    print(f"distinct_bodies={args.distinct}")
    print(f"ok={report.ok}")
    print(f"failed={report.failed}")
    print(f"result_lines={lines}")
    print(f"provider_requests={requests}")
    print(f"wall_s={wall:.1f}")
    print(f"rss_mb_before_run={rss_start:.1f}")
    for n in sorted(samples):
        print(f"rss_mb_at_{n}={samples[n]:.1f}")
    print(f"rss_growth_mb_10k_to_end={samples.get(args.articles, 0) - samples.get(10_000, 0):.1f}")
    print(f"peak_rss_mb={b.peak_rss_mb():.1f}")


if __name__ == "__main__":
    main()
