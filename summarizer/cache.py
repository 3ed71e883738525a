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

The cache is an optimisation, never a reason to fail: a cache that cannot be opened (corrupted
``cache.db``, read-only folder) or stops accepting writes (disk full) switches itself off for
the rest of the run, reports the problem once through ``on_problem``, and counts what it could
not store. ``reset_cache`` clears a cache even when its database is unreadable.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import os
import re
import socket
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


# What a broken cache raises: sqlite errors (corrupt file, disk full, read-only), OS errors
# (value files, the folder itself) and diskcache's lock timeout.
CACHE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, OSError, diskcache.Timeout)


def describe_cache_error(directory: Path, exc: BaseException) -> str:
    """One line naming the cache folder and what went wrong."""
    detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
    return f"cache at {directory} is unusable ({detail})"


def cache_advice(directory: Path) -> str:
    return f"`summarizer cache clear --cache-dir {directory}` resets it, or run with --no-cache"


class ResultCache:
    """diskcache with JSON rows that degrades to "no cache" instead of failing the caller."""

    def __init__(self, directory: str | Path, *, on_problem: Callable[[str], None] | None = None) -> None:
        self.directory = Path(directory)
        self.on_problem = on_problem
        self.problem: str | None = None  # set once the cache has switched itself off
        self.unstored = 0  # writes dropped because the cache was off or failed
        self._cache: diskcache.Cache | None = None
        try:
            self._cache = diskcache.Cache(str(self.directory), disk=SafeJSONDisk, disk_compress_level=1)
        except CACHE_ERRORS as exc:
            self._disable(exc)

    @property
    def usable(self) -> bool:
        return self._cache is not None

    def _disable(self, exc: BaseException) -> None:
        if self.problem is None:
            self.problem = describe_cache_error(self.directory, exc)
            if self.on_problem is not None:
                self.on_problem(f"{self.problem}; going on without the cache ({cache_advice(self.directory)})")
        cache, self._cache = self._cache, None
        if cache is not None:
            try:
                cache.close()
            except CACHE_ERRORS:
                pass

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except CACHE_ERRORS as exc:
            self._disable(exc)

    def get(self, key: str) -> dict[str, Any] | None:
        if self._cache is None:
            return None
        value = None
        with self._guard():
            try:
                value = self._cache.get(key, default=None)
            except UnsafeCacheEntry:
                return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        if self._cache is not None:
            with self._guard():
                self._cache.set(key, value)
                return
        self.unstored += 1

    def add(self, key: str, value: dict[str, Any]) -> bool:
        """Store only if absent (first writer wins across processes)."""
        if self._cache is not None:
            with self._guard():
                return bool(self._cache.add(key, value))
        self.unstored += 1
        return False

    # ------------------------------------------------------------------ cross-process claims
    # Two workers (tasks or processes) sharing this cache on the same key: the first claims it
    # and calls the provider; the others wait for its answer instead of paying for it again.
    # A claim names its holder (host, pid), so a holder killed with -9 is detected and its claim
    # taken over at once; ``ttl_s`` bounds the wait for holders on other hosts. With the cache
    # off, every claim is granted at once (nothing to share).

    async def claim(self, key: str, *, ttl_s: float = 600.0, poll_s: float = 0.05) -> "Claim":
        """Wait until ``key`` has an answer (``Claim.owned`` False) or is ours to fill (True)."""
        ckey = f"claim:{key}"
        token = uuid.uuid4().hex
        mine = {"host": _HOST, "pid": os.getpid(), "token": token}
        delay = poll_s
        while True:
            if self.get(key) is not None:
                return Claim(self, ckey, None)
            if self._cache is None:
                return Claim(self, ckey, token)
            with self._guard():
                if self._cache.add(ckey, mine, expire=ttl_s):
                    return Claim(self, ckey, token)
                self._break_if_stale(ckey)
            if self._cache is None:
                return Claim(self, ckey, token)
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.5)

    def _break_if_stale(self, ckey: str) -> None:
        assert self._cache is not None
        with self._cache.transact():
            try:
                holder = self._cache.get(ckey, default=None)
            except UnsafeCacheEntry:
                holder = "unsafe"
            if holder == "unsafe" or (isinstance(holder, dict) and holder.get("host") == _HOST and not _alive(holder.get("pid"))):
                self._cache.delete(ckey)

    def _release(self, ckey: str, token: str) -> None:
        if self._cache is None:
            return
        with self._guard(), self._cache.transact():
            holder = self._cache.get(ckey, default=None)
            if isinstance(holder, dict) and holder.get("token") == token:
                self._cache.delete(ckey)

    def stats(self) -> dict[str, Any]:
        """Entries and size; on an unusable cache, ``entries`` is None and ``problem`` says why."""
        info: dict[str, Any] = {"directory": str(self.directory), "entries": None, "size_bytes": None}
        if self._cache is not None:
            with self._guard():
                info.update(entries=len(self._cache), size_bytes=self._cache.volume())
        if self.problem is not None:
            info.update(entries=None, size_bytes=_files_size(self.directory), problem=self.problem, fix=cache_advice(self.directory))
        return info

    def clear(self) -> int:
        if self._cache is None:
            raise OSError(f"cache at {self.directory} is not open")
        return int(self._cache.clear())

    def close(self) -> None:
        if self._cache is not None:
            try:
                self._cache.close()
            except CACHE_ERRORS:
                pass
            self._cache = None


# The files diskcache keeps in its folder: the database (and SQLite's side files) and values
# too large for a row, in two levels of two-hex-digit folders. Only these are removed by a
# reset, so a cache folder pointed at a place holding other files never loses them.
_DB_FILES = ("cache.db", "cache.db-wal", "cache.db-shm", "cache.db-journal")
_HEX2 = re.compile(r"[0-9a-f]{2}")


def _diskcache_files(directory: Path) -> list[Path]:
    found = [directory / n for n in _DB_FILES if (directory / n).exists()]
    for top in directory.iterdir() if directory.is_dir() else ():
        if top.is_dir() and _HEX2.fullmatch(top.name):
            for sub in top.iterdir():
                if sub.is_dir() and _HEX2.fullmatch(sub.name):
                    found.extend(f for f in sub.iterdir() if f.is_file() and f.suffix == ".val")
    return found


def _files_size(directory: Path) -> int | None:
    try:
        return sum(f.stat().st_size for f in _diskcache_files(directory))
    except OSError:
        return None


def reset_cache(directory: str | Path) -> int | None:
    """Empty the cache in ``directory``: entries removed, or None when the database was unreadable
    and its files were deleted instead. Raises ``OSError`` when the folder cannot be written."""
    directory = Path(directory)
    if not directory.exists():
        return 0
    try:
        cache = diskcache.Cache(str(directory), disk=SafeJSONDisk, disk_compress_level=1)
        try:
            return int(cache.clear())
        finally:
            cache.close()
    except (sqlite3.Error, diskcache.Timeout):
        pass  # unreadable database: delete diskcache's files and start afresh
    for f in _diskcache_files(directory):
        f.unlink()
    for top in sorted(directory.iterdir()):
        if top.is_dir() and _HEX2.fullmatch(top.name):
            for sub in top.iterdir():
                if sub.is_dir() and _HEX2.fullmatch(sub.name) and not any(sub.iterdir()):
                    sub.rmdir()
            if not any(top.iterdir()):
                top.rmdir()
    return None


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
