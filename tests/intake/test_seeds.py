"""The five real seed pages: body kept, junk gone, metadata found; cleaner metric thresholds."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from summarizer.intake import from_text

from .conftest import ROOT, seed

KEEP = {
    "000": [
        "How to promote high quality development? NPC deputy, Dongguan City Party Committee Secretary Liang Weidong proposed",
        "Build a world-class major science and technology infrastructure cluster",
        "Songshan Lake High-tech Zone",
        "From decentralized innovation to collaborative global innovation",
        "join hands in the talent competition of the world-class city group.",
    ],
    "001": [
        "东莞:坚持制造业立市不动摇!",
        "制造业是立国之本、兴国之器、强国之基。",
        "东莞市委书记肖亚非:",
        "东莞市投资促进局局长陈顺娇",
        "加快筹建大湾区大学和香港城市大学(东莞)",
        "党的二十大报告把以",
        "万亿GDP、千万人口的新起点",
        "东莞,能造!",
    ],
    "002": [
        "東莞市委理論學習中心組召開專題學習會",
        "市委書記韋皓主持會議并講話",
        "為新質生產力發展提供有力支撐。",
    ],
    "003": [
        "锚定高质量 奋力开新局㉝丨松山湖:着力提升创新能级 打造引领东莞高质量发展核心引擎",
        "【编前语】2023年是贯彻党的二十大精神的开局之年",
        "依托多方力量推动科技创新 形成1+1>2的新发展格局",
        "力争完成全年220亿元的招商总目标。",
        "加快构建松山湖全球招商网络。",
    ],
    "004": [
        "On February 19, the Pengjiang District",  # the credit glued before it is cut off
        "the GDP target this year is to increase 6%",
        "Level, show greater achievements",
    ],
}

DROP = {
    "000": ["GoodChinaBrand", "ICP"],
    "001": ["来源:东莞发布2022-11-09 10:09", "点击右上角微信好友", "朋友圈", "请使用浏览器分享功能进行分享", "正在阅读", "首页>", "编辑:钟欣玲", "校对:李秀莹",
            "责编", "阅读剩余全文", "相关阅读", "您此时的心情", "开心", "飘过", "推荐阅读", "视觉焦点", "2025-12-22", "肺鱼", "加载更多"],
    "002": ["(xué)", "(huì)", "(kāi)", "相關新聞", "相关新闻"],
    "003": ["2023年01月27日 21:21", "知东莞,知天下!", "打开客户端", "立即打开", "0人参与", "0条评论", ".jpg", "记者 冯敬伟", "编辑:谭晚兰", "关键词",
            "都翻到这儿了", "版权声明", "凡注明来源", "tougao0769", "网友评论", "网友跟贴", "查看更多跟贴", "返回顶部"],
    "004": ["2024-02-20 08:26:24", "‘);", "}", "#Pengjiang", "#NewsJiangmen", "(Reporter/Deng Shaojun"],
}

META = {
    "000": dict(language="en", published=None, source=None),
    "001": dict(language="zh-Hans", title="东莞:坚持制造业立市不动摇!", published="2022-11-09", source="东莞发布"),
    "002": dict(language="zh-Hant", title=None, published=None, repaired=True),
    "003": dict(language="zh-Hans", published="2023-01-27", source="东莞广播电视台"),
    "004": dict(language="en", title=None, published="2024-02-20"),
}


def _doc(prefix: str):
    path = seed(prefix)
    return from_text(path.read_text(encoding="utf-8"), name=path.name)


@pytest.mark.parametrize("prefix", sorted(KEEP))
def test_seed_keeps_body_and_drops_junk(prefix: str) -> None:
    doc = _doc(prefix)
    for s in KEEP[prefix]:
        assert s in doc.text, s
    for s in DROP[prefix]:
        assert s not in doc.text, s
    for key, value in META[prefix].items():
        assert getattr(doc, key) == value, key
    # the cleaned text is made of raw slices, exactly
    assert "".join(doc.raw[a:b] for a, b in doc.offsets.pieces(0, len(doc.text))) == doc.text


def test_seed_titles() -> None:
    assert _doc("000").title.startswith("How to promote high quality development?")
    assert _doc("003").title.startswith("锚定高质量 奋力开新局")


def test_seed_002_pinyin_repaired() -> None:
    doc = _doc("002")
    assert "學習" in doc.text
    assert "(xué)" not in doc.text and "(" not in doc.text
    assert len(doc.repairs) == 226
    assert all(doc.raw[r.start : r.end] == r.removed for r in doc.repairs)
    assert doc.model_text(simplify=True).startswith("11月28日上午,东莞市委理论学习中心组")


def test_seed_credits() -> None:
    assert _doc("001").credits == {"source": ["东莞发布"], "editor": ["钟欣玲", "李伯玺"], "proofreader": ["李秀莹"]}
    c3 = _doc("003").credits
    assert c3["reporter"] == ["冯敬伟", "汤秀芳", "魏淦棠", "黎日昇"]
    assert c3["editor"] == ["谭晚兰"]


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("bench_cleaning", ROOT / "benchmarks" / "cleaning.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses in the module look themselves up there
    spec.loader.exec_module(mod)
    return mod


def test_cleaner_line_recall_and_precision_on_seeds() -> None:
    s = _load_benchmark().scores()
    for name, m in s.items():
        assert m["recall"] >= 0.98, (name, m)
        assert m["precision"] >= 0.95, (name, m)
