"""HTTP API over ``SummarizerService`` (FastAPI): summaries, batch jobs, health, metrics.

``create_app(settings_or_service, token=..., max_body_bytes=...)`` builds the app; run it with
any ASGI server (``summarizer serve`` runs it with ``server.build_server``: deadlines for slow
clients and a connection cap). OpenAPI docs at /docs and /openapi.json.

Middleware, outermost first: metrics (counts every answer) -> ``errors.CatchAll`` (a bug is a
JSON 500, never a bare traceback) -> ``body.RequestBodyGuard`` (size, JSON media type, UTF-8).
Large summaries and job results are encoded in a worker thread (``render.json_response``).
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from .. import __version__
from ..models import ArticleSummary
from ..settings import Settings
from .body import RequestBodyGuard
from .core import ArticleIn, SummarizerService
from .errors import CatchAll, install_error_handlers
from .jobs import Job, JobStore, TooManyJobs
from .metrics import CONTENT_TYPE_LATEST, ServiceMetrics
from .render import json_bytes, json_response

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[dict[str, Any]]], Callable[[dict[str, Any]], Awaitable[None]]], Awaitable[None]]


class JobCreate(BaseModel):
    articles: list[ArticleIn] = Field(min_length=1, description="Articles to summarize in the background.")


class JobResult(BaseModel):
    index: int
    id: str | None = None
    summary: ArticleSummary


class JobError(BaseModel):
    index: int
    id: str | None = None
    error: str
    kind: str | None = None


class JobOut(BaseModel):
    id: str
    status: str
    total: int
    done: int
    ok: int
    failed: int
    created: float
    finished: float | None = None
    results: list[JobResult] | None = None
    errors: list[JobError] | None = None


class _Metrics:
    """Counts every request by route template (never the raw path: bounded label values)."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def capture(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.http_requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.http_latency.labels(route).observe(time.perf_counter() - started)


def _auth(token: str | None) -> Callable[..., Awaitable[None]]:
    bearer = HTTPBearer(auto_error=False, description="Bearer token (summarizer serve --token / SUMMARIZER_SERVICE_TOKEN).")

    async def check(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        if token is None:
            return
        given = creds.credentials if creds is not None and creds.scheme.lower() == "bearer" else ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPException(401, "missing or invalid bearer token", headers={"WWW-Authenticate": "Bearer"})

    return check


def create_app(
    settings_or_service: Settings | SummarizerService,
    *,
    token: str | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_job_articles: int = 1000,
    max_jobs: int = 100,
    rpm: float | None = None,
    tpm: float | None = None,
) -> FastAPI:
    """The HTTP app. Given ``Settings`` it builds its service (with ``rpm``/``tpm`` pacing) in its
    own event loop and closes it on shutdown; given a service, the caller keeps ownership.
    ``token``: require ``Authorization: Bearer <token>`` on /v1 and /metrics."""
    owned = isinstance(settings_or_service, Settings)
    metrics = settings_or_service.metrics if isinstance(settings_or_service, SummarizerService) else ServiceMetrics()
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Built inside the server's loop: the limiter and the HTTP client belong to it.
        service = SummarizerService(settings_or_service, rpm=rpm, tpm=tpm, metrics=metrics) if owned else settings_or_service
        state["service"], state["jobs"] = service, JobStore(service, max_jobs=max_jobs)  # type: ignore[arg-type]
        try:
            yield
        finally:
            await state["jobs"].aclose()
            if owned:
                await service.aclose()  # type: ignore[union-attr]

    app = FastAPI(
        title="summarizer",
        version=__version__,
        description="Grounded, schema-validated structured summaries of policy news (zh-Hans, zh-Hant, en).",
        lifespan=lifespan,
    )
    auth = [Depends(_auth(token))]
    v1 = APIRouter(prefix="/v1", dependencies=auth)

    def service() -> SummarizerService:
        return state["service"]

    app.state.metrics = metrics  # for the server's connection-limit counter (summarizer serve)
    install_error_handlers(app)

    @v1.post(
        "/summaries", response_model=ArticleSummary, summary="Summarize one article",
        responses={413: {"description": "Article over the input-size limit or the per-article cost cap"},
                   422: {"description": "Article refused by intake (empty, binary) or invalid request"}},
    )
    async def create_summary(article: ArticleIn) -> Response:
        return await json_response(await service().summarize(article))

    @v1.post("/jobs", status_code=202, response_model=JobOut, response_model_exclude_none=True, summary="Start a batch job")
    async def create_job(body: JobCreate) -> dict[str, Any]:
        if len(body.articles) > max_job_articles:
            raise HTTPException(413, f"a job holds at most {max_job_articles} articles, got {len(body.articles)}")
        try:
            job = state["jobs"].submit(body.articles)
        except TooManyJobs as exc:
            raise HTTPException(503, str(exc), headers={"Retry-After": "5"}) from None
        return job.view(include_results=False)

    @v1.get("/jobs/{job_id}", response_model=JobOut, response_model_exclude_none=True, summary="A job's status and results")
    async def get_job(job_id: str, results: bool = True) -> Response:
        job = state["jobs"].get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id!r} (unknown or evicted)")
        # a finished job may hold a thousand summaries: built and encoded off the event loop
        body = await asyncio.to_thread(_job_body, job, results)
        return Response(body, media_type="application/json")

    @app.get("/healthz", summary="Liveness and configuration")
    async def healthz() -> dict[str, Any]:
        return {**service().health(), "version": __version__}

    @app.get("/metrics", dependencies=auth, summary="Prometheus metrics", response_class=Response)
    async def prometheus() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    app.include_router(v1)
    app.add_middleware(RequestBodyGuard, max_bytes=max_body_bytes)  # type: ignore[arg-type]
    app.add_middleware(CatchAll)  # type: ignore[arg-type]
    app.add_middleware(_Metrics, metrics=metrics)  # type: ignore[arg-type]  # outermost: counts 413s and 500s too
    return app


def _job_body(job: Job, include_results: bool) -> bytes:
    """The job's JSON, its envelope without null fields (summaries keep theirs, as /v1/summaries)."""
    view = {k: v for k, v in job.view(include_results=include_results).items() if v is not None}
    for key in ("results", "errors"):
        if key in view:
            view[key] = [{k: v for k, v in item.items() if v is not None} for item in view[key]]
    return json_bytes(view)
