"""Number scanner: every number an article states, with value, unit, scale and nearby qualifiers.

``scan(text)`` reads Arabic (``220亿元``, ``1.14万亿元``, ``13 billion yuan``, ``6%``), Chinese
(``十余个``, ``七大``, ``两个``, ``百亿``) and mixed numerals, ranges (``1-2个``, ``5-10 years``)
and English number words. Values are in base units (``220亿`` -> 22000000000; percentages stay
percent points: ``6%`` -> 6).

Each mention has a ``kind`` so callers can ignore what is not a quantity:
``number``; ``year`` (``2023年``, a bare ``2016``); ``ordinal`` (``第一``, list markers ``一是``);
``label`` (names that contain digits: ``一号工程``, ``二期``, ``3.0版``, ``“1+6+3”``, ``二十大``).
Dates and clock times are skipped.

The scan runs on a lightly normalized copy (NFKC: full-width digits and ``％``; Traditional ->
Simplified: ``萬``/``億``/``兩``; pinyin annotations removed) and maps spans back, so offsets
and ``text`` refer to the string passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

import cn2an

from .normalize import normalize

MentionKind = Literal["number", "year", "ordinal", "label"]


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    text: str
    value: float
    value_high: float | None = None
    unit: str | None = None
    scale: str | None = None
    currency: str | None = None
    is_percent: bool = False
    percentage_points: bool = False
    comparator: str = "exact"  # exact / at_least / at_most / about / range
    yoy: bool = False
    kind: MentionKind = "number"


# --------------------------------------------------------------------------- vocabulary

# Scales are exact integers: values are computed in Decimal from the digits as written, then
# converted once (18.4 * 1e8 in floats is 1839999999.9999998; Decimal gives 1840000000).
ZH_SCALES = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "亿": 10**8, "千万": 10**7, "百万": 10**6, "万": 10**4, "千": 10**3, "百": 10**2}
EN_SCALES = {"trillion": 10**12, "billion": 10**9, "bn": 10**9, "tn": 10**12, "million": 10**6, "mn": 10**6, "thousand": 10**3, "hundred": 10**2}
# One-letter scales, only right after a currency prefix with no space: US$1.2m, $3b, ¥5k.
GLUED_SCALES = {"m": 10**6, "b": 10**9, "k": 10**3}
# Units written right after the digits, no space (8000P of computing power, 50MW, 3km).
GLUED_UNITS = sorted(
    "P PB EB TB GB PF EFLOPS PFLOPS MW GW kW KW TW MWh GWh kWh TWh km kg mm cm m2 m3 t ha".split(), key=len, reverse=True
)
EN_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12,
}
ZH_CURRENCY = {"美元": ("USD", "美元"), "港元": ("HKD", "港元"), "港币": ("HKD", "港币"), "欧元": ("EUR", "欧元"),
               "人民币": ("CNY", "元"), "元": ("CNY", "元")}
EN_CURRENCY = {"yuan": "CNY", "rmb": "CNY", "renminbi": "CNY", "cny": "CNY", "us dollars": "USD",
               "u.s. dollars": "USD", "dollars": "USD", "usd": "USD", "euros": "EUR", "eur": "EUR",
               "hong kong dollars": "HKD", "hkd": "HKD"}
PREFIX_CURRENCY = {"us$": "USD", "hk$": "HKD", "$": "USD", "¥": "CNY", "rmb": "CNY", "cny": "CNY", "€": "EUR"}
# Measure words that make a bare Chinese numeral a quantity (一些/一直 are not). Longest first.
ZH_MEASURES = sorted(
    "平方公里 平方米 立方米 公里 千米 公顷 千瓦 兆瓦 吉瓦 千克 微克 毫克 公斤 小时 个月 人次 个 家 亩 颗 项 名 人 位 所 座 条 台 套 户 件 "
    "次 种 类 支 块 间 张 吨 米 倍 岁 年 月 天 周 层 辆 艘 架 部 场 轮 篇 本 大".split(),
    key=len,
    reverse=True,
)
# Words after a number that make it a name or a sequence number, not a quantity.
ZH_LABEL_SUFFIXES = ("号", "期", "版", "届", "代", "型", "批次")
DURATION_UNITS = {"年", "个月", "月", "天", "周", "小时", "years", "year", "months", "month", "days", "weeks", "hours"}
EN_STOPWORDS = set(
    "of and the to in a an is was were for on at by with or from as that this it its be are has have "
    "will than more less over about up per into under".split()
)

# comparators: longest marker first so 不超过 wins over 超过 and 超
_ZH_BEFORE = [
    ("不低于", "at_least"), ("不少于", "at_least"), ("至少", "at_least"), ("超过", "at_least"), ("多于", "at_least"),
    ("高于", "at_least"), ("突破", "at_least"), ("逾", "at_least"), ("超", "at_least"),
    ("不超过", "at_most"), ("不高于", "at_most"), ("不多于", "at_most"), ("最多", "at_most"), ("至多", "at_most"),
    ("低于", "at_most"), ("少于", "at_most"),
    ("大约", "about"), ("约", "about"), ("接近", "about"), ("将近", "about"), ("近", "about"),
]
_ZH_AFTER = [("以上", "at_least"), ("以内", "at_most"), ("以下", "at_most"), ("左右", "about"), ("上下", "about")]
_EN_BEFORE = [
    ("no less than", "at_least"), ("not less than", "at_least"), ("no fewer than", "at_least"),
    ("at least", "at_least"), ("more than", "at_least"), ("over", "at_least"), ("above", "at_least"),
    ("exceeding", "at_least"), ("in excess of", "at_least"), ("upwards of", "at_least"),
    ("no more than", "at_most"), ("not more than", "at_most"), ("not exceeding", "at_most"),
    ("up to", "at_most"), ("at most", "at_most"), ("less than", "at_most"), ("fewer than", "at_most"),
    ("under", "at_most"), ("below", "at_most"), ("within", "at_most"),
    ("approximately", "about"), ("about", "about"), ("around", "about"), ("nearly", "about"),
    ("almost", "about"), ("roughly", "about"), ("close to", "about"), ("some", "about"),
]
_EN_AFTER = [("or more", "at_least"), ("and above", "at_least"), ("or above", "at_least"), ("plus", "at_least"),
             ("or less", "at_most"), ("or below", "at_most")]
_ZH_COMPARATORS = sorted(_ZH_BEFORE, key=lambda p: -len(p[0]))
_EN_COMPARATORS = sorted(_EN_BEFORE, key=lambda p: -len(p[0]))
YOY_MARKERS = ("同比", "比上年", "较上年", "比去年", "较去年", "year-on-year", "year on year", "y-o-y", "yoy")

# --------------------------------------------------------------------------- patterns

_AR = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ZH_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_ZHN = rf"[{_ZH_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?"
_EN_NUM_WORDS = "|".join(sorted(EN_WORDS, key=len, reverse=True))
_EN_SCALE_RE = "|".join(EN_SCALES)

_START = re.compile(rf"(?<![A-Za-z0-9_.])\d|[{_ZH_DIGITS}]|(?<![A-Za-z])(?:{_EN_NUM_WORDS})(?![A-Za-z])", re.I)
_GLUED = "|".join(re.escape(u) for u in GLUED_UNITS)
_OPERAND = re.compile(
    rf"(?P<ar>{_AR})"
    rf"(?:(?P<glued_scale>bn|mn|tn|[mbk])(?![A-Za-z0-9_])|(?P<glued_unit>{_GLUED})(?![A-Za-z0-9_])|(?![A-Za-z0-9_]|\.[A-Za-z]))"
    rf"(?P<zs>万亿|千亿|百亿|亿|千万|百万|万|千|百)?"
    rf"|(?P<zh>{_ZHN})"
    rf"|(?P<en>(?i:{_EN_NUM_WORDS}))(?![A-Za-z])",
)
# "10 billion", "10-billion" (hyphenated compound: a 10-billion-yuan fund)
_EN_SCALE_AFTER = re.compile(rf"(?:\s*|-)(?P<s>{_EN_SCALE_RE})(?![A-Za-z])", re.I)
_APPROX = re.compile(r"(?:余|多)")
_RANGE_SEP = re.compile(r"\s*(?:-|~|—|–|至|到|(?<=\s)to(?=\s))\s*", re.I)
_PERCENT = re.compile(r"(?:\s*|-)(?:%|percent(?![A-Za-z])|per cent(?![A-Za-z]))", re.I)
_PP = re.compile(r"(?:\s*|-)(?:个百分点|百分点|percentage[\s-]points?(?![A-Za-z]))", re.I)
_EN_UNIT = re.compile(r"(?:[ \t]+|-)(?P<w>[A-Za-z][A-Za-z\-]*)")  # never across a line break
_ZH_SCALE_AFTER = re.compile(r"万亿|亿|万|千")
_BETWEEN = re.compile(r"between\s+$", re.I)
_SYMBOL = re.compile(r"(?:us\$|hk\$|rmb\s*|cny\s*|\$|¥|€)", re.I)
_AND = re.compile(r"\s+and\s+", re.I)
_DATE = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?"
    r"|\d{4}年\d{1,2}月"
    r"|\d{1,2}月\d{1,2}[日号]"
    r"|\d{1,2}:\d{2}(?::\d{2})?"
    r"|(?<![A-Za-z])(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,\s*\d{4})?(?![\d])"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"(?:\s+\d{4})?"
)
_CLAUSE_BREAK = re.compile(r"[,，;；。！？!?\n]|\.(?:\s|$)")
_WRITTEN_NUMBER = re.compile(rf"[0-9０-９{_ZH_DIGITS}萬億兩零]|[A-Za-z]")
_OPEN_QUOTES = "“\"'‘「『"
_CLOSE_QUOTES = "”\"'’」』"


# --------------------------------------------------------------------------- parsing helpers


def parse_chinese(run: str) -> float | None:
    """Value of a Chinese (or Chinese/Arabic mixed) numeral via cn2an; None if it is not one."""
    value = _parse_chinese(run)
    return None if value is None else float(value)


def _parse_chinese(run: str) -> Decimal | None:
    run = run.replace("〇", "零")
    if run[0] in "百千万亿":  # 百亿, 千万, 万亿: the leading 一 is implied
        run = "一" + run
    try:
        return Decimal(str(cn2an.cn2an(run, "smart")))
    except (ValueError, KeyError, IndexError, ArithmeticError):
        return None


def _trailing_scale(run: str) -> str | None:
    for s in ("万亿", "亿", "万"):
        if run.endswith(s):
            return s
    return None


def _starts(text: str, pos: int, options) -> str | None:
    for opt in options:
        if text.startswith(opt, pos):
            return opt
    return None


@dataclass
class _Operand:
    start: int
    end: int
    value: Decimal  # exact: digits as written times an integer scale
    scale: str | None
    source: str  # "ar", "zh", "en"
    raw: str
    unit: str | None = None  # glued unit (8000P, 50MW)


def _operand(s: str, pos: int, *, currency_before: bool = False) -> _Operand | None:
    m = _OPERAND.match(s, pos)
    if not m:
        return None
    end = m.end()
    if m.group("ar"):
        value = Decimal(m.group("ar").replace(",", ""))
        scale = m.group("zs")
        glued = m.group("glued_scale")
        if glued:
            low = glued.lower()
            if low in EN_SCALES:
                value *= EN_SCALES[low]
            elif currency_before:  # $3b, US$1.2m
                value *= GLUED_SCALES[low]
            else:
                return None  # 5m, 3k: a measure we cannot read, not a number to report
            scale = low
        elif scale:
            value *= ZH_SCALES[scale]
        elif not m.group("glued_unit"):
            es = _EN_SCALE_AFTER.match(s, end)
            if es:
                scale = es.group("s").lower()
                value *= EN_SCALES[scale]
                end = es.end()
        raw = m.group("ar") + (m.group("zs") or "")  # digits (and 亿/万): what the year test reads
        return _Operand(m.start(), end, value, scale, "ar", raw, m.group("glued_unit"))
    if m.group("zh"):
        run = m.group("zh")
        parsed = _parse_chinese(run)
        if parsed is None:
            return None
        return _Operand(m.start(), end, parsed, _trailing_scale(run), "zh", run)
    word = m.group("en").lower()
    value = Decimal(EN_WORDS[word])
    scale = None
    es = _EN_SCALE_AFTER.match(s, end)
    if es and es.group("s").lower() != word:
        scale = es.group("s").lower()
        value *= EN_SCALES[scale]
        end = es.end()
    return _Operand(m.start(), end, value, scale, "en", m.group(0))


def _clause(s: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the clause (between commas / sentence marks) around ``s[start:end]``."""
    lo = 0
    for m in _CLAUSE_BREAK.finditer(s, max(0, start - 80), start):
        lo = m.end()
    m = _CLAUSE_BREAK.search(s, end)
    hi = m.start() if m else len(s)
    return lo, hi


