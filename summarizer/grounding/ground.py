"""Turn an LLM ``Extraction`` into grounded output items.

Every item's quote is aligned to raw offsets (``align``), every target's number is re-read and
checked against its evidence (``targets``), and numbers in target-like sentences that no target
covers become recall hints (``recall``). Problems never raise: they become ``warnings``.

``Grounder`` holds one document's aligner and number scan, so the answers of several chunks and
of follow-up requests are grounded against the same occurrence cursors (a repeated quote takes
the next occurrence, not the first again). ``ground()`` is the one-call form.

Post-checks that no prompt guarantees:
* a "target" without any number is a goal (moved, with a warning);
* a "speaker" who is the publishing account, an outlet or a website (``东莞发布``, ``XX日报``,
  a WeChat account, the page's own source line) is not a speaker (dropped, with a warning).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..intake.document import Document
from ..models import Extraction, Goal, GroundingSummary, Initiative, NumericTarget, Speaker, SpeakerDraft, TargetDraft
from .align import Aligner
from .recall import Candidate, document_candidates, find_candidates
from .targets import TargetChecker

# Names that are accounts or outlets, not people: publishing accounts (某某发布), papers, TV,
# media centres, apps, and English outlet words. Matched on the whole name.
_OUTLET = re.compile(
    r"(发布|發佈|发布厅|日报|日報|晚报|晚報|时报|時報|早报|新闻|新聞|新闻网|融媒|融媒体|电视台|電視台|广播电视台|"
    r"客户端|公众号|公眾號|微信|微博|头条|頭條|网|網|在线|在線|之声|之聲|新华社|新華社|中新社|观察|觀察)$"
    r"|^(xinhua|cgtn|cctv|reuters|bloomberg)\b"
    r"|\b(daily|news|times|press|agency|gazette|tribune|online|weibo|wechat|xinhua)$",
    re.I,
)


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

    def extend(self, other: "Grounded") -> None:
        self.speakers += other.speakers
        self.goals += other.goals
        self.targets += other.targets
        self.initiatives += other.initiatives
        self.warnings += other.warnings


def _key(name: str) -> str:
    return re.sub(r"[\s·•.]+", "", unicodedata.normalize("NFKC", name)).casefold()


class Grounder:
    """Grounds items of one document; share it between the chunks and follow-ups of one article."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.aligner = Aligner(document)
        self.checker = TargetChecker(document)
        accounts = [document.source, *document.credits.get("source", [])]
        self._accounts = {_key(a) for a in accounts if a}
        self._candidates: list[Candidate] | None = None

    @property
    def candidates(self) -> list[Candidate]:
        """The document's target-like numbers (recall), computed once for hints and gleaning."""
        if self._candidates is None:
            self._candidates = document_candidates(self.document, raw_mentions=self.checker.mentions)
        return self._candidates

    # ------------------------------------------------------------------ items

    def is_outlet(self, name: str) -> bool:
        key = _key(name)
        return bool(key) and (key in self._accounts or bool(_OUTLET.search(name.strip())))

    def speaker(self, s: SpeakerDraft, out: Grounded) -> None:
        if self.is_outlet(s.name):
            out.warnings.append(f"speaker '{s.name}' dropped: a publishing account or outlet, not a person")
            return
        ev = self.aligner.align(s.quote, group="speaker")
        name_ev = self.aligner.align_name(s.name, near=ev)
        if s.name.strip() and name_ev.match == "none":
            out.warnings.append(f"speaker '{s.name}': name not found in the source")
        out.speakers.append(Speaker(**s.model_dump(exclude={"quote"}), evidence=ev, name_evidence=name_ev))

    def target(self, t: TargetDraft, out: Grounded) -> None:
        if not TargetChecker.has_number(t):
            statement = " ".join(x for x in (t.metric, t.value_text) if x)
            out.warnings.append(f"target '{t.metric}' has no number ('{t.value_text}'): kept as a goal")
            out.goals.append(Goal(statement=statement, horizon=t.period, evidence=self.aligner.align(t.quote, group="goal")))
            return
        target, notes = self.checker.check(t, self.aligner.align(t.quote, group="target"))
        out.targets.append(target)
        out.warnings.extend(notes)

    def ground(self, extraction: Extraction) -> Grounded:
        """Ground every item of ``extraction`` (warnings for what could not be aligned)."""
        out = Grounded()
        for s in extraction.speakers:
            self.speaker(s, out)
        for g in extraction.goals:
            out.goals.append(Goal(**g.model_dump(exclude={"quote"}), evidence=self.aligner.align(g.quote, group="goal")))
        for t in extraction.targets:
            self.target(t, out)
        for i in extraction.initiatives:
            out.initiatives.append(
                Initiative(**i.model_dump(exclude={"quote"}), evidence=self.aligner.align(i.quote, group="initiative"))
            )
        return out

    # ------------------------------------------------------------------ the whole record

    def finish(self, grounded: Grounded, *, require_grounding: bool = False, min_share: float = 0.5) -> GroundingSummary:
        """Warn about unaligned items (dropping them with ``require_grounding``), compute the recall
        hints over all targets, and return the record's grounding summary."""
        unaligned = [item for item in grounded.items() if item.evidence.match == "none"]
        for item in unaligned:
            grounded.warnings.append(f"{_describe(item)}: quote not found in the source: '{_short(item.evidence.quote)}'")
        if unaligned:
            grounded.warnings.append(f"{len(unaligned)} item(s) could not be aligned to the source text")
        if require_grounding and unaligned:
            keep = lambda items: [x for x in items if x.evidence.match != "none"]  # noqa: E731
            grounded.speakers, grounded.goals = keep(grounded.speakers), keep(grounded.goals)
            grounded.targets, grounded.initiatives = keep(grounded.targets), keep(grounded.initiatives)
            grounded.warnings.append(f"dropped {len(unaligned)} unaligned item(s) (require_grounding)")
        grounded.candidates = find_candidates(self.document, grounded.targets, candidates=self.candidates)
        return summarize_grounding(grounded, min_share)


def summarize_grounding(grounded: Grounded, min_share: float) -> GroundingSummary:
    items = grounded.items()
    targets = grounded.targets
    summary = GroundingSummary(
        items_total=len(items),
        items_grounded=sum(1 for x in items if x.evidence.match != "none"),
        items_quote_found=sum(1 for x in items if x.evidence.match != "none" and x.evidence.model_quote is None),
        targets_total=len(targets),
        targets_verified=sum(1 for t in targets if t.verification == "verified"),
        targets_misplaced=sum(1 for t in targets if t.verification == "misplaced"),
        targets_not_in_article=sum(1 for t in targets if t.verification == "not_in_article"),
    )
    if items and summary.items_quote_found / len(items) < min_share:
        summary.reasons.append(
            f"the model's quotes of {summary.items_quote_found} of {len(items)} items are in the article (floor {min_share:.0%})"
        )
    checked = summary.targets_verified + summary.targets_misplaced + summary.targets_not_in_article
    if checked and (summary.targets_verified + summary.targets_misplaced) / checked < min_share:
        summary.reasons.append(
            f"{summary.targets_not_in_article} of {checked} target numbers not in the article (floor {min_share:.0%})"
        )
    summary.low_confidence = bool(summary.reasons)
    return summary


def ground(extraction: Extraction, document: Document, *, require_grounding: bool = False) -> Grounded:
    """Ground ``extraction`` in ``document`` (one call: a ``Grounder`` used once)."""
    grounder = Grounder(document)
    out = grounder.ground(extraction)
    grounder.finish(out, require_grounding=require_grounding)
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
