"""Quotes with an ellipsis in the middle: aligned part by part, spanning first part to last."""

from __future__ import annotations

import pytest

from summarizer.grounding.align import ELISION_MAX_GAP, FUZZY_THRESHOLD, Aligner
from summarizer.intake import from_text

ZH_A = "要坚持以推动高质量发展为主题"
ZH_MID = "，始终把发展经济的着力点放在实体经济上，"
ZH_B = "加快建设现代化产业体系"
ZH_RAW = f"前言。会议强调，{ZH_A}{ZH_MID}{ZH_B}。其他内容。\n下一段说别的事情。"

EN_A = "The district will build four industrial platforms"
EN_MID = " this year, and it will also "
EN_B = "expand the science corridor by 2025"
EN_RAW = f"Intro. {EN_A}{EN_MID}{EN_B}. Other text follows here.\nA new paragraph about something else."


def _span(raw: str, ev) -> str:
    return raw[ev.start : ev.end]


@pytest.mark.parametrize("mark", ["……", "…", "...", ". . .", "[...]", "[…]", " … "])
def test_chinese_parts_in_order_span_first_to_last(mark: str) -> None:
    ev = Aligner(from_text(ZH_RAW)).align(f"{ZH_A}{mark}{ZH_B}")
    assert ev.match == "normalized"
    assert _span(ZH_RAW, ev) == ZH_A + ZH_MID + ZH_B
    # score = share of the span the parts cover (weakest part exact: 1.0)
    assert ev.score == pytest.approx(len(ZH_A + ZH_B) / len((ZH_A + ZH_MID + ZH_B).replace("，", ",")), abs=1e-3)


@pytest.mark.parametrize("mark", ["...", "…", ". . .", "[...]", " ... "])
def test_english_parts_in_order_span_first_to_last(mark: str) -> None:
    ev = Aligner(from_text(EN_RAW)).align(f"{EN_A}{mark}{EN_B}")
    assert ev.match == "normalized"
    assert _span(EN_RAW, ev) == EN_A + EN_MID + EN_B
    assert 0.5 < ev.score < 1.0


def test_a_part_with_a_typo_makes_the_match_fuzzy() -> None:
    ev = Aligner(from_text(EN_RAW)).align("The district will build four industrial platfroms ... expand the science corridor by 2025")
    assert ev.match == "fuzzy"
    assert _span(EN_RAW, ev) == EN_A + EN_MID + EN_B
    ev_zh = Aligner(from_text(ZH_RAW)).align(f"{ZH_A}……加快建设现代化产业休系")
    assert ev_zh.match == "fuzzy"
    assert _span(ZH_RAW, ev_zh) == ZH_A + ZH_MID + ZH_B
    assert ev_zh.score < Aligner(from_text(ZH_RAW)).align(f"{ZH_A}……{ZH_B}").score


def test_three_parts() -> None:
    ev = Aligner(from_text(ZH_RAW)).align("要坚持以推动高质量发展……始终把发展经济的着力点……加快建设现代化产业体系")
    assert ev.match == "normalized"
    assert _span(ZH_RAW, ev) == ZH_A + ZH_MID + ZH_B


def test_leading_or_trailing_ellipsis_is_just_the_quote() -> None:
    ev = Aligner(from_text(ZH_RAW)).align(f"……{ZH_B}……")
    assert ev.match == "normalized" and ev.score == 1.0
    assert _span(ZH_RAW, ev) == ZH_B


def test_an_ellipsis_the_article_really_has_matches_exactly() -> None:
    raw = "他说：“我们要坚持下去……一定能成功。”然后离开。"
    quote = "我们要坚持下去……一定能成功"
    ev = Aligner(from_text(raw)).align(quote)
    assert ev.match == "exact" and _span(raw, ev) == quote


def test_parts_out_of_order_do_not_match() -> None:
    ev = Aligner(from_text(ZH_RAW)).align(f"{ZH_B}……{ZH_A}")
    assert ev.match == "none" and ev.start is None


def test_parts_too_far_apart_do_not_match() -> None:
    filler = "其他工作内容安排部署" * (ELISION_MAX_GAP // 10 + 5)
    raw = f"{ZH_A}。{filler}。{ZH_B}。"
    ev = Aligner(from_text(raw)).align(f"{ZH_A}……{ZH_B}")
    assert ev.match == "none"


def test_parts_across_a_paragraph_break_still_match_when_close() -> None:
    raw = f"{EN_A} this year.\n{EN_B} as planned."
    ev = Aligner(from_text(raw)).align(f"{EN_A} ... {EN_B}")
    assert ev.match == "normalized"
    assert _span(raw, ev) == f"{EN_A} this year.\n{EN_B}"


def test_nearest_occurrence_of_the_next_part_in_the_same_paragraph() -> None:
    raw = f"{ZH_A}，推进招商引资，{ZH_B}。\n{ZH_B}是第二段的话。"
    ev = Aligner(from_text(raw)).align(f"{ZH_A}……{ZH_B}")
    assert _span(raw, ev) == f"{ZH_A}，推进招商引资，{ZH_B}"


@pytest.mark.parametrize(
    "quote",
    [
        "要……体系",  # nothing long enough to stand on
        "会议……下一段",
        "The ... corridor",  # a single English word is found near almost anything
        "Intro ... paragraph",
    ],
)
def test_short_parts_alone_make_no_match(quote: str) -> None:
    raw = ZH_RAW if quote[0] > "~" else EN_RAW
    ev = Aligner(from_text(raw)).align(quote)
    assert ev.match == "none" and ev.start is None


def test_short_part_must_be_found_next_to_the_long_one() -> None:
    ev = Aligner(from_text(ZH_RAW)).align(f"会议强调……{ZH_B}")
    assert ev.match == "normalized"
    assert _span(ZH_RAW, ev).startswith("会议强调") and _span(ZH_RAW, ev).endswith(ZH_B)
    missing = Aligner(from_text(ZH_RAW)).align(f"市长指出……{ZH_B}")  # short part not in the text
    assert missing.match == "none"


def test_a_paraphrased_part_makes_no_match() -> None:
    ev = Aligner(from_text(EN_RAW)).align(f"{EN_A} ... the city will double its number of parks")
    assert ev.match == "none"


def test_repeated_elided_quote_takes_occurrences_in_order() -> None:
    block = f"{ZH_A}{ZH_MID}{ZH_B}。"
    raw = f"{block}中间的话。{block}"
    aligner = Aligner(from_text(raw))
    quote = f"{ZH_A}……{ZH_B}"
    starts = [aligner.align(quote, group="goal").start for _ in range(3)]
    assert starts == [0, raw.rindex(ZH_A), 0]


def test_fuzzy_score_is_the_weakest_part_times_coverage() -> None:
    ev = Aligner(from_text(EN_RAW)).align("The district will build four industrial platfroms ... expand the science corridor by 2025")
    exact = Aligner(from_text(EN_RAW)).align(f"{EN_A} ... {EN_B}")
    assert ev.score < exact.score
    assert ev.score >= exact.score * FUZZY_THRESHOLD / 100 - 1e-3
