"""Ground the five seed articles with realistic drafts written from the seeds' gold (fixtures/gold/seeds.gold.json)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from summarizer.grounding import ground, scan
from summarizer.intake import from_text
from summarizer.models import Extraction, InitiativeDraft, SpeakerDraft, TargetDraft

ARTICLES = Path(__file__).resolve().parents[2] / "fixtures" / "articles"


def _raw(seed: str) -> str:
    (path,) = ARTICLES.glob(f"{seed}_*.txt")
    return path.read_text(encoding="utf-8")


# Per seed: article date (gold), speakers (name, a verbatim-ish quote), targets as a model would
# return them (quote, value_text, model value, gold value, gold comparator), initiatives.
SEEDS = {
    "000": dict(
        published=None,
        speakers=[("Liang Weidong", "Liang Weidong said that in order to promote technological innovation, Dongguan will focus on four areas")],
        targets=[],
        initiatives=["Songshan Lake's Hong Kong and Macau Youth Innovation and Venture Base", "implement the high-tech enterprise 'tree label quality improvement' action plan"],
    ),
    "001": dict(
        published="2022-11-09",
        speakers=[
            ("肖亚非", "东莞市委书记肖亚非"),
            ("叶惠明", "东莞市发展和改革局局长叶惠明"),
            ("卓庆", "东莞市科学技术局局长卓庆"),
            ("肖必良", "东莞市工业和信息化局局长肖必良"),
            ("陈顺娇", "东莞市投资促进局局长陈顺娇"),
        ],
        targets=[
            ("在镇街基层选取1个以上代表打造科技自立自强创新示范镇", "1个以上", 1, 1, "at_least"),
            ("加快建设七大战略性新兴产业基地", "七大", 7, 7, "exact"),
        ],
        initiatives=["实施好产业立新柱“一号工程”", "深入实施“十百千万百万”人才工程", "落实“4+5”产业集群培育行动计划"],
    ),
    "002": dict(
        published=None,
        # the page is Traditional with pinyin after each character; models quote it clean
        speakers=[("韋皓", "市委書記韋皓主持會議並講話")],
        targets=[],
        initiatives=["進一步打響七大戰新產業基地招牌", "用好用活超長期國債、專項債等國家政策工具", "持續深入實施“十百千萬百萬”人才工程"],
    ),
    "003": dict(
        published="2023-01-27",
        speakers=[("欧阳南江", "松山湖党工委副书记、管委会主任欧阳南江日前接受东莞广播电视台记者专访时表示")],
        targets=[
            ("力争完成全年220亿元的招商总目标", "220亿元", 220e8, 22e9, "exact"),
            ("计划前往德国、新加坡等十余个国家和地区“登门招商”", "十余个", 10, 10, "at_least"),
        ],
        initiatives=["推动散裂中子源二期、先进阿秒激光等大装置建设", "实质推进“基金+资本”新型模式"],
    ),
    "004": dict(
        published="2024-02-20",
        speakers=[
            ("Lao Maochang", "District Party Secretary Lao Maochang attended the meeting and delivered a speech"),
            ("Ma Pingao", "Deputy Secretary of the District Party Committee and District Mayor Ma Pingao presided over the meeting"),
        ],
        targets=[
            ("the GDP target this year is to increase 6%", "6%", 6, 6, "exact"),
            ("strive to sprint towards a strong area with a GDP of 100 billion", "100 billion", 1e11, 1e11, "exact"),
            ("the target of no less than 13 billion yuan", "13 billion yuan", 13e9, 13e9, "at_least"),
            ("a year-on-year increase of 30%", "30%", 30, 30, "exact"),
            ("implement technological transformation of more than 75 enterprises", "75", 75, 75, "at_least"),
            ("There are more than 85 companies in the country and digital transformation", "85", 85, 85, "at_least"),
            ("strive to introduce total project investment of more than 35 billion yuan throughout the year", "35 billion yuan", 35e9, 35e9, "at_least"),
        ],
        initiatives=["implement the “Six Major Actions”", "polish the “Pengjiang Service” brand"],
    ),
}
GOLD_YEARS = {("004", 6): 2024, ("004", 13e9): 2024, ("004", 35e9): 2024, ("003", 22e9): 2023}


def _extraction(seed: str) -> Extraction:
    spec = SEEDS[seed]
    return Extraction(
        summary="s",
        speakers=[SpeakerDraft(name=n, quote=q) for n, q in spec["speakers"]],
        targets=[
            TargetDraft(metric=q[:20], quote=q, value_text=vt, value=v, comparator="exact")
            for q, vt, v, _, _ in spec["targets"]
        ],
        initiatives=[InitiativeDraft(name=q, quote=q) for q in spec["initiatives"]],
    )


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_grounds_cleanly(seed):
    spec = SEEDS[seed]
    raw = _raw(seed)
    out = ground(_extraction(seed), from_text(raw, name=seed, published=spec["published"]))
    for item in out.items():
        ev = item.evidence
        assert ev.match in ("exact", "normalized"), (item, out.warnings)
        if ev.match == "exact":
            assert raw[ev.start : ev.end] == ev.quote
    assert not [w for w in out.warnings if "not found" in w or "could not be aligned" in w], out.warnings
    for target, (_, _, _, gold, comparator) in zip(out.targets, spec["targets"]):
        assert target.verified is True
        assert math.isclose(target.value, gold)
        assert target.comparator == comparator
        if (seed, gold) in GOLD_YEARS:
            assert target.target_year == GOLD_YEARS[(seed, gold)]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_every_gold_target_number_is_scanned_in_the_raw_seed(seed):
    mentions = [m for m in scan(_raw(seed)) if m.kind == "number"]
    for quote, _, _, gold, _ in SEEDS[seed]["targets"]:
        assert any(math.isclose(m.value, gold) for m in mentions), (quote, gold)


def test_pinyin_seed_speaker_quote_spans_corrupted_run():
    raw = _raw("002")
    out = ground(_extraction("002"), from_text(raw))
    ev = out.speakers[0].evidence
    assert ev.match == "normalized"
    assert raw[ev.start : ev.end] == "市委書(shū)記韋皓主持會(huì)議并講話"


def test_seed_004_target_details():
    out = ground(_extraction("004"), from_text(_raw("004"), published="2024-02-20"))
    by_value = {t.value: t for t in out.targets}
    assert by_value[6].kind == "growth_rate" and by_value[6].strength == "aim"
    assert by_value[30].kind == "growth_rate" and by_value[30].baseline == "yoy"
    assert by_value[13e9].currency == "CNY" and by_value[13e9].kind == "level"
    assert by_value[35e9].strength == "strive"
    assert by_value[75].kind == "count"


def test_seed_candidates_skip_years_ordinals_and_facts():
    for seed in SEEDS:
        out = ground(_extraction(seed), from_text(_raw(seed), published=SEEDS[seed]["published"]))
        for hint in out.candidates:
            number = hint.split(" in: ")[0]
            assert not number.endswith("年") and number not in {"一", "二", "三", "2023", "2024"}, hint
        if seed == "003":
            assert not any(h.startswith(("1.4万家", "178家", "539家")) for h in out.candidates)
