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
from dataclasses import dataclass
from functools import lru_cache

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


def cjk_ratio(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    return sum(is_han(c) for c in chars) / len(chars) if chars else 0.0


@dataclass(frozen=True)
class Normalized:
    """``text`` plus ``index[i]``: offset in the source of the character that produced ``text[i]``."""

    text: str
    index: list[int]

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
    e.g. "11 号" vs "11号"), ``"collapse"`` keeps one space per run (word-level fuzzy),
    ``"keep"`` leaves whitespace alone (scanner).
    """
    skip = bytearray(len(text))
    for m in PINYIN_RE.finditer(text):
        skip[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if skip[i]:
            continue
        if ch.isspace() and spaces != "keep":
            if spaces == "collapse" and chars and chars[-1] != " ":
                chars.append(" ")
                index.append(i)
            continue
        for c in _fold_char(ch, fold):
            if c.isspace() and spaces == "drop":
                continue
            chars.append(c)
            index.append(i)
    if spaces == "collapse" and chars and chars[-1] == " ":
        chars.pop()
        index.pop()
    return Normalized("".join(chars), index)


def match_key(text: str) -> str:
    """The comparison form of a quote or name (folded, no whitespace)."""
    return normalize(text).text


def pinyin_tail(text: str, pos: int) -> int:
    """End of a pinyin annotation starting at ``pos`` (``pos`` itself when there is none)."""
    m = PINYIN_RE.match(text, pos)
    return m.end() if m else pos
