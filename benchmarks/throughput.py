"""Batch throughput against a provider with latency and a requests/min limit.

The bound is min(concurrency / latency, RPM / 60) articles per second; the headline is the
achieved rate divided by it (target >= 0.95). The same articles' rate through a plain
sequential instructor loop (one call at a time) is measured on a subset and compared.
Everything talks to the loopback provider on 127.0.0.1; the cache is off.

Run: python benchmarks/throughput.py [--articles 150 --latency 0.5 --concurrency 8 --rpm 600 --sequential 30]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import _bench as b

from summarizer.batch import run_batch
from summarizer.intake import iter_sources
from summarizer.loopback import LoopbackProvider, running
from summarizer.models import Extraction
from summarizer.pipeline import Pipeline
from summarizer.prompts import load_prompts


def sequential(base_url: str, inp: Path, n: int) -> float:
    """Articles/s of the simplest loop: instructor over the sync OpenAI client, one at a time."""
    import instructor
    import openai

    client = instructor.from_openai(openai.OpenAI(base_url=base_url, api_key="not-needed", max_retries=5), mode=instructor.Mode.JSON)
    prompts = load_prompts()
    docs = [s.document for s, _ in zip(iter_sources([str(inp)]), range(n)) if s.document is not None]
    started = time.perf_counter()
    for doc in docs:
        client.chat.completions.create(
            response_model=Extraction, max_retries=2, model="authored", temperature=0.0, max_tokens=4096,
            messages=prompts.messages(doc.text, language=doc.language, title=doc.title, published=doc.published),
        )
    return len(docs) / (time.perf_counter() - started)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=150)
    ap.add_argument("--latency", type=float, default=0.5)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--rpm", type=int, default=600)
    ap.add_argument("--sequential", type=int, default=30, help="articles for the sequential baseline")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    inp = b.write_jsonl(tmp / "in.jsonl", args.articles)
    provider = LoopbackProvider(None, responder=b.responder, latency_s=args.latency, rpm_limit=args.rpm)
    with running(provider) as srv:
        settings = b.settings(srv.base_url, None, concurrency=args.concurrency)

        async def go():  # noqa: ANN202
            pipeline = Pipeline(settings)
            pipeline.client._client.chat  # noqa: B018 - the SDK imports its resources lazily (~0.8 s): not throughput
            try:
                return await run_batch(pipeline, iter_sources([str(inp)], lazy=True), results=tmp / "out.jsonl", errors=tmp / "err.jsonl",
                                       concurrency=args.concurrency, rpm=args.rpm)
            finally:
                await pipeline.close()

        report = asyncio.run(go())
        wall = report.wall_s  # run_batch's own clock: from the first input read to the last line written
        batch_requests, batch_429 = provider.stats.requests, provider.stats.rate_limited
        seq_rate = sequential(srv.base_url, inp, args.sequential)

    rate = report.ok / wall
    bound = min(args.concurrency / args.latency, args.rpm / 60)
    print(f"articles={args.articles}")
    print(f"latency_s={args.latency}")
    print(f"concurrency={args.concurrency}")
    print(f"rpm_limit={args.rpm}")
    print(f"ok={report.ok}")
    print(f"failed={report.failed}")
    print(f"provider_requests={batch_requests}")
    print(f"provider_429={batch_429}")
    print(f"wall_s={wall:.2f}")
    print(f"achieved_articles_per_s={rate:.3f}")
    print(f"bound_articles_per_s={bound:.3f}")
    print(f"sequential_articles={args.sequential}")
    print(f"sequential_articles_per_s={seq_rate:.3f}")
    print(f"speedup_vs_sequential={rate / seq_rate:.2f}")
    print(f"throughput_ratio={rate / bound:.3f}")


if __name__ == "__main__":
    main()
