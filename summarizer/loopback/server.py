"""The loopback provider: an aiohttp app speaking the chat-completions API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from .faults import Fault, FaultPlan
from .recordings import Recording, RecordingStore, answer_index, request_key, safe_headers

# Given a request body, return the assistant content to answer with (authoring), or None.
Responder = Callable[[dict[str, Any]], str | None]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def estimate_tokens(text: str) -> int:
    """Rough count for authored usage figures: one per Han character, one per 4 other chars."""
    han = len(_CJK.findall(text))
    return han + max(0, len(text) - han) // 4


def completion_body(
    content: str, *, model: str, prompt_text: str, finish_reason: str = "stop", request: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A chat completion carrying ``content``; as a tool call when the request asked for tools."""
    prompt_tokens = estimate_tokens(prompt_text)
    completion_tokens = estimate_tokens(content)
    message: dict[str, Any] = {"role": "assistant", "content": content}
    tools = (request or {}).get("tools")
    if tools:
        name = tools[0].get("function", {}).get("name", "answer")
        call = {"id": f"call_{uuid.uuid4().hex[:12]}", "type": "function", "function": {"name": name, "arguments": content}}
        message = {"role": "assistant", "content": None, "tool_calls": [call]}
    return {
        "id": f"chatcmpl-loopback-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": finish_reason}
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _messages_text(body: dict[str, Any]) -> str:
    parts = []
    for m in body.get("messages", []):
        c = m.get("content")
        parts.append(c if isinstance(c, str) else json.dumps(c, ensure_ascii=False))
    return "\n".join(parts)


def _replace_quotes(content: str) -> str:
    try:
        data = json.loads(content)
    except json.JSONDecodeError:
        return content
    for group in ("speakers", "goals", "targets", "initiatives"):
        for i, item in enumerate(data.get(group, []) or []):
            if isinstance(item, dict) and "quote" in item:
                item["quote"] = f"This sentence was invented by the provider and is not in the article #{i}."
    return json.dumps(data, ensure_ascii=False)


@dataclass
class Stats:
    requests: int = 0
    replayed: int = 0
    misses: int = 0
    faults: int = 0
    rate_limited: int = 0
    recorded: int = 0
    keys: collections.Counter = field(default_factory=collections.Counter)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "keys"} | {"distinct_keys": len(self.keys)}


