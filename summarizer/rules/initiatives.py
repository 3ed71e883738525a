"""Initiatives: named programmes, projects, plans and platforms.

Chinese: a run that ends in a programme word (工程, 计划, 行动, 专项, 平台, 项目, 基地 ...), walked
back to the verb or punctuation before it (实施 | 高质量产业招商三年行动计划); a 《…》 title that
ends in one (《…行动方案》); a quoted name right after an implementing verb (设立“一产业一基金”).
English: a capitalised name ending in Programme, Project, Corridor, Base ...; a quoted name after
an implementing verb or before a programme noun (implement the “Six Major Actions”, the
“Pengjiang Service” brand); ``launched/implement the ... programme``.
Generic phrases (一批…平台, 重点项目, the project) are dropped.
"""

from __future__ import annotations

import re

from ..models import InitiativeDraft, is_blank
from .text import HAN, View

MAX_NAME_ZH = 24
QUOTE_PAD = 60

_ZH_SUFFIX = re.compile(
    r"(?:专项行动|行动计划|行动方案|工程|计划|行动|专项(?![\u4e00-\u9fff])|平台|项目|基地|走廊|科学城|示范区|试验区|先行区|"
    r"产业园|大会|二期|三期|品牌|模式|基金|改革|机制)"
    r"(?!师|院|化|库|债|会|堂|力|经济|建设)[”」』\"]?"
)
# programme words that are also everyday nouns (投资项目, 产业基金, 招商模式, 放管服改革): a name needs a quoted part
_ZH_WEAK_SUFFIX = ("项目", "基金", "模式", "平台", "品牌", "改革", "机制")
# a name is more than a programme word with a plan's generic label or a count in front of it
_ZH_GENERIC_NAME = re.compile(
    r"^(?:年度|工作|实施|专项|行动|三年|五年|一期|二期|具体)?(?:计划|方案|行动计划|行动方案|工程|措施|项目)$"
    r"|^[0-9一二三四五六七八九十两百]+[处个家座条项批]|代表大会|党代会|全体会议"
)
# verbs that govern a name (the name starts after them); words that also occur inside names
# (发展, 提升, 培育, 创新) are left out on purpose
_ZH_VERB = re.compile(
    r"(?:实施|推进|落实|开展|启动|建设|打造|推动|举办|设立|实行|推行|推出|加快|深入|深化|做好|谋划|参与|依托|围绕|"
    r"用好|用实|打响|擦亮|持续|继续|全力|积极|着力|大力|聚焦|加强|强化|支持|筹建|启用|构建|建立|组建|承办|召开|"
    r"出台|制定|印发|发布|编制|引进|招引|对接|探索|利用|借助|推广|扩大|健全|创建|争创|筹办|通过|包括|抓好|办好|建好|"
    r"狠抓|发挥|跑出|挖掘|做强|做大|成立|落户|引导|完成|开工|运营)好?"
)
_ZH_LIST_MARKER = re.compile(r"[一二三四五六七八九十]是")  # 一是 / 二是 start a task, and a name after them
_ZH_GENERIC_HEAD = re.compile(r"^(?:一批|一些|各类|各项|多个|更多|若干|这些|相关|有关|其他|以上|该|本|此|各|重大|重点|优质|头部|龙头|我们|你们|他们|我市|全市)")
_ZH_LEFT_STOP = set("，,。；;：:、！？!?（）() 　\n的等和与及或在向为把将由从于并以了")
_ZH_BOOK = re.compile(r"《([^《》\n]{2,40})》")
_ZH_BOOK_SUFFIX = re.compile(r"(?:计划|规划|方案|行动|工程|纲要|意见|措施|办法|战略|倡议|政策|细则|条例|项目|专项)$")
_ZH_QUOTED_AFTER_VERB = re.compile(
    r"(?:实施|推进|落实|开展|设立|实行|推行|启动|打造|举办|打响|擦亮|推出|创建|争创)好?"
    r"([“「『\"][^”」』\"\n]{2,20}[”」』\"])(?![\u4e00-\u9fff]|“)"
)

