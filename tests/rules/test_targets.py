"""Numeric target rules: numbers in target-like clauses; achieved figures, forecasts, dates are not targets."""

from __future__ import annotations

import pytest

from summarizer.rules import extract


def targets(text: str, language: str = "zh-Hans", published: str | None = "2024-02-20"):
    return extract(text, language=language, published=published).targets


# (language, text, value_text, value, unit, comparator)
POSITIVE = [
    ("zh-Hans", "今年力争全年地区生产总值增长6%以上。", "6%以上", 6, "%", "at_least"),
    ("zh-Hans", "松山湖将力争完成全年220亿元的招商总目标。", "220亿元", 22_000_000_000, "元", "exact"),
    ("zh-Hans", "确保新增高新技术企业不少于50家。", "50家", 50, "家", "at_least"),
    ("zh-Hans", "到2025年，全市数字经济核心产业增加值达到1500亿元。", "1500亿元", 150_000_000_000, "元", "exact"),
    ("zh-Hans", "今年将新建5G基站3000个。", "3000个", 3000, "个", "exact"),
    ("zh-Hant", "今年力爭全年地區生產總值增長6%以上。", "6%以上", 6, "%", "at_least"),
    ("zh-Hant", "確保新增高新技術企業不少於五十家。", "五十家", 50, "家", "at_least"),
    ("en", "The GDP target this year is to increase 6%.", "6%", 6, "%", "exact"),
    ("en", "The district will strive to attract investment of more than 35 billion yuan this year.", "35 billion yuan", 35_000_000_000, "yuan", "at_least"),
    ("en", "It aims to complete industrial investment of no less than 13 billion yuan.", "13 billion yuan", 13_000_000_000, "yuan", "at_least"),
    ("en", "By 2025, the city will build 200 schools.", "200 schools", 200, "schools", "exact"),
]


@pytest.mark.parametrize("language, text, value_text, value, unit, comparator", POSITIVE)
def test_number_in_a_target_clause_is_a_target(language, text, value_text, value, unit, comparator):
    found = {t.value_text: t for t in targets(text, language)}
    assert value_text in found, [t.value_text for t in found.values()]
    t = found[value_text]
    assert (t.value, t.unit, t.comparator) == (value, unit, comparator)
    assert t.status == "target"


def test_a_cue_covers_the_clauses_after_it_in_its_sentence():
    found = [t.value for t in targets("力争地区生产总值增长6%，固定资产投资增长8%，社会消费品零售总额增长7%。")]
    assert found == [6, 8, 7]


NEGATIVE = [
    # achieved results
    ("zh-Hans", "去年全市完成固定资产投资120亿元，同比增长8%。"),
    ("zh-Hans", "目前，园区已集聚高新技术企业509家。"),
    ("zh-Hant", "去年全市完成固定資產投資120億元，同比增長8%。"),
    ("en", "Last year fixed-asset investment reached 12 billion yuan, up 8% year on year."),
    ("en", "In 2023 the district recorded GDP growth of 5.2%."),
    # forecasts by others
    ("zh-Hans", "分析师预计今年全国经济增长5%左右。"),
    ("en", "Analysts expect the economy to grow 5% this year."),
    ("en", "Economists forecast that exports will rise 3% next year."),
    # dates and years
    ("zh-Hans", "力争于2024年3月5日前完成。"),
    ("en", "The plan aims to be finished by March 5, 2025."),
    # no cue at all
    ("zh-Hans", "园区共有企业1.4万家，营业收入超亿元企业178家。"),
    # durations, labels, list numbers
    ("en", "Dongguan will strive to formulate long-term plans for the next 5-10 years."),
    ("zh-Hans", "力争实施好“一号工程”，推进“1+6+3”工作部署。"),
    ("zh-Hans", "力争从五个方面发力。"),
]


@pytest.mark.parametrize("language, text", NEGATIVE)
def test_not_a_target(language, text):
    assert targets(text, language) == []


def test_a_list_of_targets_after_a_colon_or_heading():
    colon = "全会确定的主要目标是：到2027年，地区生产总值突破1600亿元；高新技术企业达到1200家以上；研发投入强度提高到3.5%。"
    assert [t.value for t in targets(colon)] == [160_000_000_000, 1200, 3.5]
    heading = "2024年主要预期目标\n地区生产总值增长5.5%左右\n固定资产投资增长6%\n\n去年完成投资120亿元。"
    assert [t.value for t in targets(heading)] == [5.5, 6]
    english = "The main targets for this year are:\nGDP growth of around 5 percent;\nNew urban jobs of 85,000 jobs."
    assert [t.value for t in targets(english, "en")] == [5, 85000]


def test_a_list_ends_at_a_full_stop():
    text = "主要目标是：地区生产总值增长6%；投资增长8%。园区现有企业509家。"
    assert [t.value for t in targets(text)] == [6, 8]


def test_a_baseline_year_is_not_an_achieved_report():
    (t,) = targets("全年争取上级资金较上年增加百分之十以上。")
    assert (t.value, t.comparator) == (10, "at_least")


def test_a_size_class_is_not_the_target_but_the_count_is():
    found = targets("今年力争新引进10亿元以上重大项目40个以上。")
    assert [(t.value, t.unit) for t in found] == [(40, "个")]


def test_a_year_read_as_a_count_is_not_a_target():
    assert targets("Qingshui County sets out 2024 targets for growth.", "en") == []


def test_achieved_figure_beside_a_target_is_not_a_target():
    found = targets("去年完成固定资产投资120亿元，今年力争增长10%。")
    assert [(t.value_text, t.value) for t in found] == [("10%", 10)]


def test_a_past_year_makes_a_clause_achieved():
    text = "2023年全区地区生产总值增长5.2%，2024年力争增长6%。"
    assert [t.value for t in targets(text, published="2024-02-20")] == [6]


def test_target_quote_contains_value_text_and_is_verbatim():
    text = "会议提出，今年力争全年地区生产总值增长6%以上，确保新增高新技术企业不少于50家。"
    found = targets(text)
    assert len(found) == 2
    for t in found:
        assert t.value_text in t.quote and t.quote in text


def test_period_and_strength_are_read_from_the_clause():
    (t,) = targets("今年力争全年地区生产总值增长6%以上。")
    assert t.period in ("今年", "全年")
    assert t.strength == "strive"
    (t,) = targets("确保新增高新技术企业不少于50家。")
    assert t.strength == "ensure"
    (t,) = targets("The GDP target this year is to increase 6%.", "en")
    assert (t.period, t.strength, t.kind) == ("this year", "aim", "growth_rate")


def test_metric_names_what_the_number_measures():
    (t,) = targets("力争完成全年220亿元的招商总目标。")
    assert "招商" in t.metric
    (t,) = targets("It aims to complete industrial investment of no less than 13 billion yuan.", "en")
    assert t.metric == "industrial investment"
    (t,) = targets("计划前往德国、新加坡等十余个国家和地区开展招商。")
    assert t.metric == "国家和地区"