class LoopbackProvider:
    def __init__(
        self,
        recordings: str | Path | RecordingStore | None = None,
        *,
        upstream: str | None = None,
        record_to: str | Path | None = None,
        responder: Responder | None = None,
        latency_s: float = 0.0,
        rpm_limit: int | None = None,
        required_key: str | None = None,
    ) -> None:
        self.store = recordings if isinstance(recordings, RecordingStore) else RecordingStore(recordings)
        self.record_store = RecordingStore(record_to) if record_to else None
        self.upstream = upstream.rstrip("/") if upstream else None
        self.responder = responder
        self.latency_s = latency_s
        self.rpm_limit = rpm_limit
        self.required_key = required_key
        self.faults = FaultPlan()
        self.stats = Stats()
        self._window: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.app.router.add_post("/v1/chat/completions", self._chat)
        self.app.router.add_get("/v1/models", self._models)
        self.app.router.add_get("/_loopback/stats", self._stats)
        self.app.router.add_post("/_loopback/faults", self._add_faults)

    # ------------------------------------------------------------------ handlers

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "authored", "object": "model"}]})

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats.as_dict())

    async def _add_faults(self, request: web.Request) -> web.Response:
        items = await request.json()
        self.faults.add(*(Fault.from_dict(d) for d in items))
        return web.json_response({"pending": self.faults.pending()})

    def _rate_limited(self) -> float | None:
        """Seconds until a slot frees when over the requests/min limit, else None (slot taken)."""
        if not self.rpm_limit:
            return None
        now = time.monotonic()
        with self._lock:
            while self._window and now - self._window[0] >= 60.0:
                self._window.popleft()
            if len(self._window) >= self.rpm_limit:
                return max(0.05, 60.0 - (now - self._window[0]))
            self._window.append(now)
        return None

    @staticmethod
    def _error(status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> web.Response:
        return web.json_response({"error": {"message": message, "type": kind, "code": kind}}, status=status, headers=headers)

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        self.stats.requests += 1
        if self.required_key is not None and request.headers.get("Authorization") != f"Bearer {self.required_key}":
            return self._error(401, "invalid API key", "invalid_api_key")
        wait = self._rate_limited()
        if wait is not None:
            self.stats.rate_limited += 1
            return self._error(429, "rate limit reached (requests per minute)", "rate_limit_exceeded", {"Retry-After": f"{wait:.2f}"})
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return self._error(400, "request body is not JSON", "invalid_request")
        text = _messages_text(body)
        key = request_key(body)
        self.stats.keys[key] += 1
        if self.latency_s:
            await asyncio.sleep(self.latency_s)

        fault = self.faults.take(text)
        if fault is not None:
            self.stats.faults += 1
            handled = await self._apply_fault(fault, request, body, key, text)
            if handled is not None:
                return handled

        return await self._answer(request, body, key, text, quotes_invented=False)

    async def _apply_fault(
        self, fault: Fault, request: web.Request, body: dict[str, Any], key: str, text: str
    ) -> web.StreamResponse | None:
        model = body.get("model", "loopback")
        if fault.kind == "status":
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else None
            return self._error(fault.status, fault.message or f"injected HTTP {fault.status}", "injected_fault", headers)
        if fault.kind == "delay":
            await asyncio.sleep(fault.delay_s)
            return None
        if fault.kind == "reset":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError  # aiohttp drops the connection, the client sees a reset
        if fault.kind == "malformed":
            return web.Response(status=200, text='{"id": "broken", "choices": [ {"message": ', content_type="application/json")
        if fault.kind == "truncated":
            good = self._recorded_content(body, key) or '{"summary": "The article says that the'
            cut = good[: max(1, len(good) // 2)]
            return web.json_response(completion_body(cut, model=model, prompt_text=text, finish_reason="length", request=body))
        if fault.kind == "invalid":
            bad = json.dumps({"summary": "", "speakers": [{"name": "X"}], "targets": "none"})
            return web.json_response(completion_body(bad, model=model, prompt_text=text, request=body))
        if fault.kind == "bad_quote":
            return await self._answer(request, body, key, text, quotes_invented=True)
        raise ValueError(f"unknown fault kind {fault.kind!r}")

    def _recorded_content(self, body: dict[str, Any], key: str) -> str | None:
        rec = self.store.get(key)
        if rec is None or not rec.responses:
            return None
        resp = rec.responses[min(answer_index(body), len(rec.responses) - 1)]
        try:
            return resp["body"]["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            return None

    async def _answer(
        self, request: web.Request, body: dict[str, Any], key: str, text: str, *, quotes_invented: bool
    ) -> web.StreamResponse:
        rec = self.store.get(key)
        if rec is not None and rec.responses:
            self.stats.replayed += 1
            resp = rec.responses[min(answer_index(body), len(rec.responses) - 1)]
            payload = json.loads(json.dumps(resp["body"]))  # a copy: faults may edit it
            if quotes_invented:
                msg = payload["choices"][0]["message"]
                if msg.get("content"):
                    msg["content"] = _replace_quotes(msg["content"])
                for call in msg.get("tool_calls") or []:
                    call["function"]["arguments"] = _replace_quotes(call["function"]["arguments"])
            return web.json_response(payload, status=resp.get("status", 200))
        if self.responder is not None:
            content = self.responder(body)
            if content is not None:
                if quotes_invented:
                    content = _replace_quotes(content)
                payload = completion_body(content, model=body.get("model", "authored"), prompt_text=text, request=body)
                self._keep(Recording(key, "authored", body, [{"status": 200, "headers": {"content-type": "application/json"}, "body": payload}]))
                return web.json_response(payload)
        if self.upstream is not None:
            return await self._proxy(request, body, key)
        self.stats.misses += 1
        return self._error(
            404,
            f"loopback provider: no recording for request {key} "
            f"(recordings: {self.store.directory or 'none'}; prompts or settings changed? "
            "re-author with `python -m summarizer.loopback.author`)",
            "recording_not_found",
        )

    async def _proxy(self, request: web.Request, body: dict[str, Any], key: str) -> web.StreamResponse:
        headers = {"Content-Type": "application/json"}
        auth = request.headers.get("Authorization")
        if auth:
            headers["Authorization"] = auth  # forwarded, never stored
        async with ClientSession(timeout=ClientTimeout(total=600)) as session:
            async with session.post(f"{self.upstream}/chat/completions", json=body, headers=headers) as up:
                status = up.status
                resp_headers = safe_headers(up.headers)
                payload = await up.json(content_type=None)
        if status == 200:
            self._keep(
                Recording(key, "recorded", body, [{"status": status, "headers": resp_headers, "body": payload}], model=payload.get("model"))
            )
        return web.json_response(payload, status=status)

    def _keep(self, rec: Recording) -> None:
        self.stats.recorded += 1
        self.store.put(rec)
        if self.record_store is not None:
            self.record_store.put(rec)


class RunningProvider:
    """A ``LoopbackProvider`` serving on 127.0.0.1 from a background thread."""

    def __init__(self, provider: LoopbackProvider, port: int = 0) -> None:
        self.provider = provider
        self._port = port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="loopback-provider", daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "RunningProvider":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=30)
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.provider.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


@contextlib.contextmanager
def running(provider: LoopbackProvider | None = None, **kwargs: Any) -> Iterator[RunningProvider]:
    """``with running(LoopbackProvider(dir)) as srv: ... srv.base_url``"""
    srv = RunningProvider(provider or LoopbackProvider(**kwargs)).start()
    try:
        yield srv
    finally:
        srv.stop()
