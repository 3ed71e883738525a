"""On-disk cache of provider answers, JSON only.

diskcache's default Disk pickles values, and a pickle row planted by whoever can write the
cache directory executes code on read (CVE-2025-69872). ``SafeJSONDisk`` stores JSON and
refuses any pickled row instead of loading it.

What is cached is the validated ``Extraction`` for the exact text the model saw, keyed on
everything that changes the answer. Grounding is re-run on every call (it is cheap and
depends on the raw input, which two articles with the same cleaned text may not share).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_PICKLE

PIPELINE_VERSION = "1"


class UnsafeCacheEntry(RuntimeError):
    pass


class SafeJSONDisk(diskcache.JSONDisk):
    def fetch(self, mode: int, filename: str, value: Any, read: bool) -> Any:
        if mode == MODE_PICKLE:
            raise UnsafeCacheEntry("refusing to unpickle a cache entry (cache directory tampered with?)")
        return super().fetch(mode, filename, value, read)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise UnsafeCacheEntry("refusing to unpickle a cache key (cache directory tampered with?)")
        return super().get(key, raw)


def cache_key(**parts: Any) -> str:
    """sha256 over the canonical JSON of everything that changes the answer (never a key)."""
    if any("api_key" in k or "secret" in k for k in parts):
        raise ValueError("secrets must not be part of a cache key")
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ResultCache:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._cache = diskcache.Cache(str(self.directory), disk=SafeJSONDisk, disk_compress_level=1)

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            value = self._cache.get(key, default=None)
        except UnsafeCacheEntry:
            return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._cache.set(key, value)

    def add(self, key: str, value: dict[str, Any]) -> bool:
        """Store only if absent (first writer wins across processes)."""
        return bool(self._cache.add(key, value))

    def stats(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "entries": len(self._cache), "size_bytes": self._cache.volume()}

    def clear(self) -> int:
        return int(self._cache.clear())

    def close(self) -> None:
        self._cache.close()
