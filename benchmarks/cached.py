"""A fully cached rerun of 10,000 generated articles through the batch engine (target <= 5 s).

1. Fill the cache. Default (``--fill direct``): the batch engine runs with the provider call
   replaced by the loopback responder function in-process, so the cache holds exactly what an
   HTTP run would store, without 10k HTTP round trips through instructor (~20 ms of client CPU
   each here). ``--fill http`` fills through the loopback server instead (slow).
2. Time the rerun: the real batch engine and client, pointed at the loopback server; it must
   make zero requests.
   Finished summaries are cached on the raw input, so this rerun skips intake and grounding.
3. Profile, on a sample, the slower path taken after a code change (summary cache miss,
   provider answer still cached): intake, prompt, answer-cache read and grounding per article.

Run: python benchmarks/cached.py [--articles 10000 --fill direct|http --sample 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import _bench as b

from summarizer.batch import run_batch
from summarizer.grounding import ground
from summarizer.intake import iter_sources
from summarizer.llm import CallStats
from summarizer.loopback import LoopbackProvider, running
from summarizer.models import Extraction
from summarizer.pipeline import Pipeline


async def _batch(settings: Any, inp: Path, out: Path, *, direct: bool = False) -> Any:
    pipeline = Pipeline(settings)
    if direct:  # the provider call answered by the same responder, in-process

        async def extract(messages: list[dict[str, str]], *, context: Any = None) -> tuple[Extraction, CallStats]:
            text = b.responder({"messages": messages})
            return Extraction.model_validate_json(text), CallStats(requests=1, completions=1, answer_text=text)

        async def followup(messages: list[dict[str, str]], first: str, instruction: str, model: Any, *, step: str,
                           stats: CallStats) -> dict[str, Any]:
            turns = [*messages, {"role": "assistant", "content": first}, {"role": "user", "content": instruction}]
            stats.requests += 1
            return json.loads(b.responder({"messages": turns}))

        pipeline.client.extract = extract  # type: ignore[method-assign]
        pipeline.client.followup = followup  # type: ignore[method-assign]
    try:
        return await run_batch(pipeline, iter_sources([str(inp)], lazy=True), results=out, errors=out.with_suffix(".err"), concurrency=16)
    finally:
        await pipeline.close()


async def profile(settings: Any, inp: Path, n: int) -> dict[str, float]:
    """Milliseconds per cached article, by stage, over the first ``n`` articles."""
    t: dict[str, float] = dict.fromkeys(("intake", "chunk_prompt", "cache_key", "cache_read", "ground", "pipeline_run", "serialize"), 0.0)
    pipeline = Pipeline(settings)
    try:
        c = time.perf_counter()
        docs = [s.document for s, _ in zip(iter_sources([str(inp)]), range(n)) if s.document is not None]
        t["intake"] = time.perf_counter() - c
        for doc in docs:
            c = time.perf_counter()
            plan = pipeline.plan(doc)  # chunks, prompts and cache keys
            t["chunk_prompt"] += time.perf_counter() - c
            c = time.perf_counter()
            key = pipeline._key(plan.requests[0].messages)
            t["cache_key"] += time.perf_counter() - c
            c = time.perf_counter()
            hit = pipeline.cache.get(key)  # type: ignore[union-attr]
            ext = Extraction.model_validate(hit["extraction"])  # type: ignore[index]
            t["cache_read"] += time.perf_counter() - c
            c = time.perf_counter()
            ground(ext, doc)
            t["ground"] += time.perf_counter() - c
            c = time.perf_counter()
            summary = await pipeline.run(doc)
            t["pipeline_run"] += time.perf_counter() - c
            c = time.perf_counter()
            summary.model_dump_json()
            t["serialize"] += time.perf_counter() - c
    finally:
        await pipeline.close()
    per = {k: v / len(docs) * 1000 for k, v in t.items()}
    per["assemble_other"] = per["pipeline_run"] - sum(per[k] for k in ("chunk_prompt", "cache_key", "cache_read", "ground"))
    return per


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--fill", choices=("direct", "http"), default="direct")
    ap.add_argument("--sample", type=int, default=1000, help="articles profiled stage by stage")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-cached-"))
    inp = b.write_jsonl(tmp / "in.jsonl", args.articles)
    provider = LoopbackProvider(None, responder=b.responder)
    with running(provider) as srv:
        settings = b.settings(srv.base_url, tmp / "cache", concurrency=16)
        c = time.perf_counter()
        fill = asyncio.run(_batch(settings, inp, tmp / "fill.jsonl", direct=args.fill == "direct"))
        fill_s = time.perf_counter() - c
        before = provider.stats.requests
        rerun = asyncio.run(_batch(settings, inp, tmp / "rerun.jsonl"))
        rerun_requests = provider.stats.requests - before
        stages = asyncio.run(profile(settings, inp, min(args.sample, args.articles)))

    per_article_ms = rerun.wall_s / max(1, rerun.ok) * 1000
    print(f"articles={args.articles}")
    print(f"fill_mode={args.fill}")
    print(f"fill_ok={fill.ok}")
    print(f"fill_s={fill_s:.1f}")
    print(f"rerun_ok={rerun.ok}")
    print(f"rerun_cached={rerun.cached}")
    print(f"rerun_failed={rerun.failed}")
    print(f"rerun_provider_requests={rerun_requests}")
    print(f"rerun_per_article_ms={per_article_ms:.3f}")
    for k, v in stages.items():
        print(f"reground_ms_per_article_{k}={v:.3f}")
    total = stages["intake"] + stages["pipeline_run"] + stages["serialize"]
    print(f"reground_ms_per_article_total={total:.3f}")
    print("target_s=5")
    print(f"cached_rerun_s={rerun.wall_s:.2f}")


if __name__ == "__main__":
    main()
