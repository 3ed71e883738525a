"""The matching rules on their own: names, units, values, initiative overlap, assignment."""

from __future__ import annotations

import pytest

from summarizer.evaluation.matching import (
    INITIATIVE_THRESHOLD,
    initiative_score,
    max_matching,
    period_year,
    same_person,
    same_quantity,
    unit_class,
    units_compatible,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("韋皓", "韦皓"),  # Traditional vs Simplified
        ("欧阳 南江", "欧阳南江"),  # whitespace
        ("Ｌｉａｎｇ Ｗｅｉｄｏｎｇ", "liang weidong"),  # full-width, case
        ("Ma Ping-ao", "Ma Pingao"),  # punctuation inside a romanized name
        ("Li Hua", "Hua Li"),  # surname-first vs surname-last
        ("Ouyang Nan Jiang", "Nan Jiang Ouyang"),
    ],
)
def test_same_person(a: str, b: str) -> None:
    assert same_person(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("韦皓", "Wei Hao"),  # different scripts: no transliteration
        ("Secretary Liang Weidong", "Liang Weidong"),  # a title in the name field
        ("张三", "张三丰"),
        ("Li Hua", "Li Huan"),
    ],
)
def test_different_person(a: str, b: str) -> None:
    assert not same_person(a, b)


@pytest.mark.parametrize(
    ("pred", "gold"),
    [
        ("元", "yuan"), ("CNY", "元"), ("人民币", "元"), ("亿元", "元"), ("billion yuan", "yuan"),
        ("%", "percent"), ("％", "%"),
        ("个", "个国家和地区"), ("家", "个"), ("companies", "enterprises"), ("家", "enterprises"),
        (None, "个"), (None, "enterprises"), (None, None), ("个", None),
        ("亩", "亩"), ("tons", "ton"), ("亩", "万亩"),
        ("个百分点", "percentage points"),
    ],
)
def test_units_compatible(pred: str | None, gold: str | None) -> None:
    assert units_compatible(pred, gold)


@pytest.mark.parametrize(
    ("pred", "gold"),
    [
        ("美元", "元"),  # "元" is a suffix of "美元", but a different currency
        ("元", "%"), ("%", "个百分点"), ("percent", "percentage points"),
        (None, "元"), (None, "%"), ("元", None),  # a bare number is a count, not money or a share
        ("个", "亩"), ("enterprises", "years"), ("亩", "公里"),
    ],
)
def test_units_incompatible(pred: str | None, gold: str | None) -> None:
    assert not units_compatible(pred, gold)


def test_unit_classes() -> None:
    assert unit_class("亿元").key == unit_class("yuan").key == "CNY"
    assert unit_class("个国家和地区").kind == "count"
    assert unit_class("firms").kind == "count"
    assert unit_class("亩").kind == "other"
    assert unit_class("").kind == unit_class(None).kind == "none"


def test_values_and_ranges() -> None:
    assert same_quantity(22000000000.0, None, 22e9, None)
    assert same_quantity(22000000000.0 * (1 + 5e-7), None, 22e9, None)  # inside 1e-6
    assert not same_quantity(22000000000.0 * (1 + 5e-6), None, 22e9, None)
    assert not same_quantity(None, None, 6, None)
    assert same_quantity(5, 10, 5, 10)
    assert not same_quantity(5, None, 5, 10)  # a single number is not the range
    assert not same_quantity(5, 10, 5, None)
    assert not same_quantity(5, 12, 5, 10)


def test_period_year() -> None:
    assert period_year("2024") == period_year("2024年") == 2024
    assert period_year("this year") is None and period_year(None) is None and period_year("2024-2026") is None


def test_initiative_overlap() -> None:
    assert initiative_score("“百千万工程”", "百千万工程") == 1.0  # quotes are punctuation
    assert initiative_score("七大戰新產業基地", "七大战新产业基地") == 1.0  # script-insensitive
    # bigram Dice: 通湖礼廊二期 (5 bigrams) vs 通湖礼廊 (3 bigrams), 3 shared -> 6/8
    assert initiative_score("通湖礼廊二期", "通湖礼廊") == pytest.approx(0.75)
    assert initiative_score("散裂中子源二期", "先进阿秒激光") < INITIATIVE_THRESHOLD
    # word Dice, stop-words dropped: {green, beautiful, pengjiang} vs {green, pengjiang, campaign}
    assert initiative_score("Green and Beautiful Pengjiang", "Green Pengjiang campaign") == pytest.approx(4 / 6)
    # "of the" alone must not carry a match
    assert initiative_score("Plan of the City", "Fund of the District") == 0.0
    assert initiative_score("four industrial platforms", "four industrial platform") == 1.0


def test_max_matching_does_not_let_a_loose_prediction_steal() -> None:
    # gold 0 could take prediction 0 or 1 (prefers 0); gold 1 can only take prediction 0
    adj = {0: [0, 1], 1: [0]}
    pairs = max_matching(2, lambda i: adj[i])
    assert pairs == {0: 1, 1: 0}
