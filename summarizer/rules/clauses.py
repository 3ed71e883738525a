"""Target-like clauses: where a sentence commits to something, and where it only reports.

A clause is target-like when it holds a target cue (the shared lexicon ``grounding.cues``:
力争, 目标, no less than ...), a deadline (到2025年, by 2025), or a future modal with a period
(今年将, will ... this year); a goal word (打造, 建设成为, strive to become) makes its own clause
target-like. A cue also covers the clauses after it in the same sentence (力争GDP增长6%，投资增长8%),
but never a clause that reports what was done (去年, 已, 完成了, last year, reached), one whose
years all lie before publication, nor a sentence that carries someone else's forecast
(analysts, 专家预测).

This clause logic lives in ``summarizer.rules`` until the shared recall module offers a
structured "target-like clause" API; then the two should merge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..grounding import cues
from .text import Hits, Sentence, Span, View

# --------------------------------------------------------------------------- lexicon
# Each lexicon is a pair: Chinese (Simplified, on the folded text) and English (lower case, on
# the lower-cased text; every branch starts with a literal and ``Hits`` keeps only matches at a
# word start): re.I or a leading \b over a whole article is an order of magnitude slower.

DEADLINE_ZH = re.compile(r"(?:到|至|截至|在|于)(20\d\d)年(?:底|末|前)?|(20\d\d)年(?:底|末)?(?:前|以前)")
DEADLINE_EN = re.compile(r"(?:by\s+(?:the\s+end\s+of\s+)?|before\s+)(20\d\d)\b")
_GOAL_LEAD = "努力|全力|奋力|力争|争取|加快|致力于|致力"
GOAL_ZH = re.compile(  # every branch starts with a literal, so ``re`` can skip ahead quickly
    rf"(?:{_GOAL_LEAD})(?:打造成为|打造成|打造|建设成为|建成|成为)"
    r"|打造成为|打造成|打造|建设成为|建成|跻身|迈向|争创|冲刺|(?:力争|确保|争取)(?=[\u4e00-\u9fff])|目标是|目标为"
)
GOAL_EN = re.compile(
    r"(?:aims?|aiming|strives?|striving|seeks?|seeking)\s+(?:to|for)\b|goal\s+of\b|target\s+of\b|to\s+become\b"
    r"|build\s+(?:[\w\-’']+\s+){1,6}?into\b|sprint\s+towards?\b"
)
FUTURE_ZH = re.compile(r"将|要|拟|计划")
FUTURE_EN = re.compile(r"will\b|shall\b|is\s+to\b|are\s+to\b|plans?\s+to\b")
PERIOD_ZH = re.compile(r"今年|全年|明年|年内|本年度?|下一年")
PERIOD_EN = re.compile(r"this\s+year\b|next\s+year\b|throughout\s+the\s+year\b|full[- ]year\b|the\s+whole\s+year\b")
ACHIEVED_ZH = re.compile(  # 比上年 / 较去年 name a baseline, not a report
    r"(?<![较比同])(?:去年|上年|上一年|前年)|过去|以来|已经|已|累计|目前|现有|共有|拥有"
    r"|(?:打造|建成|建设|实施|推动|推进|完成|实现|达到|增长|新增|引进|落地|举办|开展|形成|取得|创建|获得|突破|超过)了"
)
ACHIEVED_EN = re.compile(
    r"last\s+year\b|in\s+the\s+past\b|so\s+far\b|already\b|reached\b|achieved\b|was\b|were\b|rose\b|grew\b"
    r"|totall?ed\b|recorded\b|registered\b|previously\b|ha(?:s|ve)\s+(?:completed|exceeded|grown|risen|increased)\b"
)
FORECASTER_ZH = re.compile(r"分析师|分析人士|经济学家|专家|机构预|券商|智库|国际货币基金组织|世界银行|市场预期|预测")
FORECASTER_EN = re.compile(
    r"analysts?\b|economists?\b|forecasters?\b|consultancy\b|research\s+firm\b|imf\b|world\s+bank\b|forecasts?\b"
    r"|predicts?\b|projections?\b|consensus\b|market\s+expects?\b"
)
YEAR = re.compile(r"((?:19|20)(?<!\d\d\d)\d\d)(?!\d)")  # the look-behind after "19"/"20": fast scanning
PERIOD_OR_YEAR = re.compile(
    "|".join(p.pattern for p in (DEADLINE_ZH, DEADLINE_EN, PERIOD_ZH, PERIOD_EN)) + r"|(?<!\d)(?:19|20)\d\d年?(?!\d)"
)


LIST_ITEMS = 15  # at most this many sentences after a list opener are read as its items
LIST_BREAK = re.compile(r"\n[ \t\u3000]*\n")
HEADING_CHARS = 40


@lru_cache(maxsize=4)
def cue_patterns(lexicon: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """``grounding.cues.has_target_cue`` as two compiled patterns over a whole text: Chinese cues
    as written, English cues at a word start on lower-cased text; a test checks they agree."""
    zh = [re.escape(c) for c in sorted(lexicon, key=len, reverse=True) if not c.isascii()]
    en = [re.escape(c.lower()) for c in sorted(lexicon, key=len, reverse=True) if c.isascii()]
    return (
        re.compile("|".join(zh)) if zh else None,
        re.compile("|".join(en)) if en else None,  # at a word start: Hits drops the rest
    )


@dataclass
class TargetClause:
    """A clause (``span``) of ``sentence`` that reads like a target."""

    span: Span
    sentence: Sentence
    cue_start: int  # start of the clause holding the cue (== span.start when it is this one)


class Cues:
    """Every cue of one article, found in one pass per pattern, asked per clause."""

    def __init__(self, view: View, published: str | None) -> None:
        self.view = view
        self.year = published_year(published)
        self.target = Hits(view, *cue_patterns(tuple(cues.TARGET_CUES)))
        self.deadline = Hits(view, DEADLINE_ZH, DEADLINE_EN)
        self.goal = Hits(view, GOAL_ZH, GOAL_EN)
        self.future = Hits(view, FUTURE_ZH, FUTURE_EN)
        self.period = Hits(view, PERIOD_ZH, PERIOD_EN)
        self.achieved = Hits(view, ACHIEVED_ZH, ACHIEVED_EN)
        self.forecaster = Hits(view, FORECASTER_ZH, FORECASTER_EN)
        self.years = Hits(view, YEAR)

    def strong(self, a: int, b: int) -> bool:
        """A target cue, a deadline not yet past, or a future modal with a period."""
        if self.target.any(a, b):
            return True
        if any(self._not_past(m) for m in self.deadline.within(a, b)):
            return True
        return self.future.any(a, b) and (
            self.period.any(a, b) or (self.year is not None and any(int(m.group(1)) >= self.year for m in self.years.within(a, b)))
        )

    def _not_past(self, m: re.Match[str]) -> bool:
        y = int(next(g for g in m.groups() if g))
        return self.year is None or y >= self.year

    def reports_past(self, a: int, b: int) -> bool:
        """The clause reports what was done: 去年/已/完成了/last year/reached, or only past years."""
        if self.achieved.any(a, b):
            return True
        if self.year is not None:
            years = [int(m.group(1)) for m in self.years.within(a, b)]
            if years and all(y < self.year for y in years) and not self.deadline.any(a, b):
                return True
        return False

    def target_clauses(self) -> list[TargetClause]:
        out: list[TargetClause] = []
        f = self.view.folded
        list_left = 0  # sentences still covered by a list of targets opened above
        prev_end = 0
        for s in self.view.sentences:
            if list_left and LIST_BREAK.search(f, prev_end, s.start):
                list_left = 0  # a blank line ends the list
            prev_end = s.end
            if list_left:
                list_left -= 1
                if not self.forecaster.any(s.start, s.end):
                    out += [TargetClause(c, s, c.start) for c in s.clauses if not self.reports_past(c.start, c.end)]
                if f[s.start : s.end].rstrip().endswith(("。", ".")):
                    list_left = 0
                continue
            if self._opens_list(s):
                list_left = LIST_ITEMS
            if not (self.target.any(s.start, s.end) or self.deadline.any(s.start, s.end)
                    or self.goal.any(s.start, s.end) or self.future.any(s.start, s.end)):
                continue
            if self.forecaster.any(s.start, s.end):
                continue
            scope_from: int | None = None  # start of the clause holding the last strong cue
            for c in s.clauses:
                strong = self.strong(c.start, c.end)
                if strong:
                    scope_from = c.start
                if self.reports_past(c.start, c.end):
                    continue
                if scope_from is not None:
                    out.append(TargetClause(c, s, scope_from))
                elif self.goal.any(c.start, c.end):
                    out.append(TargetClause(c, s, c.start))
        return out


    def _opens_list(self, s: Sentence) -> bool:
        """A target cue before a colon (主要预期目标是：, The main targets are:) or as a heading line
        (2024年主要预期目标): the sentences after it list targets without a cue of their own."""
        cue = self.target.first(s.start, s.end)
        if cue is None:
            return False
        text = self.view.folded[cue.end() : s.end]
        if ":" in text or "：" in text:
            return True
        line = self.view.line_at(s.start)
        heading = self.view.folded[line.start : line.end].strip()
        return line.start <= s.start and s.end >= line.end - 1 and 0 < len(heading) <= HEADING_CHARS and heading[-1] not in "。.！!？?"


def published_year(published: str | None) -> int | None:
    m = re.match(r"\s*(\d{4})", published or "")
    return int(m.group(1)) if m else None


def period_in(lower: str) -> re.Match[str] | None:
    """The first period word or target year in ``lower`` (a slice of ``View.lower``: 今年, this
    year, 到2025年, 2024年)."""
    return PERIOD_OR_YEAR.search(lower)
