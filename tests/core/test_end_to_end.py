"""Each seed end to end: intake -> prompt -> HTTP to the loopback provider -> validated summary."""

from __future__ import annotations

import json

import jsonschema
import pytest

from summarizer import AsyncSummarizer, Summarizer
from summarizer.intake import read_path
from summarizer.resources import data_dir

from ..conftest import ARTICLES, ROOT, SEEDS, replay_settings

GOLD = {g["seed"]: g for g in json.loads((ROOT.parent / "shared" / "gold" / "seeds.json").read_text())} if (
    ROOT.parent / "shared" / "gold" / "seeds.json"
).exists() else {}
SCHEMA = json.loads((data_dir("schemas") / "article_summary.schema.json").read_text())


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_end_to_end(stem: str, loopback, provider) -> None:  # noqa: ANN001
    with Summarizer(replay_settings(loopback)) as s:
        result = s.summarize(read_path(ARTICLES / f"{stem}.txt"))
    record = result.model_dump(mode="json")
    jsonschema.validate(record, SCHEMA)
    assert result.summary.strip()
    assert result.meta.usage.requests == 1 and result.meta.usage.reasks == 0
    assert result.meta.usage.prompt_tokens > 0
    assert not result.meta.cached
    assert result.article.id and result.article.input_name.endswith(f"{stem}.txt")
    assert provider.stats.replayed == 1 and provider.stats.misses == 0

    for sp in result.speakers:  # each speaker's name is tied to where it is written
        ev = sp.name_evidence
        assert ev is not None and ev.match != "none", sp
    gold = GOLD.get(stem[:3])
    if gold:
        names = {sp.name for sp in result.speakers}
        assert {g["name"] for g in gold["speakers"]} <= names
        assert not names & set(gold.get("not_speakers", []))
        assert len(result.targets) == len(gold["targets"])


def test_exact_evidence_points_into_raw(loopback) -> None:  # noqa: ANN001
    doc = read_path(ARTICLES / f"{SEEDS[1]}.txt")
    with Summarizer(replay_settings(loopback)) as s:
        result = s.summarize(doc)
    items = [*result.speakers, *result.goals, *result.targets, *result.initiatives]
    exact = [i.evidence for i in items if i.evidence.match == "exact"]
    assert exact, "expected exact-aligned evidence"
    for ev in exact:
        assert doc.raw[ev.start : ev.end] == ev.quote


async def test_async_twin_gives_the_same_answer(loopback) -> None:  # noqa: ANN001
    doc = read_path(ARTICLES / f"{SEEDS[3]}.txt")
    async with AsyncSummarizer(replay_settings(loopback)) as s:
        a = await s.summarize(doc)
    b = await _sync_in_thread(loopback, doc)
    assert a.model_dump(exclude={"meta"}) == b.model_dump(exclude={"meta"})


async def _sync_in_thread(loopback, doc):  # noqa: ANN001, ANN202
    import asyncio

    def run():  # noqa: ANN202
        with Summarizer(replay_settings(loopback)) as s:
            return s.summarize(doc)

    return await asyncio.to_thread(run)


async def test_sync_api_refuses_inside_event_loop(loopback) -> None:  # noqa: ANN001
    s = Summarizer(replay_settings(loopback))
    try:
        with pytest.raises(RuntimeError, match="AsyncSummarizer"):
            s.summarize("some article text")
    finally:
        s.close()
