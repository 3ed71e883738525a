"""A broken cache never stops a batch, and ``cache stats`` / ``cache clear`` still work on it.

Issue: a corrupted ``cache.db`` (truncated, random bytes) or a read-only cache folder gave a
traceback and 0 articles done, and ``cache stats`` / ``cache clear`` crashed the same way, so
the user could not even reset it; a full disk failed 291 of 300 articles with ``database or
disk is full``. Now: the batch goes on without the cache, with one warning, and says so in its
summary; ``cache clear`` resets the cache whatever state its database is in.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from summarizer.cache import ResultCache

from ..batch.support import article_text
from .harness import assert_no_crash, batch_args, echo_provider, names, remount, run_cli, tmpfs, write_articles

N = 12
IDS = [f"art-{i:03d}" for i in range(N)]


def _real_cache(directory: Path, entries: int = 30) -> None:
    cache = ResultCache(directory)
    for i in range(entries):
        cache.set(f"key-{i}", {"summary": article_text(i) * 20})
    cache.close()


def _corrupt(kind: str, directory: Path) -> None:
    db = directory / "cache.db"
    if kind == "random-bytes":
        directory.mkdir(parents=True)
        db.write_bytes(os.urandom(8192))
    else:  # a real cache cut short, as after a crash or a full disk during a copy
        _real_cache(directory)
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 3])


def _batch_goes_on_without_cache(tmp_path: Path, cache: Path, base_url: str) -> dict:
    write_articles(tmp_path / "in.jsonl", IDS, article_text)
    out = tmp_path / "out.jsonl"
    summary = tmp_path / "summary.json"
    proc = run_cli(*batch_args([tmp_path / "in.jsonl"], out, base_url, "--summary-json", summary, cache=cache))
    assert_no_crash(proc)
    assert proc.returncode == 0, proc.stderr
    assert sorted(names(out)) == IDS  # every article done
    warnings = [ln for ln in proc.stderr.splitlines() if ln.startswith("warning:") and "cache" in ln]
    assert len(warnings) == 1, proc.stderr  # one warning, not one per article
    assert str(cache) in warnings[0] and "cache clear" in warnings[0]
    assert "cache off" in proc.stderr  # and the summary line says so
    report = json.loads(summary.read_text())
    assert report["ok"] == N and report["cache_problem"]
    return report


@pytest.mark.parametrize("kind", ["random-bytes", "truncated"])
def test_corrupted_cache_batch_goes_on_and_clear_resets_it(tmp_path: Path, kind: str) -> None:
    cache = tmp_path / "cache"
    _corrupt(kind, cache)
    (cache / "notes.txt").write_text("not the cache's: must survive a reset")
    with echo_provider() as srv:
        report = _batch_goes_on_without_cache(tmp_path, cache, srv.base_url)
        assert report["cache_unstored"] >= N  # nothing could be kept, and it was counted

    stats = run_cli("cache", "stats", "--cache-dir", cache)
    assert_no_crash(stats)
    assert stats.returncode == 0, stats.stderr
    info = json.loads(stats.stdout)
    assert info["entries"] is None and info["problem"] and "cache clear" in stats.stderr

    cleared = run_cli("cache", "clear", "--cache-dir", cache)
    assert_no_crash(cleared)
    assert cleared.returncode == 0, cleared.stderr
    assert "reset" in cleared.stderr or "removed" in cleared.stderr
    assert (cache / "notes.txt").exists()
    fresh = ResultCache(cache)  # usable again, and empty
    try:
        assert fresh.usable and fresh.stats()["entries"] == 0
    finally:
        fresh.close()


def test_read_only_cache_folder_batch_goes_on_clear_explains(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "2m") as ro:
        _real_cache(ro / "cache")
        remount(ro, "ro")
        with echo_provider() as srv:
            _batch_goes_on_without_cache(tmp_path, ro / "cache", srv.base_url)
        cleared = run_cli("cache", "clear", "--cache-dir", ro / "cache")
        assert_no_crash(cleared)
        assert cleared.returncode == 3
        assert "Read-only file system" in cleared.stderr and str(ro / "cache") in cleared.stderr


def test_cache_disk_full_batch_goes_on_without_caching(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", "512k") as small, echo_provider() as srv:
        _real_cache(small / "cache", entries=0)  # the cache starts out fine, then the disk fills
        free = os.statvfs(small)
        (small / "filler").write_bytes(b"\0" * max(0, free.f_bavail * free.f_frsize - 12 * 1024))
        report = _batch_goes_on_without_cache(tmp_path, small / "cache", srv.base_url)
        assert "full" in report["cache_problem"] or "space" in report["cache_problem"]
