"""Case tables for number reading (scanner) and target normalization, Chinese and English."""

from __future__ import annotations

import math

import pytest

from summarizer.grounding import TargetChecker, scan
from summarizer.grounding.align import Aligner
from summarizer.intake import from_text
from summarizer.models import TargetDraft

# --------------------------------------------------------------------------- scanner
# (text, mention as written, value, value_high, unit, comparator, kind, extra fields)
SCAN_CASES = [
    ("力争完成全年220亿元的招商总目标", "220亿元", 22e9, None, "元", "exact", "number", {"scale": "亿", "currency": "CNY"}),
    ("松山湖拥有各类市场主体超1.4万家", "1.4万家", 14000, None, "家", "at_least", "number", {"scale": "万"}),
    ("营业收入超亿元企业178家", "亿元", 1e8, None, "元", "at_least", "number", {"currency": "CNY"}),
    ("营业收入超亿元企业178家", "178家", 178, None, "家", "exact", "number", {}),
    ("依托4300亩6个挂榜地块", "4300亩", 4300, None, "亩", "exact", "number", {}),
    ("依托4300亩6个挂榜地块", "6个", 6, None, "个", "exact", "number", {}),
    ("每个镇街选取1-2个示范村", "1-2个", 1, 2, "个", "range", "number", {}),
    ("前往德国、新加坡等十余个国家和地区", "十余个", 10, None, "个", "at_least", "number", {}),
    ("打造百亿级产业集群", "百亿", 1e10, None, None, "exact", "number", {"scale": "亿"}),
    ("全市GDP达1.14万亿元", "1.14万亿元", 1.14e12, None, "元", "exact", "number", {"scale": "万亿"}),
    ("no less than 13 billion yuan", "13 billion yuan", 13e9, None, "yuan", "at_least", "number", {"currency": "CNY", "scale": "billion"}),
    ("a strong area with a GDP of 100 billion", "100 billion", 1e11, None, None, "exact", "number", {"scale": "billion"}),
    ("the GDP target this year is to increase 6%", "6%", 6, None, "%", "exact", "number", {"is_percent": True}),
    ("a year-on-year increase of 30%", "30%", 30, None, "%", "exact", "number", {"yoy": True}),
    ("加快建设七大战略性新兴产业基地", "七大", 7, None, None, "exact", "number", {}),
    ("瞄准科技和产业这两个关键", "两个", 2, None, "个", "exact", "number", {}),
    ("已发现脉冲星1170颗", "1170颗", 1170, None, "颗", "exact", "number", {}),
    ("formulate long-term plans for the next 5-10 years", "5-10 years", 5, 10, "years", "range", "number", {}),
    ("2023年是全面贯彻落实党的二十大精神的开局之年", "2023年", 2023, None, "年", "exact", "year", {}),
    ("2023年是全面贯彻落实党的二十大精神的开局之年", "二十大", 20, None, None, "exact", "label", {}),
    ("2016 GoodChinaBrand", "2016 GoodChinaBrand", 2016, None, "GoodChinaBrand", "exact", "year", {}),
    ("过去20多年,松山湖聚焦创新引领", "20多年", 20, None, "年", "at_least", "number", {}),
    ("一是高位推进战略性新兴产业加快发展", "一", 1, None, None, "exact", "ordinal", {}),
    ("实施好产业立新柱“一号工程”", "一", 1, None, None, "exact", "label", {}),
    ("第一个就是大装置要进一步集聚", "一个", 1, None, "个", "exact", "ordinal", {}),
    ("the provincial party committee’s “1310” specific arrangements", "1310", 1310, None, None, "exact", "label", {}),
    ("the municipal party committee’s “1+6+3” work arrangements", "6", 6, None, None, "exact", "label", {}),
    ("推动散裂中子源二期动工建设", "二", 2, None, None, "exact", "label", {}),
    ("同比增长8.5%", "8.5%", 8.5, None, "%", "exact", "number", {"yoy": True}),
    ("比上年提高2个百分点", "2个百分点", 2, None, "percentage points", "exact", "number", {"percentage_points": True, "yoy": True}),
    ("研发投入占GDP比重达到百分之三", "百分之三", 3, None, "%", "exact", "number", {"is_percent": True}),
    ("实际利用外资约5亿美元", "5亿美元", 5e8, None, "美元", "about", "number", {"currency": "USD"}),
    ("新增就业1.2万人左右", "1.2万人左右", 12000, None, "人", "about", "number", {}),
    ("投资总额不超过30亿元", "30亿元", 3e9, None, "元", "at_most", "number", {}),
    ("新建充电桩不少于500个", "500个", 500, None, "个", "at_least", "number", {}),
    ("年均增长5%以上", "5%以上", 5, None, "%", "at_least", "number", {}),
    ("培育专精特新企业100家以内", "100家以内", 100, None, "家", "at_most", "number", {}),
    ("引进高层次人才近千名", "千名", 1000, None, "名", "about", "number", {}),
    ("计划投资两千万元", "两千万元", 2e7, None, "元", "exact", "number", {"scale": "万"}),
    ("at least 200 companies", "200 companies", 200, None, "companies", "at_least", "number", {}),
    ("about 3,500 enterprises", "3,500 enterprises", 3500, None, "enterprises", "about", "number", {}),
    ("an investment of $5 million", "$5 million", 5e6, None, None, "exact", "number", {"currency": "USD"}),
    ("10 billion US dollars", "10 billion US dollars", 1e10, None, "US dollars", "exact", "number", {"currency": "USD"}),
    ("up to 20 percent", "20 percent", 20, None, "%", "at_most", "number", {}),
    ("GDP growth of around 5.5 percent", "5.5 percent", 5.5, None, "%", "about", "number", {}),
    ("raise the share by 1.5 percentage points", "1.5 percentage points", 1.5, None, "percentage points", "exact", "number", {}),
    ("approximately 2.3 trillion yuan", "2.3 trillion yuan", 2.3e12, None, "yuan", "about", "number", {"scale": "trillion"}),
    ("Dongguan will focus on four areas.", "four areas", 4, None, "areas", "exact", "number", {}),
    ("no more than 10 days", "10 days", 10, None, "days", "at_most", "number", {}),
    ("three to five years", "three to five years", 3, 5, "years", "range", "number", {}),
    ("用三至五年时间", "三至五年", 3, 5, "年", "range", "number", {}),
    ("安排专项资金5亿-10亿元", "5亿-10亿元", 5e8, 1e9, "元", "range", "number", {}),
    ("安排专项资金5-10亿元", "5-10亿元", 5e8, 1e9, "元", "range", "number", {}),
    ("東莞今年計劃新增1.4萬(wàn)家企業", "1.4萬(wàn)家", 14000, None, "家", "exact", "number", {}),
    ("引进项目３０个", "３０个", 30, None, "个", "exact", "number", {}),
    ("营收超过１００亿元", "１００亿元", 1e10, None, "元", "at_least", "number", {}),
    ("力争产值突破1000亿元", "1000亿元", 1e11, None, "元", "at_least", "number", {}),
    ("形成1+1>2的新发展格局", "2", 2, None, None, "exact", "label", {}),
    ("迈上了万亿GDP、千万人口的新起点", "万亿", 1e12, None, None, "exact", "number", {}),
    ("东委发〔2022〕11 号", "2022", 2022, None, None, "exact", "year", {}),
]


