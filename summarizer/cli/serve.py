"""``summarizer serve``: the HTTP API (summarizer.service.http) under uvicorn, with deadlines for
slow clients and a connection cap sized to the file-descriptor limit (summarizer.service.server)."""

from __future__ import annotations

import ipaddress
import os
from typing import Annotated

import typer

from .common import (
    BaseUrlOpt,
    CrossCheckOpt,
    KeepTextOpt,
    ModeOpt,
    NoGleanOpt,
    NoGroundReaskOpt,
    PromptsOpt,
    PromptVariantOpt,
    TimeoutOpt,
    model_flags,
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
    provider_context,
    provider_settings,
)

TOKEN_ENV = "SUMMARIZER_SERVICE_TOKEN"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: could resolve anywhere


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to bind; anything but loopback requires a token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port (0: any free port).")] = 8000,
    token: Annotated[
        str | None, typer.Option("--token", help=f"Bearer token required on /v1 and /metrics (default: ${TOKEN_ENV}).")
    ] = None,
    max_body_bytes: Annotated[int, typer.Option("--max-body-bytes", min=1024, help="Larger requests get 413.")] = 8 * 1024 * 1024,
    max_job_articles: Annotated[int, typer.Option("--max-job-articles", min=1, help="Articles per batch job.")] = 1000,
    max_connections: Annotated[
        int | None,
        typer.Option("--max-connections", min=1, help="Open client connections; beyond it new ones get 503 "
                     "(default: 1024, lowered to fit `ulimit -n`)."),
    ] = None,
    header_timeout: Annotated[
        float, typer.Option("--header-timeout", min=0.05, help="Seconds a client has to send its request headers.")
    ] = 10.0,
    body_timeout: Annotated[
        float, typer.Option("--body-timeout", min=0.05, help="Seconds a client has to send its request body.")
    ] = 60.0,
    concurrency: Annotated[int | None, typer.Option("--concurrency", "-c", min=1, help="Provider requests in flight.")] = None,
    rpm: Annotated[float | None, typer.Option("--rpm", min=0.001, help="Provider requests per minute.")] = None,
    tpm: Annotated[float | None, typer.Option("--tpm", min=1, help="Provider tokens per minute.")] = None,
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
    """Serve the HTTP API (POST /v1/summaries, /v1/jobs, GET /healthz, /metrics, /docs)."""
    from ..service.http import create_app
    from ..service.server import build_server, fd_limit, plan_limits

    token = token or os.environ.get(TOKEN_ENV) or None
    if token is None and not is_loopback(host):
        die(
            f"refusing to serve on {host} without authentication: pass --token or set {TOKEN_ENV} "
            "(binding to 127.0.0.1 needs no token)"
        )
    settings = provider_settings(
        config, provider=provider, base_url=base_url, model=model, cache_dir=cache_dir, no_cache=no_cache,
        output_language=output_language, require_grounding=require_grounding, concurrency=concurrency,
        **model_flags(timeout, mode, prompts, prompt_variant, no_glean, no_ground_reask, keep_text, cross_check),
    )
    try:
        plan = plan_limits(
            max_connections, header_timeout_s=header_timeout, body_timeout_s=body_timeout,
            descriptors=fd_limit(raise_soft=True), reserve=64 + settings.concurrency,
        )
    except ValueError as exc:
        die(str(exc))
    if plan.note:
        err_console.print(f"warning: {plan.note}", highlight=False)
    limits = plan.limits
    with provider_context(settings, replay) as s:
        # Settings, not a service: the app builds its service inside uvicorn's event loop
        # (the limiter and the HTTP client belong to it) and closes it on shutdown.
        app = create_app(s, token=token, max_body_bytes=max_body_bytes, max_job_articles=max_job_articles, rpm=rpm, tpm=tpm)
        where = f"http://{host}:{port}" if port else f"{host}, a free port (uvicorn prints which)"
        err_console.print(
            f"serving on {where} (docs /docs; auth {'on' if token else 'off'}; model {s.resolved_model()}; "
            f"at most {limits.max_connections} connections, headers within {limits.header_timeout_s:g} s, "
            f"bodies within {limits.body_timeout_s:g} s)",
            highlight=False,
        )
        # with port 0 only uvicorn's start-up line says which port was chosen
        server = build_server(
            app, host=host, port=port, limits=limits, on_close=app.state.metrics.connection_closed,
            log_level="info" if port == 0 else "warning",
        )
        server.run()
