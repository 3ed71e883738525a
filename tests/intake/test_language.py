from __future__ import annotations

import pytest

from summarizer.intake import from_text
from summarizer.intake.language import detect, simplify_same_length


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("东莞市发展和改革局将充分发挥统筹谋划协调职能,以科技创新和先进制造深度融合推动高质量发展。", "zh-Hans"),
        ("東莞市發展和改革局將充分發揮統籌謀劃協調職能,以科技創新和先進製造深度融合推動高質量發展。", "zh-Hant"),
        ("Dongguan will promote the experimental operation of the spallation neutron source.", "en"),
        ("东莞推进全华为SAP两大制造业数字化转型赋能中心建设运营,GDP迈上万亿新台阶。", "zh-Hans"),
        (
            "东莞市委书记肖亚非表示要坚持制造业立市。Dongguan will speed up the construction of "
            "the science city and attract talents from Hong Kong and Macao.",
            "mixed",
        ),
        ("12345 !!", "unknown"),
    ],
)
def test_detect(text: str, expected: str) -> None:
    assert detect(text) == expected


def test_model_text_simplifies_traditional_with_same_offsets() -> None:
    doc = from_text("東莞市委理論學(xué)習(xí)中心組召開(kāi)專題學(xué)習(xí)會(huì),推動(dòng)新質(zhì)生產(chǎn)力發(fā)展。", name="t.txt")
    assert doc.language == "zh-Hant"
    simp = doc.model_text(simplify=True)
    assert simp == "东莞市委理论学习中心组召开专题学习会,推动新质生产力发展。"
    assert len(simp) == len(doc.text)
    assert doc.model_text() == doc.text  # default: as written
    i = simp.index("学习")
    a, b = doc.raw_span(i, i + 2)
    assert doc.raw[a:b] == "學(xué)習"


def test_simplify_refuses_length_change(monkeypatch: pytest.MonkeyPatch) -> None:
    import summarizer.intake.language as lang

    monkeypatch.setattr(lang, "t2s", lambda s: s + "x")
    assert simplify_same_length("學習") is None
    doc = from_text("東莞市委理論學習中心組召開專題學習會,推動新質生產力發展。")
    assert doc.model_text(simplify=True) == doc.text
