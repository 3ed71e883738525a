"""Request bodies checked before the app parses them: size, media type, UTF-8.

ASGI middleware, so it holds for any server: a body over ``max_bytes`` gets 413 whether
Content-Length says so or the stream does (read at most ``max_bytes``, then replayed to the app);
a POST/PUT/PATCH that is not declared JSON gets 415 (FastAPI would otherwise validate the raw
bytes and answer "Input should be a valid dictionary"; strict on a missing Content-Type as
FastAPI is, which keeps cross-site form posts out); a body that is not UTF-8 gets 400 naming the
first bad byte, instead of FastAPI's bare "There was an error parsing the body".
Slow bodies are cut by the server's body deadline (``server.py``), not here.
"""

from __future__ import annotations

import asyncio
from email.message import Message
from typing import Any

from .render import json_bytes

Scope = dict[str, Any]

# Decoding a body this large takes milliseconds: done in a worker thread to keep the loop free.
_OFFLOAD_BYTES = 1 << 20


def is_json_media_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    m = Message()
    m["content-type"] = content_type
    subtype = m.get_content_subtype()
    return m.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


def utf8_problem(data: bytes) -> str | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"request body is not UTF-8 JSON: {exc.reason} at position {exc.start}; send JSON encoded as UTF-8"
    return None


class RequestBodyGuard:
    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _reject(send, 413, self._too_large(), "too_large")
            return
        chunks, size = [], 0
        while True:  # read (at most max_bytes) up front, then replay it to the app
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await _reject(send, 413, self._too_large(), "too_large")
                return
            chunks.append(body)
            if not message.get("more_body"):
                break
        data, replayed = b"".join(chunks), False
        if data:
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            if not is_json_media_type(content_type):
                got = f"got {content_type!r}" if content_type else "no Content-Type was sent"
                await _reject(send, 415, f"request body must be JSON: send it with Content-Type: application/json ({got})", "request")
                return
            problem = await asyncio.to_thread(utf8_problem, data) if len(data) > _OFFLOAD_BYTES else utf8_problem(data)
            if problem is not None:
                await _reject(send, 400, problem, "request")
                return

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return (f"request body is over the {self.max_bytes}-byte limit; send fewer or smaller articles "
                "(or raise `summarizer serve --max-body-bytes`)")


async def _reject(send: Any, status: int, detail: str, kind: str) -> None:
    body = json_bytes({"detail": detail, "kind": kind})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 413:
        headers.append((b"connection", b"close"))  # the rest of the body is unread
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
