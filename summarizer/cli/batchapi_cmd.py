"""``summarizer batch ... --via batch-api`` and ``summarizer batch-status``.

The ``batch`` command hands over to ``batch_via_batch_api`` when ``--via batch-api`` is given;
``batch-status RESULTS`` shows where each batch of that results file's run stands, from the
state file (``--refresh`` asks the provider first).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..settings import ConfigError, Settings
from .common import (
    BaseUrlOpt,
    ConfigOpt,
    ExitCode,
    ModelOpt,
    ProviderOpt,
    die,
    err_console,
    load_settings,
    require_reachable,
    warn,
)


def _finish_run(report: Any, records: Any, *, errors: Path, summary_json: Path | None, allow_failures: bool, line: str) -> None:
    """The end of a batch run, as ``summarizer batch`` ends one: summary line, JSON, exit status."""
    err_console.print(line, highlight=False, markup=False)
    if summary_json is not None:
        try:
            summary_json.parent.mkdir(parents=True, exist_ok=True)
            summary_json.write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        except OSError as exc:
            warn(f"cannot write --summary-json {summary_json}: {exc.strerror or exc}")
    if records.failed:
        err_console.print(f"failures written to {errors}", highlight=False, markup=False)
    if records.stopped:
        die(f"stopped early: {records.stopped}. Written: {records.ok} results, {records.failed} errors. "
            "Fix that, then rerun the same command with --resume to finish the rest.", code=ExitCode.STOPPED)
    if records.total == 0 and records.skipped == 0:
        die("no articles found in the given inputs")
    if records.failed and not (allow_failures and records.ok + records.skipped):
        raise typer.Exit(ExitCode.ARTICLES_FAILED)
    raise typer.Exit(ExitCode.OK)


def batch_via_batch_api(
    settings: Settings,
    inputs: list[str],
    output: Path,
    errors: Path,
    *,
    resume: bool,
    replay: Path | None,
    progress: bool,
    summary_json: Path | None,
    allow_failures: bool,
    rpm: float | None = None,
    tpm: float | None = None,
) -> None:
    """The ``batch`` command's ``--via batch-api`` branch; always ends with ``typer.Exit``."""
    from ..batch import OutputLocked, SinkError
    from ..batchapi import BatchApiError, BatchApiOptions, PendingBatches, Progress as State, run_batch_api
    from ..cache import ResultCache
    from .common import provider_context

    try:
        options = BatchApiOptions()
    except ValueError as exc:
        die(f"invalid SUMMARIZER_BATCH_API_* setting: {exc}")
        return
    with provider_context(settings, replay) as s:
        if replay is None:
            require_reachable(s)
        bar = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[last]}"),
            TimeElapsedColumn(), console=err_console, disable=not progress, transient=False,
        )
        with bar:
            remote = bar.add_task("batch api", total=None, last="planning")
            local = bar.add_task("records", total=None, last="", visible=False)

            def shown(p: State) -> None:
                done, total, finished = p.totals()
                states = ", ".join(sorted({x.status or x.stage for x in p.parts})) or "-"
                bar.update(remote, completed=done, total=total or None,
                           last=escape(f"{p.phase}: {finished}/{len(p.parts)} batches done ({states}) {p.note}".strip()))
                if p.phase == "records":
                    bar.update(local, visible=True)

            def done(name: str, ok: bool) -> None:
                bar.update(local, advance=1, last=("" if ok else "[red]failed: ") + escape(Path(name).name))

            def skipped(name: str) -> None:
                bar.update(local, advance=1, last="[dim]already done")

            cache = ResultCache(s.cache_dir, on_problem=warn) if s.cache_enabled else None
            try:
                report = asyncio.run(run_batch_api(
                    s, inputs, results=output, errors=errors, resume=resume, options=options, cache=cache,
                    rpm=rpm, tpm=tpm, on_progress=shown, on_done=done, on_skip=skipped,
                ))
            except OutputLocked as exc:
                die(str(exc), code=ExitCode.OUTPUT_LOCKED)
            except SinkError as exc:
                die(f"{exc}; nothing was summarized", code=ExitCode.STOPPED)
            except (PendingBatches, ConfigError, BatchApiError, ValueError) as exc:
                die(str(exc))
            finally:
                if cache is not None:
                    cache.close()
    for note in report.notes:
        warn(note)
    _finish_run(report, report.records, errors=errors, summary_json=summary_json, allow_failures=allow_failures, line=report.line())


