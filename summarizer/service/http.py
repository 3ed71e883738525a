"""HTTP API over ``SummarizerService`` (FastAPI): summaries, batch jobs, health, metrics.

``create_app(settings_or_service, token=..., max_body_bytes=...)`` builds the app; run it with
any ASGI server (``summarizer serve`` uses uvicorn). OpenAPI docs at /docs and /openapi.json.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from .. import __version__
from ..intake import IntakeError
from ..llm import LLMError
from ..models import ArticleSummary
from ..settings import Settings
from .core import ArticleIn, SummarizerService, error_kind
from .jobs import JobStore, TooManyJobs
from .metrics import CONTENT_TYPE_LATEST, ServiceMetrics

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


class _BodyLimit:
    """Answers 413 for bodies over ``max_bytes``, whether Content-Length says so or the stream does."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, send)
            return
        chunks, size = [], 0
        while True:  # read (at most max_bytes) up front, then replay it to the app
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await self._reject(scope, send)
                return
            chunks.append(body)
            if not message.get("more_body"):
                break
        data, replayed = b"".join(chunks), False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, send: Any) -> None:
        body = json.dumps({"detail": f"request body is over the {self.max_bytes}-byte limit"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


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

    @app.exception_handler(IntakeError)
    async def _intake_error(request: Request, exc: IntakeError) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "kind": "input"}, status_code=422)

    @app.exception_handler(LLMError)
    async def _llm_error(request: Request, exc: LLMError) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "kind": error_kind(exc)}, status_code=502)

    @v1.post("/summaries", response_model=ArticleSummary, summary="Summarize one article")
    async def create_summary(article: ArticleIn) -> ArticleSummary:
        return await service().summarize(article)

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
    async def get_job(job_id: str, results: bool = True) -> dict[str, Any]:
        job = state["jobs"].get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id!r} (unknown or evicted)")
        return job.view(include_results=results)

    @app.get("/healthz", summary="Liveness and configuration")
    async def healthz() -> dict[str, Any]:
        return {**service().health(), "version": __version__}

    @app.get("/metrics", dependencies=auth, summary="Prometheus metrics", response_class=Response)
    async def prometheus() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    app.include_router(v1)
    app.add_middleware(_BodyLimit, max_bytes=max_body_bytes)  # type: ignore[arg-type]
    app.add_middleware(_Metrics, metrics=metrics)  # type: ignore[arg-type]  # outermost: counts 413s too
    return app
