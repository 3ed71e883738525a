"""Numeric targets: the numbers in target-like clauses, with what they measure.

Numbers come from the shared scanner (``grounding.numbers.scan``: value, unit, scale, comparator,
year-on-year, kind); only quantities count (not years, ordinals, labels such as 一号工程 or
“1+6+3”, durations such as 5-10 years, or the article "一个"). The clause logic is in
``rules.clauses``. The metric is the noun phrase the number measures, cut from the clause;
comparator, period and strength are re-read from the source by grounding anyway
(``grounding.targets``), so the values here are a first reading.
"""

from __future__ import annotations

import re

from ..grounding.numbers import NumberMention, is_duration, scan
from ..models import TargetDraft, is_blank
from .clauses import TargetClause, period_in
from .text import Span, View, han_share

QUOTE_MAX = 160  # characters: a quote longer than this starts at the number's own clause

_STRENGTH = (
    ("ensure", re.compile(r"确保|务必|\bensure|\bguarantee|\bmake sure", re.I)),
    ("strive", re.compile(r"力争|争取|努力|奋力|\bstriv|\bendeavou?r|\bseek", re.I)),
    ("aim", re.compile(r"目标|计划|预计|\btarget|\baim|\bgoal|\bplans?\b|\bplanned", re.I)),
)
_GROWTH = re.compile(r"增长|增速|增加|提高|提升|上升|增幅|\bgrowth|\bgrow|\bincrease|\brise|\braise|\bup by", re.I)
_SHARE = re.compile(r"比重|比例|占比|占全|强度|率|\bshare|\bproportion|\brate\b|% of|percent of", re.I)
_LEVEL_UNITS = {"亩", "吨", "公里", "千米", "米", "平方米", "平方公里", "公顷", "千瓦", "兆瓦", "吉瓦", "tons", "tonnes",
                "km", "kilometres", "kilometers", "hectares", "mu", "kw", "mw", "gw", "kwh", "square"}

_THRESHOLD_ZH = re.compile(r"(?:以上|以下)?的?(?:重大|重点|优质|产业|工业|招商|外资|内资)?(?:项目|企业|工业企业)")
_THRESHOLD_EN = re.compile(r"[\s-]+(?:or\s+more\s+)?(?:projects?|firms?|companies|enterprises)\b(?!\s+(?:in|by|this|each))")
# counts of parts of a speech or plan, not quantities anyone commits to
_STRUCTURAL_ZH = re.compile(r"(?:个|大|项)?(?:方面|领域|环节|维度|部分|阶段|层面|关键|突出|重点任务|个字)")
_STRUCTURAL_EN = re.compile(r"\s+(?:major\s+|key\s+)?(?:areas?|aspects?|fields?|respects?|points?|dimensions?|parts?|stages?)\b")
_STRUCTURAL_UNITS = {"方面", "areas", "aspects", "fields", "respects", "points", "dimensions"}
# Chinese: words stripped from the ends of the text before a number to leave what it measures
_ZH_LEAD = re.compile(
    r"^(?:力争|确保|争取|努力|全力|奋力|目标(?:是|为)?|计划|预计|今年|全年|明年|年内|本年度?|到20\d\d年(?:底|末)?|20\d\d年|"
    r"将|要|拟|并|和|及|同时|其中|推动|促进|实现|完成|使|让|全市|全区|全县|全省|力促|进一步|持续|继续|加快|"
    r"新增|累计|总计|共|达到|保持|[，,、\s])+"
)
_ZH_TAIL = re.compile(
    r"(?:达到|达|为|至|到|完成|实现|突破|超过|超|逾|约|近|不低于|不少于|不超过|高于|低于|少于|多于|至少|"
    r"保持在|控制在|稳定在|新增|增加|提高到|提升到|占|的|在|以上|左右|[，,、\s])+$"
)
_ZH_NOUN_STOP = re.compile(
    r"[^\u4e00-\u9fff]|的|以|等|并|为|将|在|打造|建设|推进|推动|实现|开展|发力|完成|达到|登门|落地|投产|入驻|参与|引进|培育"
)
# English
_EN_OF_BEFORE = re.compile(
    r"\s+of\s+(?:(?:no|not)\s+(?:less|more|fewer)\s+than\s+|more\s+than\s+|less\s+than\s+|at\s+least\s+|over\s+|"
    r"about\s+|around\s+|nearly\s+|up\s+to\s+|some\s+)?$",
    re.I,
)
_EN_SKIP = set(
    """a an the this that these those its their our his her of to for in on at by with from as and or but is are was be
    will shall would should must can could to this next year years throughout whole full strive strives striving aim
    aims target targets goal goals plan plans planned promote implement achieve complete completes introduce attract
    add build create make ensure reach realize realise keep maintain total more than less no
    not at least over about around nearly up some sprint towards toward become strong area it we they must necessary
    there here also further continue continued new""".split()
)
_EN_GENERIC = {"target", "targets", "goal", "goals", "total", "level", "amount", "figure", "number", "scale", "value",
               "sum", "scope", "size"}