_EN_SUFFIX = re.compile(
    r"(?:Programmes?|Programs?|Projects?|Plans?|Initiatives?|Corridor|Base|Zone|Park|Platforms?|Campaigns?|"
    r"Strateg(?:y|ies)|Actions?|Cent(?:er|re)|Cluster|Fund|Scheme)\b"
)
_EN_NAME_WORD = re.compile(r"[A-Z][\w\-’']*$|(?:and|of|for|the|&)$")
_EN_NOT_FIRST = {"The", "A", "An", "This", "In", "On", "At", "By", "For", "And", "Of", "To", "With", "Its", "Their", "Our"}
_EN_VERB = (
    r"(?:implement(?:ed|ing|s)?|launch(?:ed|ing|es)?|build(?:ing|s)?|construct(?:ed|ing|ion of)?|promot(?:e|ed|ing)|"
    r"carr(?:y|ied|ying) out|fight(?:ing|s)?|polish(?:ed|ing)?|creat(?:e|ed|ing)|advanc(?:e|ed|ing)|deepen(?:ed|ing)?|"
    r"strengthen(?:ed|ing)?|establish(?:ed|ing)?|set up|host(?:ed|ing)?|start(?:ed|ing)?|roll(?:ed)? out|introduc(?:e|ed|ing)|"
    r"the construction of|unveil(?:ed)?)"
)
_EN_QUOTED = re.compile(r"[“\"‘']([A-Za-z0-9][^“”\"‘’\n]{1,60}?)[”\"’'](?![A-Za-z])")
_EN_QUOTE_SUFFIX = re.compile(
    r"\s+(brand|projects?|programmes?|programs?|plans?|initiatives?|actions?|campaigns?|platforms?|clusters?|"
    r"corridor|zones?|bases?|strateg(?:y|ies)|model|scheme|industrial cluster|action plan)\b",
    re.I,
)
_EN_VERB_BEFORE = re.compile(rf"\b{_EN_VERB}\s+(?:(?:the|a|an|our|its|their)\s+)?(?:[\w\-]+\s+){{0,2}}$")
# "launched the ... programme": the programme word on the lower-cased text, the verb looked up before it
_EN_LOWER_SUFFIX = re.compile(r"(?:action plan|programme|program|project|initiative|campaign|scheme|plan)\b")
_EN_LOWER_HEAD = re.compile(
    rf"\b{_EN_VERB}\s+(?:the|a|an)\s+((?:[\w\-’']+\s+|[‘'“\"][^‘’'“”\"\n]{{1,40}}[’'”\"]\s+){{1,8}})$"
)
_EN_GENERIC = {"the project", "the plan", "the programme", "the program", "project", "plan", "programme"}


def find_initiatives(view: View) -> list[InitiativeDraft]:
    found: list[tuple[int, int]] = []
    if re.search(f"[{HAN}]", view.folded):
        found += _zh(view)
    if re.search(r"[A-Za-z]{3}", view.text):
        found += _en(view)
    found = _outermost(found)
    out: list[InitiativeDraft] = []
    seen: set[str] = set()
    for a, b in found:
        name = view.text[a:b].strip()
        key = re.sub(r"[\s“”\"'‘’「」《》]", "", view.folded[a:b]).lower()
        if is_blank(name) or key in seen:  # "None" as a name would fail the draft's validation
            continue
        seen.add(key)
        out.append(InitiativeDraft(quote=_quote(view, a, b), name=name))
    return out


def _zh(view: View) -> list[tuple[int, int]]:
    f = view.folded
    out: list[tuple[int, int]] = []
    for m in _ZH_BOOK.finditer(f):
        if _ZH_BOOK_SUFFIX.search(m.group(1)):
            out.append((m.start(1), m.end(1)))
    for m in _ZH_QUOTED_AFTER_VERB.finditer(f):
        out.append((m.start(1), m.end(1)))
    verb_ends = {v.end() for v in _ZH_VERB.finditer(f)} | {v.end() for v in _ZH_LIST_MARKER.finditer(f)}
    for m in _ZH_SUFFIX.finditer(f):
        start = _zh_name_start(f, m.start(), verb_ends)
        if start is None:
            continue
        name = f[start : m.end()]
        suffix = m.group(0).rstrip("”」』\"")
        core = f[start : m.start()]
        quoted = any(q in name for q in "“「『\"")
        opened = max(core.rfind("“"), core.rfind("「"), core.rfind("『"))
        if opened >= 0 and not re.search(r"[”」』]", core[opened:]):
            core = core[opened + 1 :]  # the programme word sits inside a quote: “搭平台” is a slogan, “一号工程” a name
        if len(core.strip("“”\"「」『』")) < 2 or "一批" in name or _ZH_GENERIC_HEAD.match(name.lstrip("“「『\"")):
            continue
        if suffix in _ZH_WEAK_SUFFIX and not quoted:
            continue
        if name.count("“") != name.count("”") or _ZH_GENERIC_NAME.search(name.strip("“”")):
            continue  # inside a quoted speech (“今年全市要力促签约项目), or a generic label
        if suffix in ("计划", "项目") and re.match(r"[\u4e00-\u9fff]", f[m.end() : m.end() + 1]) and f[m.end()] not in "的等和与及":
            continue  # 计划新引进 / 项目开工: a verb or a longer noun follows, no name ends here
        out.append((start, m.end()))
    return out


