"""The target-cue lexicon: words that make a clause read like a target (力争, 目标, no less than ...).

One lexicon shared by the recall hints (``grounding.recall``), the rules engine
(``summarizer.rules``) and anything else that asks "is this clause a target?". Cues are written
once in Simplified Chinese and English; text is folded to Simplified (and lower case) before
matching, so Traditional articles (目標, 確保, 計劃, 力爭) match the same cues.

Tiers (all literal strings, so a caller can compile them into one pattern):

* ``TARGET_CUES``: a commitment on its own (力争, 确保, target, strive ...). ``has_target_cue``
  asks for these.
* ``WEAK_CUES``: future or level words that read as a target only in the right context (将,
  全年, 实现, 达到, will, is expected to, at least ...): a report of last year uses them too.
  The recall hints accept them when nothing in the clause says "achieved" or "someone else's
  forecast".

Markers (regular expressions over the folded, lower-cased text) for what is *not* a target:

* ``ACHIEVED``: a report of what was done (去年, 已, 累计, last year, reached, rose ...);
  ``比去年`` / ``较上年`` / ``than last year`` name a baseline and are not reports.
* ``REPORTED_PERIOD``: a period being reported on (今年以来, 1—5月, 一季度, so far this year);
  weaker than a cue before it in the same clause (确保一季度增长5%).
* ``FORECAST``: someone else's prediction (专家, 研究院, 证券, analysts, forecast ...).
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

TARGET_CUES_ZH: tuple[str, ...] = (
    "力争", "目标", "确保", "不低于", "不少于", "争取", "计划", "计画", "预计", "力促", "力保", "务必", "努力实现", "至少",
    "不超过",
)
TARGET_CUES_EN: tuple[str, ...] = (
    "strive", "target", "aim", "goal", "no less than", "at least", "plan to", "plans to", "ensure",
    "no fewer than", "pledge", "vow", "commit to", "commits to", "committed to", "seek to", "seeks to",
    "expected to reach", "set to reach", "intends to", "intend to", "planning to",
)
TARGET_CUES: tuple[str, ...] = TARGET_CUES_ZH + TARGET_CUES_EN

WEAK_CUES_ZH: tuple[str, ...] = (
    "将", "全年", "年内", "今年", "明年", "到20", "实现", "达到", "控制在", "压缩至", "压减至", "降至", "提高到",
    "提高至", "提升至", "提升到", "稳定在", "保持在", "打造", "年均", "每年",
)
WEAK_CUES_EN: tuple[str, ...] = (
    "will", "is expected to", "are expected to", "expected to", "to reach", "to hit", "to achieve", "by 20",
    "this year", "next year", "no more than", "not exceed", "below", "above", "within", "to raise", "to add",
    "to create", "to build", "to offer", "to open", "to keep", "to lift", "to cut", "to double", "to triple",
)
WEAK_CUES: tuple[str, ...] = WEAK_CUES_ZH + WEAK_CUES_EN

ACHIEVED = re.compile(
    r"(?<![比较与同上])(?:去年|上年|上一年|前年)|过去|此前|一年来|已经|(?<![而])已(?![于])|截至|截止|目前|现有|共有|拥有"
    r"|(?:完成|实现|达到|增长|新增|引进|落地|建成|突破|超过|开工|签约|投产)了"
    r"|(?<![a-z])(?:last year|in the past|so far|already|to date|reached|achieved|was|were|rose|grew|fell|dropped"
    r"|declined|totall?ed|recorded|registered|stood at|previously|up from|down from|compared with|a year earlier"
    r"|had (?:\w+ )?\w+(?:ed|en|wn|ne)|exceeded|surpassed|topped|increased|expanded|completed|signed|attracted"
    r"|created|generated|earned|received|handled|produced|voted|attended|opened|launched|approved|adopted"
    r"|ha(?:s|ve) (?:completed|exceeded|grown|risen|increased|reached|built|attracted|signed|created))(?![a-z])"
)
REPORTED_PERIOD = re.compile(
    r"今年以来|年初以来|\d{1,2}\s*[—–\-~至]\s*\d{1,2}月|前?[一二三四1-4]季度|上半年|前三季度"
    r"|(?<![a-z])(?:so far this year|in the first (?:half|quarter|two quarters|three quarters)|year to date)(?![a-z])"
)
FORECAST = re.compile(
    r"分析师|分析人士|经济学家|专家|券商|智库|测算|预测|有望"
    r"|(?:研究院|研究所|研究中心|机构|证券|公司|银行)[^，,。；;]{0,12}(?:预计|预测|认为|估计|判断)"
    r"|(?<![a-z])(?:analysts?|economists?|forecasts?|forecasters?|predicts?|predicted|projections?|securities"
    r"|institute|think tank|research firm|consultancy|imf|world bank|projected|projects that|expects)(?![a-z])"
)


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    out = _T2S.convert(ch) if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" else ch.lower()
    return out if len(out) == 1 else ch


def fold(text: str) -> str:
    """Simplified script and lower case, character for character: ``fold(t)[i]`` comes from
    ``t[i]``, so positions found in the folded text are positions in ``t``."""
    return text.translate({ord(c): _fold_char(c) for c in set(text)})


def _has(text: str, lexicon: tuple[str, ...]) -> bool:
    return any(
        (re.search(rf"(?<![a-z]){re.escape(c)}", text) if c.isascii() else c in text) for c in lexicon
    )


def has_target_cue(text: str) -> bool:
    """True when ``text`` (a sentence or clause) contains a target cue of ``TARGET_CUES``; English
    cues only at a word start. Traditional text matches through its Simplified form."""
    return _has(fold(text), TARGET_CUES)


def has_weak_cue(text: str) -> bool:
    """True when ``text`` contains one of ``WEAK_CUES`` (same matching as ``has_target_cue``)."""
    return _has(fold(text), WEAK_CUES)
