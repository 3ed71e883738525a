"""Helpers for the Batch API tests: runs of both paths and the record comparison."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from summarizer.batch import run_batch
from summarizer.batchapi import BatchApiOptions, run_batch_api
from summarizer.intake import iter_sources
from summarizer.pipeline import Pipeline
from summarizer.settings import Settings

from ..batch.support import read_jsonl

FAST = dict(poll_initial_s=0.05, poll_max_s=0.2)

# billing differs by design (one batch request instead of an online one, a cache hit, the
# batch price) and so does timing; every other field of a record must be the same
BILLING = ("duration_s", "cached", "usage", "cost_usd")


def comparable(record: dict[str, Any]) -> dict[str, Any]:
    r = copy.deepcopy(record)
    for k in BILLING:
        r["meta"].pop(k, None)
    return r


def by_input(path: Path) -> dict[str, dict[str, Any]]:
    return {r["article"]["input_name"]: r for r in read_jsonl(path)}


async def local(settings: Settings, inputs: list[str], out: Path, **kw: Any):  # noqa: ANN201
    pipeline = Pipeline(settings)
    try:
        return await run_batch(pipeline, iter_sources(inputs, lazy=True), results=out,
                               errors=out.with_name(out.stem + ".errors.jsonl"), **kw)
    finally:
        await pipeline.close()


async def via_api(settings: Settings, inputs: list[str], out: Path, **options: Any):  # noqa: ANN201
    resume = options.pop("resume", False)
    return await run_batch_api(settings, inputs, results=out, resume=resume, options=BatchApiOptions(**{**FAST, **options}))
