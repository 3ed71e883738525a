"""The provider Batch API on the loopback provider: ``/v1/files`` and ``/v1/batches``.

Emulates OpenAI's Batch API closely enough for the openai SDK's ``files.create``,
``files.list``, ``files.content``, ``batches.create``, ``batches.retrieve``, ``batches.list``
and ``batches.cancel`` to run against it unchanged, so the batch-API path is tested offline
over real HTTP. The objects it returns are the SDK's own types (``openai.types.Batch``,
``FileObject``) dumped to JSON; the input and output line formats are OpenAI's:

* input line: ``{"custom_id", "method": "POST", "url": "/v1/chat/completions", "body"}``
* output line: ``{"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error": null}``
* error-file line: the same with a non-200 ``response`` (a per-request error), or
  ``"response": null`` and ``"error": {"code", "message"}`` (``batch_expired``).

A batch goes ``validating -> in_progress -> finalizing -> completed`` over ``completion_s``
seconds (the provider's stated completion time), answering its requests evenly over that time
with the provider's own answers (recordings, then the responder) and its fault plan
(``status`` faults become per-request errors, ``invalid`` and ``bad_quote`` change the answer).
A batch that breaks the per-batch limits (``max_requests``, ``max_bytes``), or whose input file
is malformed, ends ``failed`` with ``errors``. ``cancel`` stops it (``cancelling`` ->
``cancelled``, the answered requests in the output file, the rest in neither file, as OpenAI
does). ``BatchFaults`` makes the next batches fail validation or expire part way (the rest
in the error file as ``batch_expired``). Batch requests do not count against the online
rate limits: providers give batches their own, much higher, limits.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web
from openai.types import Batch, FileObject

from .recordings import request_key

try:  # which recorded answer a request gets: the server's own rule, where it has one
    from .recordings import answer_index
except ImportError:  # older recordings module: the last answer
    answer_index = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from .server import LoopbackProvider

ENDPOINT = "/v1/chat/completions"
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})


def _hex() -> str:
    return uuid.uuid4().hex[:24]


@dataclass
class StoredFile:
    id: str
    filename: str
    purpose: str
    data: bytes
    created_at: int

    def obj(self) -> dict[str, Any]:
        return FileObject(
            id=self.id, bytes=len(self.data), created_at=self.created_at, filename=self.filename,
            object="file", purpose=self.purpose, status="processed",  # type: ignore[arg-type]
        ).model_dump(mode="json")


@dataclass
class BatchFaults:
    """What the next batches meet (tests): validation failures, expiry part way."""

    fail_next: int = 0  # the next N batches end "failed" (as if the provider refused them)
    expire_after: int | None = None  # the next batch expires after answering this many requests
    stall: bool = False  # batches stay in_progress until released (tests that kill the client)


@dataclass
class BatchJob:
    id: str
    input_file_id: str
    endpoint: str
    completion_window: str
    metadata: dict[str, str] | None
    created_at: int
    status: str = "validating"
    total: int = 0
    completed: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    output_file_id: str | None = None
    error_file_id: str | None = None
    times: dict[str, int] = field(default_factory=dict)  # in_progress_at, completed_at, ...
    cancel_requested: bool = False
    expire_after: int | None = None
    fail: bool = False

    def obj(self) -> dict[str, Any]:
        batch = Batch(
            id=self.id, object="batch", endpoint=self.endpoint, completion_window=self.completion_window,
            input_file_id=self.input_file_id, created_at=self.created_at, status=self.status,  # type: ignore[arg-type]
            expires_at=self.created_at + 24 * 3600, metadata=self.metadata,
            output_file_id=self.output_file_id, error_file_id=self.error_file_id,
            errors={"object": "list", "data": self.errors} if self.errors else None,  # type: ignore[arg-type]
            request_counts={"total": self.total, "completed": self.completed, "failed": self.failed},  # type: ignore[arg-type]
            **self.times,  # type: ignore[arg-type]
        )
        return batch.model_dump(mode="json")


@dataclass
class BatchStats:
    files_uploaded: int = 0
    bytes_uploaded: int = 0
    batches_created: int = 0
    batch_requests: int = 0  # requests answered (or failed) inside batches
    retrieves: int = 0
    cancels: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class BatchEmulator:
    """Files and batches in memory, processed on the provider's event loop."""

    def __init__(
        self,
        provider: "LoopbackProvider",
        *,
        completion_s: float = 1.0,
        max_requests: int = 50_000,
        max_bytes: int = 200 * 1024 * 1024,
    ) -> None:
        self.provider = provider
        self.completion_s = completion_s  # the provider's stated time to finish one batch
        self.max_requests = max_requests
        self.max_bytes = max_bytes
        self.faults = BatchFaults()
        self.stats = BatchStats()
        self.files: dict[str, StoredFile] = {}
        self.jobs: dict[str, BatchJob] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        r = provider.app.router
        r.add_post("/v1/files", self._upload)
        r.add_get("/v1/files", self._list_files)
        r.add_get("/v1/files/{file_id}", self._file)
        r.add_get("/v1/files/{file_id}/content", self._content)
        r.add_delete("/v1/files/{file_id}", self._delete_file)
        r.add_post("/v1/batches", self._create)
        r.add_get("/v1/batches", self._list_batches)
        r.add_get("/v1/batches/{batch_id}", self._retrieve)
        r.add_post("/v1/batches/{batch_id}/cancel", self._cancel)
        r.add_get("/_loopback/batches", self._stats)

    # ------------------------------------------------------------------ helpers

    def _denied(self, request: web.Request) -> web.Response | None:
        key = self.provider.required_key
        if key is not None and request.headers.get("Authorization") != f"Bearer {key}":
            return self.provider._error(401, "invalid API key", "invalid_api_key")
        return None

    def _not_found(self, what: str, ident: str) -> web.Response:
        return self.provider._error(404, f"No such {what}: '{ident}'", "not_found")

    def _store(self, data: bytes, filename: str, purpose: str) -> StoredFile:
        f = StoredFile(f"file-{_hex()}", filename, purpose, data, int(time.time()))
        self.files[f.id] = f
        return f

    def release(self) -> None:
        """Let stalled batches go on (``faults.stall``)."""
        self.faults.stall = False

    # ------------------------------------------------------------------ files

    async def _upload(self, request: web.Request) -> web.Response:
        if (denied := self._denied(request)) is not None:
            return denied
        form = await request.post()
        upload = form.get("file")
        purpose = str(form.get("purpose") or "")
        if upload is None or not hasattr(upload, "file"):
            return self.provider._error(400, "multipart field 'file' is required", "invalid_request_error")
        if purpose not in ("batch", "fine-tune", "assistants", "user_data"):
            return self.provider._error(400, f"invalid purpose {purpose!r}", "invalid_request_error")
        data = upload.file.read()  # type: ignore[union-attr]
        self.stats.files_uploaded += 1
        self.stats.bytes_uploaded += len(data)
        return web.json_response(self._store(data, upload.filename or "upload.jsonl", purpose).obj())  # type: ignore[union-attr]

    async def _list_files(self, request: web.Request) -> web.Response:
        purpose = request.query.get("purpose")
        items = [f.obj() for f in self.files.values() if purpose is None or f.purpose == purpose]
        items.sort(key=lambda o: o["created_at"], reverse=True)
        return web.json_response({"object": "list", "data": items, "has_more": False})

    async def _file(self, request: web.Request) -> web.Response:
        f = self.files.get(request.match_info["file_id"])
        return web.json_response(f.obj()) if f else self._not_found("file", request.match_info["file_id"])

    async def _content(self, request: web.Request) -> web.Response:
        if (denied := self._denied(request)) is not None:
            return denied
        f = self.files.get(request.match_info["file_id"])
        if f is None:
            return self._not_found("file", request.match_info["file_id"])
        return web.Response(body=f.data, content_type="application/octet-stream")

    async def _delete_file(self, request: web.Request) -> web.Response:
        ident = request.match_info["file_id"]
        if self.files.pop(ident, None) is None:
            return self._not_found("file", ident)
        return web.json_response({"id": ident, "object": "file", "deleted": True})

    # ------------------------------------------------------------------ batches

    async def _create(self, request: web.Request) -> web.Response:
        if (denied := self._denied(request)) is not None:
            return denied
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return self.provider._error(400, "request body is not JSON", "invalid_request_error")
        file_id = body.get("input_file_id")
        f = self.files.get(file_id or "")
        if f is None:
            return self.provider._error(400, f"input_file_id {file_id!r} does not exist", "invalid_request_error")
        if body.get("endpoint") != ENDPOINT:
            return self.provider._error(400, f"endpoint must be {ENDPOINT}", "invalid_request_error")
        if body.get("completion_window") != "24h":
            return self.provider._error(400, "completion_window must be 24h", "invalid_request_error")
        job = BatchJob(f"batch_{_hex()}", f.id, ENDPOINT, "24h", body.get("metadata"), int(time.time()))
        if self.faults.fail_next > 0:
            self.faults.fail_next -= 1
            job.fail = True
        if self.faults.expire_after is not None:
            job.expire_after, self.faults.expire_after = self.faults.expire_after, None
        self.jobs[job.id] = job
        self.stats.batches_created += 1
        task = asyncio.create_task(self._run(job, f))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.json_response(job.obj())

    async def _list_batches(self, request: web.Request) -> web.Response:
        limit = int(request.query.get("limit", "20"))
        after = request.query.get("after")
        items = sorted(self.jobs.values(), key=lambda j: (j.created_at, j.id), reverse=True)
        if after:
            ids = [j.id for j in items]
            items = items[ids.index(after) + 1:] if after in ids else []
        page = items[:limit]
        return web.json_response({
            "object": "list", "data": [j.obj() for j in page], "has_more": len(items) > limit,
            "first_id": page[0].id if page else None, "last_id": page[-1].id if page else None,
        })

    async def _retrieve(self, request: web.Request) -> web.Response:
        if (denied := self._denied(request)) is not None:
            return denied
        self.stats.retrieves += 1
        job = self.jobs.get(request.match_info["batch_id"])
        return web.json_response(job.obj()) if job else self._not_found("batch", request.match_info["batch_id"])

    async def _cancel(self, request: web.Request) -> web.Response:
        job = self.jobs.get(request.match_info["batch_id"])
        if job is None:
            return self._not_found("batch", request.match_info["batch_id"])
        if job.status in TERMINAL:
            return self.provider._error(409, f"batch {job.id} is already {job.status}", "invalid_request_error")
        self.stats.cancels += 1
        job.cancel_requested = True
        job.status = "cancelling"
        job.times["cancelling_at"] = int(time.time())
        return web.json_response(job.obj())

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats.as_dict() | {"statuses": {j.id: j.status for j in self.jobs.values()}})

    # ------------------------------------------------------------------ processing

    def _validate(self, f: StoredFile) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The input file's request lines, or the errors that fail the batch (OpenAI's codes)."""
        if len(f.data) > self.max_bytes:
            return [], [{"code": "file_too_large", "message": f"input file is over the {self.max_bytes}-byte limit"}]
        lines, errors, seen = [], [], set()
        for n, raw in enumerate(f.data.splitlines(), 1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except json.JSONDecodeError:
                errors.append({"code": "invalid_json_line", "message": "line is not JSON", "line": n})
                continue
            cid = item.get("custom_id") if isinstance(item, dict) else None
            if not isinstance(cid, str) or not cid:
                errors.append({"code": "missing_custom_id", "message": "custom_id is required", "line": n})
            elif cid in seen:
                errors.append({"code": "duplicate_custom_id", "message": f"custom_id {cid!r} is not unique", "line": n})
            elif item.get("method") != "POST" or item.get("url") != ENDPOINT or not isinstance(item.get("body"), dict):
                errors.append({"code": "invalid_request", "message": f"expected POST {ENDPOINT} with a body", "line": n})
            else:
                seen.add(cid)
                lines.append(item)
        if len(lines) > self.max_requests:
            errors.append({"code": "too_many_requests",
                           "message": f"{len(lines)} requests, over the limit of {self.max_requests} per batch"})
        return lines, errors[:20]

    def _answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The provider's answer to one request, as (status_code, response body)."""
        from .server import _messages_text, _replace_quotes, completion_body

        p = self.provider
        text = _messages_text(body)
        key = request_key(body)
        p.stats.keys[key] += 1
        fault = p.faults.take(text)
        if fault is not None and fault.kind == "status":
            p.stats.faults += 1
            return fault.status, {"error": {"message": fault.message or f"injected HTTP {fault.status}", "type": "injected_fault"}}
        invent = fault is not None and fault.kind == "bad_quote"
        if fault is not None and fault.kind == "invalid":
            p.stats.faults += 1
            bad = json.dumps({"summary": "", "speakers": [{"name": "X"}], "targets": "none"})
            return 200, completion_body(bad, model=body.get("model", "loopback"), prompt_text=text, request=body)
        rec = p.store.get(key)
        if rec is not None and rec.responses:
            p.stats.replayed += 1
            resp = rec.responses[min(answer_index(body), len(rec.responses) - 1) if answer_index else -1]
            payload = json.loads(json.dumps(resp["body"]))
            if invent:
                msg = payload["choices"][0]["message"]
                if msg.get("content"):
                    msg["content"] = _replace_quotes(msg["content"])
            return int(resp.get("status", 200)), payload
        if p.responder is not None:
            content = p.responder(body)
            if content is not None:
                content = _replace_quotes(content) if invent else content
                return 200, completion_body(content, model=body.get("model", "authored"), prompt_text=text, request=body)
        p.stats.misses += 1
        return 404, {"error": {"message": f"loopback provider: no recording for request {key}", "type": "recording_not_found"}}

    async def _run(self, job: BatchJob, f: StoredFile) -> None:
        span = max(0.0, self.completion_s)
        started = time.monotonic()
        await asyncio.sleep(span * 0.05)
        lines, errors = self._validate(f)
        if job.fail and not errors:
            errors = [{"code": "injected_failure", "message": "the provider failed this batch (injected)"}]
        if errors:
            job.status, job.errors = "failed", errors
            job.times["failed_at"] = int(time.time())
            return
        job.total = len(lines)
        job.status = "in_progress"
        job.times["in_progress_at"] = int(time.time())
        out: list[bytes] = []
        err: list[bytes] = []
        stop = None
        for i, item in enumerate(lines):
            while self.faults.stall and not job.cancel_requested:
                await asyncio.sleep(0.02)
            if job.cancel_requested:
                stop = "cancelled"
                break
            if job.expire_after is not None and i >= job.expire_after:
                stop = "expired"
                break
            due = started + span * (0.05 + 0.9 * (i + 1) / len(lines))  # answers spread over the stated time
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            elif i % 50 == 0:
                await asyncio.sleep(0)  # stay responsive to retrieve() while catching up
            status, body = self._answer(item["body"])
            self.stats.batch_requests += 1
            line = {"id": f"batch_req_{_hex()}", "custom_id": item["custom_id"],
                    "response": {"status_code": status, "request_id": f"req_{_hex()}", "body": body}, "error": None}
            (out if status == 200 else err).append(json.dumps(line, ensure_ascii=False).encode("utf-8"))
            job.completed += status == 200
            job.failed += status != 200
        if stop == "expired":
            for item in lines[job.completed + job.failed:]:
                line = {"id": f"batch_req_{_hex()}", "custom_id": item["custom_id"], "response": None,
                        "error": {"code": "batch_expired", "message": "This request could not be executed before the completion window expired."}}
                err.append(json.dumps(line).encode("utf-8"))
                job.failed += 1
        if stop is None:
            job.status = "finalizing"
            job.times["finalizing_at"] = int(time.time())
            await asyncio.sleep(max(0.0, started + span - time.monotonic()))
        if out:
            job.output_file_id = self._store(b"\n".join(out) + b"\n", f"{job.id}_output.jsonl", "batch_output").id
        if err:
            job.error_file_id = self._store(b"\n".join(err) + b"\n", f"{job.id}_error.jsonl", "batch_output").id
        job.status = {"cancelled": "cancelled", "expired": "expired"}.get(stop or "", "completed")
        job.times[f"{job.status}_at"] = int(time.time())
