"""Every error the HTTP API can answer, as ``{"detail": <message>, "kind": <kind>}``.

* a body that is not JSON, not UTF-8, or nested too deeply: 400 ``request`` (the parser's reason
  and position); a body of the wrong type or with missing fields: 422 ``request``;
* an article intake refuses (empty, binary, ...): 422 ``input``; one over a size or cost cap
  (``InputTooLarge``): 413 ``too_large``; the provider failing: 502;
* anything else is a bug: ``CatchAll`` answers 500 ``internal`` with an incident id and logs one
  ERROR line (id, route, exception, where it was raised) that an operator can match with the
  caller's report; the full traceback goes to DEBUG. Input never gets there: every input error
  above is an expected outcome and is not logged with a traceback.

Messages are rendered with ``SafeJSONResponse`` so echoing odd client text cannot fail, and
validation errors never echo the (possibly megabytes long) input back.
"""

from __future__ import annotations

import json
import logging
import traceback
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..intake import IntakeError
from ..intake.errors import InputTooLarge
from ..llm import LLMError
from .core import error_kind
from .render import SafeJSONResponse, json_bytes

log = logging.getLogger("summarizer.service")

Scope = dict[str, Any]

_KIND_BY_STATUS = {401: "auth", 404: "not_found", 405: "request", 408: "timeout", 413: "too_large", 415: "request", 503: "overloaded"}


def problem(status: int, detail: str, kind: str, headers: dict[str, str] | None = None) -> SafeJSONResponse:
    return SafeJSONResponse({"detail": detail, "kind": kind}, status_code=status, headers=headers)


def _where(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def describe_validation(errors: Sequence[dict[str, Any]]) -> tuple[int, str]:
    """Status and one readable message for FastAPI's validation errors."""
    for e in errors:
        if e.get("type") == "json_invalid":
            loc = e.get("loc") or ()
            pos = f" at position {loc[1]}" if len(loc) > 1 else ""
            reason = (e.get("ctx") or {}).get("error", "invalid JSON")
            return 400, f"request body is not valid JSON: {reason}{pos}; send one JSON object"
    if any(e.get("type") == "missing" and tuple(e.get("loc") or ()) == ("body",) for e in errors):
        return 422, 'request body is empty: send a JSON object such as {"text": "..."}'
    shown = [f"{_where(e.get('loc') or ())}: {e.get('msg', 'invalid')}" for e in errors[:10]]
    more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
    return 422, "invalid request: " + "; ".join(shown) + more


def _cause(exc: BaseException) -> str | None:
    """Why FastAPI could not parse a body (it wraps the parser's exception in a bare 400)."""
    cause = exc.__cause__
    if isinstance(cause, UnicodeDecodeError):
        return f"request body is not UTF-8 JSON: {cause.reason} at position {cause.start}"
    if isinstance(cause, RecursionError):
        return "request body is not usable JSON: nested too deeply"
    if isinstance(cause, json.JSONDecodeError):
        return f"request body is not valid JSON: {cause.msg} at position {cause.pos}"
    return None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> SafeJSONResponse:
        status, message = describe_validation(exc.errors())
        return problem(status, message, "request")

    @app.exception_handler(InputTooLarge)
    async def _too_large(request: Request, exc: InputTooLarge) -> SafeJSONResponse:
        return problem(413, str(exc), "too_large")

    @app.exception_handler(IntakeError)
    async def _intake(request: Request, exc: IntakeError) -> SafeJSONResponse:
        return problem(422, str(exc), "input")

    @app.exception_handler(LLMError)
    async def _llm(request: Request, exc: LLMError) -> SafeJSONResponse:
        return problem(502, str(exc), error_kind(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> SafeJSONResponse:
        detail = _cause(exc) if exc.status_code == 400 else None
        return problem(
            exc.status_code, detail or str(exc.detail), _KIND_BY_STATUS.get(exc.status_code, "request"),
            headers=getattr(exc, "headers", None),
        )


def _printable(text: str, limit: int = 300) -> str:
    """Text fit for a log line: bounded, and no lone surrogate to break the log handler."""
    text = text if len(text) <= limit else text[:limit] + "..."
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class CatchAll:
    """Outermost guard: a bug becomes a JSON 500 with an incident id and one log line, instead of
    Starlette re-raising it to the server (which logs a bare traceback and answers text/plain)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            incident = uuid.uuid4().hex[:12]
            frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
            at = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}" if frame else ""
            log.error("internal error %s on %s %s: %s: %s%s", incident, scope.get("method"), scope.get("path"),
                      type(exc).__name__, _printable(str(exc)), at)
            log.debug("internal error %s traceback", incident, exc_info=exc)
            if started:
                return  # the response is cut short; the server closes the connection
            body = json_bytes({"detail": f"internal error; quote incident {incident} when reporting it",
                               "kind": "internal", "incident": incident})
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
