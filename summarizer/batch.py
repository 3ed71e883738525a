"""Batch engine: many articles through one Pipeline, streamed, paced, with nothing lost.

Every input ends exactly once: as one JSON line in the results file, or as one line in the
errors file with the reason. Each line is written with a single ``os.write`` on an
``O_APPEND`` descriptor as its article completes, so a crash (even ``kill -9``) never leaves
half a record behind for readers, and ``resume`` trims a torn tail should the OS leave one.

Memory stays flat in the number of articles: inputs are consumed lazily with back-pressure,
results go straight to disk, and the report keeps counts plus the first few failures. Resume
keeps one 8-byte digest per finished article (~70 bytes each in a set).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .intake import IntakeError, Source
from .limits import Limiter
from .llm import LLMError
from .pipeline import Pipeline

FAILURES_KEPT = 20  # the report keeps the first N reasons; the errors file has them all


@dataclass
class BatchReport:
    ok: int = 0
    failed: int = 0
    cached: int = 0
    skipped: int = 0  # already in the results file (resume)
    requests: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None  # None: the model has no price in Settings.prices
    model: str = ""
    wall_s: float = 0.0
    limiter: dict[str, Any] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)  # the first FAILURES_KEPT

    @property
    def total(self) -> int:
        """Articles finished in this run (resumed ones not included)."""
        return self.ok + self.failed

    @property
    def articles_per_min(self) -> float:
        return round(self.total / self.wall_s * 60, 2) if self.wall_s else 0.0

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "failures"}
        d["articles"] = self.total
        d["articles_per_min"] = self.articles_per_min
        d["first_failures"] = [{"input": n, "error": r} for n, r in self.failures]
        return d

    def line(self) -> str:
        cost = f"est. cost ${self.cost_usd:.4f}" if self.cost_usd is not None else f"est. cost unknown (no price for model {self.model!r})"
        skipped = f", {self.skipped} already done" if self.skipped else ""
        return (
            f"{self.total} articles: {self.ok} ok ({self.cached} cached), {self.failed} failed{skipped}; "
            f"{self.requests} requests, {self.reasks} re-asks; tokens {self.prompt_tokens} in / "
            f"{self.completion_tokens} out; {cost}; {self.wall_s:.1f}s, {self.articles_per_min} articles/min"
        )


class JsonlSink:
    """Appends whole lines, one ``write(2)`` each, so no reader ever sees half a record."""

    def __init__(self, path: Path | None, *, truncate: bool = False) -> None:
        self.path = path
        self._fd: int | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | (os.O_TRUNC if truncate else 0)
            self._fd = os.open(path, flags, 0o644)

    def write_bytes(self, line: bytes) -> None:
        if self._fd is None:
            return
        view = memoryview(line + b"\n")
        while view:
            view = view[os.write(self._fd, view):]

    def write(self, record: dict[str, Any]) -> None:
        self.write_bytes(json.dumps(record, ensure_ascii=False).encode("utf-8"))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def done_key(name: str | None, article_id: str | None) -> int:
    """Identity of a finished article for resume: input name and content hash together, so two
    inputs with the same text, or one name whose file changed, are not mistaken for each other."""
    digest = hashlib.blake2b(f"{name}\x00{article_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _last_line_end(fh: Any, size: int, block: int = 1 << 16) -> int:
    """Offset just past the last newline, reading backwards (results files can be large)."""
    end = size
    while end > 0:
        start = max(0, end - block)
        fh.seek(start)
        at = fh.read(end - start).rfind(b"\n")
        if at >= 0:
            return start + at + 1
        end = start
    return 0


def scan_results(path: Path) -> set[int]:
    """``done_key``s of the records in a results file; trims a torn last line first."""
    done: set[int] = set()
    if not path.is_file():
        return done
    with path.open("r+b") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size:
            fh.seek(max(0, size - 1))
            if fh.read(1) != b"\n":  # torn tail: cut back to the last complete line
                fh.truncate(_last_line_end(fh, size))
        fh.seek(0)
        for raw in fh:
            try:
                article = json.loads(raw)["article"]
                done.add(done_key(article.get("input_name"), article.get("id")))
            except (ValueError, KeyError, TypeError):
                continue  # not a record of ours: it will be redone rather than trusted
    return done


_SUFFIXES = {".txt", ".md", ".html", ".htm", ".jsonl"}


def count_inputs(inputs: list[str]) -> int | None:
    """Articles in ``inputs`` when that is cheap to know (files, folders, JSONL lines); None for stdin."""
    import glob

    total = 0

    def count_file(p: Path) -> int:
        if p.suffix.lower() != ".jsonl":
            return 1
        with p.open("rb") as fh:
            return sum(1 for line in fh if line.strip())

    try:
        for item in inputs:
            if item == "-":
                return None
            p = Path(item)
            if p.is_dir():
                total += sum(count_file(q) for q in p.rglob("*") if q.is_file() and q.suffix.lower() in _SUFFIXES)
            elif any(ch in item for ch in "*?[") and not p.exists():
                total += sum(count_file(Path(m)) for m in glob.glob(item, recursive=True) if Path(m).is_file()) or 1
            elif p.is_file():
                total += count_file(p)
            else:
                total += 1  # becomes one "no such file" error
    except OSError:
        return None
    return total


def _reason(exc: BaseException) -> str:
    if isinstance(exc, (IntakeError, LLMError)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


async def run_batch(
    pipeline: Pipeline,
    sources: Iterable[Source],
    *,
    results: Path | None,
    errors: Path | None,
    concurrency: int | None = None,
    rpm: float | None = None,
    tpm: float | None = None,
    resume: bool = False,
    limiter: Limiter | None = None,
    on_done: Callable[[str, bool], None] | None = None,
    on_skip: Callable[[str], None] | None = None,
) -> BatchReport:
    """Summarize every source with at most ``concurrency`` articles in flight.

    Provider requests are paced by ``limiter`` (default: one built from ``concurrency``,
    ``rpm``, ``tpm``) unless the pipeline already has an observer (e.g. a shared service
    limiter). ``resume``: keep the results file, skip the articles it holds, and retry the
    rest; the errors file is started afresh, since every earlier failure is retried.
    Without ``resume`` both files are truncated.
    """
    s = pipeline.settings
    concurrency = concurrency or s.concurrency
    rpm = rpm if rpm is not None else s.rpm_limit
    tpm = tpm if tpm is not None else s.tpm_limit
    report = BatchReport(model=pipeline.client.model)
    done = scan_results(results) if (resume and results is not None) else set()
    out = JsonlSink(results, truncate=not resume)
    err = JsonlSink(errors, truncate=True)

    own_limiter = pipeline.client.observer is None
    if own_limiter:
        limiter = limiter or Limiter(concurrency, rpm=rpm, tpm=tpm, completion_estimate=min(s.max_tokens, 1024))
        pipeline.client.observer = limiter
    started = time.perf_counter()
    sem = asyncio.Semaphore(concurrency)

    def add_usage(requests: int, reasks: int, prompt: int, completion: int) -> None:
        report.requests += requests
        report.reasks += reasks
        report.prompt_tokens += prompt
        report.completion_tokens += completion

    def fail(name: str, reason: str) -> None:
        report.failed += 1
        if len(report.failures) < FAILURES_KEPT:
            report.failures.append((name, reason))
        err.write({"input": name, "error": reason})
        if on_done:
            on_done(name, False)

    async def one(src: Source) -> None:
        try:
            summary = await pipeline.run_source(src)
        except Exception as exc:  # noqa: BLE001 - every failure becomes an errors-file line
            stats = getattr(exc, "stats", None)
            if stats is not None:  # failed calls were billed too
                u = stats.usage()
                add_usage(u.requests, u.reasks, u.prompt_tokens, u.completion_tokens)
            fail(src.name, _reason(exc))
        else:
            u = summary.meta.usage
            add_usage(u.requests, u.reasks, u.prompt_tokens, u.completion_tokens)
            report.ok += 1
            report.cached += int(summary.meta.cached)
            out.write_bytes(summary.model_dump_json().encode("utf-8"))
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
            if done and src.id is not None and done_key(src.name, src.id) in done:
                report.skipped += 1
                if on_skip:
                    on_skip(src.name)
                continue
            await sem.acquire()  # back-pressure: never read far ahead of the workers
            task = asyncio.create_task(one(src))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.gather(*tasks)
    finally:
        for t in tasks:
            t.cancel()
        out.close()
        err.close()
        if own_limiter:
            pipeline.client.observer = None
        report.wall_s = round(time.perf_counter() - started, 3)
        report.cost_usd = s.cost_usd(report.prompt_tokens, report.completion_tokens)
        used = limiter if own_limiter else pipeline.client.observer
        if isinstance(used, Limiter):
            report.limiter = used.snapshot()
    return report
