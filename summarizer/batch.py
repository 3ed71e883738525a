"""Batch engine: many articles through one Pipeline, streamed, with nothing lost.

Every input ends exactly once: as one JSON line in the results file, or as one line in the
errors file with the reason. Lines are written whole and flushed as each article completes.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .intake import IntakeError, Source
from .llm import LLMError
from .pipeline import Pipeline


@dataclass
class BatchReport:
    ok: int = 0
    failed: int = 0
    cached: int = 0
    requests: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    wall_s: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.ok + self.failed

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "failures"}
        d["articles_per_min"] = round(self.total / self.wall_s * 60, 2) if self.wall_s else 0.0
        return d

    def line(self) -> str:
        apm = self.as_dict()["articles_per_min"]
        return (
            f"{self.total} articles: {self.ok} ok ({self.cached} cached), {self.failed} failed; "
            f"{self.requests} requests, {self.reasks} re-asks; tokens {self.prompt_tokens} in / "
            f"{self.completion_tokens} out; est. cost ${self.cost_usd:.4f}; {self.wall_s:.1f}s, {apm} articles/min"
        )


class _JsonlSink:
    """Appends whole lines and flushes each one, so a crash never leaves half a record."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fh: IO[str] | None = None

    def write(self, record: dict[str, Any]) -> None:
        if self.path is None:
            return
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("a", encoding="utf-8")
        self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, (IntakeError, LLMError)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


async def run_batch(
    pipeline: Pipeline,
    sources: Iterable[Source],
    *,
    results: Path,
    errors: Path,
    concurrency: int = 4,
    on_done: Callable[[str, bool], None] | None = None,
) -> BatchReport:
    """Summarize every source; at most ``concurrency`` in flight; inputs consumed lazily."""
    report = BatchReport()
    out, err = _JsonlSink(results), _JsonlSink(errors)
    started = time.perf_counter()
    sem = asyncio.Semaphore(concurrency)

    def fail(name: str, reason: str) -> None:
        report.failed += 1
        report.failures.append((name, reason))
        err.write({"input": name, "error": reason})
        if on_done:
            on_done(name, False)

    async def one(src: Source) -> None:
        try:
            assert src.document is not None
            summary = await pipeline.run(src.document)
        except Exception as exc:  # noqa: BLE001 - every failure becomes an errors-file line
            stats = getattr(exc, "stats", None)
            if stats is not None:
                report.requests += stats.requests
                report.prompt_tokens += stats.prompt_tokens
                report.completion_tokens += stats.completion_tokens
            fail(src.name, _reason(exc))
        else:
            u = summary.meta.usage
            report.ok += 1
            report.cached += int(summary.meta.cached)
            report.requests += u.requests
            report.reasks += u.reasks
            report.prompt_tokens += u.prompt_tokens
            report.completion_tokens += u.completion_tokens
            report.cost_usd += summary.meta.cost_usd or 0.0
            out.write(summary.model_dump(mode="json"))
            if on_done:
                on_done(src.name, True)
        finally:
            sem.release()

    tasks: set[asyncio.Task[None]] = set()
    try:
        for src in sources:
            if src.error is not None:
                fail(src.name, str(src.error))
                continue
            await sem.acquire()  # back-pressure: never read far ahead of the workers
            task = asyncio.create_task(one(src))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.gather(*tasks)
    finally:
        out.close()
        err.close()
        report.wall_s = round(time.perf_counter() - started, 3)
    return report
