"""Language and script: zh-Hans, zh-Hant, en, mixed, unknown; Traditional -> Simplified.

Language is decided on the share of Han characters against Latin *words* weighted x2 (one
English word carries about as much as two Han characters), so a Chinese article quoting
"GDP" or "SAP" stays Chinese and an English one quoting 东莞 stays English:

* zh share >= 0.85 -> Chinese; <= 0.15 -> "en"; otherwise "mixed";
* fewer than 10 units in all -> "unknown".

Script: convert with OpenCC t2s and s2t and count the characters each changes. Traditional
text changes under t2s and hardly under s2t; Simplified text the other way round.
"""

from __future__ import annotations

import re
from functools import lru_cache

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")

ZH_MIN_SHARE = 0.85
EN_MAX_SHARE = 0.15
MIN_UNITS = 10


@lru_cache(maxsize=2)
def _converter(config: str):  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC(config)


def t2s(text: str) -> str:
    return _converter("t2s").convert(text)


def s2t(text: str) -> str:
    return _converter("s2t").convert(text)


def simplify_same_length(text: str) -> str | None:
    """t2s conversion, or ``None`` when it would change the length (offsets would break)."""
    out = t2s(text)
    return out if len(out) == len(text) else None


def _diff(a: str, b: str) -> int:
    if len(a) != len(b):
        return abs(len(a) - len(b)) + sum(1 for x, y in zip(a, b) if x != y)
    return sum(1 for x, y in zip(a, b) if x != y)


def script(text: str) -> str:
    """"zh-Hans" or "zh-Hant" for the Han characters of ``text``."""
    han = "".join(_HAN.findall(text))[:20000]
    if not han:
        return "zh-Hans"
    to_simp = _diff(han, t2s(han))
    to_trad = _diff(han, s2t(han))
    return "zh-Hant" if to_simp > to_trad else "zh-Hans"


def detect(text: str) -> str:
    han = len(_HAN.findall(text))
    latin = 2 * len(_LATIN_WORD.findall(text))
    units = han + latin
    if units < MIN_UNITS:
        return "unknown"
    share = han / units
    if share <= EN_MAX_SHARE:
        return "en"
    if share >= ZH_MIN_SHARE:
        return script(text)
    return "mixed"
