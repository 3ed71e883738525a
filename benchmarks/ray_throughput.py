"""The Ray path on a local 2-CPU Ray instance against a rate-limited loopback provider.

The provider runs in its own process and counts requests over a 1-second sliding window
(429 with Retry-After beyond ``--rps``), as strict providers do. Two actors, each with one
Pipeline, share one ``RateBudget`` set to the provider's limit. Printed: the provider's peak
requests in any second (never above the limit) and its 429s, the achieved request rate
between the first and the last request against the bound min(actors x concurrency /
latency, limit) - the headline, target >= 0.95 like the local engine's -, and the same rate
with the cluster's start-up (actor processes importing the package) included. Then
``--compare`` articles go through both the local engine and Ray against an unlimited provider
and the records are compared (meta timings and billing aside).

Run: python benchmarks/ray_throughput.py [--articles 300 --rps 10 --latency 0.2 --compare 1000]
"""

from __future__ import annotations

import os

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # the local instance on 127.0.0.1 only

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

import _bench as b
from _provider_process import ProviderProcess

from summarizer.batch import run_batch
from summarizer.distributed import connect, make_budget, read_records, run_job
from summarizer.intake import iter_sources
from summarizer.pipeline import Pipeline


def comparable(r: dict) -> str:
    r = json.loads(json.dumps(r))
    for k in ("duration_s", "cached", "usage", "cost_usd"):
        r["meta"].pop(k, None)
    return json.dumps(r, sort_keys=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--rps", type=int, default=10, help="the provider's limit, requests per second")
    ap.add_argument("--latency", type=float, default=0.2)
    ap.add_argument("--actors", type=int, default=2)
    ap.add_argument("--concurrency", type=int, default=4, help="articles in flight per actor")
    ap.add_argument("--compare", type=int, default=1000, help="articles for the record comparison (0: skip)")
    args = ap.parse_args()

    import ray

    connect(None, num_cpus=2)
    ray.data.DataContext.get_current().enable_progress_bars = False
    tmp = Path(tempfile.mkdtemp(prefix="bench-ray-"))
    inp = b.write_jsonl(tmp / "in.jsonl", args.articles)
    with ProviderProcess(latency_s=args.latency, rps_limit=args.rps) as provider:
        s = b.settings(provider.base_url, tmp / "cache", concurrency=args.concurrency)
        budget = make_budget(s, actors=args.actors, concurrency=args.concurrency, rpm=args.rps * 60)
        started = time.perf_counter()
        report = run_job(s, [str(inp)], tmp / "out.jsonl", actors=args.actors, concurrency=args.concurrency,
                         batch_size=8, budget=budget)
        wall = time.perf_counter() - started
        stats = provider.stats()
        sends = sorted(ray.get(budget.start_times.remote()))

    requests = stats["requests"] - stats["rate_limited"]  # answered requests
    steady = (len(sends) - 1) / (sends[-1] - sends[0])
    bound = min(args.actors * args.concurrency / args.latency, args.rps)
    window_peak = max(sum(1 for t in sends if t0 <= t < t0 + 1.0) for t0 in sends)
    print(f"articles={args.articles}")
    print(f"actors={args.actors}")
    print(f"concurrency_per_actor={args.concurrency}")
    print(f"latency_s={args.latency}")
    print(f"provider_limit_per_s={args.rps} (1-second sliding window)")
    print(f"ok={report.ok}")
    print(f"failed={report.failed}")
    print(f"provider_requests={requests}")
    print(f"provider_429={stats['rate_limited']}")
    print(f"provider_peak_requests_per_s={stats['peak_requests_per_s']}")
    print(f"worker_sends_peak_per_s={window_peak}")
    print(f"wall_s={wall:.2f}")
    print(f"requests_per_s_incl_startup={requests / wall:.3f}")
    print(f"throughput_ratio_incl_startup={requests / wall / bound:.3f}")
    print(f"bound_requests_per_s={bound:.3f}")
    print(f"achieved_requests_per_s={steady:.3f}")

    if args.compare:
        cmp_in = b.write_jsonl(tmp / "cmp.jsonl", args.compare)
        with ProviderProcess() as provider:
            s = b.settings(provider.base_url, tmp / "cache-ray", concurrency=args.concurrency)
            run_job(s, [str(cmp_in)], tmp / "cmp-ray.jsonl", actors=args.actors, concurrency=args.concurrency)
            local_settings = s.model_copy(update={"cache_dir": tmp / "cache-local"})

            async def local():  # noqa: ANN202
                pipeline = Pipeline(local_settings)
                try:
                    return await run_batch(pipeline, iter_sources([str(cmp_in)], lazy=True), results=tmp / "cmp-local.jsonl",
                                           errors=tmp / "cmp-local.errors.jsonl", concurrency=8)
                finally:
                    await pipeline.close()

            asyncio.run(local())
        mine = {r["article"]["input_name"]: comparable(r) for r in read_records(tmp / "cmp-ray.jsonl")}
        theirs = [json.loads(x) for x in (tmp / "cmp-local.jsonl").read_bytes().splitlines()]
        same = sum(1 for r in theirs if mine.get(r["article"]["input_name"]) == comparable(r))
        print(f"same_records_as_local={same}/{args.compare}")
    ray.shutdown()
    print(f"throughput_ratio={steady / bound:.3f}")


if __name__ == "__main__":
    main()
