"""The answer cache: JSON only, keyed on everything that changes the answer."""

from __future__ import annotations

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
