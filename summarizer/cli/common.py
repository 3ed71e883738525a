"""Options shared by the commands, and the replay context that points them at recordings."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from ..settings import ConfigError, Settings

err_console = Console(stderr=True, soft_wrap=True)  # a one-line message stays one line in pipes and CI

# no square brackets in help texts: rich reads "[summarizer]" as markup and drops it
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="TOML settings file (keys in a 'summarizer' table, or at top level).")]
ProviderOpt = Annotated[
    str | None,
    typer.Option("--provider", help="openai, deepseek, qwen, ollama, vllm, llamacpp, llama-cpp-python, custom, or rules (no model, no key)."),
]
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1.")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="Model name.")]
ReplayOpt = Annotated[
    Path | None,
    typer.Option("--replay", help="Answer from recordings in this folder via the loopback provider; no network."),
]
CacheDirOpt = Annotated[Path | None, typer.Option("--cache-dir", help="Cache folder (default ~/.cache/summarizer).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
OutputLangOpt = Annotated[str | None, typer.Option("--output-language", help="Answer language (default: the article's).")]
RequireGroundingOpt = Annotated[bool, typer.Option("--require-grounding", help="Drop items whose quote is not found in the source.")]
TimeoutOpt = Annotated[
    float | None, typer.Option("--timeout", min=1, help="Seconds to wait for one answer (default: the profile's; 900 for local servers).")
]
ModeOpt = Annotated[
    str | None,
    typer.Option("--mode", help="How to ask for JSON: json, json_schema, json_object_schema, tools, md_json (default: the profile's)."),
]
PromptsOpt = Annotated[Path | None, typer.Option("--prompts", help="Folder of your own prompt templates (start: summarizer prompts export DIR).")]
PromptVariantOpt = Annotated[
    str | None, typer.Option("--prompt-variant", help="full (rules and a worked example) or compact (small models and context windows).")
]
NoGleanOpt = Annotated[bool, typer.Option("--no-glean", help="Do not ask again about target-like sentences no target covers.")]
NoGroundReaskOpt = Annotated[bool, typer.Option("--no-ground-reask", help="Do not ask again for quotes that are not in the article.")]
KeepTextOpt = Annotated[bool, typer.Option("--keep-text", help="Put the raw input into each record (article.raw_text), for reports.")]
CrossCheckOpt = Annotated[bool, typer.Option("--cross-check", help="Run the rules engine beside the model; differences go to meta.cross_check.")]


def model_flags(
    timeout: float | None = None,
    mode: str | None = None,
    prompts: Path | None = None,
    prompt_variant: str | None = None,
    no_glean: bool = False,
    no_ground_reask: bool = False,
    keep_text: bool = False,
    cross_check: bool = False,
) -> dict[str, Any]:
    """The settings the model flags set; flags left unset fall through to environment and file."""
    return dict(
        timeout_s=timeout, mode=mode, prompts_dir=prompts, prompt_variant=prompt_variant,
        glean=False if no_glean else None, ground_reask=False if no_ground_reask else None,
        keep_text=keep_text or None, cross_check=cross_check or None,
    )


class ExitCode(IntEnum):
    """Exit statuses of summarize and batch (README: "Exit codes")."""

    OK = 0
    ARTICLES_FAILED = 1  # some (batch) or the (summarize) article failed; details in the errors file
    USAGE = 2  # bad flag, config or input: nothing was done
    STOPPED = 3  # output not writable (disk full, file-size limit, read-only): stopped early, --resume finishes
    PROVIDER_UNREACHABLE = 4  # the provider did not answer the start-up probe: nothing was sent
    OUTPUT_LOCKED = 5  # another batch is writing the same results file: nothing was done


def require_reachable(settings: Settings) -> None:
    """Exit with PROVIDER_UNREACHABLE unless something answers at the provider's base URL."""
    from ..probe import probe

    url = settings.resolved_base_url()
    problem = probe(url, timeout=min(5.0, settings.resolved_timeout())) if url else None
    if problem:
        die(problem, code=ExitCode.PROVIDER_UNREACHABLE)


def die(message: str, code: int = 2) -> None:
    # escape: a name may hold "[...]"; soft_wrap: paths and commands stay on one line to copy
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    err_console.print(f"[yellow]warning:[/] {escape(message)}", highlight=False, soft_wrap=True)


def load_settings(config: Path | None, **flags: Any) -> Settings:
    try:
        return Settings.load(config, **flags)
    except ConfigError as exc:
        die(str(exc))
    except ValueError as exc:  # pydantic validation of a flag / env / file value
        die(f"invalid settings: {exc}")
    raise AssertionError


def provider_settings(
    config: Path | None,
    *,
    provider: str | None,
    base_url: str | None,
    model: str | None,
    cache_dir: Path | None,
    no_cache: bool,
    output_language: str | None,
    require_grounding: bool,
    **extra: Any,
) -> Settings:
    """Settings from the provider/cache/output flags shared by summarize, batch and serve.

    Flags left unset (None / False) fall through to the environment and the TOML file. Prompt
    templates of one's own are loaded and checked here: a broken edit is an error before any
    request is sent.
    """
    settings = load_settings(
        config, provider=provider, base_url=base_url, model=model, cache_dir=cache_dir,
        cache_enabled=False if no_cache else None, output_language=output_language,
        require_grounding=require_grounding or None, **extra,
    )
    if settings.prompts_dir is not None:
        from ..prompts import PromptError, load_prompts

        try:
            load_prompts(settings.prompts_dir, variant=settings.prompt_variant)
        except PromptError as exc:
            die(f"--prompts: {exc}")
    return settings


@contextlib.contextmanager
def provider_context(settings: Settings, replay: Path | None) -> Iterator[Settings]:
    """Yield usable settings: pointed at a loopback replay server when ``--replay`` is given."""
    if replay is None:
        try:
            settings.check_provider()
        except ConfigError as exc:
            die(str(exc))
        yield settings
        return
    from ..replay import replaying

    try:
        ctx = replaying(settings, replay)
        replayed = ctx.__enter__()
    except ConfigError as exc:
        die(str(exc))
    try:
        yield replayed
    except BaseException as exc:
        if not ctx.__exit__(type(exc), exc, exc.__traceback__):
            raise
    else:
        ctx.__exit__(None, None, None)
