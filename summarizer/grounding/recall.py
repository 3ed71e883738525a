"""Recall hints: numbers in target-like clauses that no returned target covers.

Models skip targets more often than they invent them. ``candidate_spans(text)`` finds every
quantity that reads like a target (a structured ``Candidate``: the mention, its clause, the cue
that governs it); ``find_candidates(document, targets)`` (what the pipeline calls) reports
those that match no returned target's value as short ``"<number> in: …<context>…"`` strings,
and ``find_candidate_sentences`` the sentences that hold them (for a follow-up request).

What reads like a target is decided per *clause* (commas, semicolons, colons, 、 and, in
English, "and" / "while" / "but" split a sentence), with the shared lexicon ``grounding.cues``
on the text folded to Simplified and lower case, so Traditional pages match the same cues:

* a number takes the state of the nearest marker before it in its clause: a target cue
  (力争, 确保, strive ...) or a weak cue (将, 全年, 达到, 要, will, must, is expected to ...)
  makes it a candidate; an achieved marker (去年, 已, last year, reached, had pledged, a year
  before publication) or a reported period (今年以来, 1—5月, so far this year) does not. With
  no marker before it, a cue later in the clause counts ("…6%的目标"), else the state carried
  from the previous clauses of the sentence (力争GDP增长6%，投资增长8%: both). So an achieved
  figure sharing a sentence with 力争 stays out, and a target listed after its cue stays in.
  Baselines (较2023年, 比去年, up from) are no reports;
* a weak cue does not overturn an achieved state carried within its sentence (今年以来……，预计
  全年增长6.5%: the estimate of a year that is ending); a report carries softly into the next
  sentence of its paragraph (any cue there ends it); a sentence with someone else's forecast
  (专家, 有望, 研究院…预计, analysts, projected) gets no weak-cue candidates;
* a section heading sets the state of its section: one that looks back (一、2023年工作回顾,
  review) makes it a report, a numbered one that looks ahead (三、2024年重点工作, 2. Tasks)
  weakly cued;
* lines under an indicator heading (2024年主要预期目标, Key indicators for 2024) are cued until
  the list ends; so are the enumerated items (1、 一是 First,) after a line that announces them
  with a cue (今年将重点抓好六个方面工作, 下半年将重点抓好以下工作：);
* some numbers are never targets: durations (unless a limit: 不超过2天), years, dates,
  document numbers, list numbers, money set aside as an input (a fund, subsidies, a budget,
  land plots), the size of a thing (a 1.2-billion-yuan station), qualifiers of a noun
  (亿元以上项目, 500强, companies with revenue above 100 million yuan), counts of a set already
  named (the three industries, 全镇12个行政村, 五个方面, 七大产业, “A”“B”两个平台), attendance
  (约300人参加会议), effects of a project (带动, 达产后), numbers inside quoted names and numbers
  used as a name (12英寸).

These are rules for classes of phrasing, measured by ``benchmarks/hints.py`` on the seeds and
the authored dev set; they are heuristics and will miss or over-report on phrasing they do not
cover (the benchmark's ``--verbose`` lists every miss).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..intake.document import Document
from ..models import NumericTarget
from .cues import ACHIEVED, FORECAST, REPORTED_PERIOD, TARGET_CUES, WEAK_CUES, fold
from .normalize import cjk_ratio
from .numbers import NumberMention, is_duration, scan

# each side of the number, kept inside the clause (a Chinese clause is dense, English needs words)
CONTEXT_CHARS_ZH = 18
CONTEXT_CHARS_EN = 45

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_EN_SENTENCE_END = re.compile(r"(?<=[a-z0-9%)\"”’'])\.\s+(?=[A-Z“\"‘'])")
# clause breaks on the folded text; a comma inside a number (30,000) is no break
_CLAUSE_BREAK = re.compile(r"[，；;：、]|,(?!\d{3})|:(?=\s)|\s(?:and|while|but|whereas|as well as)\s")
_SNIPPET_BREAK = re.compile(r"[,，;；]")


def _lexicon(words: tuple[str, ...]) -> re.Pattern[str]:
    zh = [re.escape(w) for w in sorted(words, key=len, reverse=True) if not w.isascii()]
    en = [re.escape(w) for w in sorted(words, key=len, reverse=True) if w.isascii()]
    return re.compile("|".join([*zh, *(rf"(?<![a-z]){w}" for w in en)]))


# 预计 is an estimate as often as a plan (预计全年增长6.5%, said of a year that is ending): weak here
_STRONG = _lexicon(tuple(c for c in TARGET_CUES if c != "预计"))
_WEAK = re.compile(
    _lexicon((*WEAK_CUES, "预计")).pattern
    # directives: 要深入实施…, 推动800家企业…, it is necessary to / must / should
    + r"|(?:(?<=^)|(?<=[，,。；;\s]))(?:还|都|更|必须|就)?要(?![求点素闻害是])|推动(?!了)"
    + r"|(?<![a-z])(?:necessary to|must|should|need to|needs to)(?![a-z])"
)
# 计划总投资 (the size of a signed project), 目标的 (a share of the target): not commitments
_NOT_CUE = re.compile(r"计划总投资|总投资|目标的|计划的|(?<![a-z])planned (?:total )?investment|(?<![a-z])of (?:the|its) (?:annual |full-year )?(?:target|goal|plan)")

# Indicator lists: a heading line naming targets or indicators, then short lines.
_LIST_HEADING = re.compile(
    r"(?:主要|预期|发展|经济社会发展|年度)?(?:预期)?(?:目标|指标)(?:如下)?[:：]?\s*$"
    r"|(?<![a-z])(?:key |main |major )?(?:indicators|targets|goals)(?: for (?:20\d\d|the year|this year))?:?\s*$"
)
_LIST_LINE_MAX = 60  # characters: a list line is short; a paragraph ends the list
_LIST_OPENER = re.compile(
    r"(?:以下|如下|下列|[一二三四五六七八九十两\d]+(?:个)?(?:方面|重点|任务|领域|件事)|(?<![a-z])(?:following|as follows|below"
    r"|(?:\w+ )?(?:areas|tasks|priorities|measures|steps)))[^。.!?！？]{0,12}[:：。.]?\s*$"
)
_ENUMERATOR = re.compile(r"(?:\d{1,2}\s*[、.．)）]|[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、是]|第[一二三四五六七八九十]+[,，、]|(?i:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|finally|lastly)\b)")
_HEADING_MAX = 40

# Context: section headings that look back or ahead, years before/after publication,
# baselines (较2023年, up from 2023) that are neither.
_AHEAD = re.compile(r"重点工作|主要任务|工作安排|目标|(?<![a-z])(?:tasks|priorities|plans|targets|goals|the year ahead)(?![a-z])")
_REVIEW = re.compile(r"回顾|总结|成绩|(?<![a-z])(?:review|looking back|achievements|a year in)(?![a-z])")
_FULL_DATE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
_BASELINE = re.compile(r"(?:较|比|与|同)$|(?<![a-z])(?:than|from|over|compared with|compared to|versus)\s+(?:the end of\s+)?$")
_YEAR_MARK = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:年(?!代)|(?!\d|年|[-—–~]\d))")

# Numbers that are never targets, whatever the clause says.
_COMPARATOR_CUES = {"至少", "不少于", "不低于", "不超过", "at least", "no less than", "no fewer than", "no more than"}
_RESOURCE = re.compile(r"基金|资金|补贴|补助|奖补|奖励|贴息|出资|(?<![a-z])(?:spend|spending|fund|funds|funding|subsid\w*|grants?|earmark\w*|package|allocat\w*|budget(?! revenue))(?![a-z])")
_QUALIFIED_NOUN = re.compile(r"\s*(?:及?以上|以下)?(?:的[^，,。；;]{0,4})?(?:重点|重大|产业|工业|制造业|外资|内资|新|龙头)?(?:项目|企业|村|工业企业)")
# "with ... above 100 million yuan": a qualifier of the noun before "with"
_WITH_PHRASE = re.compile(r"(?<![a-z])with\b[^,;]{0,50}\b(?:above|over|more than|exceeding|at least|of more than)\s+\$?$")
_LIMIT = re.compile(r"(?:不超过|不多于|不高于|最多|压缩至|压减至|控制在|(?<![a-z])(?:no more than|not more than|not exceeding|not exceed|at most))\s*$")


def _in_quoted_name(text: str, m: NumberMention) -> bool:
    """Inside a short quoted name: an opening quote shortly before, its closing one shortly after."""
    left = text[max(0, m.start - 12) : m.start]
    right = text[m.end : m.end + 12]
    for op, cl in (("“", "”"), ("「", "」"), ("《", "》"), ("『", "』")):
        o = left.rfind(op)
        if o >= 0 and cl not in left[o:] and cl in right and "\n" not in right[: right.find(cl)]:
            return True
    return False


_CREATE = re.compile(r"新建|新增|新供应|供应|建设|建成|(?<![a-z])(?:build|develop|add|supply)(?![a-z])")
_AREA_UNITS = {"亩", "平方米", "平方公里", "公顷", "mu", "hectares", "square"}
_LAND = re.compile(r"用地|厂房|土地|地块|(?<![a-z])(?:land|plots?|cover|covers|covering|site)(?![a-z])")
# effects and estimates of a project, not commitments: 带动, 达产后, 建成后, 投产后
_ESTIMATE = re.compile(r"带动|达产后|建成后|投产后|满产后|(?<![a-z])(?:would bring|is projected|could create)(?![a-z])")
# a reference to a set already named: the two core platforms, each of the 6 towns, 全镇12个
_SET_REFERENCE = re.compile(r"(?:(?<![a-z])(?:the|its|their|these|those|all|each of the|of the)|'s|’s)\s+$|(?:全镇|全市|全区|全县|全省|这|上述|以上)$")


@dataclass(frozen=True)
class Candidate:
    """A number that reads like a target, in the text given to ``candidate_spans``.

    ``start``/``end``: the number as written (``mention.text``); ``clause_start``/``clause_end``:
    the clause it sits in; ``cue``: the cue word that governs it (``"list: <heading>"`` for a
    line under an indicator heading).
    """

    mention: NumberMention
    clause_start: int
    clause_end: int
    cue: str

    @property
    def start(self) -> int:
        return self.mention.start

    @property
    def end(self) -> int:
        return self.mention.end

    @property
    def value(self) -> float:
        return self.mention.value


def candidate_spans(text: str, mentions: list[NumberMention] | None = None, *, year: int | None = None) -> list[Candidate]:
    """Every quantity in ``text`` that reads like a target, in order (see the module docstring).

    ``mentions``: ``scan(text)`` when the caller already has it. ``year``: the publication year;
    a year before it marks a report (2023年，全区实现…), a later one a deadline. Without it, the
    year of the first full date in the text is used, if any.
    """
    mentions = scan(text) if mentions is None else mentions
    folded = fold(text)
    year = year if year is not None else _text_year(text)
    listed = _indicator_lists(text, folded)
    out: list[Candidate] = []
    i = 0
    carry: tuple[str | None, str] = (None, "")
    para_end = -1
    section: tuple[str | None, str] = (None, "")
    for lo, hi in _sentences(text):
        if lo > para_end:  # a new paragraph: only a section's "review" state carries over
            nl = text.find("\n", lo)
            para_end = len(text) if nl < 0 else nl
            line = text[lo:para_end].strip()
            if _is_section_heading(line):
                section = _section_state(folded, lo, para_end, year)
            carry = section
        inside: list[NumberMention] = []
        while i < len(mentions) and mentions[i].start < hi:
            if mentions[i].start >= lo:
                inside.append(mentions[i])
            i += 1
        found, end_state = _in_sentence(text, folded, lo, hi, inside, listed, year, carry)
        out.extend(found)
        # a report carries on to the next sentence of its paragraph, softly (any cue of the next
        # sentence ends it); a cue stays in its sentence; a section's state stays throughout
        if end_state[0] in ("achieved", "period") and end_state[1] != "section":
            carry = ("soft", end_state[1])
        elif end_state[1] == "section":
            carry = end_state
        else:
            carry = section
    return out


def _is_section_heading(line: str) -> bool:
    """A short line that is no sentence and no dateline: 一、2023年工作回顾, 2024年重点工作."""
    return (
        0 < len(line) <= _HEADING_MAX
        and bool(_ENUMERATOR.match(line) or _REVIEW.search(line) or _AHEAD.search(line))
        and not re.search(r"[。.!?！？；;，,]\s*$", line)
        and "，" not in line
        and not _FULL_DATE.search(line)
        and not re.search(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b", line)
    )


def _section_state(folded: str, lo: int, hi: int, year: int | None) -> tuple[str | None, str]:
    """A heading that looks back (a past year, 回顾, review) puts its section in "achieved"; one
    that looks ahead (a later year, 重点工作, 目标, tasks) in "weak"."""
    marks = _markers(folded, lo, hi, year)
    if _REVIEW.search(folded, lo, hi) or (marks and marks[-1][1] in ("achieved", "period") and _YEAR_MARK.match(marks[-1][2])):
        return "achieved", "section"  # 一、2023年工作回顾
    if _AHEAD.search(folded, lo, hi) and _ENUMERATOR.match(folded, lo):  # 三、2024年重点工作
        return "weak", "section"
    return None, ""


def _text_year(text: str) -> int | None:
    m = _FULL_DATE.search(text)
    return int(m.group(1)) if m else None


def document_candidates(document: Document, raw_mentions: list[NumberMention] | None = None) -> list[Candidate]:
    """``candidate_spans`` of the document's cleaned text: computed once per article and handed
    to ``find_candidates`` and ``find_candidate_sentences`` (a scan is the costly part).

    ``raw_mentions``: a scan of ``document.raw`` already made, reused when nothing was cleaned.
    """
    text = document.text
    mentions = raw_mentions if raw_mentions is not None and text == document.raw else None
    return candidate_spans(text, mentions, year=_published_year(document))


def find_candidates(
    document: Document,
    targets: list[NumericTarget],
    raw_mentions: list[NumberMention] | None = None,
    *,
    candidates: list[Candidate] | None = None,
) -> list[str]:
    """Recall hints over the cleaned text (junk such as "related news" lists is gone there).

    ``candidates``: ``document_candidates(document)`` when the caller already has them.
    """
    text = document.text
    out: list[str] = []
    for c in candidates if candidates is not None else document_candidates(document, raw_mentions):
        if _covered(c.mention, targets):
            continue
        hint = f"{' '.join(c.mention.text.split())} in: {_snippet(text, c.start, c.end, c.clause_start, c.clause_end)}"
        if hint not in out:
            out.append(hint)
    return out


def find_candidate_sentences(
    document: Document,
    targets: list[NumericTarget],
    raw_mentions: list[NumberMention] | None = None,
    *,
    candidates: list[Candidate] | None = None,
) -> list[tuple[int, int]]:
    """``(start, end)`` in ``document.text`` of each sentence holding a candidate that no target
    covers, in order, each once: whole sentences a follow-up request can quote from."""
    text = document.text
    found = candidates if candidates is not None else document_candidates(document, raw_mentions)
    wanted = [c for c in found if not _covered(c.mention, targets)]
    out: list[tuple[int, int]] = []
    j = 0
    for lo, hi in _sentences(text):
        hit = False
        while j < len(wanted) and wanted[j].start < hi:
            hit = hit or wanted[j].start >= lo
            j += 1
        if hit:
            a = lo + len(text[lo:hi]) - len(text[lo:hi].lstrip())
            out.append((a, a + len(text[a:hi].rstrip())))
    return out


def _published_year(document: Document) -> int | None:
    m = re.match(r"\s*((?:19|20)\d\d)", document.published or "")
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------- clauses


def _sentences(text: str):
    """(start, end) of each sentence: CJK and English sentence marks and newlines."""
    for m in _SENTENCE.finditer(text):
        start = m.start()
        for sub in _EN_SENTENCE_END.finditer(text, m.start(), m.end()):
            yield start, sub.start() + 1
            start = sub.end()
        yield start, m.end()


def _clauses(folded: str, lo: int, hi: int) -> list[tuple[int, int]]:
    out, start = [], lo
    for b in _CLAUSE_BREAK.finditer(folded, lo, hi):
        if b.start() > start:
            out.append((start, b.start()))
        start = b.end()
    if hi > start:
        out.append((start, hi))
    return out


def _markers(folded: str, a: int, b: int, year: int | None = None) -> list[tuple[int, str, str]]:
    """(position, kind, word) of every marker in ``folded[a:b]``, in order; kinds: strong, weak,
    achieved, period. A year before ``year`` is a report (achieved), a later one a deadline."""
    found: list[tuple[int, str, str]] = []
    taken = set()
    if year is not None:
        for m in _YEAR_MARK.finditer(folded, a, b):
            y = int(m.group(1))
            taken.update(range(m.start(), m.end()))
            if _BASELINE.search(folded, max(a, m.start() - 14), m.start()):
                continue  # 较2023年提高, up from 2023: a baseline, not a report
            found.append((m.start(), "achieved" if y < year else "weak", m.group()))
    for m in _NOT_CUE.finditer(folded, a, b):
        taken.update(range(m.start(), m.end()))
    # reports first: "had pledged" is a report, not a pledge
    for kind, pattern in (("achieved", ACHIEVED), ("strong", _STRONG), ("period", REPORTED_PERIOD), ("weak", _WEAK)):
        for m in pattern.finditer(folded, a, b):
            if m.start() not in taken:
                found.append((m.start(), kind, m.group()))
                taken.update(range(m.start(), m.end()))
    return sorted(found)


def _in_sentence(text, folded, lo, hi, inside, listed, year, carry) -> tuple[list[Candidate], tuple[str | None, str]]:
    forecast = bool(FORECAST.search(folded, lo, hi))
    state, word = carry
    out: list[Candidate] = []
    k = 0
    for a, b in _clauses(folded, lo, hi):
        marks = _markers(folded, a, b, year)
        heading = next((h for s, e, h in listed if s <= a < e), None)
        if heading and not marks:
            state, word = "strong", f"list: {heading}"
        carried = state
        while k < len(inside) and inside[k].start < b:
            m = inside[k]
            k += 1
            if m.start < a:
                continue
            kind, cue = _state_for(m.start, marks, carried, word)
            if kind == "weak" and forecast:
                continue
            if kind in ("strong", "weak") and _worth_reporting(text, folded, m, a, marks, inside):
                out.append(Candidate(m, a, b, cue))
        if marks:
            state, word = _state_for(b, marks, carried, word)
    return out, (state, word)


def _state_for(pos: int, marks, carried: str | None, word: str) -> tuple[str | None, str]:
    """The state at ``pos`` of a clause: the nearest marker before it decides, see the module
    docstring for the exceptions."""
    before = [m for m in marks if m[0] < pos]
    if not before:
        after = next((m for m in marks if m[0] >= pos), None)
        if after is not None and after[1] in ("strong", "weak") and carried not in ("achieved", "period"):
            return after[1], after[2]  # "…6%的目标", "6% is the target", 选取1个以上代表打造…
        return carried, word
    if carried == "soft":  # a report in the previous sentence: any cue here ends it
        carried = None
    _, kind, cue = before[-1]
    if kind == "period" and any(k == "strong" for _, k, _ in before[:-1]):
        strong = [m for m in before if m[1] == "strong"][-1]
        return "strong", strong[2]  # 确保一季度增长5%: the cue governs the period
    if kind == "weak" and not any(k in ("strong", "achieved", "period") for _, k, _ in before[:-1]):
        if carried in ("achieved", "period"):
            return carried, word  # 今年以来……，预计全年增长6.5%: an estimate, not a plan
    if kind == "weak":
        prior = [m for m in before[:-1] if m[1] in ("strong", "achieved", "period")]
        if prior and prior[-1][1] in ("achieved", "period"):
            return prior[-1][1], prior[-1][2]  # 去年完成投资…达到120亿元
    return kind, cue


def _indicator_lists(text: str, folded: str) -> list[tuple[int, int, str]]:
    """(start, end, heading) of the lines a list opener governs.

    Two kinds of opener: an indicator heading (``2024年主要预期目标``, ``Key indicators for
    2024``) governs the short lines after it (one blank line allowed between); a line that
    announces a list with a cue and a colon (``下半年将重点抓好以下工作：``) governs the
    enumerated lines after it (``1、`` ``（一）`` ``一是`` ``First,``), however long.
    """
    out: list[tuple[int, int, str]] = []
    lines: list[tuple[int, int]] = []
    pos = 0
    for part in text.split("\n"):
        lines.append((pos, pos + len(part)))
        pos += len(part) + 1
    n = 0
    while n < len(lines):
        s, e = lines[n]
        line = folded[s:e].strip()
        n += 1
        heading = bool(line) and len(line) <= _HEADING_MAX and bool(_LIST_HEADING.search(line))
        opener = bool(line) and bool(_LIST_OPENER.search(line)) and bool(_STRONG.search(line) or _WEAK.search(line))
        if not (heading or opener):
            continue
        start = end = None
        blank_ok = True  # one blank line between the heading and its list
        while n < len(lines):
            ls, le = lines[n]
            body = text[ls:le].strip()
            if not body:
                if start is not None and opener:
                    n += 1  # enumerated items may be a paragraph each
                    continue
                if start is not None or not blank_ok:
                    break
                blank_ok = False
                n += 1
                continue
            item = _ENUMERATOR.match(body)
            if heading and (len(body) > _LIST_LINE_MAX or _LIST_HEADING.search(folded[ls:le].strip())):
                break
            if opener and not heading and not item:
                break
            start = ls if start is None else start
            end = le
            n += 1
        if start is not None:
            out.append((start, end, text[s:e].strip()))
    return out


# --------------------------------------------------------------------------- numbers


def _worth_reporting(text: str, folded: str, m: NumberMention, clause_start: int, marks=(), others=()) -> bool:
    """False for numbers that are never targets, whatever the clause says (module docstring)."""
    if m.kind != "number":
        return False
    written = text[m.start : m.end]
    before = folded[max(clause_start, m.start - 16) : m.start]
    lead = folded[clause_start : m.start]  # the clause up to the number
    after = folded[m.end : m.end + 14]
    timed = is_duration(m) or (m.unit or "").lower() in ("seconds", "second", "minutes", "minute", "秒", "分钟")
    if timed and not (m.comparator == "at_most" and _LIMIT.search(before)):
        return False  # 三年, 5-10 years, within 15 seconds, up to 3 months; but 不超过2天 is a limit
    plain = not (m.unit or m.scale or m.currency or m.is_percent or m.percentage_points)
    if (plain or (m.unit or "").isascii()) and not m.scale and not m.currency and not m.is_percent:
        if m.value == int(m.value) and 1900 <= m.value <= 2100 and "," not in written:
            return False  # 2024 targets: a year
    # 一个 / 一家 / "one": mostly the article "a", unless a comparator says it is a count
    if m.value == 1 and written.strip()[:1] in ("一", "o", "O") and m.comparator == "exact":
        return False
    if plain and re.match(r"\s*[、.．)）]", text[m.end : m.end + 2]) and not text[max(0, m.start - 1) : m.start].strip():
        return False  # 1、 2. 3) opening a list item
    if re.match(r"[)）]?日", after):
        return False  # 今（15）日: a date
    money = bool(m.currency) or (m.unit or "").lower() in ("元", "yuan")
    if money and _RESOURCE.search(after[:12]):
        return False  # a 10-billion-yuan fund, 18.4亿元的…基金
    if money:
        res = [r for r in _RESOURCE.finditer(lead)]
        if res and not any(
            p > clause_start + res[-1].end() and k in ("strong", "weak") and w not in _COMPARATOR_CUES
            for p, k, w in marks
            if p < m.start
        ):
            return False  # the budget contributing RMB 2.5 billion (but: the fund aims to leverage ...)
    if money and (re.search(r"(?<![a-z])an?\s+$", before) or re.match(r"-(?:yuan|dollars?)\s+[a-z]", text[m.end - 5 : m.end + 3].lower())):
        return False  # a 1.2-billion-yuan station, a $420 million hub: the size of a thing
    if (m.unit or "") in _AREA_UNITS and _LAND.search(lead[-12:]) and not _CREATE.search(lead) and not any(
        k == "strong" and p < m.start for p, k, _ in marks
    ):
        return False  # 连片工业用地2000亩, cover 1,500 mu: land set aside
    if (money or m.scale) and _QUALIFIED_NOUN.match(after):
        return False  # 亿元以上项目, 超亿元企业, 投资超50亿元的龙头项目
    if after[:1] == "强" or ((m.unit or "") == "次" and re.match(r"(?:全会|全体会议|会议|党代会)", after)):
        return False  # 世界500强, 七次全会
    if after[:1] == "级" and any(o.end <= m.start and o.start >= clause_start and o.unit for o in others):
        return False  # 2个千亿级集群: the grade of what is counted, not a second figure
    if _WITH_PHRASE.search(folded, clause_start, m.start):
        return False  # companies with annual revenue above 100 million yuan
    if re.match(r"\s*(?:人|名)?\s*(?:参加|出席|参会|与会|列席)", after) or re.match(r"[a-z ]{0,30}\battended\b", folded[m.end : m.end + 40]):
        return False  # 约300人参加会议, 16 financial institutions attended: who came
    if _in_quoted_name(text, m):
        return False  # “千亿项目攻坚行动”, “two places”: a number inside a name
    if _ESTIMATE.search(lead):
        return False  # 预计可带动就业6万个, 达产后年产值超过80亿元: an effect, not a commitment
    if re.match(r"\s*号", after) or before.endswith(("〕", "]")):
        return False  # 东委发〔2022〕11 号: a document number
    if (
        _SET_REFERENCE.search(before)
        or re.match(r"\s*(?:个)?方面|[a-z ]{0,12}(?:areas|aspects|fields|respects)(?![a-z])", after)
        or (m.unit or "").lower() in ("areas", "aspects", "fields", "respects")
        or (m.unit is None and written.endswith("大"))
    ):
        return False  # the three strategic industries, 全镇12个行政村, 五个方面, 七大产业: a known set
    if before[-1:] in ("”", "」", "》", '"') or before.endswith(("”和", "”等")):
        return False  # “整机引育”“链条补强”“场景开放”三大专项行动: counts what was just named
    if text[max(0, m.start - 1) : m.start] in ("(", "（") and re.search(r"\d[^()（）]{0,20}$", text[max(0, m.start - 24) : m.start - 1]):
        return False  # 1,500 mu (100 hectares): the same amount in other units
    if plain and written[-1:].isdigit():
        nxt = text[m.end : m.end + 1]
        if nxt and ("\u4e00" <= nxt <= "\u9fff") and nxt not in "的":
            return False  # 12英寸, 3号线: a number used as a name
    return True


def _covered(m: NumberMention, targets: list[NumericTarget]) -> bool:
    for t in targets:
        for v in (t.value, t.value_high):
            if v is not None and math.isclose(v, m.value, rel_tol=1e-9):
                return True
    return False


def _snippet(text: str, start: int, end: int, lo: int, hi: int) -> str:
    """The number with some context around it, cut at clause breaks, ellipses marking cuts."""
    zh = cjk_ratio(text[lo:hi]) >= 0.3
    pad = CONTEXT_CHARS_ZH if zh else CONTEXT_CHARS_EN
    # the sentence around the clause bounds the context
    left = max(0, start - pad)
    for b in _SNIPPET_BREAK.finditer(text, left, start):
        left = b.end()
    right = min(len(text), end + pad)
    b = _SNIPPET_BREAK.search(text, end, right)
    if b:
        right = b.start()
    nl = text.rfind("\n", left, start)
    left = nl + 1 if nl >= 0 else left
    nl = text.find("\n", end, right)
    right = nl if nl >= 0 else right
    body = " ".join(text[left:right].split()).rstrip("。！？!?.")
    if not zh:  # do not cut English words in half
        if left > 0 and text[left - 1].isalnum():
            body = body.split(" ", 1)[-1]
        if right < len(text) and text[right].isalnum():
            body = body.rsplit(" ", 1)[0]
    return f"…{body}…"
