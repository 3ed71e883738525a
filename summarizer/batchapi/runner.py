"""``run_batch_api``: a batch through the provider's Batch API, with every guarantee of the local engine.

    plan every article locally (parts.plan_requests)          -> part files, state.json
    upload each part, create its batch (recorded before each call, found again after a crash)
    poll with backoff; download each finished batch's output and error files
    settle each finished batch (settle.settle_part): validate answers, re-ask online,
        resubmit what it did not answer (or end it as an error)
    write the records: the batch engine (summarizer.batch.run_batch) over the same inputs with
        the answers handed in as ``Pipeline(prefilled=...)`` (billing.BatchBilledPipeline)

The last step is the local engine itself, so the guarantees are its own: each input exactly
once in results or errors, whole lines, ``resume``, the answer cache (each answer lands there
under its custom_id). Grounding, follow-ups and merge run as online; re-asks and follow-ups go
online, paced by the same ``Limiter``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai

from ..batch import BatchReport, run_batch, scan_results
from ..cache import ResultCache
from ..intake import Source, iter_sources
from ..limits import Limiter
from ..pipeline import Pipeline
from ..settings import ConfigError, Settings
from .answers import AnswerStore, PrefilledAnswers
from .billing import BatchBilledPipeline, add_costs
from .options import BatchApiOptions
from .parts import Planned, plan_requests
from .remote import TERMINAL, BatchApiError, BatchRemote, describe, transient
from .settle import settle_part
from .state import Part, RunState, Workdir

Sources = Sequence[str] | Callable[[], Iterable[Source]]


class PendingBatches(RuntimeError):
    """A run with batches still pending exists for this results file and --resume was not given."""


@dataclass
class Progress:
    """What the run is doing, for a progress display (``on_progress``)."""

    phase: str  # planning, uploading, waiting, validating, records
    parts: list[Part]
    note: str = ""

    def totals(self) -> tuple[int, int, int]:
        """(requests answered or failed, requests in all batches, batches finished)"""
        done = sum(p.counts.get("completed", 0) + p.counts.get("failed", 0) for p in self.parts)
        return done, sum(p.requests for p in self.parts), sum(1 for p in self.parts if p.downloaded)


@dataclass
class BatchApiReport:
    records: BatchReport = field(default_factory=BatchReport)
    planned: Planned = field(default_factory=Planned)
    uploaded_requests: int = 0  # requests uploaded by this invocation
    uploads: int = 0
    batches_created: int = 0
    batches: dict[str, str] = field(default_factory=dict)  # every batch of the run -> its status
    resubmitted: int = 0
    answers_failed: int = 0  # requests that ended without an answer (their articles are errors)
    batch_prompt_tokens: int = 0
    batch_completion_tokens: int = 0
    cost_usd: float | None = None  # batch tokens at the batch price + the rest at the online price
    online_cost_usd: float | None = None  # the same tokens all at the online price
    batch_requests: int = 0  # first answers billed from the Batch API in this run's records
    planning_s: float = 0.0  # intake and prompts of every article, writing the input files
    waiting_s: float = 0.0  # uploads, polling and settling (validation, online re-asks)
    records_s: float = 0.0  # the local engine writing the records (grounding, follow-ups, merge)
    wall_s: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k not in ("records", "planned")}
        d["planned"] = {k: v for k, v in self.planned.__dict__.items() if k != "parts"}
        d["records"] = self.records.as_dict()
        return d

    def line(self) -> str:
        r = self.records
        cost = (f"est. cost ${self.cost_usd:.4f} at Batch API prices (online it would be ${self.online_cost_usd:.4f})"
                if self.cost_usd is not None and self.online_cost_usd is not None
                else f"est. cost unknown (no price for model {r.model!r})")
        return (
            f"{r.total} articles: {r.ok} ok ({r.cached} cached), {r.failed} failed"
            + (f", {r.skipped} already done" if r.skipped else "")
            + f"; Batch API: {self.uploaded_requests} requests uploaded in {self.batches_created} batch(es)"
            + (f", {self.resubmitted} resubmitted" if self.resubmitted else "")
            + (f", {self.answers_failed} unanswered" if self.answers_failed else "")
            + f", {self.planned.cached} answered from the cache; online: {max(0, r.requests - self.batch_requests)} "
            f"re-ask/follow-up request(s); tokens {r.prompt_tokens} in / {r.completion_tokens} out; {cost}; "
            f"{self.wall_s:.1f}s ({self.waiting_s:.1f}s waiting for the provider)"
        )


def fingerprint(pipeline: Pipeline) -> dict[str, Any]:
    """What the requests of a run depend on: a resumed run must ask the same way."""
    s = pipeline.settings
    return {
        "endpoint": s.endpoint_label or pipeline.client.base_url, "model": pipeline.client.model,
        "mode": pipeline.client.label, "prompt_version": pipeline.prompts.version,
        "temperature": s.temperature, "max_tokens": s.max_tokens,
    }


def _sources(inputs: Sources, settings: Settings) -> Iterable[Source]:
    if callable(inputs):
        return inputs()
    return iter_sources(list(inputs), max_bytes=settings.max_input_bytes, lazy=True)


class _Run:
    def __init__(self, settings: Settings, wd: Workdir, state: RunState, store: AnswerStore, options: BatchApiOptions,
                 report: BatchApiReport, on_progress: Callable[[Progress], None] | None) -> None:
        self.settings, self.wd, self.state, self.store = settings, wd, state, store
        self.options, self.report = options, report
        self.on_progress = on_progress
        self.remote = BatchRemote(settings)
        self._no_file_polls: dict[str, int] = {}

    def progress(self, phase: str, note: str = "") -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(phase, list(self.state.parts), note))

    async def _call(self, what: str, coro: Any) -> Any:
        try:
            return await coro
        except openai.NotFoundError as exc:
            raise BatchApiError(f"{what}: the provider at {self.remote.base_url} answered 404 ({describe(exc)}); "
                                "it may have no Batch API: run without --via batch-api") from None
        except openai.APIError as exc:
            raise BatchApiError(f"{what} at {self.remote.base_url} failed: {describe(exc)}") from None

    async def submit(self, part: Part) -> None:
        st, wd = self.state, self.wd
        if part.file_id is None:
            name = wd.upload_name(st, part)
            if part.stage == "uploading":  # killed during the upload: it may have arrived
                found = await self._call(f"looking for {name}", self.remote.find_upload(name))
                part.file_id = found.id if found is not None else None
            if part.file_id is None:
                part.stage = "uploading"
                wd.save(st)
                self.progress("uploading", f"{part.name}: {part.requests} requests")
                f = await self._call(f"uploading {part.name} ({part.requests} requests)",
                                     self.remote.upload(wd.input_path(part.name), name))
                part.file_id = f.id
                self.report.uploads += 1
                self.report.uploaded_requests += part.requests
            part.stage = "uploaded"
            wd.save(st)
        if part.batch_id is None:
            meta = {"summarizer_run": st.run_id, "summarizer_part": part.name}
            if part.stage == "creating":  # killed during batches.create: it may exist
                found = await self._call(f"looking for the batch of {part.name}", self.remote.find_batch(meta, st.created_at))
                part.batch_id = found.id if found is not None else None
            if part.batch_id is None:
                part.stage = "creating"
                wd.save(st)
                b = await self._call(f"creating the batch of {part.name}",
                                     self.remote.create(part.file_id, self.options.completion_window, meta))
                part.batch_id, part.status = b.id, b.status
                self.report.batches_created += 1
            part.stage = "submitted"
            wd.save(st)

    async def poll(self, part: Part) -> bool:
        """One status check; downloads the files of a finished batch. True when anything changed."""
        assert part.batch_id is not None
        try:
            b = await self.remote.retrieve(part.batch_id)
        except openai.APIError as exc:
            if transient(exc):  # the SDK retried already; keep polling, the state is safe on disk
                self.progress("waiting", f"status check failed, will retry: {describe(exc)}")
                return False
            raise BatchApiError(f"checking batch {part.batch_id} ({part.name}) failed: {describe(exc)}") from None
        counts = b.request_counts.model_dump() if b.request_counts is not None else {}
        changed = b.status != part.status or counts != part.counts
        part.status, part.counts = b.status, counts
        if b.status not in TERMINAL:
            return changed
        if b.status == "completed" and not (b.output_file_id or b.error_file_id) and counts.get("total"):
            # some providers set the file ids a little after the status: give them a few polls
            n = self._no_file_polls[part.name] = self._no_file_polls.get(part.name, 0) + 1
            if n < 10:
                return changed
        part.output_file_id, part.error_file_id = b.output_file_id, b.error_file_id
        part.errors = [f"{e.code}: {e.message}" for e in ((b.errors.data or []) if b.errors else [])]
        for file_id, dest in ((b.output_file_id, self.wd.output_path(part.name)), (b.error_file_id, self.wd.errors_path(part.name))):
            if file_id:
                await self._call(f"downloading {file_id} of batch {b.id}", self.remote.download(file_id, dest))
        part.downloaded = True
        return True

    async def drive(self, client: Any) -> None:
        """Submit, poll and settle until every part is settled."""
        o = self.options
        delay = o.poll_initial_s
        started = time.perf_counter()
        while True:
            for part in list(self.state.parts):
                if not part.settled and part.batch_id is None:
                    await self.submit(part)
            unsettled = self.state.unsettled
            if not unsettled:
                break
            changed = False
            for part in unsettled:
                if part.active:
                    changed |= await self.poll(part)
            if changed:
                self.wd.save(self.state)
            ready = [p for p in unsettled if p.downloaded]
            self.progress("waiting")
            for part in ready:
                self.progress("validating", f"{part.name}: {part.status}")
                got = await settle_part(part, wd=self.wd, state=self.state, store=self.store, client=client,
                                        options=o, concurrency=self.settings.concurrency)
                self.report.resubmitted += got.resubmitted
                self.report.answers_failed += got.failed
            if ready:
                delay = o.poll_initial_s
                continue
            await asyncio.sleep(delay)
            delay = min(delay * o.poll_factor, o.poll_max_s)
        self.report.waiting_s += time.perf_counter() - started


async def run_batch_api(
    settings: Settings,
    inputs: Sources,
    *,
    results: Path,
    errors: Path | None = None,
    resume: bool = False,
    options: BatchApiOptions | None = None,
    cache: ResultCache | None = None,
    rpm: float | None = None,
    tpm: float | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    on_done: Callable[[str, bool], None] | None = None,
    on_skip: Callable[[str], None] | None = None,
) -> BatchApiReport:
    """Summarize ``inputs`` (paths as for ``summarizer batch``, or a callable returning fresh
    ``Source``s on each call: they are read twice) through the provider's Batch API into
    ``results``/``errors``, as ``summarizer.batch.run_batch`` does online.

    ``resume``: pick up the batches of an earlier, interrupted run (never uploading twice),
    skip articles already in ``results`` and retry what failed. Without it an unfinished run
    for the same results file is refused (``PendingBatches``) rather than paid for twice.
    ``rpm``/``tpm`` pace what goes online (re-asks, follow-ups); default: the settings'.
    """
    if settings.profile.in_process:
        raise ConfigError(f"provider {settings.provider!r} runs in-process; the Batch API needs an OpenAI-compatible endpoint")
    options = options or BatchApiOptions()
    errors = errors or results.with_name(results.stem + ".errors.jsonl")
    started = time.perf_counter()
    report = BatchApiReport()
    wd = Workdir(results)
    wd.lock()
    own_cache = cache is None and settings.cache_enabled
    if own_cache:
        cache = ResultCache(settings.cache_dir)
    planner = Pipeline(settings, cache=cache)
    billed: BatchBilledPipeline | None = None
    run: _Run | None = None
    try:
        state = wd.load()
        fp = fingerprint(planner)
        if state is not None and not resume and not state.finished and any(p.stage != "written" for p in state.parts):
            raise PendingBatches(
                f"{wd.dir} holds an unfinished Batch API run for {results} ({len(state.parts)} batch(es)); "
                f"rerun with --resume to pick it up (`summarizer batch-status {results}` shows where it stands), "
                f"or delete {wd.dir} to start afresh (its batches would be paid again)"
            )
        if state is None or not resume:
            wd.reset()
            state = RunState(fingerprint=fp)
        elif state.fingerprint != fp:
            diff = ", ".join(f"{k}: {state.fingerprint.get(k)!r} then, {v!r} now" for k, v in fp.items() if state.fingerprint.get(k) != v)
            raise ConfigError(f"--resume: the batches in {wd.dir} were asked with other settings ({diff}); "
                              f"resume with the same settings, or delete {wd.dir} to start afresh")
        store = AnswerStore(wd.answers_path)
        if state.finished:  # a finished run resumed: what failed is tried again
            store.drop_failures()
            state.finished = False
        wd.save(state)
        limiter = Limiter(settings.concurrency, rpm=rpm or settings.rpm_limit, tpm=tpm or settings.tpm_limit,
                          completion_estimate=min(settings.max_tokens, 1024))
        planner.client.observer = limiter  # re-asks while settling go online, paced

        run = _Run(settings, wd, state, store, options, report, on_progress)
        run.progress("planning")
        done = scan_results(results) if resume else set()
        t0 = time.perf_counter()
        report.planned = await asyncio.to_thread(
            plan_requests, planner, _sources(inputs, settings), wd, state, options, store, done=done
        )
        wd.save(state)
        report.planning_s = round(time.perf_counter() - t0, 3)
        if report.planned.too_large:
            report.notes.append(f"{report.planned.too_large} request(s) over the per-batch size limit were asked online")
        await run.drive(planner.client)

        run.progress("records")
        t0 = time.perf_counter()
        billed = BatchBilledPipeline(settings, cache=cache, prefilled=PrefilledAnswers(store))
        records = await run_batch(billed, _sources(inputs, settings), results=results, errors=errors,
                                  concurrency=settings.concurrency, resume=resume, limiter=limiter,
                                  on_done=on_done, on_skip=on_skip)
        report.records = records
        report.records_s = round(time.perf_counter() - t0, 3)
        state.finished = records.stopped is None
        wd.save(state)
        report.batches = {p.batch_id or p.name: p.status or p.stage for p in state.parts}
        report.batch_prompt_tokens = billed.batch_prompt_tokens
        report.batch_completion_tokens = billed.batch_completion_tokens
        report.batch_requests = billed.batch_requests
        online_p = records.prompt_tokens - billed.batch_prompt_tokens
        online_c = records.completion_tokens - billed.batch_completion_tokens
        report.cost_usd = add_costs(settings.batch_cost_usd(billed.batch_prompt_tokens, billed.batch_completion_tokens),
                                    settings.cost_usd(online_p, online_c))
        report.online_cost_usd = settings.cost_usd(records.prompt_tokens, records.completion_tokens)
        records.cost_usd = report.cost_usd
        return report
    finally:
        report.wall_s = round(time.perf_counter() - started, 3)
        if run is not None:
            await run.remote.close()
        await planner.client.close()
        if billed is not None:
            await billed.client.close()
        if own_cache and cache is not None:
            cache.close()
        wd.unlock()
