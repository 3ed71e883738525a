"""The article as intake hands it on: raw text, cleaned text, and the map between them."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .chunking import Chunk


@dataclass
class OffsetMap:
    """Maps offsets in a derived text back to offsets in the raw text.

    Stored as sorted, non-overlapping segments ``(derived_start, raw_start, length)`` where
    ``derived[d:d+length]`` was copied verbatim from ``raw[r:r+length]``. Segments are in
    derived order and (for every map intake builds) also in raw order. Characters of the
    derived text produced by a repair or a joiner (not copied) belong to no segment; they map
    to the nearest copied neighbour, so a span still lands on the raw words around it.
    """

    segments: list[tuple[int, int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts_cache: list[int] | None = None

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        return cls([(0, 0, length)] if length else [])

    @classmethod
    def from_pieces(cls, pieces: list[tuple[int, int]]) -> "OffsetMap":
        """Map for a derived text made by concatenating ``raw[a:b]`` for each piece in order.

        Adjacent pieces that are also adjacent in raw are merged into one segment.
        """
        segs: list[tuple[int, int, int]] = []
        d = 0
        for a, b in pieces:
            n = b - a
            if n <= 0:
                continue
            if segs and segs[-1][0] + segs[-1][2] == d and segs[-1][1] + segs[-1][2] == a:
                ld, lr, ln = segs[-1]
                segs[-1] = (ld, lr, ln + n)
            else:
                segs.append((d, a, n))
            d += n
        return cls(segs)

    def _starts(self) -> list[int]:
        if self._starts_cache is None or len(self._starts_cache) != len(self.segments):
            self._starts_cache = [s[0] for s in self.segments]
        return self._starts_cache

    def to_raw(self, pos: int, *, end: bool = False) -> int:
        """Raw offset for derived offset ``pos``; ``end=True`` treats it as an exclusive end."""
        if not self.segments:
            return 0
        starts = self._starts()
        probe = pos - 1 if end and pos > 0 else pos
        i = bisect.bisect_right(starts, probe) - 1
        if i < 0:
            return self.segments[0][1]
        d, r, n = self.segments[i]
        if probe < d + n:
            return r + (probe - d) + (1 if end and pos > 0 else 0)
        # inside an inserted/repaired run: snap to the copied text around it
        return r + n if end or i + 1 >= len(self.segments) else self.segments[i + 1][1]

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        rs = self.to_raw(start)
        re_ = self.to_raw(end, end=True) if end > start else rs
        return rs, max(rs, re_)

    def pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """Raw ranges whose concatenation is exactly the copied part of ``derived[start:end]``.

        Unlike ``span_to_raw`` this skips whatever intake removed in between (junk lines,
        pinyin insertions, indentation), so it is what tests compare character for character.
        """
        out: list[tuple[int, int]] = []
        starts = self._starts()
        i = max(0, bisect.bisect_right(starts, start) - 1)
        while i < len(self.segments):
            d, r, n = self.segments[i]
            if d >= end:
                break
            a, b = max(d, start), min(d + n, end)
            if a < b:
                out.append((r + a - d, r + b - d))
            i += 1
        return out

    def compose(self, inner: "OffsetMap") -> "OffsetMap":
        """``self`` maps C->B and ``inner`` maps B->A; return the map C->A (copied chars only)."""
        segs: list[tuple[int, int, int]] = []
        starts = inner._starts()
        for d, m, n in self.segments:
            i = max(0, bisect.bisect_right(starts, m) - 1)
            while i < len(inner.segments):
                d2, r2, n2 = inner.segments[i]
                if d2 >= m + n:
                    break
                a, b = max(m, d2), min(m + n, d2 + n2)
                if a < b:
                    segs.append((d + a - m, r2 + a - d2, b - a))
                i += 1
        return OffsetMap(_merge(segs))


def _merge(segs: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    out: list[tuple[int, int, int]] = []
    for d, r, n in segs:
        if out and out[-1][0] + out[-1][2] == d and out[-1][1] + out[-1][2] == r:
            out[-1] = (out[-1][0], out[-1][1], out[-1][2] + n)
        else:
            out.append((d, r, n))
    return out


@dataclass
class Removed:
    """A run of raw lines intake dropped from what the model sees, and why."""

    start: int  # raw offsets (half-open)
    end: int
    first_line: int  # 1-based raw line numbers, inclusive
    last_line: int
    reason: str
    text: str = ""  # the dropped text, shortened for reports


@dataclass
class Repair:
    """One pinyin run removed from the text, e.g. ``(xué)`` after ``學``."""

    start: int  # raw offsets of the removed run, parentheses included
    end: int
    removed: str
    after: str  # the Han character it followed


@dataclass
class Document:
    """One article after intake.

    ``raw`` is the decoded input: evidence offsets point into it. ``text`` is what the model
    sees (cleaned, repaired); ``offsets`` maps ``text`` back to ``raw``.
    """

    raw: str
    text: str
    offsets: OffsetMap
    name: str | None = None
    encoding: str = "utf-8"
    language: str = "unknown"
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    repaired: bool = False
    warnings: list[str] = field(default_factory=list)
    format: str = "text"  # "text" or "html": what ``raw`` is
    removed: list[Removed] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    credits: dict[str, list[str]] = field(default_factory=dict)  # source/editor/reporter ...

    @property
    def id(self) -> str:
        """Stable content hash of the raw input."""
        return hashlib.sha256(self.raw.encode("utf-8")).hexdigest()[:16]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets for a span of ``text``."""
        return self.offsets.span_to_raw(start, end)

    def model_text(self, simplify: bool = False) -> str:
        """What to send to the model; ``simplify`` converts Traditional to Simplified.

        Conversion is only applied when it keeps the length, so offsets into the returned text
        are offsets into ``text`` and ``raw_span`` stays valid for them.
        """
        if not simplify or self.language not in ("zh-Hant", "mixed"):
            return self.text
        from .language import simplify_same_length

        converted = simplify_same_length(self.text)
        return self.text if converted is None else converted

    def chunks(self, budget_tokens: int, overlap_tokens: int = 64) -> list["Chunk"]:
        """Sentence-aware chunks of ``text`` (offsets into ``text``)."""
        from .chunking import split

        return split(self.text, budget_tokens, overlap_tokens=overlap_tokens)
