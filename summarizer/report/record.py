"""Defensive reading of one results record (a plain JSON object), shared by the report and exports.

Every accessor has a default, because results files outlive the code that wrote them: a field
may be absent (old files: ``raw_text``, ``targets[].verification``, ``meta.grounding``,
``meta.cross_check``, ``name_evidence``) or null. Field names follow ``summarizer.models``.
"""

from __future__ import annotations

from typing import Any

Record = dict[str, Any]

KINDS = ("speakers", "goals", "targets", "initiatives")
KIND_NAME = {"speakers": "speaker", "goals": "goal", "targets": "target", "initiatives": "initiative"}

# verification states of a target (``NumericTarget.verification``); older files only have the
# boolean ``verified``, mapped below
VERIFIED = "verified"
UNVERIFIED_STATES = ("misplaced", "not_in_article", "unverified")
STATUS_LABEL = {
    "verified": "verified",
    "misplaced": "number in the article, not at its quote",
    "not_in_article": "number not in the article (likely invented)",
    "unverified": "not verified",
    "unchecked": "not checked",
}


def obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def items(record: Record, kind: str) -> list[dict[str, Any]]:
    value = record.get(kind)
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A display string for a scalar field (None stays None)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def strings(value: Any) -> list[str]:
    return [str(x) for x in value if x is not None] if isinstance(value, list) else []


def article(record: Record) -> dict[str, Any]:
    return obj(record.get("article"))


def meta(record: Record) -> dict[str, Any]:
    return obj(record.get("meta"))


def evidence(item: dict[str, Any], key: str = "evidence") -> dict[str, Any]:
    return obj(item.get(key))


def span(ev: dict[str, Any]) -> tuple[int, int] | None:
    """(start, end) when the evidence has usable offsets, else None."""
    start, end = ev.get("start"), ev.get("end")
    if isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool) and 0 <= start <= end:
        return start, end
    return None


def is_grounded(item: dict[str, Any]) -> bool:
    """The item's quote was found in the source (``match`` other than none, with offsets)."""
    ev = evidence(item)
    return ev.get("match", "none") not in (None, "none") and span(ev) is not None


def target_status(target: dict[str, Any]) -> str:
    """verified | misplaced | not_in_article | unverified (old files' False) | unchecked."""
    state = target.get("verification")
    if isinstance(state, str) and state in STATUS_LABEL:
        return state
    verified = target.get("verified")
    if verified is True:
        return VERIFIED
    if verified is False:
        return "unverified"
    return "unchecked"


def speaker_names(record: Record) -> list[str]:
    """The article's speakers' names, in order, without repeats."""
    seen: dict[str, None] = {}
    for sp in items(record, "speakers"):
        name = text(sp.get("name"))
        if name and name.strip():
            seen.setdefault(name.strip(), None)
    return list(seen)


def counts(record: Record) -> dict[str, int]:
    """Targets, verified / unverified / unchecked targets, ungrounded items, warnings."""
    targets = items(record, "targets")
    states = [target_status(t) for t in targets]
    return {
        "targets": len(targets),
        "verified": sum(s == VERIFIED for s in states),
        "unverified": sum(s in UNVERIFIED_STATES for s in states),
        "unchecked": sum(s == "unchecked" for s in states),
        "ungrounded": sum(not is_grounded(it) for kind in KINDS for it in items(record, kind)),
        "warnings": len(strings(meta(record).get("warnings"))),
    }