_EN_DROP_TAIL = {"target", "targets", "goal", "goals"}


def find_targets(view: View, clauses: list[TargetClause]) -> tuple[list[TargetDraft], list[Span]]:
    """Targets in ``clauses``; also the clauses they came from (goals skip those)."""
    out: list[TargetDraft] = []
    used: dict[int, Span] = {}
    seen: set[tuple[int, int]] = set()
    scanned: dict[int, list[NumberMention]] = {}
    for tc in clauses:
        s = tc.sentence
        if s.start not in scanned:
            scanned[s.start] = _scan(view, s.start, s.end)
        for m in scanned[s.start]:
            if not (tc.span.start <= m.start < tc.span.end) or (m.start, m.end) in seen or not _quantity(view, m):
                continue
            seen.add((m.start, m.end))
            draft = _draft(view, tc, m)
            if draft is not None:
                out.append(draft)
                used.setdefault(tc.span.start, tc.span)
    return out, list(used.values())


def _scan(view: View, start: int, end: int) -> list[NumberMention]:
    """The scanner's mentions in ``text[start:end]``, offsets in the whole text."""
    try:
        found = scan(view.text[start:end])
    except ValueError:  # the scanner refuses some inputs (a 5,000-digit number); no targets there
        return []
    return [NumberMention(**{**m.__dict__, "start": m.start + start, "end": m.end + start}) for m in found]


def _quantity(view: View, m: NumberMention) -> bool:
    if m.kind != "number" or is_duration(m) or m.value != m.value:
        return False
    if _THRESHOLD_ZH.match(view.folded, m.end) or _THRESHOLD_EN.match(view.lower, m.end):
        return False  # 亿元以上项目: a size class of the projects counted next, not the target
    if not (m.scale or m.currency or m.is_percent) and re.match(r"(?:19|20)\d\d(?![\d.,])", m.text.strip()):
        return False  # "2024 targets": a year the scanner read as a count
    if _STRUCTURAL_ZH.match(view.folded, m.end) or _STRUCTURAL_EN.match(view.lower, m.end) or (
        (m.unit or "").lower() in _STRUCTURAL_UNITS
    ):
        return False  # 五个方面, four areas: how a speech is organised, not a quantity
    if m.value == 1 and m.text.strip()[:1] in ("一", "o", "O", "a", "A"):
        return False  # 一个 / one: mostly the article "a"
    bare = not (m.unit or m.scale or m.currency or m.is_percent or m.percentage_points)
    if bare and m.value < 10 and not m.text.endswith("大"):
        return False  # two, three, 3: enumerations rather than quantities
    return True


