from __future__ import annotations

import json

from summarizer.intake import read_path
from summarizer.intake.inspect import inspect_document, kept_raw_lines, render_text

from .conftest import INTAKE, seed


def test_inspect_dirty_seed() -> None:
    doc = read_path(seed("003"))
    info = inspect_document(doc, budget_tokens=1500)
    json.dumps(info, ensure_ascii=False)  # --json must be serialisable
    assert info["encoding"] == "utf-8" and info["language"] == "zh-Hans"
    assert info["published"] == "2023-01-27" and info["source"] == "东莞广播电视台"
    assert info["title"].startswith("锚定高质量")
    reasons = {r["reason"] for r in info["removed"]}
    assert {"share", "image", "credit", "footer", "comments"} <= reasons
    image = next(r for r in info["removed"] if r["reason"] == "image")
    assert image["lines"] == [9, 9] and image["text"] == "微信图片_20230110191420.jpg"
    items = info["chunks"]["items"]
    assert len(items) >= 2 and items[0]["start"] == 0 and items[-1]["end"] == len(doc.text)
    assert all(c["tokens"] <= 1500 for c in items)
    text = render_text(info)
    assert "lines 1-3" in text and "image" in text and "2023-01-27" in text and "chunks" in text


def test_inspect_repairs_and_html() -> None:
    info = inspect_document(read_path(seed("002")))
    assert info["repaired"] is True and info["repairs"]["count"] == 226
    assert info["repairs"]["examples"][0] == {"start": 16, "end": 21, "removed": "(xué)", "after": "學"}
    assert "226 pinyin insertion(s)" in render_text(info)
    info = inspect_document(read_path(INTAKE / "zh_news.html"))
    assert info["format"] == "html" and info["source"] == "东莞新闻网"


def test_kept_raw_lines() -> None:
    doc = read_path(seed("004"))
    assert kept_raw_lines(doc) == {3, 4, 5, 6}  # line 7 is the dateline: furniture, its date is `published`