def _zh_name_start(f: str, suffix_start: int, verb_ends: set[int]) -> int | None:
    """Walk left from the programme word over the name (quoted parts whole) to a verb or stop."""
    pos = suffix_start
    limit = max(0, suffix_start - MAX_NAME_ZH)
    while pos > limit:
        ch = f[pos - 1]
        if ch in "”」』\"":  # a quoted part: take it whole
            open_at = max(f.rfind("“", limit, pos - 1), f.rfind("「", limit, pos - 1), f.rfind("『", limit, pos - 1))
            if open_at < 0:
                break
            pos = open_at
            continue
        if ch in "“「『":  # leaving a quoted part the programme word sits in (“一号工程”)
            pos -= 1
            continue
        if pos in verb_ends or ch in _ZH_LEFT_STOP or not re.match(f"[{HAN}A-Za-z0-9+]", ch):
            break
        pos -= 1
    return pos if pos < suffix_start else None


def _en(view: View) -> list[tuple[int, int]]:
    t, low = view.text, view.lower
    out: list[tuple[int, int]] = []
    # Capitalised names ending in a programme word: walk left over capitalised and linking words
    for m in _EN_SUFFIX.finditer(t):
        if m.start() and t[m.start() - 1].isalpha():
            continue
        start = _en_capitalised_start(t, m.start())
        if start is not None and not _EN_SUFFIX.fullmatch(t[start : m.start()].strip()):
            out.append((start, m.end()))
    for m in _EN_QUOTED.finditer(t):
        inner = m.group(1).strip()
        if len(inner.split()) > 8 or re.search(r"[.!?;]", inner):
            continue
        suffix = _EN_QUOTE_SUFFIX.match(t, m.end())
        if suffix:
            out.append((m.start(), suffix.end()))
        elif _EN_VERB_BEFORE.search(low, max(0, m.start() - 60), m.start()):
            out.append((m.start(), m.end()))
    for m in _EN_LOWER_SUFFIX.finditer(low):
        if m.start() and low[m.start() - 1].isalpha():
            continue
        head = _EN_LOWER_HEAD.search(low, max(0, m.start() - 160), m.start())
        if head:
            name = t[head.start(1) : m.end()]
            if name.lower() not in _EN_GENERIC and len(name.split()) >= 2:
                out.append((head.start(1), m.end()))
    return out


def _en_capitalised_start(t: str, suffix_start: int) -> int | None:
    """Start of "Guangzhou-Shenzhen Science and Technology Innovation" before "Corridor" (at most 9 words)."""
    start = None
    pos = suffix_start
    for _ in range(9):
        m = re.search(r"([\w\-’'&]+)\s+$", t[max(0, pos - 40) : pos])
        if not m:
            break
        word_start = max(0, pos - 40) + m.start(1)
        if not _EN_NAME_WORD.match(m.group(1)):
            break
        pos = word_start
        if m.group(1)[0].isupper():
            start = word_start
    while start is not None and t[start:].split(" ", 1)[0] in _EN_NOT_FIRST:
        nxt = t.find(" ", start)
        start = nxt + 1 if 0 < nxt < suffix_start else None
    return start


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in text order, dropping any that lies inside another."""
    spans = sorted(set(spans), key=lambda s: (s[0], -s[1]))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a >= out[-1][0] and b <= out[-1][1]:
            continue
        out.append((a, b))
    return out


def _quote(view: View, a: int, b: int) -> str:
    """The clause holding the name, at most ``QUOTE_PAD`` characters on each side of it."""
    clause = view.clause_at(a)
    lo = max(clause.start if clause else a, a - QUOTE_PAD)
    end_clause = view.clause_at(max(a, b - 1))
    hi = min(end_clause.end if end_clause else b, b + QUOTE_PAD)
    qa, qb = view.cut(lo, hi)
    qa, qb = min(qa, a), max(qb, b)
    return view.text[qa:qb]