def _draft(view: View, tc: TargetClause, m: NumberMention) -> TargetDraft | None:
    clause = tc.span
    start = tc.cue_start if m.end - tc.cue_start <= QUOTE_MAX else clause.start
    end = clause.end
    if end - start > QUOTE_MAX:  # a long clause: keep the number with some words around it
        start = max(start, m.start - QUOTE_MAX // 2)
        end = min(end, max(m.end, start + QUOTE_MAX))
    qa, qb = view.cut(start, end)
    qa, qb = min(qa, m.start), max(qb, m.end)
    quote = view.text[qa:qb]
    value_text = view.text[m.start : m.end]
    if not quote.strip() or value_text not in quote:
        return None
    context = view.folded[tc.cue_start : clause.end]
    zh = han_share(view.text[clause.start : clause.end]) >= 0.3
    period = _period(view, tc, m)
    return TargetDraft(
        quote=quote,
        metric=_stated(_metric(view, clause, m, zh)) or value_text,
        value_text=value_text,
        value=m.value,
        value_high=m.value_high,
        unit=m.unit,
        comparator=m.comparator if m.comparator in ("exact", "at_least", "at_most", "about", "range") else "exact",
        kind=_kind(m, view.folded[clause.start : clause.end]),
        period=period,
        baseline="yoy" if m.yoy else None,
        strength=next((name for name, pat in _STRENGTH if pat.search(context)), "none"),
        status="target",
    )


def _period(view: View, tc: TargetClause, m: NumberMention) -> str | None:
    """A period written in the number's clause, else earlier in its sentence (今年, 2024年, this year)."""
    for lo, hi in ((tc.span.start, tc.span.end), (tc.sentence.start, tc.span.start)):
        p = period_in(view.lower[lo:hi])
        if p is not None and not (lo + p.start() <= m.start < lo + p.end()):
            return view.text[lo + p.start() : lo + p.end()].strip()
    return None


def _kind(m: NumberMention, clause: str) -> str:
    if m.percentage_points:
        return "percentage_points"
    if m.is_percent:
        if m.yoy or _GROWTH.search(clause):
            return "growth_rate"
        return "share" if _SHARE.search(clause) else "growth_rate"
    if m.currency or (m.unit or "").lower() in _LEVEL_UNITS:
        return "level"
    if m.unit or m.text.endswith("大"):
        return "count"
    return "level" if m.scale else "count"


def _stated(text: str | None) -> str | None:
    """None for a metric the draft would read as "not stated" (an article may say "NONE")."""
    return None if text is None or is_blank(text) else text


def _metric(view: View, clause: Span, m: NumberMention, zh: bool) -> str | None:
    return _zh_metric(view, clause, m) if zh else _en_metric(view, clause, m)


def _zh_metric(view: View, clause: Span, m: NumberMention) -> str | None:
    f = view.folded
    # 220亿元的招商总目标: the number modifies what follows 的
    if f.startswith("的", m.end):
        noun = _noun_after(view, m.end + 1, clause.end)
        if noun:
            return noun
    # 十余个国家和地区, 培育50家高新技术企业: the counted noun follows the measure word
    if m.unit and not m.currency and not m.is_percent and (m.unit or "") not in _LEVEL_UNITS:
        noun = _noun_after(view, m.end, clause.end)
        if noun:
            return noun
    before = f[clause.start : m.start]
    lead = _ZH_LEAD.match(before)
    a = clause.start + (lead.end() if lead else 0)
    tail = _ZH_TAIL.search(f, a, m.start)
    b = tail.start() if tail else m.start
    if "的" in f[a:b]:  # 全市规模以上工业的增加值: keep the head noun
        a = a + f[a:b].rfind("的") + 1
    if b - a >= 2:
        return view.text[a:b].strip(" “”\"")
    return None


def _noun_after(view: View, pos: int, end: int) -> str | None:
    """The noun right after ``pos`` (up to punctuation, a quote, 的 or a verb), 2-12 characters."""
    stop = _ZH_NOUN_STOP.search(view.folded, pos, end)
    hi = min(stop.start() if stop else end, pos + 12)
    noun = view.text[pos:hi].strip()
    return noun if len(noun) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in view.folded[pos:hi].strip()) else None


def _en_metric(view: View, clause: Span, m: NumberMention) -> str | None:
    t = view.text
    before = t[clause.start : m.start]
    of = _EN_OF_BEFORE.search(before)
    if of:  # "a GDP of 100 billion", "total project investment of more than 35 billion yuan"
        words = _content_run(before[: of.start()], last=True)
        if words and not all(w.lower() in _EN_GENERIC for w in words):
            return " ".join(words)
    words = _content_run(before, last=False)  # "the GDP target this year is to increase 6%"
    while len(words) > 1 and words[-1].lower() in _EN_DROP_TAIL:
        words.pop()
    if words and not all(w.lower() in _EN_GENERIC for w in words):
        return " ".join(words)
    if m.unit and m.unit.isascii() and not m.currency:
        return m.unit
    return None


def _content_run(text: str, *, last: bool) -> list[str]:
    """The first (or last) run of content words (not function words, cue verbs or period words), at most 5."""
    tokens = re.findall(r"[A-Za-z][\w\-’']*|[^\sA-Za-z]+", text)
    if last:
        tokens.reverse()
    run: list[str] = []
    for w in tokens:
        if w[0].isalpha() and w.lower() not in _EN_SKIP:
            run.append(w)
            if len(run) == 5:
                break
        elif run:
            break
    return run[::-1] if last else run
