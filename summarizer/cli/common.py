"""Options shared by the commands, and the replay context that points them at recordings."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..settings import ConfigError, Settings

err_console = Console(stderr=True)

ConfigOpt = Annotated[Path | None, typer.Option("--config", help="TOML settings file ([summarizer] table or top level).")]
ProviderOpt = Annotated[str | None, typer.Option("--provider", help="openai, deepseek, qwen, ollama, vllm, llamacpp, custom.")]
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


def die(message: str, code: int = 2) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


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

    Flags left unset (None / False) fall through to the environment and the TOML file.
    """
    return load_settings(
        config, provider=provider, base_url=base_url, model=model, cache_dir=cache_dir,
        cache_enabled=False if no_cache else None, output_language=output_language,
        require_grounding=require_grounding or None, **extra,
    )


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
    if not replay.is_dir():
        die(f"--replay {replay}: not a folder of recordings")
    from ..loopback import LoopbackProvider, running

    provider = LoopbackProvider(replay)
    if not len(provider.store):
        die(f"--replay {replay}: no recordings found (*.json with key/responses)")
    with running(provider) as srv:
        yield settings.model_copy(
            update={
                "provider": "replay",
                "base_url": srv.base_url,
                "endpoint_label": f"replay:{replay.resolve()}",
                "model": settings.model if settings.provider == "replay" else None,
            }
        )
