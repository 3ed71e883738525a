"""The gold shipped in fixtures: it loads, names real articles and quotes them verbatim."""

from __future__ import annotations

import pytest

from summarizer.evaluation import load_gold

from ..conftest import ARTICLES, FIXTURES, ROOT, SEEDS

SEEDS_GOLD = FIXTURES / "gold" / "seeds.gold.json"


def test_seeds_gold_covers_every_seed_article() -> None:
    g = load_gold(SEEDS_GOLD)
    assert g.origin and g.origin.startswith("derived from the annotators' seed gold")
    assert [a.name for a in g.articles] == SEEDS
    for a in g.articles:
        assert (ROOT / a.input).resolve() == (ARTICLES / f"{a.name}.txt").resolve()


def test_seeds_gold_texts_are_verbatim_and_values_filled() -> None:
    for a in load_gold(SEEDS_GOLD).articles:
        text = (ROOT / a.input).read_text(encoding="utf-8")
        for t in a.targets:
            assert t.text in text, (a.name, t.text)
        for n in a.non_target_numbers:
            assert n.text in text, (a.name, n.text)
            # only labels and dates go without a value
            assert n.value is not None or n.why in ("label", "date"), (a.name, n.text)
        assert a.speakers and a.initiatives
        spoken = {s.name for s in a.speakers}
        assert not spoken & set(a.not_speakers)


def test_devset_gold_folder_loads() -> None:
    devset = FIXTURES / "devset"
    if not any(devset.glob("*.gold.json")):
        pytest.skip("no dev set in this tree")
    g = load_gold(devset)  # one file per article, merged
    assert g.articles
    for a in g.articles:
        assert a.input and (ROOT / a.input).is_file(), a.name
