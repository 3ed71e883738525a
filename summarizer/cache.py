"""On-disk cache of provider answers, JSON only.

diskcache's default Disk pickles values, and a pickle row planted by whoever can write the
cache directory executes code on read (CVE-2025-69872). ``SafeJSONDisk`` stores JSON and
refuses any pickled row instead of loading it.

Two kinds of entries share the cache:

* ``answer``: the validated ``Extraction`` for the exact text the model saw, keyed on
  everything that changes the provider's answer (never the API key). It survives code changes,
  so improving intake or grounding never re-bills an article.
* ``summary``: the finished ``ArticleSummary`` keyed on the raw input, its metadata, the same
  answer settings and ``code_fingerprint()``. A rerun of an unchanged batch reads these and
  skips intake and grounding altogether.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import os
import socket
import uuid
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_PICKLE

PIPELINE_VERSION = "1"
_PACKAGE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the package's own source: finished summaries cached by one version of the code
    are not served by another (provider answers, keyed without it, survive code changes)."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        h.update(path.relative_to(_PACKAGE).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


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

    # ------------------------------------------------------------------ cross-process claims
    # Two workers (tasks or processes) sharing this cache on the same key: the first claims it
    # and calls the provider; the others wait for its answer instead of paying for it again.
    # A claim names its holder (host, pid), so a holder killed with -9 is detected and its claim
    # taken over at once; ``ttl_s`` bounds the wait for holders on other hosts.

    async def claim(self, key: str, *, ttl_s: float = 600.0, poll_s: float = 0.05) -> "Claim":
        """Wait until ``key`` has an answer (``Claim.owned`` False) or is ours to fill (True)."""
        ckey = f"claim:{key}"
        token = uuid.uuid4().hex
        mine = {"host": _HOST, "pid": os.getpid(), "token": token}
        delay = poll_s
        while True:
            if self.get(key) is not None:
                return Claim(self, ckey, None)
            if self._cache.add(ckey, mine, expire=ttl_s):
                return Claim(self, ckey, token)
            self._break_if_stale(ckey)
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.5)

    def _break_if_stale(self, ckey: str) -> None:
        with self._cache.transact():
            try:
                holder = self._cache.get(ckey, default=None)
            except UnsafeCacheEntry:
                holder = "unsafe"
            if holder == "unsafe" or (isinstance(holder, dict) and holder.get("host") == _HOST and not _alive(holder.get("pid"))):
                self._cache.delete(ckey)

    def _release(self, ckey: str, token: str) -> None:
        with self._cache.transact():
            holder = self._cache.get(ckey, default=None)
            if isinstance(holder, dict) and holder.get("token") == token:
                self._cache.delete(ckey)

    def stats(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "entries": len(self._cache), "size_bytes": self._cache.volume()}

    def clear(self) -> int:
        return int(self._cache.clear())

    def close(self) -> None:
        self._cache.close()


_HOST = socket.gethostname()


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Claim:
    """The right to fill one cache key (``owned``); release it whatever happens."""

    def __init__(self, cache: ResultCache, ckey: str, token: str | None) -> None:
        self._cache, self._ckey, self._token = cache, ckey, token

    @property
    def owned(self) -> bool:
        return self._token is not None

    def release(self) -> None:
        if self._token is not None:
            self._cache._release(self._ckey, self._token)
            self._token = None
