"""Furniture classes in their general forms: credits with any separator, paywalls, back-to-top,
counters, breadcrumbs, tags glued to a headline, credits glued to a paragraph, site chrome.

Examples are written for these tests (not copied from the dev set): the rules must hold for the
class, not for particular strings.
"""

from __future__ import annotations

import pytest

from summarizer.intake import from_text
from summarizer.intake.clean import is_breadcrumb, strip_title_furniture

P1 = "会议强调,要坚持以推动高质量发展为主题,始终把发展经济的着力点放在实体经济上。"
P2 = "会议要求,各镇街要抢抓政策窗口期,推动重大项目早开工、早投产、早达效。"
E1 = "The district government said on Tuesday that it would expand its logistics park next year."
E2 = "Officials added that the park would host more cold-chain warehouses and rail links."


def _exact(doc) -> None:
    """The cleaned text is a concatenation of input slices: the offset map is exact."""
    assert "".join(doc.raw[a:b] for a, b in doc.offsets.pieces(0, len(doc.text))) == doc.text


def _removed(junk: str, body=(P1, P2)):
    doc = from_text(f"{body[0]}\n\n{junk}\n\n{body[1]}\n", name="t.txt")
    _exact(doc)
    return doc


@pytest.mark.parametrize(
    ("line", "role", "value"),
    [
        ("责编 | 王小明", "editor", "王小明"),
        ("出品｜海川融媒体中心", "producer", "海川融媒体中心"),
        ("校对丨李四", "proofreader", "李四"),
        ("编辑：张三", "editor", "张三"),
        ("编辑/张三", "editor", "张三"),
        ("摄影 黄某某", "photographer", "黄某某"),
        ("責任編輯 / 劉某", "editor", "劉某"),
        ("文字 | 赵一", "reporter", "赵一"),
        ("Source | Harbour Daily", "source", "Harbour Daily"),
        ("Photo by Ann Lee / Harbour Daily", "photographer", "Ann Lee / Harbour Daily"),
        ("Edited by: Kim Park", "editor", "Kim Park"),
        ("By Jane Doe | Staff writer", "author", "Jane Doe"),
    ],
)
def test_credit_line_with_any_separator_goes_to_credits(line: str, role: str, value: str) -> None:
    doc = _removed(line)
    assert doc.text == f"{P1}\n\n{P2}"
    assert [r.reason for r in doc.removed] == ["credit"]
    assert value in doc.credits[role]


@pytest.mark.parametrize(
    "line",
    [
        "订阅后阅读全文（剩余60%）",
        "……剩余45%未读 点击阅读全文",
        "登录后查看全文",
        "Subscribe to continue reading",
        "Sign in to read the rest (40% left)",
        "Already a subscriber? Sign in",
        "Read the full story ▼",
        "Read More ▼",
    ],
)
def test_paywall_and_read_the_rest_notices(line: str) -> None:
    doc = _removed(line)
    assert doc.text == f"{P1}\n\n{P2}"


@pytest.mark.parametrize("line", ["BACK TO THE TOP", "Back To Top ↑", "↑ TOP", "[回到顶部]", "返回頂部", "回頁首", "TOP"])
def test_back_to_top_in_any_case_with_arrows(line: str) -> None:
    doc = _removed(line)
    assert doc.text == f"{P1}\n\n{P2}"
    assert [r.reason for r in doc.removed] == ["back-to-top"]


@pytest.mark.parametrize(
    "line",
    ["浏览量：次", "阅读 3.4万", "点赞 88", "浏览次数：1234", "阅读量：2,048", "点赞(7) 收藏 评论", "瀏覽人次：999",
     "87 views", "2,001 Views | 3 comments", "Likes 12"],
)
def test_counters_with_or_without_numbers(line: str) -> None:
    doc = _removed(line)
    assert doc.text == f"{P1}\n\n{P2}"


@pytest.mark.parametrize(
    "line",
    ["首页 新闻 > 正文", "Home / World / Asia", "Home › Politics", "Sports | Football", "首页  政务  新闻  互动",
     "News » Region » City", "首頁 > 新聞 > 本地"],
)
def test_breadcrumbs_and_menus(line: str) -> None:
    assert is_breadcrumb(line)
    doc = from_text(f"{line}\n海川区推进港口物流建设\n{P1}\n", name="b.txt")
    assert doc.title == "海川区推进港口物流建设"  # a breadcrumb is never the title
    assert line not in doc.text


@pytest.mark.parametrize("line", ["形成1+1>2的新发展格局", "Growth slowed to 3/4 of the target", "他说：这是好事，也是大事"])
def test_not_breadcrumbs(line: str) -> None:
    assert not is_breadcrumb(line)


