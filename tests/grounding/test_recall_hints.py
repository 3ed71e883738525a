"""Recall hints: cues in both scripts, clause scope, indicator lists, numbers that are never targets.

Sentences are written for these tests (not copied from the dev set).
"""

from __future__ import annotations

import pytest

from summarizer.grounding.cues import fold, has_target_cue, has_weak_cue
from summarizer.grounding.recall import candidate_spans, find_candidate_sentences, find_candidates
from summarizer.intake import from_text
from summarizer.models import NumericTarget


def _hinted(text: str, year: int | None = 2024) -> list[str]:
    return [c.mention.text for c in candidate_spans(text, year=year)]


@pytest.mark.parametrize(
    "text",
    ["海川市力爭全年地區生產總值增長5%", "確保新增就業崗位3000個", "今年目標是引進項目40個", "計劃新建學校12所", "計畫完工住宅800戶"],
)
def test_traditional_cues_match(text: str) -> None:
    assert has_target_cue(text)
    assert _hinted(text)


def test_fold_keeps_positions() -> None:
    text = "力爭ABC確保"
    assert fold(text) == "力争abc确保" and len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("全年实现地区生产总值增长6%", "6%"),
        ("今年全市将新建充电桩2000个", "2000个"),
        ("力促签约项目总投资超500亿元", "500亿元"),
        ("研发投入强度达到3%", "3%"),
        ("新增城镇就业至少1.5万人", "1.5万人"),
        ("Cargo volume is expected to reach 2 million tonnes.", "2 million tonnes"),
        ("The county will build 40 new schools.", "40 new"),
        ("The city plans to open 5 parks.", "5 parks"),
        ("It is necessary to renovate 300 old compounds.", "300 old"),
    ],
)
def test_broader_lexicon(text: str, number: str) -> None:
    assert number in _hinted(text)


def test_achieved_figure_next_to_a_target_in_one_sentence_is_left_out() -> None:
    assert _hinted("去年完成投资120亿元，今年力争达到150亿元。") == ["150亿元"]
    assert _hinted("Exports rose 5% last year, and the city aims to grow them 7% this year.") == ["7%"]
    assert _hinted("Output is expected to reach 900 tonnes, up from 700 tonnes in 2023.") == ["900 tonnes"]


def test_a_cue_covers_the_clauses_after_it_but_not_a_report() -> None:
    text = "力争地区生产总值增长6%，固定资产投资增长8%，社会消费品零售总额增长5%；去年固定资产投资增长4%。"
    assert _hinted(text) == ["6%", "8%", "5%"]


def test_a_baseline_is_not_a_report() -> None:
    assert _hinted("到2026年，比重达到12%，较2023年提高3个百分点，营业收入突破800亿元。") == ["12%", "3个百分点", "800亿元"]


def test_a_year_before_publication_marks_a_report() -> None:
    text = "2023年，全区实现地区生产总值900亿元，增长5%。新增市场主体1万户。"
    assert _hinted(text, year=2024) == []
    assert _hinted("到2026年，地区生产总值突破1000亿元。", year=2024) == ["1000亿元"]


def test_an_estimate_of_a_year_that_is_ending_is_not_a_plan() -> None:
    assert _hinted("今年以来，工业经济稳步回升，预计全年规上工业增加值增长6%左右，新增企业80家。") == []


def test_someone_elses_forecast_is_not_a_target() -> None:
    assert _hinted("专家预计，全年全市GDP增速将在5%至6%之间。") == []
    assert _hinted("Analysts expect the city's exports will grow 4% this year.") == []


def test_indicator_list_under_a_heading_is_cued() -> None:
    text = "政府工作报告\n\n今年主要预期目标\n地区生产总值增长5%左右\n城镇调查失业率5.5%以内\n粮食产量稳定在90万吨以上\n\n其他内容共3项。"
    assert _hinted(text) == ["5%左右", "5.5%以内", "90万吨以上"]
    en = "Budget report\n\nKey indicators for 2024\n\nRetail sales: up 6 percent\nNew jobs: 40,000\n\nThe hall has 3 floors."
    assert _hinted(en) == ["6 percent", "40,000"]


def test_enumerated_tasks_after_an_announcing_line_are_cued() -> None:
    text = "今年将重点抓好三个方面工作。\n\n一是抓产业。新增规上工业企业60家。\n\n二是抓民生。新增养老床位500张。\n\n报道称会场有200人。"
    assert _hinted(text) == ["60家", "500张"]


def test_a_review_section_is_a_report() -> None:
    text = "一、2023年工作回顾\n\n全年实施重点项目180个，完成投资600亿元。\n\n二、2024年重点工作\n\n安排重点项目200个。"
    assert _hinted(text) == ["200个"]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("力争设立规模10亿元的产业基金", []),  # a fund: money set aside
        ("The city will launch a 5-billion-yuan fund.", []),
        ("力争引进亿元以上项目30个", ["30个"]),  # 亿元以上 qualifies the projects
        ("The city aims to attract companies with revenue above 100 million yuan.", []),
        ("力争打造3个千亿级产业集群", ["3个"]),
        ("力争全年新增世界500强企业2家", ["2家"]),
        ("计划完善五个方面的工作机制", []),
        ("力争把全镇12个村的收入提高到50万元", ["50万元"]),
        ("今年将扩建12英寸晶圆生产线1条", ["1条"]),
        ("力争三年内完成改造", []),  # a duration
        ("确保审批时间不超过5天", ["5天"]),  # but a limit is a target
        ("项目达产后年产值预计超过60亿元", []),  # an effect of the project
        ("今年将召开第七次全会", []),
        ("会议要求落实“双百行动”", []),
    ],
)
def test_numbers_that_are_never_targets(text: str, kept: list[str]) -> None:
    assert _hinted(text) == kept


def test_candidate_spans_are_structured_and_exact() -> None:
    text = "会议指出，去年投资增长4%。今年力争投资增长8%，新增企业50家。"
    cands = candidate_spans(text, year=2024)
    assert [c.mention.text for c in cands] == ["8%", "50家"]
    for c in cands:
        assert text[c.start : c.end] == c.mention.text
        assert c.clause_start <= c.start < c.end <= c.clause_end
        assert c.value == c.mention.value
    assert cands[0].cue == "力争"


def test_find_candidates_keeps_its_signature_and_skips_covered_values() -> None:
    doc = from_text("海川区部署全年工作。\n今年力争地区生产总值增长6%，新增企业50家。\n", name="h.txt", published="2024-02-01")
    hints = find_candidates(doc, [])
    assert [h.split(" in: ")[0] for h in hints] == ["6%", "50家"]
    covered = NumericTarget.model_construct(value=6.0, value_high=None)
    assert [h.split(" in: ")[0] for h in find_candidates(doc, [covered])] == ["50家"]
    assert find_candidates(doc, [], raw_mentions=None) == hints


def test_find_candidate_sentences_returns_whole_sentences() -> None:
    doc = from_text("海川区部署全年工作。\n今年力争地区生产总值增长6%，新增企业50家。去年增长4%。\n", name="h.txt", published="2024-02-01")
    spans = find_candidate_sentences(doc, [])
    assert [doc.text[a:b] for a, b in spans] == ["今年力争地区生产总值增长6%，新增企业50家。"]


def test_weak_and_strong_lexicons() -> None:
    assert has_target_cue("The city AIMS to grow") and not has_target_cue("xaim")
    assert has_weak_cue("The county will build") and not has_target_cue("The county will build")
