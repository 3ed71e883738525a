"""The provider Batch API path on 1,000 generated articles against the loopback provider.

The provider states a completion time for each batch (``--stated-s``); the emulated Batch API
answers each batch's requests evenly over it. Printed: requests uploaded, batches (split at
``--max-requests`` per batch), requests that went online (re-asks, follow-ups), wall time
against the stated completion time (the rest is local work: planning, validation, records),
the cost at batch prices against the same tokens at online prices (the batch requests' ratio is
0.5 with the default ``batch_discount``; the run's ratio is higher when follow-up turns, which
go online, add tokens), and whether every record equals the local online engine's record for
the same article (meta timings and billing aside). Headline last: the batch requests' cost ratio.

Run: python benchmarks/batch_api.py [--articles 1000 --max-requests 250 --stated-s 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

import _bench as b

from summarizer.batch import run_batch
from summarizer.batchapi import BatchApiOptions, run_batch_api
from summarizer.intake import iter_sources
from summarizer.loopback import LoopbackProvider, running
from summarizer.pipeline import Pipeline

PRICES = (0.15, 0.60)  # USD per million prompt / completion tokens (a small hosted model's list price)


def comparable(line: bytes) -> tuple[str, str]:
    r = json.loads(line)
    for k in ("duration_s", "cached", "usage", "cost_usd"):  # billing and timing differ by design
        r["meta"].pop(k, None)
    return r["article"]["input_name"], json.dumps(r, sort_keys=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--max-requests", type=int, default=250, help="requests per batch (the provider's limit here)")
    ap.add_argument("--stated-s", type=float, default=60.0, help="the provider's stated completion time per batch")
    ap.add_argument("--no-compare", action="store_true", help="skip the local online run used for the record comparison")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-api-"))
    inp = b.write_jsonl(tmp / "in.jsonl", args.articles)
    provider = LoopbackProvider(None, responder=b.responder)
    provider.batches.completion_s = args.stated_s
    provider.batches.max_requests = args.max_requests
    with running(provider) as srv:
        s = b.settings(srv.base_url, tmp / "cache-batch")
        s = s.model_copy(update={"prices": {s.resolved_model() or "": PRICES}})
        options = BatchApiOptions(max_requests_per_batch=args.max_requests, poll_initial_s=0.5, poll_max_s=2.0)
        started = time.perf_counter()
        report = asyncio.run(run_batch_api(s, [str(inp)], results=tmp / "batch.jsonl", options=options))
        wall = time.perf_counter() - started
        online_during_batch = provider.stats.requests

        local_cost = None
        same = None
        if not args.no_compare:
            local_settings = s.model_copy(update={"cache_dir": tmp / "cache-online"})

            async def online():  # noqa: ANN202
                pipeline = Pipeline(local_settings)
                try:
                    return await run_batch(pipeline, iter_sources([str(inp)], lazy=True), results=tmp / "online.jsonl",
                                           errors=tmp / "online.errors.jsonl", concurrency=8)
                finally:
                    await pipeline.close()

            local_report = asyncio.run(online())
            local_cost = local_report.cost_usd
            mine = dict(comparable(x) for x in (tmp / "batch.jsonl").read_bytes().splitlines())
            theirs = dict(comparable(x) for x in (tmp / "online.jsonl").read_bytes().splitlines())
            same = sum(1 for k, v in theirs.items() if mine.get(k) == v)

    r = report.records
    print(f"articles={args.articles}")
    print(f"ok={r.ok}")
    print(f"failed={r.failed}")
    print(f"max_requests_per_batch={args.max_requests}")
    print(f"requests_uploaded={report.uploaded_requests}")
    print(f"batches={report.batches_created}")
    print(f"provider_batch_requests={provider.batches.stats.batch_requests}")
    print(f"online_requests={online_during_batch}")
    print(f"stated_completion_s={args.stated_s}")
    print(f"wall_s={wall:.2f}")
    print(f"waiting_for_provider_s={report.waiting_s:.2f}")
    print(f"planning_s={report.planning_s:.2f}")
    print(f"records_s={report.records_s:.2f} (grounding, online follow-ups, merge, writing)")
    print(f"wall_over_stated={wall / args.stated_s:.3f}")
    print(f"cost_usd_batch={report.cost_usd:.6f}")
    print(f"cost_usd_same_tokens_online={report.online_cost_usd:.6f}")
    if local_cost is not None:
        print(f"cost_usd_local_online_run={local_cost:.6f}")
        print(f"same_records_as_local={same}/{args.articles}")
    # the whole run: first answers at the batch price, follow-up turns (here gleaning) online
    print(f"run_cost_ratio={report.cost_usd / report.online_cost_usd:.3f}")
    bp, bc = report.batch_prompt_tokens, report.batch_completion_tokens
    print(f"batch_cost_ratio={s.batch_cost_usd(bp, bc) / s.cost_usd(bp, bc):.3f}")


if __name__ == "__main__":
    main()
