from __future__ import annotations

import re

import pytest

from summarizer.intake import from_text, read_path
from summarizer.intake.html import looks_like_html, map_lines

from .conftest import INTAKE


def test_chinese_page_main_text_and_metadata() -> None:
    doc = read_path(INTAKE / "zh_news.html")
    assert doc.title == "东莞出台制造业高质量发展十条措施"
    assert doc.published == "2023-03-15"
    assert doc.source == "东莞新闻网"
    assert doc.language == "zh-Hans"
    assert "先进制造业增加值占规模以上工业增加值比重达到" in doc.text
    assert "建设技能人才之都 & 大湾区创新高地" in doc.text  # entity decoded
    for junk in ["首页", "打开客户端", "分享到", "微博", "相关新闻", "松山湖科学城建设提速", "ICP", "返回顶部", "编辑:张三", "_hmt"]:
        assert junk not in doc.text, junk
    assert doc.credits.get("editor") == ["张三"]
    assert doc.credits.get("proofreader") == ["李四"]


def test_english_page_main_text_and_metadata() -> None:
    doc = read_path(INTAKE / "en_news.html")
    assert doc.language == "en"
    assert doc.title == "Dongguan sets 6% growth target for 2024"
    assert doc.published == "2024-01-20"
    assert doc.source == "City Daily"
    assert doc.url == "https://news.example.com/2024/01/20/dongguan-growth"
    assert "R&D spending should reach 4.2% of GDP by 2025" in doc.text
    for junk in ["Tweet", "Share on Facebook", "Related stories", "Shenzhen unveils", "Copyright", "Privacy"]:
        assert junk not in doc.text, junk


def test_page_without_metadata() -> None:
    doc = read_path(INTAKE / "no_meta.html")
    assert doc.title is None and doc.published is None and doc.source is None
    assert doc.text.count("\n") == 2 and doc.text.startswith("会议强调")


def test_html_offsets_point_at_the_source() -> None:
    doc = read_path(INTAKE / "zh_news.html")
    # a quote inside one paragraph maps to the exact raw substring (tags inside it included)
    q = "东莞将坚持制造业立市不动摇,围绕新一代电子信息"
    i = doc.text.index(q)
    a, b = doc.raw_span(i, i + len(q))
    assert re.sub(r"<[^>]+>", "", doc.raw[a:b]) == q
    # every copied character is the same character in the source
    for x, y in doc.offsets.pieces(0, len(doc.text)):
        assert doc.raw[x:y] in doc.text
    copied = sum(y - x for x, y in doc.offsets.pieces(0, len(doc.text)))
    assert copied >= 0.95 * len(doc.text)


def test_map_lines_skips_entities_and_tags() -> None:
    src = "<p>A&amp;B <b>bold</b>  text</p><script>A&B bold text</script>"
    m, unplaced = map_lines("A&B bold text", src)
    assert unplaced == 0
    assert [src[a:b] for a, b in m.pieces(0, 13)] == ["A", "B", "bold", "text"]


def test_unplaceable_line_warns() -> None:
    doc = from_text("<html><body><p>会议强调,要坚持高质量发展。会议强调,要坚持高质量发展。</p></body></html>", html=True)
    assert doc.text
    m, unplaced = map_lines("完全不在源码里的一行", "<p>别的内容</p>")
    assert unplaced == 1 and m.segments == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", True),
        ("<html lang='zh'>", True),
        ("会议强调 a<b 以及 c>d。", False),
        ("制造业是立国之本。", False),
    ],
)
def test_looks_like_html(text: str, expected: bool) -> None:
    assert looks_like_html(text) is expected


def test_from_text_sniffs_html() -> None:
    html = (INTAKE / "en_news.html").read_text(encoding="utf-8")
    doc = from_text(html, name="page")
    assert doc.format == "html" and "Songshan Lake Science City" in doc.text
