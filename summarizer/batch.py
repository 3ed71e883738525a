"""Batch engine: many articles through one Pipeline, streamed, paced, with nothing lost.

Every input ends exactly once: as one JSON line in the results file, or as one line in the
errors file with the reason. Each line is written with a single ``os.write`` on an
``O_APPEND`` descriptor as its article completes, so a crash (even ``kill -9``) never leaves
half a record behind for readers, and ``resume`` trims a torn tail should the OS leave one.

Whatever one article raises (bad text, a bad id, a bug in intake or grounding) becomes its
errors-file line; the batch goes on. Only the output itself can stop a batch: when the results
or errors file cannot be written (disk full, file-size limit) the partial line is rolled back,
the articles in flight are reported as not done, and the batch stops (``BatchReport.stopped``);
``resume`` finishes them. Each results/errors file has one writer: an exclusive ``flock`` is
taken on open, and a second batch on the same file is refused (``OutputLocked``).

Memory stays flat in the number of articles: inputs are consumed lazily with back-pressure,
results go straight to disk, and the report keeps counts plus the first few failures. Resume
keeps one 8-byte digest per finished article (~70 bytes each in a set).
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
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
    stopped: str | None = None  # why the batch stopped early (output not writable); None: ran to the end
    not_done: int = 0  # articles started or finished but not written when it stopped (resume redoes them)
    not_done_inputs: list[str] = field(default_factory=list)  # the first FAILURES_KEPT of them
    cache_problem: str | None = None  # the cache switched itself off (full, corrupted, read-only)
    cache_unstored: int = 0  # results the cache could not keep because of that

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
        not_done = f", {self.not_done} not done" if self.stopped else ""
        cache = f"; cache off ({self.cache_unstored} results not cached)" if self.cache_problem else ""
        return (
            f"{self.total} articles: {self.ok} ok ({self.cached} cached), {self.failed} failed{skipped}{not_done}; "
            f"{self.requests} requests, {self.reasks} re-asks; tokens {self.prompt_tokens} in / "
            f"{self.completion_tokens} out; {cost}; {self.wall_s:.1f}s, {self.articles_per_min} articles/min{cache}"
        )


class SinkError(OSError):
    """The results or errors file cannot be written (or opened); the message names it."""

    def __init__(self, path: Path, exc: OSError, doing: str = "write") -> None:
        reason = exc.strerror or str(exc)
        hint = {
            errno.ENOSPC: "free some space",
            errno.EDQUOT: "free some space (disk quota)",
            errno.EFBIG: "over the file-size limit: see ulimit -f",
            errno.EROFS: "the file system is read-only",
            errno.EACCES: "check the permissions",
            errno.EPERM: "check the permissions",
        }.get(exc.errno or 0, "")
        self.path = path
        super().__init__(exc.errno, f"cannot {doing} {path}: {reason}" + (f" ({hint})" if hint else ""))

    def __str__(self) -> str:
        return str(self.strerror)


class OutputLocked(RuntimeError):
    """Another process holds the results (or errors) file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{path} is being written by another summarizer batch; wait for it to finish, "
            "or write to another file with -o (two writers would interleave and duplicate records)"
        )