def _status_rows(state: Any) -> list[dict[str, Any]]:
    return [
        {"part": p.name, "round": p.round, "batch_id": p.batch_id, "file_id": p.file_id, "status": p.status or p.stage,
         "requests": p.requests, "completed": p.counts.get("completed", 0), "failed": p.counts.get("failed", 0),
         "downloaded": p.downloaded, "settled": p.settled, "errors": p.errors}
        for p in state.parts
    ]


def batch_status(
    results: Annotated[Path, typer.Argument(help="The results file of a `summarizer batch --via batch-api` run.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the state as JSON.")] = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Ask the provider for each pending batch's status first.")] = False,
    config: ConfigOpt = None,
    provider: ProviderOpt = None,
    base_url: BaseUrlOpt = None,
    model: ModelOpt = None,
) -> None:
    """Show where each provider batch of a `--via batch-api` run stands (from its state file)."""
    from ..batchapi import Workdir
    from ..batchapi.remote import BatchRemote

    wd = Workdir(results)
    try:
        state = wd.load()
    except ValueError as exc:
        die(str(exc))
        return
    if state is None:
        die(f"{results}: no Batch API run found ({wd.state_path} does not exist); "
            "start one with: summarizer batch INPUTS -o " + str(results) + " --via batch-api")
        return
    if refresh:
        settings = load_settings(config, provider=provider, base_url=base_url, model=model)
        try:
            settings.check_provider()
        except ConfigError as exc:
            die(str(exc))

        async def fetch() -> None:
            remote = BatchRemote(settings)
            try:
                for p in state.parts:
                    if p.batch_id and not p.downloaded:
                        b = await remote.retrieve(p.batch_id)
                        p.status = b.status
                        p.counts = b.request_counts.model_dump() if b.request_counts else {}
            finally:
                await remote.close()

        try:
            asyncio.run(fetch())
        except Exception as exc:  # noqa: BLE001 - shown as one line: the local state is still printed below
            warn(f"could not refresh from the provider ({type(exc).__name__}: {exc}); showing the saved state")
    rows = _status_rows(state)
    ok, failed = 0, 0
    if wd.answers_path.exists():
        from ..batchapi.answers import AnswerStore

        ok, failed = AnswerStore(wd.answers_path).counts()
    summary = {"run_id": state.run_id, "finished": state.finished, "batches": len(rows),
               "requests": sum(r["requests"] for r in rows), "answers_validated": ok, "answers_failed": failed,
               "model": state.fingerprint.get("model"), "endpoint": state.fingerprint.get("endpoint")}
    if as_json:
        sys.stdout.write(json.dumps({"summary": summary, "batches": rows}, indent=2) + "\n")
        return
    table = Table(title=f"Batch API run {state.run_id} for {escape(str(results))}")
    for col in ("part", "round", "batch", "status", "requests", "completed", "failed", "settled"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["part"], str(r["round"]), r["batch_id"] or "-", r["status"], str(r["requests"]),
                      str(r["completed"]), str(r["failed"]), "yes" if r["settled"] else "no")
    from rich.console import Console

    Console(width=max(120, err_console.width)).print(table)
    state_word = "finished" if state.finished else "not finished: rerun the same batch command with --resume"
    sys.stdout.write(f"{summary['requests']} requests in {summary['batches']} batch(es); {ok} answers validated, "
                     f"{failed} without an answer; {state_word}\n")