@pytest.mark.parametrize(
    ("line", "headline"),
    [
        ("【独家】海川区推进港口物流建设", "海川区推进港口物流建设"),
        ("海川新闻!【直播】海川区推进港口物流建设", "海川区推进港口物流建设"),
        ("海川发布｜海川区推进港口物流建设", "海川区推进港口物流建设"),
        ("[PHOTOS] Harbour district expands its logistics park", "Harbour district expands its logistics park"),
        ("Harbour Release | Harbour district expands its logistics park", "Harbour district expands its logistics park"),
    ],
)
def test_tag_or_slogan_glued_before_the_headline_is_cut(line: str, headline: str) -> None:
    body = (E1, E2) if line.isascii() else (P1, P2)
    doc = from_text(f"{line}\n2024-05-06 09:00\n{body[0]}\n{body[1]}\n", name="h.txt")
    _exact(doc)
    assert doc.title == headline
    assert doc.text.startswith(headline + "\n")  # the headline stays in the text, the tag does not
    cut = line[: line.index(headline)].strip()
    assert any(r.reason == "slogan" and doc.raw[r.start : r.end] == cut for r in doc.removed)


def test_a_headline_with_a_long_part_before_a_bar_is_left_alone() -> None:
    line = "Harbour district promotes its hundred-project plan | 2024 tasks released"
    doc = from_text(f"{line}\n{E1}\n", name="h.txt")
    assert doc.title == line and doc.text.startswith(line)


@pytest.mark.parametrize(
    ("para", "rest", "names"),
    [
        ("本报讯（记者 张三 通讯员 李四）3月1日，海川区召开港口建设推进会。", "3月1日，海川区召开港口建设推进会。", ["张三", "李四"]),
        ("Harbour Daily News (Reporter/Ann Lee) On May 1, the district opened a new rail link.",
         "On May 1, the district opened a new rail link.", ["Ann Lee"]),
    ],
)
def test_credit_glued_before_a_paragraph_is_cut(para: str, rest: str, names: list[str]) -> None:
    doc = from_text(f"{para}\n{P2}\n", name="p.txt")
    _exact(doc)
    assert doc.text.startswith(rest)
    assert doc.credits["reporter"] == names
    assert [r.reason for r in doc.removed] == ["credit"]


def test_a_bracket_in_an_ordinary_sentence_is_not_a_credit() -> None:
    para = "The bureau (source: its own survey) said exports rose in the first quarter of the year."
    doc = from_text(f"{para}\n", name="p.txt")
    assert doc.text == para


def test_dateline_that_names_a_reporter_is_a_credit_but_still_dates_the_article() -> None:
    doc = from_text(f"海川区推进港口物流建设\n发布时间：2024-05-06 来源：海川日报 记者：王五\n{P1}\n", name="d.txt")
    assert "王五" not in doc.text and "发布时间" not in doc.text
    assert doc.published == "2024-05-06"
    assert doc.credits["reporter"] == ["王五"]


def test_site_chrome_above_an_anchored_headline_is_dropped() -> None:
    raw = f"海川市人民政府门户网站\n首页  新闻  公开  互动\n海川区推进港口物流建设\n2024-05-06 来源：海川日报\n{P1}\n"
    doc = from_text(raw, name="c.txt")
    assert doc.title == "海川区推进港口物流建设"
    assert "门户网站" not in doc.text
    assert doc.text.startswith("海川区推进港口物流建设")


@pytest.mark.parametrize(
    "sentence",
    [
        "Readers who subscribe to the newsletter will get the full report on the port expansion plans.",
        "The city rose back to the top of the provincial rankings for logistics last year, officials said.",
        "阅读量达到1200万次的短视频带动了当地旅游,浏览人数比去年同期增长三成。",
        "The museum drew 1,204 views of its online exhibition in the first week, according to the curator.",
    ],
)
def test_sentences_mentioning_furniture_words_stay(sentence: str) -> None:
    doc = from_text(f"{sentence}\n{E2}\n", name="s.txt")
    assert sentence in doc.text


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("临江市发布低空经济方案_临江新闻网", "临江市发布低空经济方案"),
        ("Harbour district expands its logistics park | Harbour Municipal Government", "Harbour district expands its logistics park"),
        ("Board adopts budget for next year - Harbour County Herald", "Board adopts budget for next year"),
        ("海川县政府全球资讯网-新闻稿-县府推动社会住宅计画", "县府推动社会住宅计画"),
        ("Xinhe sets 2024 targets | 2024 key tasks released!", "Xinhe sets 2024 targets | 2024 key tasks released!"),
    ],
)
def test_strip_title_furniture(title: str, clean: str) -> None:
    assert strip_title_furniture(title) == clean
