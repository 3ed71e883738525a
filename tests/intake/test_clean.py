from __future__ import annotations

import pytest

from summarizer.intake import from_text
from summarizer.intake.clean import clean

from .conftest import INTAKE

P1 = "会议强调,要坚持以推动高质量发展为主题,始终把发展经济的着力点放在实体经济上。"
P2 = "会议要求,各镇街要抢抓政策窗口期,推动重大项目早开工、早投产、早达效。"


def _sandwich(junk: str) -> str:
    return f"{P1}\n\n{junk}\n\n{P2}\n"


@pytest.mark.parametrize(
    ("junk", "reason"),
    [
        ("点击右上角微信好友", "share"),
        ("朋友圈", "share"),
        ("请使用浏览器分享功能进行分享", "share"),
        ("打开客户端发现更多精彩", "share"),
        ("立即打开", "share"),
        ("首页> 地方频道> 地方频道-广东> 要闻 > 正文", "breadcrumb"),
        ("正在阅读:东莞:坚持制造业立市不动摇!", "reading-now"),
        ("微信图片_20230110191420.jpg", "image"),
        ("5.jpg", "image"),
        ("松山湖.jpg", "image"),
        ("‘);", "script"),
        ("}", "script"),
        ("#Pengjiang #District #HighQuality #Development", "hashtags"),
        ("  • 开心", "comments"),
        ("    0", "comments"),
        ("0人参与 0条评论", "comments"),
        ("查看更多跟贴", "comments"),
        ("返回顶部", "back-to-top"),
        ("2016 GoodChinaBrand | ICP: 12011751 | China Exports", "footer"),
        ("联系邮箱:tougao0769@qq.com", "footer"),
        ("编辑:钟欣玲", "credit"),
        ("校对:李秀莹", "credit"),
        ("[ 责编:李伯玺 ]", "credit"),
        ("(记者 冯敬伟 汤秀芳 )", "credit"),
        ("來源:東莞發布", "credit"),
    ],
)
def test_junk_line_removed_with_reason(junk: str, reason: str) -> None:
    doc = from_text(_sandwich(junk), name="s.txt")
    assert doc.text == f"{P1}\n\n{P2}"
    assert [r.reason for r in doc.removed] == [reason]
    assert doc.removed[0].first_line == 3
    assert junk.strip() in doc.raw[doc.removed[0].start : doc.removed[0].end]


@pytest.mark.parametrize(
    ("marker", "reason"),
    [
        ("相关阅读", "related"),
        ("推荐阅读", "related"),
        ("相关新闻", "related"),
        ("- 相關新聞", "related"),
        ("加载更多", "related"),
        ("阅读剩余全文(", "read-more"),
        ("版权声明:", "footer"),
        ("网友评论", "comments"),
        ("您此时的心情", "comments"),
        ("都翻到这儿了,就分享一下吧", "share"),
        ("Related Articles", "related"),
    ],
)
def test_tail_marker_drops_the_unrelated_list_after_it(marker: str, reason: str) -> None:
    tail = "记者21日从中国科学院大连化学物理研究所获悉,该团队取得新进展。\n2025-12-22 09:57\n气温下降容易影响呼吸系统。\n"
    doc = from_text(f"{P1}\n{P2}\n{marker}\n{tail}", name="t.txt")
    assert doc.text == f"{P1}\n{P2}"
    assert doc.removed[0].reason == reason
    assert doc.published is None  # dates in a related list are not the article's date


def test_tail_marker_before_any_body_is_not_a_cut() -> None:
    doc = from_text(f"相关新闻\n{P1}\n{P2}\n")
    assert P1 in doc.text and P2 in doc.text


def test_credits_kept_as_metadata_not_body() -> None:
    raw = f"{P1}\n来源:东莞发布\n编辑:钟欣玲\n校对:李秀莹\n[ 责编:李伯玺 ]\n"
    doc = from_text(raw)
    assert doc.text == P1
    assert doc.source == "东莞发布"
    assert doc.credits == {"source": ["东莞发布"], "editor": ["钟欣玲", "李伯玺"], "proofreader": ["李秀莹"]}
    doc = from_text(f"{P1}\n来源:东莞广播电视台    编辑:谭晚兰关键词:松山湖;高质量;产业\n")
    assert doc.source == "东莞广播电视台"
    assert doc.credits["editor"] == ["谭晚兰"]
    assert doc.credits["keywords"] == ["松山湖;高质量;产业"]


def test_explicit_source_wins() -> None:
    assert from_text(f"{P1}\n来源:东莞发布\n", source="Dongguan Release").source == "Dongguan Release"