class JsonlSink:
    """Appends whole lines, one ``write(2)`` each, so no reader ever sees half a record.

    Opening takes an exclusive, non-blocking ``flock`` (released by the kernel when the process
    ends, even on ``kill -9``), so two batches never append to one file. A write that fails part
    way (disk full, file-size limit) is rolled back to the last whole line before ``SinkError``.
    """

    def __init__(self, path: Path | None, *, truncate: bool = False) -> None:
        self.path = path
        self._fd: int | None = None
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise SinkError(path, exc, "open") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputLocked(path) from None
        except OSError:
            pass  # a file system without flock (some network mounts): go on unguarded
        if truncate:  # only once the lock is ours: never cut another writer's file
            try:
                os.ftruncate(fd, 0)
            except OSError as exc:
                os.close(fd)
                raise SinkError(path, exc) from exc
        self._fd = fd

    def write_bytes(self, line: bytes) -> None:
        if self._fd is None:
            return
        assert self.path is not None
        start = os.fstat(self._fd).st_size  # we are the only writer (flock), so this is our end
        view = memoryview(line + b"\n")
        try:
            while view:
                view = view[os.write(self._fd, view):]
        except OSError as exc:
            try:
                os.ftruncate(self._fd, start)  # no torn line left behind
            except OSError:
                pass  # resume trims a torn tail anyway
            raise SinkError(self.path, exc) from exc

    def write(self, record: dict[str, Any]) -> None:
        self.write_bytes(json.dumps(record, ensure_ascii=False).encode("utf-8", "backslashreplace"))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def prefetch(concurrency: int) -> int:
    """Articles in flight beyond the request window: as many again, at least two. Responses come
    back in waves (requests started together end together); with a quarter of the window read
    ahead, a wave found slots with no planned article waiting (29 of 300 releases in the pacing
    benchmark's case 3; 16 with a full window read ahead)."""
    return max(2, concurrency)


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
    """Summarize every source with at most ``concurrency`` provider requests in flight (and a few
    more articles, ``prefetch``, being read, planned or grounded meanwhile).

    Provider requests are paced by ``limiter`` (default: one built from ``concurrency``,
    ``rpm``, ``tpm``) unless the pipeline already has an observer (e.g. a shared service
    limiter). ``resume``: keep the results file, skip the articles it holds, and retry the
    rest; the errors file is started afresh, since every earlier failure is retried.
    Without ``resume`` both files are truncated.

    Raises ``OutputLocked`` when another process writes either file, ``SinkError`` when one
    cannot be opened; a write failing later stops the batch (``report.stopped``) instead.
    """
    s = pipeline.settings
    concurrency = concurrency or s.concurrency
    rpm = rpm if rpm is not None else s.rpm_limit
    tpm = tpm if tpm is not None else s.tpm_limit
    report = BatchReport(model=pipeline.client.model)
    out = JsonlSink(results, truncate=not resume)
    try:
        err = JsonlSink(errors, truncate=True)
    except BaseException:
        out.close()
        raise
    try:
        # after the lock: resume may trim a torn tail, which must not race another writer
        done = scan_results(results) if (resume and results is not None) else set()
    except OSError as exc:
        out.close()
        err.close()
        raise SinkError(results, exc, "read") from exc  # type: ignore[arg-type]

    own_limiter = pipeline.client.observer is None
    if own_limiter:
        limiter = limiter or Limiter(concurrency, rpm=rpm, tpm=tpm, completion_estimate=min(s.max_tokens, 1024))
        pipeline.client.observer = limiter
    started = time.perf_counter()
    # ``concurrency`` bounds the provider requests in flight (the limiter's window). A few more
    # articles than that are in flight so that reading, planning and grounding (CPU work between
    # an article's requests) overlap other articles' requests instead of leaving a request slot
    # idle: every article-slot's cycle would otherwise be latency + CPU, never the full window.
    sem = asyncio.Semaphore(concurrency + prefetch(concurrency) if own_limiter else concurrency)
    tasks: set[asyncio.Task[None]] = set()

    def add_usage(requests: int, reasks: int, prompt: int, completion: int) -> None:
        report.requests += requests
        report.reasks += reasks
        report.prompt_tokens += prompt
        report.completion_tokens += completion

    def not_done(name: str) -> None:
        report.not_done += 1
        if len(report.not_done_inputs) < FAILURES_KEPT:
            report.not_done_inputs.append(name)

    def stop(exc: SinkError, name: str | None) -> None:
        """The output is not writable: stop here; what is in flight is not done (resume redoes it)."""
        if report.stopped is None:
            report.stopped = str(exc)
        if name is not None:
            not_done(name)
        me = asyncio.current_task()
        for t in tasks:
            if t is not me:
                t.cancel()

    def fail(name: str, reason: str) -> None:
        err.write({"input": name, "error": reason})  # SinkError: the caller stops the batch
        report.failed += 1
        if len(report.failures) < FAILURES_KEPT:
            report.failures.append((name, reason))
        if on_done:
            on_done(name, False)

    async def one(src: Source) -> None:
        try:
            try:
                summary = await pipeline.run_source(src)
                line = summary.model_dump_json().encode("utf-8")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - every failure becomes an errors-file line
                stats = getattr(exc, "stats", None)
                if stats is not None:  # failed calls were billed too
                    u = stats.usage()
                    add_usage(u.requests, u.reasks, u.prompt_tokens, u.completion_tokens)
                fail(src.name, _reason(exc))
            else:
                u = summary.meta.usage
                add_usage(u.requests, u.reasks, u.prompt_tokens, u.completion_tokens)
                out.write_bytes(line)
                report.ok += 1
                report.cached += int(summary.meta.cached)
                if on_done:
                    on_done(src.name, True)
        except SinkError as exc:
            stop(exc, src.name)
        except asyncio.CancelledError:
            not_done(src.name)
            raise
        finally:
            sem.release()

    def admit(src: Source) -> bool:
        """Handle a source that needs no worker; True when it still has to be summarized."""
        if src.error is not None:
            fail(src.name, str(src.error))
            return False
        if done and src.id is not None and done_key(src.name, src.id) in done:
            report.skipped += 1
            if on_skip:
                on_skip(src.name)
            return False
        return True

    inputs = iter(sources)
    try:
        while report.stopped is None:
            try:
                src = next(inputs)
            except StopIteration:
                break
            except Exception as exc:  # noqa: BLE001 - a reader bug: keep what is done, say where it stopped
                report.stopped = f"reading the inputs failed after {report.total + report.skipped} articles: {_reason(exc)}"
                break
            try:
                if not admit(src):
                    continue
            except SinkError as exc:
                stop(exc, src.name)
                break
            except Exception as exc:  # noqa: BLE001 - e.g. an id that cannot be hashed
                fail(src.name, _reason(exc))
                continue
            await sem.acquire()  # back-pressure: never read far ahead of the workers
            if report.stopped is not None:
                sem.release()
                not_done(src.name)
                break
            task = asyncio.create_task(one(src))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
    except SinkError as exc:  # the errors file failed while recording an unexpected admit() error
        report.stopped = report.stopped or str(exc)
    finally:
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        out.close()
        err.close()
        if own_limiter:
            pipeline.client.observer = None
        report.wall_s = round(time.perf_counter() - started, 3)
        report.cost_usd = s.cost_usd(report.prompt_tokens, report.completion_tokens)
        used = limiter if own_limiter else pipeline.client.observer
        if isinstance(used, Limiter):
            report.limiter = used.snapshot()
        cache = getattr(pipeline, "cache", None)
        report.cache_problem = getattr(cache, "problem", None)
        report.cache_unstored = int(getattr(cache, "unstored", 0) or 0)
    return report
