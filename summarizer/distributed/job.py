"""``run_job``: ``summarizer batch INPUTS -o OUT --ray`` as a function.

The driver reads the inputs (as the local engine does: files, folders, globs, JSONL, so
names and ids match), leaves out what an earlier run already wrote (resume), sends the rest
as a dataset through ``summarize_dataset`` and writes results and errors with
``SummaryDatasink``. ``OUT`` is a folder of JSONL files (or Parquet when it ends in
``.parquet``); errors go to a folder of JSONL files. Each input ends exactly once in one of
the two; a rerun with ``resume`` skips the records already written and retries the errors.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..batch import FAILURES_KEPT, done_key
from ..intake import iter_sources
from ..settings import Settings
from .cluster import connect


@dataclass
class JobReport:
    ok: int = 0
    failed: int = 0
    cached: int = 0
    skipped: int = 0
    unreadable: int = 0  # inputs the driver could not read (in the errors folder too)
    requests: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None
    model: str = ""
    actors: int = 0
    cluster: str = ""
    wall_s: float = 0.0
    budget: dict[str, Any] = field(default_factory=dict)
    stopped: str | None = None  # kept for the CLI's shared ending (a Ray job either ends or raises)
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.ok + self.failed

    def as_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["articles"] = self.total
        d["first_failures"] = [{"input": n, "error": r} for n, r in d.pop("failures")]
        return d

    def line(self) -> str:
        cost = f"est. cost ${self.cost_usd:.4f}" if self.cost_usd is not None else f"est. cost unknown (no price for model {self.model!r})"
        skipped = f", {self.skipped} already done" if self.skipped else ""
        return (f"{self.total} articles on Ray ({self.cluster}, {self.actors} actors): {self.ok} ok ({self.cached} cached), "
                f"{self.failed} failed{skipped}; {self.requests} requests, {self.reasks} re-asks; tokens {self.prompt_tokens} in / "
                f"{self.completion_tokens} out; {cost}; {self.wall_s:.1f}s")


def default_errors(results: Path) -> Path:
    return results.with_name(results.stem + ".errors.jsonl")  # a folder, named as the local engine names its file


def run_job(
    settings: Settings,
    inputs: list[str],
    results: Path,
    errors: Path | None = None,
    *,
    address: str | None = None,
    resume: bool = False,
    actors: int | None = None,
    concurrency: int | None = None,
    batch_size: int = 8,
    rpm: float | None = None,
    tpm: float | None = None,
    budget: Any = None,
    progress: bool = False,
) -> JobReport:
    """Summarize ``inputs`` on a Ray cluster (``address``, ``RAY_ADDRESS``, else a local one).

    ``actors``: workers, each with one Pipeline (default: one per CPU of the cluster).
    """
    cluster = connect(address)
    import ray

    actors = actors or max(1, int(ray.cluster_resources().get("CPU", 2)))

    from .dataset import make_budget, summarize_dataset, worker_settings
    from .sink import SummaryDatasink, clear, done_keys
    from .worker import pack_article

    ray.data.DataContext.get_current().enable_progress_bars = progress
    started = time.perf_counter()
    errors = errors or default_errors(results)
    report = JobReport(model=settings.resolved_model() or "", actors=actors, cluster=cluster)
    done = done_keys(results) if resume else set()
    if not resume:
        clear(results, "." + ("parquet" if results.suffix.lower() == ".parquet" else "jsonl"))
    clear(errors, ".jsonl")  # earlier failures are retried, as the local engine's --resume does
    sink = SummaryDatasink(results, errors)
    sink.on_write_start()

    rows: list[dict[str, Any]] = []
    unreadable: list[tuple[str, str]] = []
    for src in iter_sources(inputs, max_bytes=settings.max_input_bytes, lazy=True):
        if src.error is not None or src.article is None:
            report.unreadable += 1
            if len(report.failures) < FAILURES_KEPT:
                report.failures.append((src.name, str(src.error)))
            unreadable.append((src.name, str(src.error)))
            continue
        if done and done_key(src.name, src.id) in done:
            report.skipped += 1
            continue
        rows.append({"name": src.name, "article": pack_article(src.article)})
    if unreadable:  # the errors folder holds every failure: these never reach a worker
        (errors / "unreadable-inputs.jsonl").write_bytes(b"".join(
            json.dumps({"input": n, "error": e}, ensure_ascii=False).encode("utf-8", "backslashreplace") + b"\n"
            for n, e in unreadable))

    s = worker_settings(settings)
    if budget is None:
        budget = make_budget(s, actors=actors, concurrency=concurrency, rpm=rpm, tpm=tpm)
    if rows:
        blocks = max(1, min(len(rows) // batch_size, 200))
        ds = ray.data.from_items(rows, override_num_blocks=blocks)
        out = summarize_dataset(ds, s, actors=actors, concurrency=concurrency, batch_size=batch_size, budget=budget)
        out.write_datasink(sink)
    t = sink.totals
    report.ok, report.cached = t["ok"], t["cached"]
    report.failed = t["failed"] + report.unreadable
    report.requests, report.reasks = t["requests"], t["reasks"]
    report.prompt_tokens, report.completion_tokens = t["prompt_tokens"], t["completion_tokens"]
    report.cost_usd = round(t["cost_usd"], 6) if t["priced"] and settings.cost_usd(0, 0) is not None else None
    if budget is not None:
        report.budget = ray.get(budget.snapshot.remote())
    report.wall_s = round(time.perf_counter() - started, 3)
    return report
