"""Goal and initiative rules, and the summary."""

from __future__ import annotations

import pytest

from summarizer.rules import extract
from summarizer.rules.summary import EMPTY_SUMMARY, SUMMARY_CHARS_EN, SUMMARY_CHARS_ZH

# (language, text, a passage the goal statement must contain)
GOALS = [
    ("zh-Hans", "区委书记张三表示，要全力打造大湾区创新高地、人才高地。", "打造大湾区创新高地"),
    ("zh-Hans", "松山湖将努力建设成为引领东莞高质量发展的核心引擎。", "建设成为引领东莞高质量发展的核心引擎"),
    ("zh-Hant", "要努力打造成為粵港澳大灣區國際科技創新中心的重要支點。", "打造成為粵港澳大灣區國際科技創新中心的重要支點"),
    ("en", "The city aims to become a global hub for advanced manufacturing.", "aims to become a global hub for advanced manufacturing"),
    ("en", "We will strive to create a strong magnetic field to attract talent.", "strive to create a strong magnetic field"),
]


@pytest.mark.parametrize("language, text, passage", GOALS)
def test_target_like_clause_without_number_is_a_goal(language, text, passage):
    goals = extract(text, language=language).goals
    assert any(passage in g.statement for g in goals), [g.statement for g in goals]
    assert all(g.quote in text and g.statement in text for g in goals)


NOT_GOALS = [
    ("zh-Hans", "“制造业”成为东莞学习宣传的高频词。"),  # 成为 alone states a fact
    ("zh-Hans", "去年已建成科技园区三个，打造了一批平台。"),  # done, not aimed at
    ("en", "The park was built into a hub last year."),
]


@pytest.mark.parametrize("language, text", NOT_GOALS)
def test_not_a_goal(language, text):
    assert extract(text, language=language).goals == []


def test_a_clause_with_a_target_number_is_not_also_a_goal():
    e = extract("力争建成国家级高新区3个。", language="zh-Hans")
    assert [t.value for t in e.targets] == [3]
    assert e.goals == []


def test_goal_set_by_is_the_speaker_named_before_it():
    text = "区委书记张三在会上指出，要全力打造区域创新高地。"
    (g,) = extract(text, language="zh-Hans").goals
    assert g.set_by == "张三"


# (language, text, names that must be found, names that must not)
INITIATIVES = [
    ("zh-Hans", "深入实施“十百千万百万”人才工程，实施好产业立新柱“一号工程”。", ["“十百千万百万”人才工程", "产业立新柱“一号工程”"], []),
    ("zh-Hans", "深入实施高质量产业招商三年行动计划，设立“一产业一基金”。", ["高质量产业招商三年行动计划", "“一产业一基金”"], []),
    ("zh-Hans", "印发《湖东区科技创新三年行动方案》。", ["湖东区科技创新三年行动方案"], []),
    ("zh-Hans", "重点打造一批行业级工业互联网平台，推动重大项目落地。", [], ["一批行业级工业互联网平台", "重大项目"]),
    ("zh-Hant", "持續深入實施“十百千萬百萬”人才工程。", ["“十百千萬百萬”人才工程"], []),
    ("zh-Hans", "深化“放管服”改革，推进投资审批。", ["“放管服”改革"], []),
    # 计划 as a verb, a quoted speech, a legislative session, a generic label, a count
    ("zh-Hans", "南浦区计划新引进项目30个。", [], ["南浦区计划"]),
    ("zh-Hans", "他说：“今年全市要力促签约项目落地。”", [], ["“今年全市要力促签约项目"]),
    ("zh-Hans", "云梧市第十六届人民代表大会第四次会议开幕，审议年度计划。", [], ["云梧市第十六届人民代表大会", "年度计划"]),
    ("zh-Hant", "全市已建成5處基地。", [], ["5處基地"]),
    ("en", "The city launched the Green Valley talent programme last year.", ["Green Valley talent programme"], []),
    ("en", "Accelerate the construction of the Guangzhou-Shenzhen Science and Technology Innovation Corridor.",
     ["Guangzhou-Shenzhen Science and Technology Innovation Corridor"], []),
    ("en", "We will implement the “Six Major Actions” and polish the “Pengjiang Service” brand.",
     ["“Six Major Actions”", "“Pengjiang Service” brand"], []),
    ("en", "He called it a “golden inner bay” and a “bridge economy”.", [], ["“golden inner bay”", "“bridge economy”"]),
    ("en", "The Action Plan was released.", [], ["Action Plan"]),
]


@pytest.mark.parametrize("language, text, present, absent", INITIATIVES)
def test_named_programmes_are_initiatives(language, text, present, absent):
    names = [i.name for i in extract(text, language=language).initiatives]
    for name in present:
        assert name in names, names
    for name in absent:
        assert name not in names, names


def test_summary_is_headline_plus_leading_sentences():
    text = "湖东区召开经济工作会议\n会议部署了今年的重点工作。会议要求加快发展。\n来源：湖东发布"
    e = extract(text, language="zh-Hans")
    assert e.title == "湖东区召开经济工作会议"
    assert e.summary.startswith("湖东区召开经济工作会议")
    assert "会议部署了今年的重点工作。" in e.summary
    assert "来源" not in e.summary


@pytest.mark.parametrize("language, limit", [("zh-Hans", SUMMARY_CHARS_ZH), ("en", SUMMARY_CHARS_EN)])
def test_summary_is_cut_to_a_fixed_length(language, limit):
    sentence = "会议要求加快推进重点项目建设。" if language != "en" else "The meeting called for faster work on key projects. "
    e = extract(sentence * 200, language=language)
    assert 0 < len(e.summary) <= limit + 1


def test_given_title_is_the_headline():
    e = extract("The meeting called for faster work.", language="en", title="City holds work conference")
    assert e.title == "City holds work conference"
    assert e.summary.startswith("City holds work conference")


def test_blank_text_still_gives_a_summary():
    assert extract("   \n ", language="unknown").summary == EMPTY_SUMMARY
