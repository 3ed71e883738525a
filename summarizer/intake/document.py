"""The article as intake hands it on: raw text, cleaned text, and the map between them."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field


@dataclass
class OffsetMap:
    """Maps offsets in a derived text back to offsets in the raw text.

    Stored as sorted, non-overlapping segments ``(derived_start, raw_start, length)`` where
    ``derived[d:d+length]`` was copied verbatim from ``raw[r:r+length]``. Characters of the
    derived text produced by a repair (not copied) belong to no segment; they map to the
    nearest copied neighbour, so a span still lands on the raw words around it.
    """

    segments: list[tuple[int, int, int]] = field(default_factory=list)

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        return cls([(0, 0, length)] if length else [])

    def _starts(self) -> list[int]:
        return [s[0] for s in self.segments]

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

    @property
    def id(self) -> str:
        """Stable content hash of the raw input."""
        return hashlib.sha256(self.raw.encode("utf-8")).hexdigest()[:16]

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets for a span of ``text``."""
        return self.offsets.span_to_raw(start, end)
