"""Follow-up turns after grounding: one quote-fix request and one gleaning request per chunk.

Both continue the chunk's first conversation (``LLMClient.followup``), are bounded (at most
``Settings.max_followup_items`` items or sentences, one request each), counted in usage under
their own steps, and cached like any answer.

* **Grounded re-ask** (``ground_reask``): items whose quote is not in the article, and targets
  whose number is not in it, are listed with their quotes; the model gives the exact sentence
  or withdraws the item. A new quote replaces the old one only when it grounds (and, for a
  target, when its number is then found in the article); what is still ungrounded stays flagged.
  Targets whose number *is* in the article but not at their quote need no request: grounding
  re-grounds them itself (``verification: misplaced``).
* **Gleaning** (``glean``): the numbers in target-like sentences that no returned target covers
  (the recall hints) are listed with their sentences, and the model decides for each whether the
  article sets it as a target, and what it measures. A yes becomes a target built from the hint
  itself — the sentence as its quote, the number as written — so it is verbatim by construction;
  it is then grounded and verified like the rest and merged (duplicates removed by the pipeline).
  A yes/no per number is a task small models do well, where composing whole target items from
  scratch was not (a 1.5B model answered every such request with an empty list); under
  constrained decoding the schema asks for exactly one decision per number.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, conlist, create_model

from .grounding.ground import Grounded, Grounder
from .grounding.numbers import NumberMention
from .grounding.recall import find_candidate_sentences
from .models import Evidence, Goal, Initiative, NumericTarget, Speaker, SpeakerDraft, TargetDraft


class QuoteFix(BaseModel):
    ref: str
    quote: str | None = None
    drop: bool = False


class QuoteFixes(BaseModel):
    """The answer to a quote-fix request."""

    quotes: list[QuoteFix] = []


class Decision(BaseModel):
    ref: str
    target: bool
    metric: str | None = None


@functools.lru_cache(maxsize=64)
def decisions_model(n: int) -> type[BaseModel]:
    """The answer to a gleaning request about ``n`` numbers: exactly ``n`` decisions."""
    return create_model(f"Decisions{n}", numbers=(conlist(Decision, min_length=n, max_length=n), ...))


_PREFIX = {"speakers": "S", "goals": "G", "targets": "T", "initiatives": "I"}
_KIND = {"speakers": "speaker", "goals": "goal", "targets": "target", "initiatives": "initiative"}


@dataclass
class QuoteProblem:
    ref: str
    group: str
    index: int
    item: Speaker | Goal | NumericTarget | Initiative

    def as_prompt(self) -> dict[str, Any]:
        label = getattr(self.item, "name", None) or getattr(self.item, "statement", None) or getattr(self.item, "metric", "")
        reason = ""
        if isinstance(self.item, NumericTarget) and self.item.verification == "not_in_article":
            reason = f"the number {self.item.value_text} is not in the article"
        quote = self.item.evidence.model_quote or self.item.evidence.quote
        return {"ref": self.ref, "kind": _KIND[self.group], "label": label, "quote": quote, "reason": reason}


def quote_problems(grounded: Grounded, limit: int) -> list[QuoteProblem]:
    """Items of one chunk's answer worth a quote-fix request: quote not found, or number invented."""
    out: list[QuoteProblem] = []
    for group in ("targets", "speakers", "goals", "initiatives"):  # targets first: numbers matter most
        for i, item in enumerate(getattr(grounded, group)):
            bad = item.evidence.match == "none" or (isinstance(item, NumericTarget) and item.verification == "not_in_article")
            if bad and len(out) < limit:
                out.append(QuoteProblem(f"{_PREFIX[group]}{i + 1}", group, i, item))
    return out


