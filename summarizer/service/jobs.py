"""Batch jobs held in memory: submitted, run in the background, polled by id.

Bounded on purpose: at most ``max_jobs`` are kept (the oldest finished ones are evicted
first), and each job is capped in articles by the HTTP layer, so memory stays bounded.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Literal

from .core import ArticleIn, Outcome, SummarizerService

JobStatus = Literal["queued", "running", "done", "cancelled"]


class TooManyJobs(RuntimeError):
    pass


@dataclass
class Job:
    id: str
    total: int
    status: JobStatus = "queued"
    created: float = field(default_factory=time.time)
    finished: float | None = None
    outcomes: list[Outcome | None] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    def view(self, *, include_results: bool = True) -> dict[str, Any]:
        finished = [o for o in self.outcomes if o is not None]
        ok = sum(1 for o in finished if o.ok)
        d: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "total": self.total,
            "done": len(finished),
            "ok": ok,
            "failed": len(finished) - ok,
            "created": self.created,
            "finished": self.finished,
        }
        if include_results:
            d["results"] = [
                {"index": o.index, "id": o.id, "summary": o.summary.model_dump(mode="json")} for o in finished if o.ok  # type: ignore[union-attr]
            ]
            d["errors"] = [{"index": o.index, "id": o.id, "error": o.error, "kind": o.kind} for o in finished if not o.ok]
        return d


class JobStore:
    def __init__(self, service: SummarizerService, *, max_jobs: int = 100) -> None:
        self.service = service
        self.max_jobs = max_jobs
        self._jobs: OrderedDict[str, Job] = OrderedDict()

    def submit(self, articles: list[ArticleIn]) -> Job:
        self._evict()
        if len(self._jobs) >= self.max_jobs:
            raise TooManyJobs(f"{self.max_jobs} jobs are still running; retry later")
        job = Job(id=uuid.uuid4().hex, total=len(articles), outcomes=[None] * len(articles))
        self._jobs[job.id] = job
        job.task = asyncio.create_task(self._run(job, articles))
        self._gauge()
        return job

    async def _run(self, job: Job, articles: list[ArticleIn]) -> None:
        job.status = "running"
        self._gauge()
        try:
            async for outcome in self.service.summarize_many(articles):
                job.outcomes[outcome.index] = outcome
            job.status = "done"
        except asyncio.CancelledError:
            job.status = "cancelled"
            raise
        finally:
            job.finished = time.time()
            self._gauge()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def _evict(self) -> None:
        while len(self._jobs) >= self.max_jobs:
            oldest_done = next((k for k, j in self._jobs.items() if j.status in ("done", "cancelled")), None)
            if oldest_done is None:
                return
            del self._jobs[oldest_done]

    def _gauge(self) -> None:
        counts = {"queued": 0, "running": 0, "done": 0, "cancelled": 0}
        for j in self._jobs.values():
            counts[j.status] += 1
        for status, n in counts.items():
            self.service.metrics.jobs.labels(status).set(n)

    async def aclose(self) -> None:
        tasks = [j.task for j in self._jobs.values() if j.task is not None and not j.task.done()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
