"""Commands: summarize, batch, cache, schema, loopback."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..intake import IntakeError, iter_sources, read_path
from ..llm import LLMError
from ..pipeline import Pipeline
from ..schema import schema_json
from .common import (
    BaseUrlOpt,
    CacheDirOpt,
    ConfigOpt,
    CrossCheckOpt,
    ExitCode,
    KeepTextOpt,
    ModeOpt,
    ModelOpt,
    NoCacheOpt,
    NoGleanOpt,
    NoGroundReaskOpt,
    OutputLangOpt,
    PromptVariantOpt,
    PromptsOpt,
    ProviderOpt,
    ReplayOpt,
    RequireGroundingOpt,
    TimeoutOpt,
    die,
    err_console,
    load_settings,
    model_flags,
    provider_context,
    provider_settings,
    require_reachable,
    warn,
)

app = typer.Typer(
    name="summarizer",
    help="Grounded, schema-validated structured summaries of policy news (zh-Hans, zh-Hant, en).",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
cache_app = typer.Typer(help="Inspect or clear the answer cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


def _show_version(value: bool) -> None:
    if value:
        from .. import __version__

        sys.stdout.write(f"summarizer {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Grounded, schema-validated structured summaries of policy news (zh-Hans, zh-Hant, en)."""


def _write_json(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")


@app.command()
def summarize(
    file: Annotated[Path, typer.Argument(help="Article file (.txt, .md, .html) or - for stdin.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write JSON here instead of stdout.")] = None,
    config: ConfigOpt = None,
    provider: ProviderOpt = None,
    base_url: BaseUrlOpt = None,
    model: ModelOpt = None,
    replay: ReplayOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    output_language: OutputLangOpt = None,
    require_grounding: RequireGroundingOpt = False,
    timeout: TimeoutOpt = None,
    mode: ModeOpt = None,
    prompts: PromptsOpt = None,
    prompt_variant: PromptVariantOpt = None,
    no_glean: NoGleanOpt = False,
    no_ground_reask: NoGroundReaskOpt = False,
    keep_text: KeepTextOpt = False,
    cross_check: CrossCheckOpt = False,
) -> None:
    """Summarize one article; print the ArticleSummary as JSON."""
    settings = provider_settings(
        config, provider=provider, base_url=base_url, model=model, cache_dir=cache_dir, no_cache=no_cache,
        output_language=output_language, require_grounding=require_grounding,
        **model_flags(timeout, mode, prompts, prompt_variant, no_glean, no_ground_reask, keep_text, cross_check),
    )
    if str(file) != "-" and file.is_dir():
        die(f"{file}: is a folder; summarize reads one article. For every article in it run: summarizer batch {file} -o results.jsonl")
    if str(file) != "-" and file.suffix.lower() == ".jsonl" and file.is_file():
        die(f"{file}: a JSONL file holds many articles, one per line; run: summarizer batch {file} -o results.jsonl")
    try:
        if str(file) == "-":
            from ..intake import from_bytes

            document = from_bytes(sys.stdin.buffer.read(), name="<stdin>", max_bytes=settings.max_input_bytes)
        else:
            document = read_path(file, max_bytes=settings.max_input_bytes)
    except IntakeError as exc:
        die(str(exc))

    async def go(s):  # noqa: ANN001
        pipeline = Pipeline(s, cache=_cache_for(s))
        try:
            return await pipeline.run(document)
        finally:
            await pipeline.close()

    with provider_context(settings, replay) as s:
        if replay is None:
            require_reachable(s)  # fail fast, naming the URL, instead of retrying for a minute
        try:
            result = asyncio.run(go(s))
        except LLMError as exc:
            die(f"{file}: {exc}", code=ExitCode.ARTICLES_FAILED)
        except IntakeError as exc:  # e.g. over a size or cost cap found after decoding
            die(str(exc))
    try:
        _write_json(result.model_dump_json(indent=2), output)
    except OSError as exc:
        die(f"cannot write {output}: {exc.strerror or exc}", code=ExitCode.STOPPED)
    for w in result.meta.warnings:
        warn(w)


def _cache_for(settings):  # noqa: ANN001, ANN202
    """The answer cache, warning once (and going on without it) when it is full, corrupt or read-only."""
    from ..cache import ResultCache

    return ResultCache(settings.cache_dir, on_problem=warn) if settings.cache_enabled else None


@app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, globs or JSONL files.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Results JSONL (one ArticleSummary per line).")],
    errors: Annotated[Path | None, typer.Option("--errors", help="Errors JSONL (default: <output>.errors.jsonl).")] = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", "-c", min=1, help="Articles in flight.")] = None,
    rpm: Annotated[float | None, typer.Option("--rpm", min=0.001, help="Provider requests per minute (client-side pacing).")] = None,
    tpm: Annotated[float | None, typer.Option("--tpm", min=1, help="Provider tokens per minute (client-side pacing).")] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Keep the results file and skip articles already in it; retry earlier failures.")
    ] = False,
    summary_json: Annotated[Path | None, typer.Option("--summary-json", help="Also write the end-of-run summary here as JSON.")] = None,
    config: ConfigOpt = None,
    provider: ProviderOpt = None,
    base_url: BaseUrlOpt = None,
    model: ModelOpt = None,
    replay: ReplayOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    output_language: OutputLangOpt = None,
    require_grounding: RequireGroundingOpt = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")] = True,
    allow_failures: Annotated[
        bool, typer.Option("--allow-failures", help="Exit 0 when some articles failed (still 1 when none succeeded).")
    ] = False,
    via: Annotated[
        str, typer.Option("--via", help="online (default): the chat endpoint; batch-api: the provider's Batch API (half price, answers within its completion window).")
    ] = "online",
    ray: Annotated[bool, typer.Option("--ray", help="Run on a Ray cluster: --ray-address, else RAY_ADDRESS, else a local one.")] = False,
    ray_address: Annotated[str | None, typer.Option("--ray-address", help="Ray cluster address (e.g. auto, ray://head:10001); implies --ray.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and clean every input; count articles, chunks, prompt tokens, cached answers and the cost; send nothing.")
    ] = False,
    timeout: TimeoutOpt = None,
    mode: ModeOpt = None,
    prompts: PromptsOpt = None,
    prompt_variant: PromptVariantOpt = None,
    no_glean: NoGleanOpt = False,
    no_ground_reask: NoGroundReaskOpt = False,
    keep_text: KeepTextOpt = False,
    cross_check: CrossCheckOpt = False,
) -> None:
    """Summarize many articles into a JSONL file; failures go to an errors file with the reason.

    Exit status: 0 all ok; 1 some articles failed (see the errors file); 2 bad usage, config or
    input; 3 stopped early because the output is not writable (fix it, rerun with --resume);
    4 provider unreachable; 5 another batch is writing the same results file.
    """
    from ..batch import OutputLocked, SinkError, count_inputs, run_batch

    settings = provider_settings(
        config, provider=provider, base_url=base_url, model=model, cache_dir=cache_dir, no_cache=no_cache,
        output_language=output_language, require_grounding=require_grounding, concurrency=concurrency,
        **model_flags(timeout, mode, prompts, prompt_variant, no_glean, no_ground_reask, keep_text, cross_check),
    )
    if dry_run:  # nothing is sent: not even the provider probe
        from .dryrun_cmd import dry_run as run_dry

        run_dry(settings, inputs, replay=replay, summary_json=summary_json)
        return
    errors = errors or output.with_name(output.stem + ".errors.jsonl")
    if errors.resolve() == output.resolve():
        die(f"--errors {errors}: must be a different file from -o {output}")
    if output.is_dir() and not (ray or ray_address):  # with --ray, -o names a folder
        die(f"-o {output}: is a folder; give a file name such as {output / 'results.jsonl'}")
    if via not in ("online", "batch-api") or (via == "batch-api" and (ray or ray_address)):
        die(f"--via {via}: choose online or batch-api (batch-api does not combine with --ray)")
    if via == "batch-api":  # summarizer.batchapi: the provider's Batch API, then this engine writes the records
        from .batchapi_cmd import batch_via_batch_api

        batch_via_batch_api(settings, inputs, output, errors, resume=resume, replay=replay, progress=progress,
                            summary_json=summary_json, allow_failures=allow_failures, rpm=rpm, tpm=tpm)
    if ray or ray_address:  # summarizer.distributed: the same job on a Ray cluster
        from .distributed_cmd import batch_via_ray

        batch_via_ray(settings, inputs, output, errors, address=ray_address, resume=resume, replay=replay,
                      progress=progress, summary_json=summary_json, allow_failures=allow_failures, rpm=rpm, tpm=tpm)
    total = count_inputs(inputs) if progress else None  # cheap: file counts and JSONL lines
    sources = iter_sources(inputs, max_bytes=settings.max_input_bytes, lazy=True)
    with provider_context(settings, replay) as s:
        if replay is None:
            require_reachable(s)  # fail fast, naming the URL, instead of every article retrying
        bar = Progress(
            TextColumn("[bold]summarizing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[last]}"),
            TimeElapsedColumn(), console=err_console, disable=not progress, transient=False,
        )
        with bar:
            task = bar.add_task("batch", total=total, last="")

            def done(name: str, ok: bool) -> None:
                bar.update(task, advance=1, last=("" if ok else "[red]failed: ") + escape(Path(name).name))

            def skipped(name: str) -> None:
                bar.update(task, advance=1, last="[dim]already done")

            async def go():  # noqa: ANN202
                pipeline = Pipeline(s, cache=_cache_for(s))
                try:
                    return await run_batch(
                        pipeline, sources, results=output, errors=errors, concurrency=s.concurrency,
                        rpm=rpm, tpm=tpm, resume=resume, on_done=done, on_skip=skipped,
                    )
                finally:
                    await pipeline.close()

            try:
                report = asyncio.run(go())
            except OutputLocked as exc:
                die(str(exc), code=ExitCode.OUTPUT_LOCKED)
            except SinkError as exc:
                die(f"{exc}; nothing was summarized", code=ExitCode.STOPPED)
    err_console.print(report.line(), highlight=False, markup=False)
    for note in report.limiter.get("notes", []):  # e.g. --concurrency that --rpm never lets fill
        err_console.print(f"note: {note}", highlight=False, markup=False)
    if summary_json is not None:
        try:
            summary_json.parent.mkdir(parents=True, exist_ok=True)
            summary_json.write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as exc:
            warn(f"cannot write --summary-json {summary_json}: {exc.strerror or exc}")
    if report.failed:
        err_console.print(f"failures written to {errors}", highlight=False, markup=False)
    if report.stopped:
        shown = ", ".join(report.not_done_inputs) + (", ..." if report.not_done > len(report.not_done_inputs) else "")
        in_flight = f"; not done: {report.not_done} ({shown})" if report.not_done else ""
        counted = count_inputs(inputs)
        left = counted - report.total - report.skipped - report.not_done if counted is not None else None
        unstarted = f"; not started: {left}" if left else ""
        die(
            f"stopped early: {report.stopped}. Written: {report.ok} results, {report.failed} errors{in_flight}{unstarted}. "
            "Fix that, then rerun the same command with --resume to finish the rest.",
            code=ExitCode.STOPPED,
        )
    if report.total == 0 and report.skipped == 0:
        die("no articles found in the given inputs")
    if report.failed and not (allow_failures and report.ok + report.skipped):
        raise typer.Exit(ExitCode.ARTICLES_FAILED)
    raise typer.Exit(ExitCode.OK)


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the schema here instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of ArticleSummary (the contract for other apps)."""
    _write_json(schema_json(), output)


@cache_app.command("stats")
def cache_stats(config: ConfigOpt = None, cache_dir: CacheDirOpt = None) -> None:
    """Entries and size of the cache (a corrupted cache is reported, not a crash)."""
    from ..cache import ResultCache

    s = load_settings(config, cache_dir=cache_dir)
    cache = ResultCache(s.cache_dir)
    try:
        info = cache.stats()
    finally:
        cache.close()
    sys.stdout.write(json.dumps(info, indent=2) + "\n")
    if info.get("problem"):
        warn(f"{info['problem']}; {info['fix']}")


@cache_app.command("clear")
def cache_clear(config: ConfigOpt = None, cache_dir: CacheDirOpt = None) -> None:
    """Remove every cached answer; resets a corrupted cache too."""
    from ..cache import reset_cache

    s = load_settings(config, cache_dir=cache_dir)
    try:
        n = reset_cache(s.cache_dir)
    except OSError as exc:
        die(f"cannot clear the cache at {s.cache_dir}: {exc.strerror or exc}; check that the folder is writable",
            code=ExitCode.STOPPED)
    if n is None:
        err_console.print(f"reset the unreadable cache at {s.cache_dir} (its files were removed)", highlight=False, markup=False)
    else:
        err_console.print(f"removed {n} cached answer(s) from {s.cache_dir}", highlight=False, markup=False)


@app.command()
def loopback(
    recordings: Annotated[Path | None, typer.Option("--recordings", help="Folder of recordings to replay.")] = Path("fixtures/recordings"),
    port: Annotated[int, typer.Option("--port")] = 8765,
    latency: Annotated[float, typer.Option("--latency", help="Seconds added to every answer.")] = 0.0,
    rpm: Annotated[int | None, typer.Option("--rpm", min=1, help="Requests/min before answering 429.")] = None,
    rps: Annotated[int | None, typer.Option("--rps", min=1, help="Requests/s before answering 429 (strict providers' per-second limit).")] = None,
    tpm: Annotated[int | None, typer.Option("--tpm", min=1, help="Tokens/min (prompt on arrival, completion when sent) before answering 429.")] = None,
    window: Annotated[str, typer.Option("--window", help="How limits are counted: sliding (the last 1 s / 60 s) or fixed (calendar buckets).")] = "sliding",
    upstream: Annotated[str | None, typer.Option("--upstream", help="Record: proxy misses to this real provider base URL.")] = None,
    record_to: Annotated[Path | None, typer.Option("--record-to", help="Folder for new recordings (secrets stripped).")] = None,
) -> None:
    """Run the loopback OpenAI-compatible provider on 127.0.0.1 (replay / record / faults)."""
    import time

    from ..loopback import LoopbackProvider
    from ..loopback.server import RunningProvider

    try:
        provider = LoopbackProvider(recordings, upstream=upstream, record_to=record_to, latency_s=latency,
                                    rpm_limit=rpm, rps_limit=rps, tpm_limit=tpm, window=window)
    except ValueError as exc:  # e.g. an unknown --window
        die(str(exc))
        return
    srv = RunningProvider(provider, port=port).start()
    err_console.print(f"loopback provider on {srv.base_url} ({len(provider.store)} recordings); Ctrl-C stops", highlight=False)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()


def main() -> None:
    import os
    import signal

    # Over a file-size limit (ulimit -f) the kernel sends SIGXFSZ, which kills the process
    # mid-line; ignored, the write fails with EFBIG and the batch stops cleanly instead. CPython
    # ignores it at start-up already; this keeps it so when an embedding host did not.
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        app()
    except KeyboardInterrupt:  # results already written are whole lines; batch --resume finishes the rest
        err_console.print("interrupted", highlight=False, markup=False)
        sys.exit(130)
    except Exception as exc:  # a bug: one clear line, not a traceback (SUMMARIZER_DEBUG=1 shows it)
        if os.environ.get("SUMMARIZER_DEBUG"):
            raise
        err_console.print(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug; please report it "
            "(rerun with SUMMARIZER_DEBUG=1 for the traceback).", highlight=False, markup=False,
        )
        sys.exit(70)


# Commands that live in their own modules (one module per command or group), registered here.
from .eval_cmd import eval_cmd  # noqa: E402
from .inspect_cmd import inspect  # noqa: E402
from .serve import serve  # noqa: E402

from .prompts_cmd import prompts_app  # noqa: E402

app.command()(inspect)
app.command()(serve)
app.add_typer(prompts_app, name="prompts")
app.command("eval")(eval_cmd)

from .export_cmd import export_cmd  # noqa: E402
from .report_cmd import report  # noqa: E402

app.command()(report)
app.command("export")(export_cmd)

from .batchapi_cmd import batch_status  # noqa: E402

app.command("batch-status")(batch_status)
