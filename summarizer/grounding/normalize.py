"""Text normalization that remembers where every character came from.

Alignment and number scanning both work on a normalized copy of the article (NFKC, one script,
unified punctuation, pinyin annotations removed) but must report offsets in the original. Each
normalizer therefore returns a ``Normalized``: the new text plus, for every character of it, the
offset of the source character it was produced from.

Normalization is done character by character on purpose: whole-string NFKC or OpenCC phrase
conversion can merge or reorder characters, which would break the index map.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, repeat

import opencc

_T2S = opencc.OpenCC("t2s")

# Pinyin that corrupted pages insert after each Han character: 學(xué)習(xí). Only lowercase
# syllables of at most 6 letters right after a Han character, so "(AI)" or "(2023)" survive.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
PINYIN_RE = re.compile(rf"(?<=[{_HAN}])[(（][{_PINYIN_LETTERS}]{{1,6}}[)）]")

# After NFKC: quotes, dashes and CJK-only punctuation folded to one ASCII form each, so a quote
# typed with the other width or quote style still matches.
_PUNCT = str.maketrans(
    {
        "“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "『": '"', "』": '"', "'": '"',
        "‘": '"', "’": '"', "`": '"', "´": '"', "《": '"', "》": '"', "〈": '"', "〉": '"',
        "—": "-", "–": "-", "―": "-", "‐": "-", "‑": "-", "−": "-", "~": "-", "〜": "-",
        "。": ".", "、": ",", "【": "(", "】": ")", "〔": "(", "〕": ")", "·": ".", "•": ".",
    }
)


def is_han(ch: str) -> bool:
    return bool(ch) and ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff")


_HAN_RUN = re.compile(f"[{_HAN}]")
_SPACE = re.compile(r"\s")


def cjk_ratio(text: str) -> float:
    """Share of Han characters among the non-space characters of ``text``."""
    chars = len(text) - len(_SPACE.findall(text))
    return len(_HAN_RUN.findall(text)) / chars if chars else 0.0


@dataclass(frozen=True)
class Normalized:
    """``text`` plus ``index[i]``: offset in the source of the character that produced ``text[i]``.

    ``index`` is a compact sequence (``range`` when nothing moved, else an ``array``), never
    mutated; ``index`` is non-decreasing, so ``bisect`` works on it.
    """

    text: str
    index: Sequence[int]

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Source span covering normalized ``text[start:end]`` (``end`` exclusive, ``end > start``)."""
        return self.index[start], self.index[end - 1] + 1

    def from_source(self, pos: int) -> int:
        """First normalized position produced at or after source offset ``pos``."""
        return bisect.bisect_left(self.index, pos)


@lru_cache(maxsize=8192)
def _fold_char(ch: str, fold: bool) -> str:
    out = unicodedata.normalize("NFKC", ch)
    if any(is_han(c) for c in out):
        out = _T2S.convert(out)
    if fold:
        out = out.translate(_PUNCT).casefold()
    return out


def normalize(text: str, *, fold: bool = True, spaces: str = "drop") -> Normalized:
    """Normalize ``text`` keeping an index map.

    ``fold``: also unify punctuation/quotes and case (for matching; the scanner keeps them).
    ``spaces``: ``"drop"`` removes all whitespace (matching must not care where spaces fall,
    e.g. "11 号" vs "11号"), ``"collapse"`` turns each run of source whitespace into one space
    and drops leading/trailing runs (word-level fuzzy), ``"keep"`` leaves whitespace alone
    (scanner). In ``drop`` and ``collapse`` mode, spaces that a compatibility character expands
    to (NFKC of "¨" is " ̈") are dropped, so spaces only ever come from source whitespace.

    Linear and mostly in C (``str.translate`` and ``itertools``): the mapping is computed once
    per distinct character, then applied to the whole text; only the positions where one
    source character does not give exactly one output character need an explicit index.
    """
    if spaces not in ("drop", "collapse", "keep"):
        raise ValueError(f"normalize: spaces must be 'drop', 'collapse' or 'keep', not {spaces!r}")
    n = len(text)
    table: dict[int, str] = {}
    lengths: dict[int, str] = {}
    irregular = False  # some character gives 0 or 2+ output characters
    multi: list[str] = []  # characters that give 2+
    for ch in set(text):
        out = _map_char(ch, fold, spaces)
        if out != ch:
            table[ord(ch)] = out
        lengths[ord(ch)] = chr(len(out))
        irregular = irregular or len(out) != 1
        if len(out) > 1:
            multi.append(ch)
    # source ranges dropped outright: pinyin annotations; in collapse mode every whitespace
    # character after the first of its run, and leading/trailing runs
    cuts = [m.span() for m in PINYIN_RE.finditer(text)]
    if spaces == "collapse":
        cuts += [m.span() for m in _WS_REPEAT.finditer(text)]
        lead = len(text) - len(text.lstrip())
        trail = len(text.rstrip())
        if lead:
            cuts.append((0, lead))
        if trail < n:
            cuts.append((trail, n))
    if not cuts and not irregular:
        return Normalized(text.translate(table), range(n))
    counts = bytearray(text.translate(lengths), "latin-1")
    kept = text
    if cuts:
        cuts = _merge_spans(cuts)
        for a, b in cuts:
            counts[a:b] = bytes(b - a)
        pieces, pos = [], 0
        for a, b in cuts:
            pieces.append(text[pos:a])
            pos = b
        pieces.append(text[pos:])
        kept = "".join(pieces)
    index = array("q")
    pos = 0
    if multi:  # rare characters that expand (… -> ..., ㎡ -> m2): repeat their offset
        for m in re.finditer("[" + "".join(re.escape(c) for c in multi) + "]", text):
            p = m.start()
            index.extend(compress(range(pos, p), counts[pos:p]))
            index.extend(repeat(p, counts[p]))
            pos = p + 1
    index.extend(compress(range(pos, n), counts[pos:]))
    return Normalized(kept.translate(table), index)


_WS_REPEAT = re.compile(r"(?<=\s)\s+")


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        elif b > a:
            out.append((a, b))
    return out


@lru_cache(maxsize=65536)
def _map_char(ch: str, fold: bool, spaces: str) -> str:
    """What one source character becomes under the given options."""
    if ch.isspace():
        if spaces == "drop":
            return ""
        if spaces == "collapse":
            return " "
    out = _fold_char(ch, fold)
    if spaces != "keep" and any(c.isspace() for c in out):
        out = "".join(c for c in out if not c.isspace())
    return out


def match_key(text: str) -> str:
    """The comparison form of a quote or name (folded, no whitespace)."""
    return normalize(text).text


def pinyin_tail(text: str, pos: int) -> int:
    """End of a pinyin annotation starting at ``pos`` (``pos`` itself when there is none)."""
    m = PINYIN_RE.match(text, pos)
    return m.end() if m else pos
