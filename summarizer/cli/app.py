"""Commands: summarize, batch, cache, schema, loopback."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..intake import IntakeError, iter_sources, read_path
from ..llm import LLMError
from ..pipeline import Pipeline
from ..schema import schema_json
from .common import (
    BaseUrlOpt,
    CacheDirOpt,
    ConfigOpt,
    ModelOpt,
    NoCacheOpt,
    OutputLangOpt,
    ProviderOpt,
    ReplayOpt,
    RequireGroundingOpt,
    die,
    err_console,
    load_settings,
    provider_context,
    provider_settings,
)

app = typer.Typer(
    name="summarizer",
    help="Grounded, schema-validated structured summaries of policy news (zh-Hans, zh-Hant, en).",
    no_args_is_help=True,
    add_completion=False,
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
) -> None:
    """Summarize one article; print the ArticleSummary as JSON."""
    settings = provider_settings(
        config, provider=provider, base_url=base_url, model=model, cache_dir=cache_dir, no_cache=no_cache,
        output_language=output_language, require_grounding=require_grounding,
    )
    try:
        if str(file) == "-":
            from ..intake import from_bytes

            document = from_bytes(sys.stdin.buffer.read(), name="<stdin>", max_bytes=settings.max_input_bytes)
        else:
            document = read_path(file, max_bytes=settings.max_input_bytes)
    except IntakeError as exc:
        die(str(exc))

    async def go(s):  # noqa: ANN001
        pipeline = Pipeline(s)
        try:
            return await pipeline.run(document)
        finally:
            await pipeline.close()

    with provider_context(settings, replay) as s:
        try:
            result = asyncio.run(go(s))
        except LLMError as exc:
            die(f"{file}: {exc}", code=1)
    _write_json(result.model_dump_json(indent=2), output)
    for w in result.meta.warnings:
        err_console.print(f"[yellow]warning:[/] {w}", highlight=False)


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
) -> None:
    """Summarize many articles into a JSONL file; failures go to an errors file with the reason."""
    from ..batch import count_inputs, run_batch

    settings = provider_settings(
        config, provider=provider, base_url=base_url, model=model, cache_dir=cache_dir, no_cache=no_cache,
        output_language=output_language, require_grounding=require_grounding, concurrency=concurrency,
    )
    errors = errors or output.with_name(output.stem + ".errors.jsonl")
    total = count_inputs(inputs) if progress else None  # cheap: file counts and JSONL lines
    sources = iter_sources(inputs, max_bytes=settings.max_input_bytes, lazy=True)
    with provider_context(settings, replay) as s:
        bar = Progress(
            TextColumn("[bold]summarizing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[last]}"),
            TimeElapsedColumn(), console=err_console, disable=not progress, transient=False,
        )
        with bar:
            task = bar.add_task("batch", total=total, last="")

            def done(name: str, ok: bool) -> None:
                bar.update(task, advance=1, last=("" if ok else "[red]failed: ") + Path(name).name)

            def skipped(name: str) -> None:
                bar.update(task, advance=1, last="[dim]already done")

            async def go():  # noqa: ANN202
                pipeline = Pipeline(s)
                try:
                    return await run_batch(
                        pipeline, sources, results=output, errors=errors, concurrency=s.concurrency,
                        rpm=rpm, tpm=tpm, resume=resume, on_done=done, on_skip=skipped,
                    )
                finally:
                    await pipeline.close()

            report = asyncio.run(go())
    err_console.print(report.line(), highlight=False)
    if summary_json is not None:
        summary_json.parent.mkdir(parents=True, exist_ok=True)
        summary_json.write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if report.failed:
        err_console.print(f"failures written to {errors}", highlight=False)
    if report.total == 0 and report.skipped == 0:
        die("no articles found in the given inputs")
    raise typer.Exit(1 if report.failed and not report.ok else 0)


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the schema here instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of ArticleSummary (the contract for other apps)."""
    _write_json(schema_json(), output)


@cache_app.command("stats")
def cache_stats(config: ConfigOpt = None, cache_dir: CacheDirOpt = None) -> None:
    """Entries and size of the cache."""
    from ..cache import ResultCache

    s = load_settings(config, cache_dir=cache_dir)
    cache = ResultCache(s.cache_dir)
    try:
        sys.stdout.write(json.dumps(cache.stats(), indent=2) + "\n")
    finally:
        cache.close()


@cache_app.command("clear")
def cache_clear(config: ConfigOpt = None, cache_dir: CacheDirOpt = None) -> None:
    """Remove every cached answer."""
    from ..cache import ResultCache

    s = load_settings(config, cache_dir=cache_dir)
    cache = ResultCache(s.cache_dir)
    try:
        n = cache.clear()
    finally:
        cache.close()
    err_console.print(f"removed {n} cached answer(s) from {s.cache_dir}", highlight=False)


@app.command()
def loopback(
    recordings: Annotated[Path | None, typer.Option("--recordings", help="Folder of recordings to replay.")] = Path("fixtures/recordings"),
    port: Annotated[int, typer.Option("--port")] = 8765,
    latency: Annotated[float, typer.Option("--latency", help="Seconds added to every answer.")] = 0.0,
    rpm: Annotated[int | None, typer.Option("--rpm", help="Requests/min before answering 429.")] = None,
    upstream: Annotated[str | None, typer.Option("--upstream", help="Record: proxy misses to this real provider base URL.")] = None,
    record_to: Annotated[Path | None, typer.Option("--record-to", help="Folder for new recordings (secrets stripped).")] = None,
) -> None:
    """Run the loopback OpenAI-compatible provider on 127.0.0.1 (replay / record / faults)."""
    import time

    from ..loopback import LoopbackProvider
    from ..loopback.server import RunningProvider

    provider = LoopbackProvider(recordings, upstream=upstream, record_to=record_to, latency_s=latency, rpm_limit=rpm)
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
    app()


# Commands that live in their own modules (one module per command or group), registered here.
from .inspect_cmd import inspect  # noqa: E402
from .serve import serve  # noqa: E402

app.command()(inspect)
app.command()(serve)
