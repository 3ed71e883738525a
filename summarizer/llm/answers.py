"""Reading a provider's answer leniently, then validating it item by item.

A whole-answer validation (instructor's default) fails an article for one bad item: a small
model that forgets one goal's ``quote`` loses every speaker and target with it. Here the answer
is read as JSON first (code fences stripped; an answer cut off at ``max_tokens`` is salvaged with
jiter's partial mode), then each item is validated on its own against the ``*Draft`` models.
Valid items are kept; each invalid one becomes a ``Problem`` that names the group, the item,
the field and the rule — the text of a targeted re-ask and, if it stays invalid, of the warning
that says why it was dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import jiter
from pydantic import BaseModel, ValidationError

from ..models import Extraction, GoalDraft, InitiativeDraft, SpeakerDraft, TargetDraft

GROUPS: dict[str, type[BaseModel]] = {
    "speakers": SpeakerDraft,
    "goals": GoalDraft,
    "targets": TargetDraft,
    "initiatives": InitiativeDraft,
}
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.S)

# What each field must be, said the way a re-ask should say it.
RULES = {
    "quote": "a short passage copied character for character from the article",
    "name": "the person's name exactly as written",
    "statement": "the goal, briefly",
    "metric": "what the number measures",
    "value_text": "the number exactly as written in the article, e.g. '220亿元', '6%'",
    "summary": "a short paragraph summarizing the article",
}


@dataclass(frozen=True)
class Problem:
    """One field of one item that failed validation (``index`` None: the group itself)."""

    group: str  # speakers | goals | targets | initiatives | summary | answer
    index: int | None
    field: str
    message: str
    item: Any = None

    def where(self) -> str:
        if self.group in ("summary", "answer"):
            return self.group
        return f"{self.group}[{self.index}]" if self.index is not None else self.group

    def describe(self) -> str:
        """``goals[0]: field 'quote' is missing (must be: a short passage copied ...)``"""
        rule = RULES.get(self.field)
        field = f"field '{self.field}' " if self.field else ""
        return f"{self.where()}: {field}{self.message}" + (f" (must be: {rule})" if rule else "")


class UnreadableAnswer(ValueError):
    """The answer is not a JSON object (the whole answer, not one item, is unusable)."""


def answer_json(text: str | None, *, truncated: bool = False) -> dict[str, Any]:
    """The JSON object in an answer: raw, inside a code fence, or the salvageable part of a
    truncated one. Raises ``UnreadableAnswer`` with a reason a re-ask can quote."""
    if text is None or not text.strip():
        raise UnreadableAnswer("the answer is empty")
    candidates = [text.strip()]
    fenced = _FENCE.search(text)
    if fenced:
        candidates.insert(0, fenced.group(1).strip())
    brace = text.find("{")
    if brace > 0:
        candidates.append(text[brace:].strip())
    error = ""
    for c in candidates:
        try:
            data = json.loads(c)
        except json.JSONDecodeError as exc:
            error = f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            continue
        if isinstance(data, dict):
            return data
        error = f"a JSON {type(data).__name__}, not an object"
    if truncated:
        for c in candidates:
            try:
                data = jiter.from_json(c.encode("utf-8"), partial_mode="trailing-strings")
            except ValueError:
                continue
            if isinstance(data, dict):
                return data
    raise UnreadableAnswer(("cut off at the token limit and " if truncated else "") + error)


def _field_errors(exc: ValidationError) -> list[tuple[str, str]]:
    out = []
    for e in exc.errors():
        field = ".".join(str(p) for p in e.get("loc", ()))
        kind = e.get("type", "")
        if kind == "missing" or (kind == "string_type" and e.get("input") is None):
            message = "is missing"
        elif kind == "string_type":
            message = f"must be text, got {type(e.get('input')).__name__}"
        else:
            message = e.get("msg", "is invalid").removeprefix("Value error, ")
        out.append((field, message))
    return out


def validate_items(data: dict[str, Any], groups: tuple[str, ...] = tuple(GROUPS)) -> tuple[dict[str, list[Any]], list[Problem]]:
    """Valid draft items per group, and one ``Problem`` per invalid field."""
    valid: dict[str, list[Any]] = {g: [] for g in groups}
    problems: list[Problem] = []
    for group in groups:
        raw = data.get(group)
        if raw is None:
            continue
        if isinstance(raw, dict):
            raw = [raw]  # one item given without its list
        if not isinstance(raw, list):
            problems.append(Problem(group, None, "", f"must be a list of objects, got {type(raw).__name__}", raw))
            continue
        model = GROUPS[group]
        for i, item in enumerate(raw):
            if not isinstance(item, dict):
                problems.append(Problem(group, i, "", f"must be an object, got {type(item).__name__}", item))
                continue
            try:
                valid[group].append(model.model_validate(item))
            except ValidationError as exc:
                problems.extend(Problem(group, i, f, m, item) for f, m in _field_errors(exc))
    return valid, problems


def read_summary(data: dict[str, Any]) -> tuple[str | None, list[Problem]]:
    summary = data.get("summary")
    if isinstance(summary, str) and summary.strip():
        return summary, []
    message = "is missing" if summary is None else ("is empty" if isinstance(summary, str) else f"must be text, got {type(summary).__name__}")
    return None, [Problem("summary", None, "summary", message)]


def read_extraction(data: dict[str, Any]) -> tuple[Extraction, list[Problem]]:
    """The valid part of an answer as an ``Extraction`` (summary "" when it is invalid) and the problems."""
    valid, problems = validate_items(data)
    summary, summary_problems = read_summary(data)
    title = data.get("title")
    return (
        Extraction(
            title=title.strip() or None if isinstance(title, str) else None,
            summary=summary or "",
            **valid,
        ),
        summary_problems + problems,
    )


def merge_fixes(extraction: Extraction, data: dict[str, Any]) -> tuple[Extraction, int, list[Problem]]:
    """Add the valid items of a re-ask's answer; returns the new extraction, how many items
    (or the summary) it fixed, and its own problems."""
    valid, problems = validate_items(data)
    fixed = sum(len(v) for v in valid.values())
    update: dict[str, Any] = {g: [*getattr(extraction, g), *items] for g, items in valid.items() if items}
    if not extraction.summary.strip():
        summary, summary_problems = read_summary(data)
        if summary:
            update["summary"] = summary
            fixed += 1
        else:
            problems = summary_problems + problems
    return extraction.model_copy(update=update), fixed, problems
