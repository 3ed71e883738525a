"""Turn an LLM ``Extraction`` into grounded output items.

Minimal first version (core pipeline): exact alignment in the raw text, occurrences taken in
order so repeated quotes do not all claim the first one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..intake.document import Document
from ..models import (
    Evidence,
    Extraction,
    Goal,
    Initiative,
    NumericTarget,
    Speaker,
)


@dataclass
class Grounded:
    speakers: list[Speaker] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    targets: list[NumericTarget] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)


class _Aligner:
    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._used: dict[str, int] = {}

    def align(self, quote: str) -> Evidence:
        if not quote:
            return Evidence(quote=quote)
        start_from = self._used.get(quote, 0)
        pos = self.raw.find(quote, start_from)
        if pos < 0 and start_from:
            pos = self.raw.find(quote)  # more items than occurrences: reuse the first
        if pos < 0:
            return Evidence(quote=quote)
        self._used[quote] = pos + len(quote)
        return Evidence(quote=quote, start=pos, end=pos + len(quote), match="exact", score=1.0)


def ground(extraction: Extraction, document: Document) -> Grounded:
    aligner = _Aligner(document.raw)
    out = Grounded()
    for s in extraction.speakers:
        out.speakers.append(Speaker(**s.model_dump(exclude={"quote"}), evidence=aligner.align(s.quote)))
    for g in extraction.goals:
        out.goals.append(Goal(**g.model_dump(exclude={"quote"}), evidence=aligner.align(g.quote)))
    for t in extraction.targets:
        out.targets.append(NumericTarget(**t.model_dump(exclude={"quote"}), evidence=aligner.align(t.quote)))
    for i in extraction.initiatives:
        out.initiatives.append(Initiative(**i.model_dump(exclude={"quote"}), evidence=aligner.align(i.quote)))
    unaligned = sum(
        1
        for item in (*out.speakers, *out.goals, *out.targets, *out.initiatives)
        if item.evidence.match == "none"
    )
    if unaligned:
        out.warnings.append(f"{unaligned} item(s) could not be aligned to the source text")
    return out