def test_interview_question_is_not_a_credit() -> None:
    q = "记者:您认为今年东莞经济工作的重点是什么?"
    doc = from_text(f"{P1}\n{q}\n{P2}\n")
    assert q in doc.text


def test_body_mentioning_junk_words_survives() -> None:
    lines = [
        "不少市民在朋友圈分享了松山湖的美景,点赞数超过一万。",
        "东莞将加强版权保护,打击侵权盗版行为,维护创作者合法权益,这是今年的重点工作之一。",
        "形成1+1>2的新发展格局",
        "牢牢把握科技创新最大优势",
    ]
    doc = from_text("\n".join([P1, *lines, P2]))
    for ln in lines:
        assert ln in doc.text


def test_datelines_give_published_and_are_dropped_as_furniture() -> None:
    """The date reaches the model as the prompt's "Published:" line; the line itself is page furniture."""
    cases = [
        ("来源:东莞发布2022-11-09 10:09", "2022-11-09", "东莞发布"),
        ("2023年01月27日 21:21 0人参与  0条评论", "2023-01-27", None),
        ("2024-02-20 08:26:24", "2024-02-20", None),
        ("Published: March 2, 2024", "2024-03-02", None),
    ]
    for line, iso, source in cases:
        doc = from_text(f"标题:东莞坚持制造业立市\n{line}\n{P1}\n")
        assert doc.published == iso, line
        assert doc.source == source
        assert line not in doc.text and iso[:4] not in doc.text
        assert [r.reason for r in doc.removed] == ["dateline"]


def test_title_is_first_heading_like_line() -> None:
    assert from_text(f"东莞:坚持制造业立市不动摇!\n\n{P1}\n").title == "东莞:坚持制造业立市不动摇!"
    assert from_text(f"{P1}\n{P2}\n").title is None  # a paragraph is not a title
    assert from_text(f"{P1}\n", title="Given").title == "Given"


def test_banner_slogan_glued_to_app_prompt() -> None:
    doc = from_text(f"知东莞,知天下!\n打开客户端发现更多精彩\n立即打开\n\n东莞出台十条措施\n\n{P1}\n")
    assert doc.text.startswith("东莞出台十条措施")
    assert doc.title == "东莞出台十条措施"


def test_closing_poem_lines_are_body() -> None:
    poem = ["党的二十大报告把以", "“中国式现代化全面推进中华民族伟大复兴”", "明确为党的中心任务", "东莞,能造!"]
    doc = from_text("\n\n".join(["  " + P1, *("  " + p for p in poem), "  来源:东莞发布"]))
    for p in poem:
        assert p in doc.text
    assert "来源" not in doc.text


def test_unseen_chinese_page() -> None:
    doc = from_text((INTAKE / "unseen_zh.txt").read_text(encoding="utf-8"), name="unseen_zh.txt")
    assert doc.title == "广州:加快建设具有全球影响力的科技创新强市"
    assert doc.published == "2024-03-05"
    assert doc.source == "广州日报"
    assert doc.credits["editor"] == ["王五"]
    assert doc.credits["reporter"] == ["张三", "李四"]
    for keep in ["一、强化基础研究和原始创新", "今年全社会研发经费投入强度力争达到3.5%", "注入强劲动能。"]:
        assert keep in doc.text
    for junk in ["分享到", "微信扫一扫", "当前位置", "IMG_2034", "责任编辑", "延伸阅读", "深圳发布", "猜你喜欢", "Copyright", "阅读 1024"]:
        assert junk not in doc.text, junk


def test_unseen_english_page() -> None:
    doc = from_text((INTAKE / "unseen_en.txt").read_text(encoding="utf-8"), name="unseen_en.txt")
    assert doc.language == "en"
    assert doc.title == "Zhuhai targets 7% growth as new bridge traffic rises"
    assert doc.published == "2024-03-02"
    assert doc.credits["editor"] == ["Li Ming"]
    for keep in ["Industry and innovation", "at least 5 billion yuan", "3.8% of GDP by 2025."]:
        assert keep in doc.text
    for junk in ["Share this", "Facebook", "Home >", ".png", "#Zhuhai", "Related", "Macao casinos", "Back to top"]:
        assert junk not in doc.text, junk


def test_clean_offsets_are_exact_slices() -> None:
    raw = "点击右上角微信好友\n\n  制造业是立国之本。\n5.jpg\n  坚持发展是第一要务。\n"
    res = clean(raw)
    assert res.text == "制造业是立国之本。\n\n坚持发展是第一要务。"
    assert "".join(raw[a:b] for a, b in res.offsets.pieces(0, len(res.text))) == res.text
