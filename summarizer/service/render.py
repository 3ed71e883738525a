"""JSON response bodies that cannot fail on odd text, and rendering of large ones off the event loop.

Starlette's and Pydantic's JSON encoders raise on a lone surrogate (``"\\ud800"`` is legal in JSON
and arrives from clients, but UTF-8 cannot carry it), which turned a 422 echoing such input into
a 500. Here such text is written as a JSON ``\\udXXX`` escape instead: still valid JSON, still
the caller's value. A summary of a long article is a large document: it is encoded in a worker
thread so that other requests (``/healthz``) are answered meanwhile.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pydantic_core
from fastapi.responses import JSONResponse
from starlette.responses import Response


def json_bytes(content: Any) -> bytes:
    """``content`` (models, dicts, lists, ...) as compact UTF-8 JSON; never raises on text."""
    try:
        return pydantic_core.to_json(content)  # fast path (Rust); raises on a lone surrogate
    except pydantic_core.PydanticSerializationError:
        plain = pydantic_core.to_jsonable_python(content)
        return json.dumps(plain, ensure_ascii=True, separators=(",", ":")).encode("ascii")


class SafeJSONResponse(JSONResponse):
    """``JSONResponse`` whose rendering cannot fail on text (see ``json_bytes``)."""

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


async def json_response(content: Any, status_code: int = 200, *, offload: bool = True) -> Response:
    """A JSON response encoded in a worker thread (``offload``): keeps the event loop free."""
    body = await asyncio.to_thread(json_bytes, content) if offload else json_bytes(content)
    return Response(body, status_code=status_code, media_type="application/json")