def _approx(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9))


@pytest.mark.parametrize(("text", "written", "value", "high", "unit", "comparator", "kind", "extra"), SCAN_CASES)
def test_scan_case(text, written, value, high, unit, comparator, kind, extra):
    mentions = [m for m in scan(text) if m.text == written]
    assert mentions, f"no mention {written!r} in {[m.text for m in scan(text)]}"
    m = mentions[0]
    assert text[m.start : m.end] == written
    assert _approx(m.value, value)
    assert _approx(m.value_high, high)
    assert m.unit == unit
    assert m.comparator == comparator
    assert m.kind == kind
    for field, expected in extra.items():
        assert getattr(m, field) == expected, field


NO_QUANTITY = [
    "统一思想,解决一些问题,十分重要",
    "On February 19, the conference was held",
    "微信图片_20230110191420.jpg",
    "2024-02-20 08:26:24",
    "11月28日上午,东莞市委召开会议",
    "实施“十百千万百万”人才工程",
    "加快5G基站建设",
    "First, we will speed up the construction",
    "来源:东莞发布2022-11-09 10:09",
]


@pytest.mark.parametrize("text", NO_QUANTITY)
def test_scan_finds_no_quantity(text):
    assert [m.text for m in scan(text) if m.kind == "number"] == []


# --------------------------------------------------------------------------- targets
# (sentence, value_text, value, unit, comparator, kind, target_year, strength, baseline)
# Articles are dated 2024-03-01; the draft is what a model would return with defaults for
# everything it did not say, so comparator/kind/period/strength come from the source text.
TARGET_CASES = [
    ("力争完成全年220亿元的招商总目标", "220亿元", 22e9, "元", "exact", "level", 2024, "strive", "none"),
    ("the GDP target this year is to increase 6%", "6%", 6, "%", "exact", "growth_rate", 2024, "aim", "none"),
    ("complete the target of no less than 13 billion yuan this year", "13 billion yuan", 13e9, "yuan", "at_least", "level", 2024, "aim", "none"),
    ("a year-on-year increase of 30% this year", "30%", 30, "%", "exact", "growth_rate", 2024, "none", "yoy"),
    ("implement technological transformation of more than 75 enterprises", "75", 75, "enterprises", "at_least", "count", None, "none", "none"),
    ("strive to introduce total project investment of more than 35 billion yuan throughout the year", "35 billion yuan", 35e9, "yuan", "at_least", "level", 2024, "strive", "none"),
    ("在镇街基层选取1个以上代表打造科技自立自强创新示范镇", "1个", 1, "个", "at_least", "count", None, "none", "none"),
    ("计划前往德国、新加坡等十余个国家和地区“登门招商”", "十余个", 10, "个", "at_least", "count", None, "aim", "none"),
    ("确保今年地区生产总值同比增长6%以上", "6%", 6, "%", "at_least", "growth_rate", 2024, "ensure", "yoy"),
    ("2025年全市研发投入占GDP比重达到4%", "4%", 4, "%", "exact", "share", 2025, "none", "none"),
    ("争取明年新增高新技术企业500家", "500家", 500, "家", "exact", "count", 2025, "strive", "none"),
    ("力争到2026年新能源产业产值突破1000亿元", "1000亿元", 1e11, "元", "at_least", "level", 2026, "strive", "none"),
    ("全年固定资产投资增长10%左右", "10%", 10, "%", "about", "growth_rate", 2024, "none", "none"),
    ("新增城镇就业不少于1.2万人", "1.2万人", 12000, "人", "at_least", "count", None, "none", "none"),
    ("keep the proportion of R&D spending at about 3 percent", "3 percent", 3, "%", "about", "share", None, "none", "none"),
    ("reduce energy consumption per unit of GDP by 2.5 percentage points by 2025", "2.5 percentage points", 2.5, "percentage points", "exact", "percentage_points", 2025, "none", "none"),
    ("we aim to build 50 schools by 2027", "50", 50, "schools", "exact", "count", 2027, "aim", "none"),
    ("plan to attract investment of up to 2 billion US dollars next year", "2 billion US dollars", 2e9, "US dollars", "at_most", "level", 2025, "aim", "none"),
    ("粮食播种面积稳定在4300亩以上", "4300亩", 4300, "亩", "at_least", "level", None, "none", "none"),
    ("今年将新建5G基站2000个", "2000个", 2000, "个", "exact", "count", 2024, "none", "none"),
    ("力争全年实现规上工业增加值增长8%", "8%", 8, "%", "exact", "growth_rate", 2024, "strive", "none"),
    ("确保完成投资1.14万亿元", "1.14万亿元", 1.14e12, "元", "exact", "level", None, "ensure", "none"),
    ("引进高层次人才近千名", "千名", 1000, "名", "about", "count", None, "none", "none"),
    ("推动数字经济核心产业增加值占GDP比重提高2个百分点", "2个百分点", 2, "percentage points", "exact", "percentage_points", None, "none", "none"),
    ("ensure that no fewer than 300 enterprises complete digital transformation", "300 enterprises", 300, "enterprises", "at_least", "count", None, "ensure", "none"),
    ("the target for 2024 is a GDP of 100 billion yuan", "100 billion yuan", 1e11, "yuan", "exact", "level", 2024, "aim", "none"),
    ("打造5-10个特色产业集群", "5-10个", 5, "个", "range", "count", None, "none", "none"),
    ("年内建成充电桩3000个以上", "3000个", 3000, "个", "at_least", "count", 2024, "none", "none"),
    ("approximately 1,200 jobs will be created this year", "1,200 jobs", 1200, "jobs", "about", "count", 2024, "none", "none"),
    ("目标是两年内培育七大产业集群", "七大", 7, None, "exact", "count", None, "aim", "none"),
    ("GDP to grow by 5 percent year on year in 2024", "5 percent", 5, "%", "exact", "growth_rate", 2024, "none", "yoy"),
    ("今年研发经费投入强度不低于3.5%", "3.5%", 3.5, "%", "at_least", "share", 2024, "none", "none"),
]


@pytest.mark.parametrize(
    ("text", "value_text", "value", "unit", "comparator", "kind", "year", "strength", "baseline"), TARGET_CASES
)
def test_target_case(text, value_text, value, unit, comparator, kind, year, strength, baseline):
    doc = from_text(f"新闻。\n{text}。\n", name="case", published="2024-03-01")
    draft = TargetDraft(quote=text, metric="m", value_text=value_text)
    target, notes = TargetChecker(doc).check(draft, Aligner(doc).align(text))
    assert target.evidence.match == "exact"
    assert target.verified is True, notes
    assert _approx(target.value, value)
    assert target.unit == unit
    assert target.comparator == comparator
    assert target.kind == kind
    assert target.target_year == year
    assert target.strength == strength
    assert target.baseline == baseline
    assert not [n for n in notes if "not found" in n]


def test_case_count():
    assert len(SCAN_CASES) + len(NO_QUANTITY) + len(TARGET_CASES) >= 60
