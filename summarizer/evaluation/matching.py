"""The matching rules: when a predicted item counts as the gold item (one article at a time).

Names (speakers, and the first step for initiatives) are compared on a *key*: NFKC, Traditional
-> Simplified (OpenCC, ``summarizer.intake.language.t2s``), casefold, whitespace and punctuation
removed. So ``韋皓`` = ``韦皓``, ``Ｌｉａｎｇ Weidong`` = ``liang weidong``, ``Ma Ping-ao`` =
``Ma Pingao``.

* Speakers: equal keys. A romanized (Latin-script) name of several words also matches the same
  words in rotated order (``Li Hua`` = ``Hua Li``: Chinese names are written surname-first or
  surname-last in English news; a different person with the swapped name in the same article is
  far less likely than the swap). Names in different scripts (``韦皓`` vs ``Wei Hao``) do NOT
  match: that would need transliteration, and the prompt asks for names as written. A title
  glued to the name (``Secretary Liang Weidong``) does not match either.
* Numeric targets: values agree (relative tolerance 1e-6; for ranges ``value`` and ``value_high``
  both agree, a range never matches a single number) and units are compatible, see
  :func:`units_compatible`. The comparator and the period are NOT part of the match; they are
  scored separately among matched pairs.
* Initiatives: :func:`initiative_score` >= :data:`INITIATIVE_THRESHOLD`.

One-to-one: every gold item is matched at most once and every prediction at most once.
Speakers and initiatives are assigned greedily by best score (equal keys make greedy optimal for
speakers). Targets use a maximum matching (augmenting paths) so a loose prediction cannot take
the only partner of another; among partners, the one that also agrees on comparator and period
is tried first. Written here rather than taken from a solver because no assignment solver is a
dependency and an article has a handful of targets.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..intake.language import t2s

INITIATIVE_THRESHOLD = 0.5
VALUE_REL_TOL = 1e-6

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+")
# English words that carry no name: without dropping them "Plan of the City" and "Fund of the
# District" would overlap by half.
_STOPWORDS = frozenset("a an the of and for in on to with by at from as its".split())


# --------------------------------------------------------------------------- names


def _fold(text: str) -> str:
    return t2s(unicodedata.normalize("NFKC", text)).casefold()


def _strip(text: str) -> str:
    """Drop whitespace and punctuation (Unicode categories Z*, P*, C*)."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "ZPC")


@lru_cache(maxsize=4096)
def name_key(name: str) -> str:
    """The comparison key of a name: NFKC, t2s, casefold, no whitespace or punctuation."""
    return _strip(_fold(name))


@lru_cache(maxsize=4096)
def speaker_keys(name: str) -> frozenset[str]:
    """Keys a speaker name matches on: its key, plus word rotations for romanized names."""
    folded = _fold(name)
    keys = {_strip(folded)}
    if not _HAN.search(folded):
        words = [w for w in (_strip(p) for p in re.split(r"[\s\-‐‑·・.]+", folded)) if w]
        for i in range(1, len(words)):
            keys.add("".join(words[i:] + words[:i]))
    keys.discard("")
    return frozenset(keys)


def same_person(a: str, b: str) -> bool:
    return bool(speaker_keys(a) & speaker_keys(b))


# --------------------------------------------------------------------------- initiatives


def _dice(a: Counter[str], b: Counter[str]) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


def _bigrams(key: str) -> Counter[str]:
    if len(key) < 2:
        return Counter([key]) if key else Counter()
    return Counter(key[i : i + 2] for i in range(len(key) - 1))


