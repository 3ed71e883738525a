"""The summary: the headline plus the leading sentences, cut to a fixed length.

No paraphrase: the summary is the article's own opening in its own language. Lines that are
page furniture intake left in (a date and time, 来源:…, a byline) are skipped.
"""

from __future__ import annotations

import re

from .text import View, han_share

SUMMARY_CHARS_ZH = 200
SUMMARY_CHARS_EN = 600
HEADLINE_CHARS_ZH = 60
HEADLINE_WORDS_EN = 30
EMPTY_SUMMARY = "(no text)"

_META_LINE = re.compile(
    r"^\s*(?:来源|来源于|发布时间|发布日期|时间|作者|记者|编辑|责编|责任编辑|审核|浏览|阅读|字号|Source|By|Editor|Reporter|"
    r"Published|Updated|Posted)\s*[:：|｜/]"
    r"|^\s*[\d\-/年月日:：.\s]{6,}$"
    r"|^\s*【[^】]{1,8}】$",
    re.I,
)
_DATE_ONLY = re.compile(r"\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}")
_END_PUNCT = "。！？!?.…;；"


def find_headline(view: View, title: str | None) -> str | None:
    """The given title, else the first line when it reads like one (short, more text after it)."""
    if title and title.strip():
        return " ".join(title.split())
    lines = [ln.strip() for ln in view.text.split("\n", 6)[:6]]
    body = [ln for ln in lines if ln]
    if len(body) < 2:
        return None
    first = body[0]
    zh = han_share(first) >= 0.3
    short = len(first) <= HEADLINE_CHARS_ZH if zh else len(first.split()) <= HEADLINE_WORDS_EN
    if short and not _META_LINE.search(first) and first[-1] not in "。；;，,:：":
        return first
    return None


def build_summary(view: View, headline: str | None, language: str) -> str:
    zh = language in ("zh-Hans", "zh-Hant") or (language != "en" and han_share(view.text[:2000]) >= 0.3)
    limit = SUMMARY_CHARS_ZH if zh else SUMMARY_CHARS_EN
    parts: list[str] = []
    used = 0
    skip_line = -1  # the line the headline was taken from is not repeated
    if headline:
        parts.append(headline if headline[-1] in _END_PUNCT else headline + ("。" if zh else "."))
        used = len(parts[-1])
        first = view.text.lstrip()
        if first.startswith(headline[:20]):
            skip_line = view.line_at(len(view.text) - len(first)).start
    for s in view.sentences:
        line = view.line_at(s.start)
        if line.start == skip_line:
            continue
        piece = " ".join(view.text[s.start : s.end].split())
        if not piece or _META_LINE.search(view.text[line.start : line.end]) or _furniture(piece):
            continue
        if used + len(piece) > limit:
            if used < limit // 2:  # the next sentence is long: cut it rather than stop short
                parts.append(piece[: max(1, limit - used - 1)].rstrip() + "…")
            break
        parts.append(piece)
        used += len(piece) + (0 if zh else 1)
    text = ("" if zh else " ").join(parts).strip()
    return text or EMPTY_SUMMARY


def _furniture(piece: str) -> bool:
    """A date-and-time line, or a short line of page furniture."""
    if _DATE_ONLY.search(piece) and len(piece) <= 30:
        return True
    return len(piece.strip(_END_PUNCT + " ")) == 0
