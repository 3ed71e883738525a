"""Repair pinyin inserted after Han characters by a broken converter: ``學(xué)習(xí)`` -> ``學習``.

Rule (decided on seed 002 and on legitimate asides such as ``(GDP)``, ``(東莞)``, ``(2022)``,
``(EAST)``, ``(Reporter/...)``): a run ``(s)`` (ASCII or full-width parentheses) is removed
when it directly follows a Han character and ``s`` is a single lowercase pinyin syllable:

* with a tone mark (āáǎà ...): always removed — English words do not carry these marks;
* without one (``(de)``, ``(ma)``): removed only when the same text already has at least
  ``MIN_TONED`` tone-marked insertions, i.e. we know this text went through the broken
  converter. A lone ``(an)`` in a clean article is left alone.

The syllable must also be structurally valid (initial + final from the standard tables),
so ``(sun)`` or ``(men)`` in a text without tone-marked insertions never goes.
The repaired text only omits runs, so the offset map is a list of copied segments.
"""

from __future__ import annotations

import re
import unicodedata

from .document import OffsetMap, Repair

MIN_TONED = 3

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_RUN = re.compile(r"(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])(?P<run>[(（](?P<syl>[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6})[)）])")

_INITIALS = ["zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s", "y", "w"]
_FINALS = set(
    "a o e i u ü ai ei ao ou an en ang eng ong er ia ie iao iu ian in iang ing iong "
    "ua uo uai ui uan un uang ueng üe üan ün ue".split()
)
_ZERO_INITIAL = set("a o e ai ei ao ou an en ang eng er".split())


def _strip_tones(s: str) -> tuple[str, int]:
    out = []
    marks = 0
    for ch in s:
        if ch in _TONED:
            marks += 1
            base = unicodedata.normalize("NFD", ch)[0]
            out.append("ü" if base == "u" and ch in "ǖǘǚǜ" else base)
        else:
            out.append(ch)
    return "".join(out), marks


def is_syllable(s: str) -> bool:
    """Structurally valid pinyin syllable (tone marks allowed, at most one)."""
    base, marks = _strip_tones(s)
    if marks > 1:
        return False
    base = base.replace("v", "ü")
    if base in _ZERO_INITIAL:
        return True
    for ini in _INITIALS:
        if base.startswith(ini) and base[len(ini):] in _FINALS:
            return True
    return False


def has_tone(s: str) -> bool:
    return any(ch in _TONED for ch in s)


def repair(text: str) -> tuple[str, OffsetMap, list[tuple[int, int, str, str]]]:
    """Remove pinyin runs. Returns ``(repaired, map repaired->text, runs)``.

    ``runs`` are ``(start, end, removed, after_char)`` in ``text`` offsets.
    """
    found = [m for m in _RUN.finditer(text) if is_syllable(m.group("syl"))]
    toned = sum(1 for m in found if has_tone(m.group("syl")))
    allow_toneless = toned >= MIN_TONED
    runs = [
        (m.start("run"), m.end("run"), m.group("run"), m.group("han"))
        for m in found
        if has_tone(m.group("syl")) or allow_toneless
    ]
    if not runs:
        return text, OffsetMap.identity(len(text)), []
    pieces: list[tuple[int, int]] = []
    pos = 0
    for a, b, _, _ in runs:
        pieces.append((pos, a))
        pos = b
    pieces.append((pos, len(text)))
    repaired = "".join(text[a:b] for a, b in pieces)
    return repaired, OffsetMap.from_pieces(pieces), runs


def to_repairs(runs: list[tuple[int, int, str, str]], stage_map: OffsetMap) -> list[Repair]:
    """Express runs found in a stage text as ``Repair`` records with raw offsets."""
    out = []
    for a, b, removed, after in runs:
        ra, rb = stage_map.span_to_raw(a, b)
        out.append(Repair(start=ra, end=rb, removed=removed, after=after))
    return out
