"""The provider's Files and Batches endpoints, through the openai SDK.

Only ``base_url`` and the key change between providers: any OpenAI-compatible server that
implements ``/v1/files`` and ``/v1/batches`` works. The SDK's own retries (with backoff, and
Retry-After) cover transient faults of these management calls.

Why not instructor's ``BatchProcessor``: it builds ``OpenAI()`` itself (no ``base_url``, no key
from our settings), validates whole answers against the response model (ours are validated
item by item, with targeted re-asks), and keeps no state to resume from; its job is done here
by the SDK calls it wraps, which we make directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
from openai.types import Batch, FileObject

from ..redact import protect_loggers
from ..settings import Settings
from .state import write_atomic

TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})


class BatchApiError(RuntimeError):
    """The Batch API refused or failed in a way retrying cannot fix (message names the call)."""


def describe(exc: BaseException) -> str:
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}: {getattr(exc, 'message', exc)}"
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot connect to the provider ({exc.__cause__ or exc})"
    return f"{type(exc).__name__}: {exc}"


def transient(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APIConnectionError, openai.APITimeoutError)):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code in (408, 409, 429) or (
        isinstance(exc, openai.APIStatusError) and exc.status_code >= 500
    )


class BatchRemote:
    def __init__(self, settings: Settings) -> None:
        secret = settings.resolved_api_key()
        protect_loggers(secret)
        self.base_url = settings.resolved_base_url() or ""
        self.client = openai.AsyncOpenAI(
            base_url=self.base_url, api_key=secret or "not-needed", max_retries=5,
            timeout=max(120.0, settings.resolved_timeout()),
        )

    async def close(self) -> None:
        await self.client.close()

    async def upload(self, path: Path, filename: str) -> FileObject:
        with path.open("rb") as fh:
            return await self.client.files.create(file=(filename, fh), purpose="batch")

    async def find_upload(self, filename: str) -> FileObject | None:
        """A file uploaded under ``filename`` (an upload made just before a crash)."""
        async for f in self.client.files.list(purpose="batch"):
            if f.filename == filename:
                return f
        return None

    async def create(self, file_id: str, window: str, metadata: dict[str, str]) -> Batch:
        return await self.client.batches.create(
            input_file_id=file_id, endpoint="/v1/chat/completions", completion_window=window,  # type: ignore[arg-type]
            metadata=metadata,
        )

    async def find_batch(self, metadata: dict[str, str], since: float) -> Batch | None:
        """A batch created with exactly this ``metadata`` (one created just before a crash)."""
        async for b in self.client.batches.list(limit=100):
            if b.created_at < since - 60:
                break  # listed newest first: older than the run, stop looking
            if all((b.metadata or {}).get(k) == v for k, v in metadata.items()):
                return b
        return None

    async def retrieve(self, batch_id: str) -> Batch:
        return await self.client.batches.retrieve(batch_id)

    async def cancel(self, batch_id: str) -> Batch:
        return await self.client.batches.cancel(batch_id)

    async def download(self, file_id: str, dest: Path) -> int:
        content = await self.client.files.content(file_id)
        data: Any = content.content
        write_atomic(dest, data)
        return len(data)
