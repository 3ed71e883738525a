"""An OpenAI-compatible chat-completions server for tests, benchmarks and demos.

Replays recordings (matched on a stable hash of the request body), records from a real
provider with secrets stripped, injects faults and latency, enforces rate limits the strict way
(requests per second and per minute, tokens per minute; sliding or fixed windows) and emulates
the provider Batch API (/v1/files, /v1/batches).
"""

from __future__ import annotations

from .faults import Fault
from .recordings import Recording, RecordingStore, request_key
from .server import LoopbackProvider, running

__all__ = ["Fault", "LoopbackProvider", "Recording", "RecordingStore", "request_key", "running"]
