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

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from .faults import Fault, FaultPlan
from .ratelimit import PeakRate, ProviderLimits, Refusal
from .recordings import Recording, RecordingStore, request_key, safe_headers

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


def stream_chunks(payload: dict[str, Any], *, include_usage: bool) -> list[dict[str, Any]]:
    """A completion as the chat.completion.chunk events a streaming server sends."""
    base = {"id": payload.get("id", "chatcmpl-loopback"), "object": "chat.completion.chunk",
            "created": payload.get("created", int(time.time())), "model": payload.get("model", "loopback")}
    chunks = []
    for choice in payload.get("choices", []):
        message = choice.get("message", {})
        delta: dict[str, Any] = {"role": "assistant", "content": message.get("content")}
        if message.get("tool_calls"):
            delta["tool_calls"] = [{"index": i, **call} for i, call in enumerate(message["tool_calls"])]
        chunks.append({**base, "choices": [{"index": choice.get("index", 0), "delta": delta, "finish_reason": None}]})
        chunks.append({**base, "choices": [{"index": choice.get("index", 0), "delta": {}, "finish_reason": choice.get("finish_reason")}]})
    if include_usage and payload.get("usage"):
        chunks.append({**base, "choices": [], "usage": payload["usage"]})
    return chunks


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
    rate_limited_rps: int = 0
    rate_limited_rpm: int = 0
    rate_limited_tpm: int = 0
    peak_requests_per_s: int = 0  # most requests admitted within any 1-second sliding window
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
        rps_limit: int | None = None,
        tpm_limit: int | None = None,
        window: str = "sliding",
        required_key: str | None = None,
        upstream_timeout_s: float = 1800.0,
    ) -> None:
        self.store = recordings if isinstance(recordings, RecordingStore) else RecordingStore(recordings)
        self.record_store = RecordingStore(record_to) if record_to else None
        self.upstream = upstream.rstrip("/") if upstream else None
        self.upstream_timeout_s = upstream_timeout_s  # a local model on CPU takes minutes per answer
        self.responder = responder
        self.latency_s = latency_s
        self.rpm_limit = rpm_limit
        self.limits = ProviderLimits(rps=rps_limit, rpm=rpm_limit, tpm=tpm_limit, window=window)
        self._peak = PeakRate()
        self.required_key = required_key
        self.faults = FaultPlan()
        self.stats = Stats()
        self.app = web.Application(client_max_size=64 * 1024 * 1024)
        self.app.router.add_post("/v1/chat/completions", self._chat)
        self.app.router.add_get("/v1/models", self._models)
        self.app.router.add_get("/_loopback/stats", self._stats)
        self.app.router.add_post("/_loopback/faults", self._add_faults)
        from .batches import BatchEmulator  # the Batch API (/v1/files, /v1/batches) on the same app

        self.batches = BatchEmulator(self)
        if self.limits.counts_tokens:
            self.app.on_response_prepare.append(self._charge_completion)

    # ------------------------------------------------------------------ handlers

    async def _models(self, request: web.Request) -> web.Response:
        """Record mode: the upstream's models. Replay: the models the recordings were made with."""
        if self.upstream is not None:
            listed = await self._upstream_models()
            if listed is not None:
                return web.json_response(listed)
        names = sorted({r.model or "authored" for r in self.store.recordings()}) or ["authored"]
        return web.json_response({"object": "list", "data": [{"id": n, "object": "model"} for n in names]})

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats.as_dict())

    async def _add_faults(self, request: web.Request) -> web.Response:
        items = await request.json()
        self.faults.add(*(Fault.from_dict(d) for d in items))
        return web.json_response({"pending": self.faults.pending()})

    async def _rate_limited(self, request: web.Request) -> Refusal | None:
        """Why this request is over a limit (``ratelimit.ProviderLimits``), else None (counted)."""
        now = time.monotonic()
        if self.limits.active:
            prompt_tokens = 0
            if self.limits.counts_tokens:
                try:
                    prompt_tokens = estimate_tokens(_messages_text(await request.json()))
                except (json.JSONDecodeError, AttributeError, TypeError):
                    return None  # not a chat request: answered 400 below, counted nowhere
            refusal = self.limits.admit(now, prompt_tokens)
            if refusal is not None:
                return refusal
        self.stats.peak_requests_per_s = self._peak.add(now)
        return None

    async def _charge_completion(self, request: web.Request, response: web.StreamResponse) -> None:
        """Count an answer's completion tokens against the tokens/min limit when it is sent."""
        if request.path != "/v1/chat/completions" or response.status != 200 or not isinstance(response, web.Response):
            return
        try:
            tokens = json.loads(response.body)["usage"]["completion_tokens"]  # type: ignore[arg-type]
        except (TypeError, ValueError, KeyError):
            return
        self.limits.charge(time.monotonic(), int(tokens or 0))

    @staticmethod
    async def _reply(request: web.Request, body: dict[str, Any], payload: dict[str, Any], status: int = 200) -> web.StreamResponse:
        """The completion as JSON, or as server-sent events when the client asked to stream."""
        if not body.get("stream") or status != 200:
            return web.json_response(payload, status=status)
        response = web.StreamResponse(status=200, headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        for chunk in stream_chunks(payload, include_usage=bool((body.get("stream_options") or {}).get("include_usage"))):
            await response.write(b"data: " + json.dumps(chunk, ensure_ascii=False).encode("utf-8") + b"\n\n")
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response

    @staticmethod
    def _error(status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> web.Response:
        return web.json_response({"error": {"message": message, "type": kind, "code": kind}}, status=status, headers=headers)

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        self.stats.requests += 1
        if self.required_key is not None and request.headers.get("Authorization") != f"Bearer {self.required_key}":
            return self._error(401, "invalid API key", "invalid_api_key")
        refusal = await self._rate_limited(request)
        if refusal is not None:
            self.stats.rate_limited += 1
            counter = f"rate_limited_{refusal.limit}"
            setattr(self.stats, counter, getattr(self.stats, counter) + 1)
            return self._error(429, refusal.message, "rate_limit_exceeded", refusal.headers())
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
            if body.get("stream"):  # a stream that breaks off mid-event
                response = web.StreamResponse(status=200, headers={"Content-Type": "text/event-stream"})
                await response.prepare(request)
                await response.write(b'data: {"id": "broken", "choices": [ {"delta": ')
                await response.write_eof()
                return response
            return web.Response(status=200, text='{"id": "broken", "choices": [ {"message": ', content_type="application/json")
        if fault.kind == "truncated":
            good = self._recorded_content(body, key) or '{"summary": "The article says that the'
            cut = good[: max(1, len(good) // 2)]
            return await self._reply(request, body, completion_body(cut, model=model, prompt_text=text, finish_reason="length", request=body))
        if fault.kind == "invalid":
            bad = json.dumps({"summary": "", "speakers": [{"name": "X"}], "targets": "none"})
            return await self._reply(request, body, completion_body(bad, model=model, prompt_text=text, request=body))
        if fault.kind == "bad_quote":
            return await self._answer(request, body, key, text, quotes_invented=True)
        raise ValueError(f"unknown fault kind {fault.kind!r}")

    def _recorded_content(self, body: dict[str, Any], key: str) -> str | None:
        rec = self.store.get(key)
        if rec is None or not rec.responses:
            return None
        resp = rec.responses[-1]
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
            resp = rec.responses[-1]
            payload = json.loads(json.dumps(resp["body"]))  # a copy: faults may edit it
            if quotes_invented:
                msg = payload["choices"][0]["message"]
                if msg.get("content"):
                    msg["content"] = _replace_quotes(msg["content"])
                for call in msg.get("tool_calls") or []:
                    call["function"]["arguments"] = _replace_quotes(call["function"]["arguments"])
            return await self._reply(request, body, payload, resp.get("status", 200))
        if self.responder is not None:
            content = self.responder(body)
            if content is not None:
                if quotes_invented:
                    content = _replace_quotes(content)
                payload = completion_body(content, model=body.get("model", "authored"), prompt_text=text, request=body)
                self._keep(Recording(key, "authored", body, [{"status": 200, "headers": {"content-type": "application/json"}, "body": payload}]))
                return await self._reply(request, body, payload)
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
        """Forward a miss to the real provider (re-asks and follow-ups too: each conversation has
        its own key) and record its answer. The upstream is asked without streaming so the
        recording holds the whole completion with the usage the provider really counted."""
        headers = {"Content-Type": "application/json"}
        auth = request.headers.get("Authorization")
        if auth:
            headers["Authorization"] = auth  # forwarded, never stored
        upstream_body = {k: v for k, v in body.items() if k not in ("stream", "stream_options")}
        try:
            async with ClientSession(timeout=ClientTimeout(total=self.upstream_timeout_s)) as session:
                async with session.post(f"{self.upstream}/chat/completions", json=upstream_body, headers=headers) as up:
                    status = up.status
                    resp_headers = safe_headers(up.headers)
                    payload = await up.json(content_type=None)
        except (ClientError, asyncio.TimeoutError, json.JSONDecodeError) as exc:  # the upstream went away: a 502, not a crash
            return self._error(502, f"loopback recorder: upstream {self.upstream} failed: {type(exc).__name__}: {exc}", "upstream_error")
        if status == 200:
            self._keep(
                Recording(key, "recorded", upstream_body, [{"status": status, "headers": resp_headers, "body": payload}],
                          model=payload.get("model"))
            )
        return await self._reply(request, body, payload, status)

    async def _upstream_models(self) -> dict[str, Any] | None:
        try:
            async with ClientSession(timeout=ClientTimeout(total=30)) as session:
                async with session.get(f"{self.upstream}/models") as up:
                    return await up.json(content_type=None) if up.status == 200 else None
        except Exception:  # noqa: BLE001 - an unreachable upstream shows as no models, not a crash
            return None

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
