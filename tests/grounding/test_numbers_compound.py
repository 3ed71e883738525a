"""Compound and hyphenated English amounts, currency prefixes, ranges; exact decimal values."""

from __future__ import annotations

import pytest

from summarizer.grounding import scan

# (text, mention as written, value, value_high, unit, currency, comparator, kind)
CASES = [
    ("a 10-billion-yuan fund", "10-billion-yuan", 10e9, None, "yuan", "CNY", "exact", "number"),
    ("a 10-billion-yuan ($1.4 billion) fund", "$1.4 billion", 1.4e9, None, None, "USD", "exact", "number"),
    ("10 billion yuan", "10 billion yuan", 10e9, None, "yuan", "CNY", "exact", "number"),
    ("breaks ground on 4.8-billion-yuan hydrogen park", "4.8-billion-yuan", 4.8e9, None, "yuan", "CNY", "exact", "number"),
    ("a 500-million-yuan package", "500-million-yuan", 5e8, None, "yuan", "CNY", "exact", "number"),
    ("signed $3.6 billion in deals", "$3.6 billion", 3.6e9, None, None, "USD", "exact", "number"),
    ("output of 1 trillion yuan", "1 trillion yuan", 1e12, None, "yuan", "CNY", "exact", "number"),
    ("grow 5 to 6 percent", "5 to 6 percent", 5, 6, "%", None, "range", "number"),
    ("grow by between 5% and 6% this year", "5% and 6%", 5, 6, "%", None, "range", "number"),
    ("between $1 billion and $2 billion", "$1 billion and $2 billion", 1e9, 2e9, None, "USD", "range", "number"),
    ("subsidies of RMB 2.5 billion", "RMB 2.5 billion", 2.5e9, None, None, "CNY", "exact", "number"),
    ("a US$1.2bn plant", "US$1.2bn plant", 1.2e9, None, "plant", "USD", "exact", "number"),
    ("a $3b deal", "$3b deal", 3e9, None, "deal", "USD", "exact", "number"),
    ("a 2-percentage-point rise", "2-percentage-point", 2, None, "percentage points", None, "exact", "number"),
    ("up 7-percent on the year", "7-percent", 7, None, "%", None, "exact", "number"),
    ("1.2 million tonnes of grain", "1.2 million tonnes", 1.2e6, None, "tonnes", None, "exact", "number"),
    ("120,000 mu of farmland", "120,000 mu", 120000, None, "mu", None, "exact", "number"),
    ("a 5-year plan", "5-year", 5, None, "year", None, "exact", "number"),
    ("到2026年算力规模达到8000P", "8000P", 8000, None, "P", None, "exact", "number"),
    ("新增装机50MW", "50MW", 50, None, "MW", None, "exact", "number"),
    ("1—5月规上工业增加值", "1—5月", 1, 5, "月", None, "range", "number"),
    ("《行动计划（2024—2026年）》", "2024—2026年", 2024, 2026, "年", None, "range", "year"),
]


@pytest.mark.parametrize(("text", "written", "value", "high", "unit", "currency", "comparator", "kind"), CASES)
def test_compound_amount(text, written, value, high, unit, currency, comparator, kind):
    found = [m for m in scan(text) if m.text == written]
    assert found, f"no mention {written!r} in {[m.text for m in scan(text)]}"
    m = found[0]
    assert text[m.start : m.end] == written
    assert m.value == value and m.value_high == high  # exact: see test_values_are_exact_decimals
    assert (m.unit, m.currency, m.comparator, m.kind) == (unit, currency, comparator, kind)


@pytest.mark.parametrize(
    ("text", "value", "high"),
    [
        ("18.4亿元", 1840000000, None),
        ("1.14万亿元", 1140000000000, None),
        ("0.7万人", 7000, None),
        ("312.6亿元", 31260000000, None),
        ("1.1亿-1.3亿元", 110000000, 130000000),
        ("1.1-1.3亿元", 110000000, 130000000),
        ("4.1 billion yuan", 4100000000, None),
        ("$3.3 million", 3300000, None),
        ("0.3 trillion yuan", 300000000000, None),
        ("US$2.9bn", 2900000000, None),
    ],
)
def test_values_are_exact_decimals(text, value, high):
    """Value = digits as written times the scale, computed exactly, then one conversion."""
    m = next(m for m in scan(text) if m.kind == "number")
    assert m.value == value and (m.value_high == high)


@pytest.mark.parametrize("text", ["加快5G基站建设", "a 5m high wall", "PM2.5浓度"])
def test_glued_letters_that_are_not_amounts(text):
    assert [m.text for m in scan(text) if m.kind == "number"] == []


def test_hyphen_range_still_a_range():
    m = next(m for m in scan("over the next 5-10 years") if m.kind == "number")
    assert (m.value, m.value_high, m.comparator, m.unit) == (5, 10, "range", "years")