def apply_quote_fixes(grounder: Grounder, grounded: Grounded, problems: list[QuoteProblem], data: dict[str, Any]) -> list[str]:
    """Re-ground the items the answer gives a new quote for; remove the ones it withdraws.
    Returns warnings saying what changed."""
    fixes = {}
    for raw in data.get("quotes") or []:
        if isinstance(raw, dict) and isinstance(raw.get("ref"), str):
            try:
                fix = QuoteFix.model_validate(raw)
            except ValueError:
                continue
            fixes[fix.ref.strip().upper()] = fix
    notes: list[str] = []
    dropped: dict[str, set[int]] = {}
    for p in problems:
        fix = fixes.get(p.ref)
        if fix is None:
            continue
        label = p.as_prompt()["label"]
        if fix.drop:
            dropped.setdefault(p.group, set()).add(p.index)
            notes.append(f"{_KIND[p.group]} '{label}' withdrawn by the model when asked for its exact quote")
            continue
        if not fix.quote or not fix.quote.strip():
            continue
        replacement = _reground(grounder, p, fix.quote)
        if replacement is None:
            notes.append(f"{_KIND[p.group]} '{label}': the corrected quote is not in the article either; still flagged")
            continue
        getattr(grounded, p.group)[p.index] = replacement
        notes.append(f"{_KIND[p.group]} '{label}': quote corrected by a follow-up request and grounded")
    for group, indices in dropped.items():
        setattr(grounded, group, [x for i, x in enumerate(getattr(grounded, group)) if i not in indices])
    return notes


def _reground(grounder: Grounder, p: QuoteProblem, quote: str) -> Any:
    item = p.item
    if isinstance(item, NumericTarget):
        draft = TargetDraft(**item.model_dump(include=set(TargetDraft.model_fields) - {"quote"}), quote=quote)
        out = Grounded()
        grounder.target(draft, out)
        new = out.targets[0] if out.targets else None
        ok = new is not None and new.evidence.match != "none" and new.verification in ("verified", "misplaced")
        return new if ok else None
    if isinstance(item, Speaker):
        out = Grounded()
        grounder.speaker(SpeakerDraft(**item.model_dump(include={"name", "title", "organization"}), quote=quote), out)
        new = out.speakers[0] if out.speakers else None
        return new if new is not None and new.evidence.match != "none" else None
    ev = grounder.aligner.align(quote, group=_KIND[p.group])
    if ev.match == "none":
        return None
    return item.model_copy(update={"evidence": Evidence(**{**ev.model_dump(), "model_quote": item.evidence.quote})})


@dataclass
class Hint:
    """One uncovered target-like number, with the sentence it stands in (offsets into ``Document.text``)."""

    ref: str
    mention: NumberMention
    start: int
    end: int
    sentence: str

    def as_prompt(self) -> dict[str, str]:
        return {"ref": self.ref, "number": " ".join(self.mention.text.split()), "sentence": self.sentence}


def glean_hints(grounder: Grounder, targets: list[NumericTarget], spans: list[tuple[int, int]], limit: int) -> list[list[Hint]]:
    """For each chunk span (offsets into ``document.text``), the numbers in target-like sentences
    that no target covers, with their sentences, at most ``limit`` per chunk. One pass for all chunks."""
    document = grounder.document
    sentences = find_candidate_sentences(document, targets, candidates=grounder.candidates)
    covered = {t.value for t in targets if t.value is not None} | {t.value_high for t in targets if t.value_high is not None}
    out: list[list[Hint]] = []
    for start, end in spans:
        hints: list[Hint] = []
        for c in grounder.candidates:
            if not (start <= c.start and c.end <= end) or any(math.isclose(c.value, v, rel_tol=1e-9) for v in covered):
                continue
            lo, hi = next(((a, b) for a, b in sentences if a <= c.start < b), (c.clause_start, c.clause_end))
            if len(hints) < limit and not any(h.mention.start == c.mention.start for h in hints):
                hints.append(Hint(f"N{len(hints) + 1}", c.mention, lo, hi, document.text[lo:hi].strip()))
        out.append(hints)
    return out


def gleaned_targets(hints: list[Hint], data: dict[str, Any]) -> tuple[list[TargetDraft], int]:
    """Targets for the numbers the model said are targets, built from the hints (the sentence as
    quote, the number as written); and how many decisions were unreadable."""
    by_ref = {h.ref: h for h in hints}
    drafts: list[TargetDraft] = []
    unreadable = 0
    raw = data.get("numbers")
    for item in raw if isinstance(raw, list) else []:
        try:
            d = Decision.model_validate(item)
        except ValueError:
            unreadable += 1
            continue
        hint = by_ref.get(d.ref.strip().upper())
        if hint is None or not d.target:
            continue
        m = hint.mention
        drafts.append(TargetDraft(
            quote=hint.sentence, metric=(d.metric or "").strip() or hint.sentence[:40], value_text=m.text,
            value=m.value, value_high=m.value_high, unit=m.unit, comparator=m.comparator, status="target",
        ))
    return drafts, unreadable
