"""The answer cache: JSON only, keyed on everything that changes the answer."""

from __future__ import annotations

import os
import shutil
import sqlite3

from diskcache.core import MODE_PICKLE

from summarizer import Summarizer
from summarizer.cache import ResultCache, cache_key
from summarizer.intake import read_path
from summarizer.pipeline import Pipeline
from summarizer.prompts import load_prompts
from summarizer.resources import data_dir

from ..conftest import ARTICLES, SEEDS, replay_settings


def test_unchanged_rerun_makes_zero_provider_calls(loopback, provider, tmp_path) -> None:  # noqa: ANN001
    doc = read_path(ARTICLES / f"{SEEDS[0]}.txt")
    with Summarizer(replay_settings(loopback, tmp_path)) as s:
        first = s.summarize(doc)
    with Summarizer(replay_settings(loopback, tmp_path)) as s:
        second = s.summarize(doc)
    assert provider.stats.requests == 1
    assert not first.meta.cached and second.meta.cached
    assert second.meta.usage.requests == 0
    assert first.model_dump(exclude={"meta"}) == second.model_dump(exclude={"meta"})


def test_cache_holds_json_not_pickle(loopback, tmp_path) -> None:  # noqa: ANN001
    with Summarizer(replay_settings(loopback, tmp_path)) as s:
        s.summarize(read_path(ARTICLES / f"{SEEDS[0]}.txt"))
    db = sqlite3.connect(tmp_path / "cache" / "cache.db")
    modes = {row[0] for row in db.execute("SELECT mode FROM Cache")}
    raws = {row[0] for row in db.execute("SELECT raw FROM Cache")}
    assert modes and MODE_PICKLE not in modes
    assert raws == {1}


def test_planted_pickle_entry_is_refused_not_loaded(tmp_path) -> None:
    cache = ResultCache(tmp_path)
    key = cache_key(x=1)
    cache.set(key, {"ok": True})
    cache.close()
    marker = tmp_path / "pwned"
    payload = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    db = sqlite3.connect(tmp_path / "cache.db")
    db.execute("UPDATE Cache SET mode = ?, value = ?", (MODE_PICKLE, payload))
    db.commit()
    db.close()
    cache = ResultCache(tmp_path)
    assert cache.get(key) is None
    cache.close()
    assert not marker.exists()


def test_secrets_cannot_be_key_parts() -> None:
    import pytest

    with pytest.raises(ValueError):
        cache_key(text="a", api_key="sk-123")


def test_api_key_never_reaches_the_cache(loopback, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("SUMMARIZER_API_KEY", "sk-test-SECRET-0123456789")
    with Summarizer(replay_settings(loopback, tmp_path, api_key="sk-test-SECRET-0123456789")) as s:
        s.summarize(read_path(ARTICLES / f"{SEEDS[0]}.txt"))
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert b"SECRET-0123456789" not in path.read_bytes()


def _key_for(settings, prompts_dir=None) -> str:  # noqa: ANN001
    pipeline = Pipeline(settings, prompts=load_prompts(str(prompts_dir) if prompts_dir else None), cache=None)
    doc = read_path(ARTICLES / f"{SEEDS[0]}.txt")
    return pipeline._key(pipeline.prompts.messages(doc.text, language=doc.language))


def test_changing_a_prompt_template_changes_the_key(loopback, tmp_path) -> None:  # noqa: ANN001
    s = replay_settings(loopback)
    copy = tmp_path / "prompts"
    shutil.copytree(data_dir("prompts"), copy)
    assert _key_for(s, copy) == _key_for(s)
    (copy / "system.j2").write_text((copy / "system.j2").read_text() + "\nBe brief.\n")
    assert load_prompts(str(copy)).version != load_prompts().version
    assert _key_for(s, copy) != _key_for(s)


def test_generation_settings_and_model_change_the_key(loopback) -> None:  # noqa: ANN001
    base = _key_for(replay_settings(loopback))
    assert _key_for(replay_settings(loopback, temperature=0.7)) != base
    assert _key_for(replay_settings(loopback, model="other-model")) != base
    assert _key_for(replay_settings(loopback, endpoint_label="elsewhere")) != base
    assert _key_for(replay_settings(loopback, api_key="sk-abcdefgh12345678")) == base


# ---------------------------------------------------------------- a broken cache is no cache, said once


def test_corrupted_database_turns_the_cache_off_with_one_warning(tmp_path) -> None:  # noqa: ANN001
    import asyncio

    (tmp_path / "cache.db").write_bytes(b"this is not a sqlite database" * 200)
    problems: list[str] = []
    cache = ResultCache(tmp_path, on_problem=problems.append)
    assert not cache.usable
    assert cache.get("k") is None
    cache.set("k", {"v": 1})
    assert cache.add("k2", {"v": 2}) is False
    claim = asyncio.run(cache.claim("k3"))  # nothing to share: the caller may go ahead at once
    assert claim.owned
    claim.release()
    assert cache.unstored == 2
    assert len(problems) == 1 and str(tmp_path) in problems[0] and "cache clear" in problems[0]
    info = cache.stats()
    assert info["entries"] is None and "not a database" in info["problem"]
    cache.close()


def test_disk_full_mid_run_turns_the_cache_off(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    import sqlite3

    problems: list[str] = []
    cache = ResultCache(tmp_path, on_problem=problems.append)
    cache.set("a", {"v": 1})
    assert cache.get("a") == {"v": 1}

    def full(*a, **kw):  # noqa: ANN002, ANN003, ANN202
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(cache._cache, "set", full)
    for i in range(5):
        cache.set(f"b{i}", {"v": i})  # never raises
    assert not cache.usable and cache.unstored == 5
    assert len(problems) == 1 and "database or disk is full" in problems[0]
    assert cache.get("a") is None  # off for the rest of the run
    cache.close()


def test_reset_empties_a_corrupted_cache_and_leaves_other_files(tmp_path) -> None:  # noqa: ANN001
    from summarizer.cache import reset_cache

    cache = ResultCache(tmp_path)
    cache.set("big", {"v": os.urandom(60_000).hex()})  # large (incompressible) values live in files
    cache.close()
    value_files = list(tmp_path.glob("*/*/*.val"))
    assert value_files
    (tmp_path / "cache.db").write_bytes(b"\0garbage" * 1000)
    (tmp_path / "mine.txt").write_text("someone else's file")
    assert reset_cache(tmp_path) is None  # unreadable: its files were removed
    assert not any(p.exists() for p in value_files) and not (tmp_path / "cache.db").exists()
    assert (tmp_path / "mine.txt").read_text() == "someone else's file"
    fresh = ResultCache(tmp_path)
    assert fresh.usable and fresh.stats()["entries"] == 0
    fresh.set("k", {"v": 1})
    fresh.close()
    assert reset_cache(tmp_path) == 1  # a healthy cache is cleared the normal way