def _singular(word: str) -> str:
    """A light English plural fold ("projects" -> "project", "companies" -> "company")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(text: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for w in _WORD.findall(_fold(text)):
        if w in _STOPWORDS:
            continue
        out[_singular(w)] += 1
    return out


def initiative_score(gold: str, predicted: str) -> float:
    """Name overlap in [0, 1].

    Equal keys score 1. When either name has Han characters: Dice coefficient of the character
    bigrams of the keys (multisets). Otherwise: Dice coefficient of the word tokens (casefolded,
    English stop-words dropped, a plural ``s`` folded).
    """
    ka, kb = name_key(gold), name_key(predicted)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    if _HAN.search(ka) or _HAN.search(kb):
        return _dice(_bigrams(ka), _bigrams(kb))
    return _dice(_words(gold), _words(predicted))


# --------------------------------------------------------------------------- units and values

_CURRENCY = {
    "元": "CNY", "人民币": "CNY", "人民币元": "CNY", "yuan": "CNY", "cny": "CNY", "rmb": "CNY",
    "renminbi": "CNY", "¥": "CNY", "￥": "CNY", "yuanrmb": "CNY",
    "美元": "USD", "usd": "USD", "usdollar": "USD", "usdollars": "USD", "dollar": "USD", "dollars": "USD", "$": "USD",
    "港元": "HKD", "港币": "HKD", "hkd": "HKD", "hkdollar": "HKD", "hkdollars": "HKD",
    "欧元": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "€": "EUR",
}
_PERCENT = {"%", "percent", "percentage", "pct", "百分之", "‰"}
_POINTS = {"个百分点", "百分点", "percentagepoint", "percentagepoints", "pp", "ppt", "ppts"}
# A scale glued to a currency unit ("亿元", "billion yuan") says nothing once ``value`` is in base
# units; it is dropped before the currency lookup.
_SCALES = ("万亿", "千亿", "百亿", "十亿", "亿", "千万", "百万", "十万", "万", "千", "百",
           "trillion", "billion", "million", "thousand", "hundred", "bn", "mn")
# Chinese measure words for counted things; a unit starting with one ("个国家和地区") is a count.
_ZH_CLASSIFIERS = set("个家项座所条名位人户台套场次批件宗间款种类支只部处栋幢艘架辆张本")
_EN_COUNTS = {
    "enterprise", "company", "firm", "business", "project", "item", "unit", "people", "person",
    "individual", "household", "institution", "school", "hospital", "country", "region", "city",
    "town", "village", "park", "base", "center", "centre", "platform", "cluster", "programme",
    "program", "time", "event", "case", "set", "plant", "factory", "organization", "organisation",
    "entity", "store", "site", "facility", "job", "talent", "team", "industry", "area", "zone",
    "measure", "action", "policy", "task", "laboratory", "lab",
}


@dataclass(frozen=True)
class UnitClass:
    kind: str  # currency | percent | points | count | other | none
    key: str = ""


def _unit_text(unit: str | None) -> str:
    return _fold(unit).strip() if unit else ""


@lru_cache(maxsize=1024)
def unit_class(unit: str | None) -> UnitClass:
    text = _unit_text(unit)
    compact = re.sub(r"\s+", "", text)
    if compact in _PERCENT:  # before stripping punctuation: "%" is punctuation to Unicode
        return UnitClass("percent")
    key = _strip(text)
    if not key:
        return UnitClass("none")
    if key in _POINTS:
        return UnitClass("points")
    bare = key
    for s in _SCALES:
        if bare.startswith(s) and bare[len(s) :] in _CURRENCY:
            bare = bare[len(s) :]
            break
    if bare in _CURRENCY:
        return UnitClass("currency", _CURRENCY[bare])
    words = _WORD.findall(text)
    if _HAN.search(key):
        if key[0] in _ZH_CLASSIFIERS:
            return UnitClass("count")
    elif words:
        if _singular(words[-1]) in _EN_COUNTS:
            return UnitClass("count")
    return UnitClass("other", key)


def _affix(a: Sequence[str], b: Sequence[str]) -> bool:
    """``a`` is a prefix or suffix of ``b`` (as sequences: characters, or words)."""
    n = len(a)
    return 0 < n <= len(b) and (list(b[:n]) == list(a) or list(b[len(b) - n :]) == list(a))


def units_compatible(predicted: str | None, gold: str | None) -> bool:
    """Whether a predicted unit can stand for the gold unit (order matters only for ``None``).

    * currencies (元 / yuan / CNY / 人民币 / 亿元 ...) only match the same currency;
      percent (``%``, percent) only percent; percentage points only percentage points;
    * count units (个 家 项 ..., enterprises, companies, firms ...) match each other, so
      ``companies`` = ``enterprises`` and ``个`` = ``家`` (the value must still agree);
    * a missing unit on either side matches a count or another missing unit;
    * otherwise the units must be equal, or one a prefix/suffix of the other (characters for
      Chinese, whole words for English): ``个`` ~ ``个国家和地区``, ``亩`` ~ ``万亩``.
    """
    pc, gc = unit_class(predicted), unit_class(gold)
    if pc.kind == "none" or gc.kind == "none":
        return (pc.kind if gc.kind == "none" else gc.kind) in ("none", "count")
    if {pc.kind, gc.kind} & {"currency", "percent", "points"}:
        return pc == gc
    if pc.kind == "count" and gc.kind == "count":
        return True
    pk, gk = _strip(_unit_text(predicted)), _strip(_unit_text(gold))
    if pk == gk:
        return True
    if _HAN.search(pk) or _HAN.search(gk):
        return _affix(pk, gk) or _affix(gk, pk)
    pw = [_singular(w) for w in _WORD.findall(_unit_text(predicted))]
    gw = [_singular(w) for w in _WORD.findall(_unit_text(gold))]
    return _affix(pw, gw) or _affix(gw, pw)


def values_agree(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=VALUE_REL_TOL, abs_tol=0.0)


def same_quantity(pred_value: float | None, pred_high: float | None, gold_value: float, gold_high: float | None) -> bool:
    """Values agree; a range agrees only with the same range."""
    return pred_value is not None and values_agree(pred_value, gold_value) and values_agree(pred_high, gold_high)


_YEAR = re.compile(r"^\s*(\d{4})\s*年?\s*$")


def period_year(period: str | None) -> int | None:
    """The year of a gold period written as a year (``2024``, ``2024年``); else ``None``."""
    m = _YEAR.match(period or "")
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------- assignment


def greedy_pairs(scores: dict[tuple[int, int], float], threshold: float) -> list[tuple[int, int, float]]:
    """One-to-one pairs (gold i, predicted j) by best score first; ties by gold then prediction order."""
    out = []
    used_g: set[int] = set()
    used_p: set[int] = set()
    for (i, j), s in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if s < threshold or i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        out.append((i, j, s))
    return sorted(out)


def max_matching(n_gold: int, candidates: Callable[[int], list[int]]) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn's augmenting paths): gold index -> predicted index.

    ``candidates(i)`` lists the predictions gold ``i`` may take, preferred first.
    """
    owner: dict[int, int] = {}  # predicted -> gold
    adj = [candidates(i) for i in range(n_gold)]

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(n_gold):
        augment(i, set())
    return {i: j for j, i in owner.items()}
