"""Turn an LLM ``Extraction`` into grounded output items.

Every item's quote is aligned to raw offsets (``align``), every target's number is re-read and
checked against its evidence (``targets``), and numbers in target-like sentences that no target
covers become recall hints (``recall``). Problems never raise: they become ``warnings``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..intake.document import Document
from ..models import Extraction, Goal, Initiative, NumericTarget, Speaker
from .align import Aligner
from .recall import find_candidates
from .targets import TargetChecker


@dataclass
class Grounded:
    speakers: list[Speaker] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    targets: list[NumericTarget] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)

    def items(self) -> list[Speaker | Goal | NumericTarget | Initiative]:
        return [*self.speakers, *self.goals, *self.targets, *self.initiatives]


def ground(extraction: Extraction, document: Document, *, require_grounding: bool = False) -> Grounded:
    """Ground ``extraction`` in ``document``.

    ``require_grounding``: drop items whose quote could not be aligned (match ``none``) instead
    of keeping them; a warning says how many were dropped.
    """
    aligner = Aligner(document)
    checker = TargetChecker(document)
    out = Grounded()

    for s in extraction.speakers:
        ev = aligner.align(s.quote, group="speaker")
        name_ev = aligner.align_name(s.name, near=ev)
        if s.name.strip() and name_ev.match == "none":
            out.warnings.append(f"speaker '{s.name}': name not found in the source")
        out.speakers.append(Speaker(**s.model_dump(exclude={"quote"}), evidence=ev, name_evidence=name_ev))
    for g in extraction.goals:
        out.goals.append(Goal(**g.model_dump(exclude={"quote"}), evidence=aligner.align(g.quote, group="goal")))
    for t in extraction.targets:
        target, notes = checker.check(t, aligner.align(t.quote, group="target"))
        out.targets.append(target)
        out.warnings.extend(notes)
    for i in extraction.initiatives:
        out.initiatives.append(
            Initiative(**i.model_dump(exclude={"quote"}), evidence=aligner.align(i.quote, group="initiative"))
        )

    unaligned = [item for item in out.items() if item.evidence.match == "none"]
    for item in unaligned:
        out.warnings.append(f"{_describe(item)}: quote not found in the source: '{_short(item.evidence.quote)}'")
    if unaligned:
        out.warnings.append(f"{len(unaligned)} item(s) could not be aligned to the source text")
    if require_grounding and unaligned:
        keep = lambda items: [x for x in items if x.evidence.match != "none"]  # noqa: E731
        out.speakers, out.goals = keep(out.speakers), keep(out.goals)
        out.targets, out.initiatives = keep(out.targets), keep(out.initiatives)
        out.warnings.append(f"dropped {len(unaligned)} unaligned item(s) (require_grounding)")

    out.candidates = find_candidates(document, out.targets, raw_mentions=checker.mentions)
    return out


def _describe(item: Speaker | Goal | NumericTarget | Initiative) -> str:
    if isinstance(item, Speaker):
        return f"speaker '{item.name}'"
    if isinstance(item, Goal):
        return f"goal '{_short(item.statement)}'"
    if isinstance(item, NumericTarget):
        return f"target '{item.metric}'"
    return f"initiative '{item.name}'"


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
