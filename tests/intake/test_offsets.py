"""Offset maps: cleaned/repaired text must map back to exact raw offsets."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.intake import OffsetMap, from_text

PINYIN_RUN = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
HAN = "东莞市委理论学习中心组召开专题会议深入贯彻发展新质生产力重要论述精神推动科技创新产业"
SYLLABLES = ["xué", "xí", "huì", "kāi", "guó", "zhōng", "fā", "zhǎn", "chǎn", "yè"]
WORDS = ["GDP", "Dongguan", "science", "city", "growth", "6%", "2025", "SAP"]
JUNK = [
    "点击右上角微信好友",
    "朋友圈",
    "请使用浏览器分享功能进行分享",
    "首页> 地方频道> 要闻 > 正文",
    "正在阅读:东莞要闻",
    "微信图片_20230110191420.jpg",
    "5.jpg",
    "‘);",
    "}",
    "#Pengjiang #District #HighQuality",
    "编辑:钟欣玲",
    "[ 责编:李伯玺 ]",
    "(记者 冯敬伟 汤秀芳 )",
    "0人参与 0条评论",
    "  • 开心",
    "返回顶部",
]
TAIL = ["相关阅读", "推荐阅读", "- 相關新聞", "版权声明:", "您此时的心情"]


@st.composite
def body_line(draw) -> tuple[str, str]:
    """(raw line, expected cleaned line): Han/Latin words, some Han chars carrying pinyin."""
    parts_raw, parts_clean = [], []
    for _ in range(draw(st.integers(6, 24))):
        if draw(st.integers(0, 4)) == 0:
            w = draw(st.sampled_from(WORDS))
            parts_raw.append(" " + w + " ")
            parts_clean.append(" " + w + " ")
        else:
            ch = draw(st.sampled_from(HAN))
            pin = draw(st.sampled_from(SYLLABLES)) if draw(st.integers(0, 2)) == 0 else ""
            parts_raw.append(ch + (f"({pin})" if pin else ""))
            parts_clean.append(ch)
    han_prefix = "会议强调"  # keeps every body line clearly a sentence, longer than a slogan
    raw = han_prefix + "".join(parts_raw).strip() + "。"
    clean = han_prefix + "".join(parts_clean).strip() + "。"
    return raw, clean


@st.composite
def article(draw) -> tuple[str, list[str]]:
    lines: list[str] = []
    expected: list[str] = []
    for _ in range(draw(st.integers(1, 10))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            lines.append(draw(st.sampled_from(JUNK)))
        elif kind == 1:
            lines.append(draw(st.sampled_from(["", "  ", "\u3000"])))
        else:
            raw, clean = draw(body_line())
            indent = draw(st.sampled_from(["", "  ", "\u3000\u3000"]))
            lines.append(indent + raw + draw(st.sampled_from(["", " "])))
            expected.append(clean)
    if not expected:
        raw, clean = draw(body_line())
        lines.append(raw)
        expected.append(clean)
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(TAIL)))
        for _ in range(draw(st.integers(0, 3))):
            lines.append(draw(body_line())[0])  # unrelated items after a marker: dropped
    sep = draw(st.sampled_from(["\n", "\r\n"]))
    return sep.join(lines) + draw(st.sampled_from(["", sep])), expected


def _unrepair(s: str) -> str:
    return PINYIN_RUN.sub("", s)


@settings(max_examples=150, deadline=None)
@given(article(), st.data())
def test_cleaned_spans_map_to_raw(case: tuple[str, list[str]], data: st.DataObject) -> None:
    raw, expected = case
    doc = from_text(raw)
    got_lines = [ln.rstrip("\r") for ln in doc.text.split("\n") if ln.strip()]
    assert got_lines == expected
    # the whole text is a concatenation of raw slices
    assert "".join(raw[a:b] for a, b in doc.offsets.pieces(0, len(doc.text))) == doc.text
    # any span: its raw pieces spell it exactly
    s = data.draw(st.integers(0, len(doc.text)))
    e = data.draw(st.integers(s, len(doc.text)))
    assert "".join(raw[a:b] for a, b in doc.offsets.pieces(s, e)) == doc.text[s:e]
    # a span inside one line: the raw substring equals it once pinyin insertions are removed
    line_start = doc.text.rfind("\n", 0, s) + 1
    line_end = doc.text.find("\n", s)
    line_end = len(doc.text) if line_end < 0 else line_end
    e2 = data.draw(st.integers(s, max(s, line_end)))
    if s >= line_start and e2 > s:
        a, b = doc.raw_span(s, e2)
        assert _unrepair(raw[a:b]) == doc.text[s:e2]
    # repairs are recorded at their raw place
    for r in doc.repairs:
        assert raw[r.start : r.end] == r.removed


@st.composite
def offset_map(draw, length: int) -> tuple[OffsetMap, list[int | None]]:
    """A random map over a derived text of ``length`` chars, with its char-level truth."""
    truth: list[int | None] = []
    segs = []
    r = 0
    d = 0
    while d < length:
        n = draw(st.integers(1, max(1, length - d)))
        if draw(st.integers(0, 3)) == 0:  # synthesized run: maps nowhere
            truth += [None] * n
        else:
            r += draw(st.integers(0, 5))
            segs.append((d, r, n))
            truth += list(range(r, r + n))
            r += n
        d += n
    return OffsetMap(segs), truth


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_compose_matches_char_level_composition(data: st.DataObject) -> None:
    n_mid = data.draw(st.integers(1, 40))
    inner, inner_truth = data.draw(offset_map(n_mid))
    n_out = data.draw(st.integers(1, 40))
    outer, outer_truth = data.draw(offset_map(n_out))
    # outer maps into mid positions; keep only those that exist in mid
    outer = OffsetMap([(d, r, n) for d, r, n in outer.segments if r + n <= n_mid])
    outer_truth = [None] * n_out
    for d, r, n in outer.segments:
        for k in range(n):
            outer_truth[d + k] = r + k
    composed = outer.compose(inner)
    want = [inner_truth[m] if m is not None else None for m in outer_truth]
    got: list[int | None] = [None] * n_out
    for d, r, n in composed.segments:
        for k in range(n):
            got[d + k] = r + k
    assert got == want


def test_to_raw_snaps_synthesized_chars_to_neighbours() -> None:
    m = OffsetMap([(0, 10, 3), (5, 20, 2)])  # derived 3..4 were synthesized
    assert m.to_raw(1) == 11
    assert m.to_raw(3) == 20  # a start inside a gap goes forward
    assert m.to_raw(4, end=True) == 13  # an end inside a gap goes back
    assert m.span_to_raw(1, 6) == (11, 21)
    assert m.span_to_raw(3, 4) == (20, 20)  # a span of synthesized chars is empty, not inverted
    assert m.pieces(1, 6) == [(11, 13), (20, 21)]
    assert OffsetMap().span_to_raw(0, 3) == (0, 0)


def test_from_pieces_merges_adjacent() -> None:
    m = OffsetMap.from_pieces([(0, 3), (3, 5), (8, 9), (9, 9)])
    assert m.segments == [(0, 0, 5), (5, 8, 1)]
