"""The article as the rules see it: the original text, a same-length Simplified copy, spans.

Every rule matches on ``View.folded`` (Traditional folded to Simplified character by character,
so one Simplified pattern serves both scripts) and cuts what it returns from ``View.text`` by
the same offsets: quotes are verbatim by construction.

Sentences and clauses are segmented here rather than with ``intake.chunking.sentences``
because the rules need finer cuts than chunking does: semicolons end a sentence (policy prose
strings independent tasks together with them), an English period ends one only before a
capital (``No. 1``, ``5.2%`` and ``Mr. Li`` stay whole), and clauses split at commas except
inside numbers (``1,000``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..intake.language import simplify_same_length, t2s

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RE = re.compile(f"[{HAN}]")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*[”’」』\"']?")
_EN_SENTENCE_END = re.compile(r"(?<=[a-z0-9%)\"”’'])\.[\"”’']?\s+(?=[A-Z“\"‘'(])")
_EN_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|No|St|Co|Ltd|Inc|Jr|Sr|Gov|Gen|Prof|vs|etc|e\.g|i\.e))$")
_CLAUSE_BREAK = re.compile(r"[，；;：:]|,(?!\d{3})")
_STRIP = " \t\r\n\u3000，,、；;：:。.!！?？—-·•"


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    out = t2s(ch)
    return out if len(out) == 1 else ch


def fold(text: str) -> str:
    """``text`` with Traditional characters replaced by Simplified ones, same length."""
    if not HAN_RE.search(text):
        return text
    out = simplify_same_length(text)
    if out is not None:
        return out
    return "".join(_fold_char(c) if HAN_RE.match(c) else c for c in text)


def is_han(ch: str) -> bool:
    return bool(ch) and bool(HAN_RE.match(ch))


_NON_SPACE = re.compile(r"\S")


def han_share(text: str) -> float:
    chars = len(_NON_SPACE.findall(text))
    return len(HAN_RE.findall(text)) / chars if chars else 0.0


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass
class Sentence:
    start: int
    end: int
    clauses: list[Span] = field(default_factory=list)


def lower_same_length(text: str) -> str:
    """``text.lower()``, keeping the few characters whose lower case is longer (İ) as they are."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@dataclass
class View:
    """One article: ``text`` (cut quotes from it), ``folded`` (match Chinese on it) and
    ``lower`` (match English on it, case-insensitive patterns being slow in ``re``); same length."""

    text: str
    folded: str
    lower: str
    sentences: list[Sentence]

    @classmethod
    def of(cls, text: str) -> "View":
        folded = fold(text)
        return cls(text, folded, lower_same_length(folded), list(split_sentences(folded)))

    def cut(self, start: int, end: int) -> tuple[int, int]:
        """``(start, end)`` narrowed to drop surrounding whitespace and clause punctuation."""
        while start < end and self.text[start] in _STRIP:
            start += 1
        while end > start and self.text[end - 1] in _STRIP:
            end -= 1
        return start, end

    def quote(self, start: int, end: int) -> str:
        a, b = self.cut(start, end)
        return self.text[a:b]

    def sentence_at(self, pos: int) -> Sentence | None:
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if s.end <= pos:
                lo = mid + 1
            elif s.start > pos:
                hi = mid
            else:
                return s
        return None

    def clause_at(self, pos: int) -> Span | None:
        s = self.sentence_at(pos)
        if s is None:
            return None
        return next((c for c in s.clauses if c.start <= pos < c.end), None)

    def line_at(self, pos: int) -> Span:
        a = self.text.rfind("\n", 0, pos) + 1
        b = self.text.find("\n", pos)
        return Span(a, len(self.text) if b < 0 else b)


def split_sentences(text: str):
    """Sentences of ``text`` (CJK marks, semicolons, newlines, English ". X"), each with its clauses."""
    for m in _SENTENCE.finditer(text):
        start = m.start()
        for sub in _EN_SENTENCE_END.finditer(text, m.start(), m.end()):
            if _EN_ABBREV.search(text, max(start, sub.start() - 6), sub.start()):
                continue
            yield _with_clauses(text, start, sub.start() + 1)
            start = sub.end()
        if start < m.end():
            yield _with_clauses(text, start, m.end())


def _with_clauses(text: str, start: int, end: int) -> Sentence:
    out = Sentence(start, end)
    pos = start
    for b in _CLAUSE_BREAK.finditer(text, start, end):
        if b.end() > pos:
            out.clauses.append(Span(pos, b.end()))
            pos = b.end()
    if pos < end:
        out.clauses.append(Span(pos, end))
    return out


class Hits:
    """Every match of a lexicon over the whole article, found once; asked per clause.

    One pass per pattern over the article instead of one search per clause keeps the rules
    within their time budget (a 10 KB article has a few hundred clauses). ``zh`` patterns run on
    ``View.folded``, ``en`` patterns (lower-case, no ``re.I``) on ``View.lower``.
    """

    def __init__(self, view: "View", zh: re.Pattern[str] | None = None, en: re.Pattern[str] | None = None) -> None:
        found: list[re.Match[str]] = []
        if zh is not None:
            found += zh.finditer(view.folded)
        if en is not None:  # English words match at a word start only ("rise" is not in "enterprise")
            low = view.lower
            found += (m for m in en.finditer(low) if m.start() == 0 or not "a" <= low[m.start() - 1] <= "z")
        found.sort(key=lambda m: m.start())
        self.matches = found
        self.starts = [m.start() for m in found]

    def within(self, start: int, end: int) -> list[re.Match[str]]:
        """Matches lying wholly inside ``[start, end)``, in order."""
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.matches) and self.starts[i] < end:
            if self.matches[i].end() <= end:
                out.append(self.matches[i])
            i += 1
        return out

    def first(self, start: int, end: int) -> re.Match[str] | None:
        i = bisect.bisect_left(self.starts, start)
        while i < len(self.matches) and self.starts[i] < end:
            if self.matches[i].end() <= end:
                return self.matches[i]
            i += 1
        return None

    def any(self, start: int, end: int) -> bool:
        return self.first(start, end) is not None