def _comparator_before(s: str, start: int) -> str | None:
    before = s[max(0, start - 20) : start]
    stripped = before.rstrip()
    for marker, comp in _ZH_COMPARATORS:
        if before.endswith(marker):
            return comp
    low = stripped.lower()
    for marker, comp in _EN_COMPARATORS:
        if low.endswith(marker) and (len(low) == len(marker) or not low[-len(marker) - 1].isalpha()):
            if before != stripped or not marker.isascii():  # English markers need a space before the number
                return comp
    return None


def _comparator_after(s: str, end: int) -> str | None:
    zh = _starts(s, end, [m for m, _ in _ZH_AFTER])
    if zh:
        return dict(_ZH_AFTER)[zh]
    tail = s[end : end + 14].lower()
    for marker, comp in _EN_AFTER:
        if re.match(rf"\s+{re.escape(marker)}(?![a-z])", tail):
            return comp
    return None


# --------------------------------------------------------------------------- scan


def scan(text: str) -> list[NumberMention]:
    """All number mentions in ``text``, in order, spans in ``text`` offsets."""
    norm = normalize(text, fold=False, spaces="keep")
    s = norm.text
    blocked = bytearray(len(s) + 1)
    for m in _DATE.finditer(s):
        blocked[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    out: list[NumberMention] = []
    pos = 0
    while True:
        m = _START.search(s, pos)
        if not m:
            break
        if blocked[m.start()]:
            pos = m.start() + 1
            continue
        parsed = _parse(s, m.start(), blocked)
        if parsed is None:
            op = _OPERAND.match(s, m.start())
            pos = op.end() if op else m.start() + 1
            continue
        mention, end = parsed
        pos = end
        start, stop = norm.to_source(mention.start, end)
        if not _WRITTEN_NUMBER.search(text, start, stop):
            mention = replace(mention, kind="label")  # ㉝, ①: enumerators that NFKC turned into digits
        out.append(
            NumberMention(**{**mention.__dict__, "start": start, "end": stop, "text": text[start:stop]})
        )
    return out


def _scale_factor(name: str) -> int:
    return ZH_SCALES.get(name) or EN_SCALES.get(name) or GLUED_SCALES[name]


def _prefix_currency(s: str, start: int) -> tuple[str, int, bool] | None:
    """``(code, symbol start, touching)`` for a currency symbol written before ``start``
    ($5 million, RMB 13 billion, US$1.2bn); ``touching``: no space between symbol and digits."""
    before = s[max(0, start - 5) : start]
    head = before.lower().rstrip()
    for sym, code in PREFIX_CURRENCY.items():
        if head.endswith(sym) and (len(head) == len(sym) or not head[-len(sym) - 1].isalpha()):
            return code, start - (len(before) - len(head)) - len(sym), len(head) == len(before)
    return None


def _parse(s: str, at: int, blocked: bytearray) -> tuple[NumberMention, int] | None:
    start = at
    pct_prefix = at >= 3 and s[at - 3 : at] == "百分之"
    if pct_prefix:
        start = at - 3
    prefix = _prefix_currency(s, start)
    first = _operand(s, at, currency_before=bool(prefix and prefix[2]))
    if first is None:  # 十百千万: no numeral; 5m: a measure we cannot read
        return None
    end = first.end
    value: Decimal = first.value
    value_high: Decimal | None = None
    scale = first.scale
    comparator: str | None = None
    is_percent = pct_prefix
    percentage_points = False

    if _APPROX.match(s, end) and first.source != "en":
        end += 1
        comparator = "at_least"
        zs = _ZH_SCALE_AFTER.match(s, end)
        if zs and not scale:  # 200多万元: the scale comes after 多
            value *= ZH_SCALES[zs.group()]
            scale = zs.group()
            end = zs.end()
    pct = _PERCENT.match(s, end)
    pct_first = bool(pct)
    if pct:
        end = pct.end()
    # a range: 1-2个, 5~10亿元, 5%-6%, 三至五年, 5 to 10 years, between 5% and 6%
    sep = _RANGE_SEP.match(s, end) if first.unit is None else None
    lead = prefix[1] if prefix else start
    if not sep and _BETWEEN.search(s, max(0, lead - 12), lead):
        sep = _AND.match(s, end)
    if sep and not blocked[sep.end()] and comparator is None:
        at2 = sep.end()
        symbol = _SYMBOL.match(s, at2) if prefix else None  # between $1 billion and $2 billion
        if symbol:
            at2 = symbol.end()
        second = _operand(s, at2, currency_before=bool(symbol))
        if second is not None and (second.source == "en") == (first.source == "en"):
            if second.value > value or (second.scale and not scale):
                if second.scale and not scale:  # 5-10亿: the scale applies to both ends
                    value *= _scale_factor(second.scale)
                    scale = second.scale
                value_high = second.value
                end = second.end
                comparator = "range"
                pct = _PERCENT.match(s, end)
                if pct:
                    end = pct.end()
                    is_percent = True
    if pct_first:
        is_percent = True
    pp = _PP.match(s, end) if not is_percent else None
    if pp:
        end = pp.end()
        percentage_points = True

    prefix_currency = None
    if prefix:
        prefix_currency, start = prefix[0], prefix[1]

    currency, unit = prefix_currency, first.unit
    if unit is not None:
        pass  # glued: 8000P, 50MW
    elif not (is_percent or percentage_points):
        if first.source != "en" and (zc := _starts(s, end, ZH_CURRENCY)):
            currency, unit = ZH_CURRENCY[zc]
            end += len(zc)
        elif first.source != "en" and _APPROX.match(s, end) and comparator is None:
            comparator = "at_least"  # 1.4万多家
            end += 1
        if unit is None and first.source != "en" and (mw := _starts(s, end, ZH_MEASURES)):
            unit = mw
            end += len(mw)
        elif unit is None and (w := _EN_UNIT.match(s, end)):
            word = w.group("w")
            wpos = w.start("w")
            low = s[wpos : wpos + 25].lower()
            cur = next((c for c in sorted(EN_CURRENCY, key=len, reverse=True)
                        if low.startswith(c) and not low[len(c) : len(c) + 1].isalpha()), None)
            if cur:
                currency, unit = EN_CURRENCY[cur], s[wpos : wpos + len(cur)]
                end = wpos + len(cur)
            elif word.lower() not in EN_STOPWORDS and word.lower() not in EN_SCALES:
                unit = word
                end = w.end()
    elif is_percent:
        unit = "%"
    else:
        unit = "percentage points"

    kind = _mention_kind(s, start, end, first, unit, scale, currency, is_percent or percentage_points)
    if kind is None:
        return None
    if unit == "大":  # 七大产业基地: "seven major", a count with no unit of its own
        unit = None

    after = _comparator_after(s, end)
    if after:
        comparator = comparator if comparator == "range" else after
        end += len(_starts(s, end, [m for m, _ in _ZH_AFTER]) or "")
    before = _comparator_before(s, start)
    if comparator is None:
        comparator = before or "exact"
    lo, hi = _clause(s, start, end)
    window = s[max(lo, start - 40) : min(hi, end + 20)].lower()
    yoy = any(marker in window for marker in YOY_MARKERS)
    return (
        NumberMention(
            start=start, end=end, text=s[start:end], value=float(value),
            value_high=None if value_high is None else float(value_high), unit=unit,
            scale=scale, currency=currency, is_percent=is_percent, percentage_points=percentage_points,
            comparator=comparator, yoy=yoy, kind=kind,
        ),
        end,
    )


def _mention_kind(s, start, end, first: _Operand, unit, scale, currency, percent) -> MentionKind | None:
    """Classify a parsed number, or None when a Chinese numeral is just part of a word."""
    prev = s[start - 1] if start else ""
    nxt = s[end] if end < len(s) else ""
    if prev == "第" or re.search(r"\bNo\.?\s*$", s[max(0, start - 4) : start]):
        return "ordinal"
    if _starts(s, first.end, ZH_LABEL_SUFFIXES) and not unit:
        return "label"
    after_first = s[first.end : first.end + 2]
    if (prev and prev in "+/>") or (nxt and nxt in "+>") or after_first[:1] == "+" or (
        after_first[:1] == "/" and after_first[1:2].isdigit()
    ) or (nxt == "/" and s[end + 1 : end + 2].isdigit()):
        return "label"  # 1+6+3, 3+2, 1/10 (but 30微克/立方米 is a unit)
    if prev and prev in _OPEN_QUOTES and not (percent or scale or currency):
        close = re.match(rf"[^{_CLOSE_QUOTES}。！？!?\n]{{0,12}}[{_CLOSE_QUOTES}]", s[end:])
        if close:
            return "label"  # “1310”, “五个突出”, “Six Major Actions”: names, not quantities
    if first.source == "zh":
        if first.raw in ("零", "〇"):
            return None  # 零部件, 零售: a lone 零 is part of a word
        if unit == "大" and (s[max(0, start - 2) : start] == "党的" or s.startswith(("精神", "报告", "代表"), end)):
            return "label"  # 二十大: the 20th Party Congress
        if s.startswith("是", first.end) and len(first.raw) <= 2 and not unit:
            return "ordinal"  # 一是 / 二是: list markers
        has_scale_tail = len(first.raw) >= 2 and first.raw[-1] in "百千万亿"
        if not (unit or currency or percent or has_scale_tail or s[first.end : first.end + 1] in "余多"):
            return None  # 一些, 统一, 十分: numeral characters inside ordinary words
    if first.source == "ar" and not (scale or percent or currency) and "." not in first.raw and "," not in first.raw:
        n = int(first.raw)
        if len(first.raw) == 4 and 1900 <= n <= 2100:
            if unit == "年" or unit is None or (unit.isascii() and not unit.endswith("s")):
                return "year"
    return "number"


def is_duration(m: NumberMention) -> bool:
    return (m.unit or "").lower() in DURATION_UNITS
