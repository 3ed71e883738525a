from __future__ import annotations

import pytest

from summarizer.intake import from_text
from summarizer.intake.pinyin import is_syllable, repair


def test_repairs_tone_marked_insertions() -> None:
    text, _, runs = repair("東莞市委理論學(xué)習(xí)中心組召開(kāi)專題學(xué)習(xí)會(huì)")
    assert text == "東莞市委理論學習中心組召開專題學習會"
    assert [r[2] for r in runs][:3] == ["(xué)", "(xí)", "(kāi)"]
    assert [r[3] for r in runs][:3] == ["學", "習", "開"]


@pytest.mark.parametrize(
    "text",
    [
        "地区生产总值(GDP)增长6%",
        "香港城市大学(東莞)和香港城市大学(东莞)",
        "各縣(市、區)要抓落實",
        "《规划(2022)》发布",
        "全超导托卡马克核聚变实验装置(EAST)",
        "Jiangmen Daily News (Reporter/Deng Shaojun Luo Pei) On February 19",
        "人工智能(AI)模型",
        "中国天眼(FAST)又传来好消息",
        "镇街(园区)全覆盖",
    ],
)
def test_legitimate_parentheses_survive(text: str) -> None:
    repaired, _, runs = repair(text)
    assert repaired == text
    assert runs == []


def test_toneless_syllables_only_in_texts_known_to_be_corrupted() -> None:
    clean_text = "他说(an)不是拼音,而(de)也不一定是。"
    assert repair(clean_text)[0] == clean_text  # no tone-marked insertions: leave it alone
    corrupted = "學(xué)習(xí)會(huì)議的(de)精神"
    assert repair(corrupted)[0] == "學習會議的精神"


def test_syllable_structure() -> None:
    for ok in ["xué", "zhuàng", "lǜ", "nüè", "ài", "ér", "de", "guān", "chǎng"]:
        assert is_syllable(ok), ok
    for bad in ["sx", "xyz", "in", "ǎá", "bq", "gdp"]:
        assert not is_syllable(bad), bad


def test_document_repair_record_and_offsets() -> None:
    raw = "會(huì)上,與會(huì)同志圍繞“加快發(fā)展”專題交流。"
    doc = from_text(raw, name="p.txt")
    assert doc.text == "會上,與會同志圍繞“加快發展”專題交流。"
    assert doc.repaired is True
    assert len(doc.repairs) == 3
    first = doc.repairs[0]
    assert raw[first.start : first.end] == "(huì)" and first.after == "會"
    i = doc.text.index("與會同志")
    a, b = doc.raw_span(i, i + 4)
    assert raw[a:b] == "與會(huì)同志"  # the span covers the raw words, insertion included
    assert "".join(raw[x:y] for x, y in doc.offsets.pieces(i, i + 4)) == "與會同志"


def test_full_width_parentheses() -> None:
    assert repair("學（xué）習（xí）會（huì）")[0] == "學習會"
