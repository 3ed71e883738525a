"""Results records -> four flat tables (targets, speakers, goals, initiatives), one row per item.

The record format is read defensively (``summarizer.report.record``), so old and new results
files export the same way; a missing field is an empty cell.

A target has no speaker of its own (the model is not asked who set each number, and guessing
from proximity would mislabel), so the targets table carries ``speakers``: the article's
speakers' names joined with "; " — the people the article quotes, not an attribution.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..report import record as R

Cell = str | int | float | bool | None


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


ARTICLE_COLUMNS = ["article_id", "title", "date"]
EVIDENCE_COLUMNS = ["quote", "start", "end", "match"]

TARGET_COLUMNS = [
    *ARTICLE_COLUMNS, "speakers", "metric", "value_text", "value", "value_high", "unit", "comparator", "kind",
    "period", "target_year", "status", "verified", "verification", *EVIDENCE_COLUMNS,
]
SPEAKER_COLUMNS = [*ARTICLE_COLUMNS, "name", "position", "organization", *EVIDENCE_COLUMNS]
GOAL_COLUMNS = [*ARTICLE_COLUMNS, "statement", "horizon", "set_by", *EVIDENCE_COLUMNS]
INITIATIVE_COLUMNS = [*ARTICLE_COLUMNS, "name", "description", "owner", *EVIDENCE_COLUMNS]


def _num(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _str(value: Any) -> str | None:
    return R.text(value) if not isinstance(value, (dict, list)) else None


def _evidence(item: dict[str, Any]) -> list[Cell]:
    ev = R.evidence(item)
    span = R.span(ev)
    return [_str(ev.get("quote")), span[0] if span else None, span[1] if span else None, _str(ev.get("match"))]


def _verified(target: dict[str, Any]) -> bool | None:
    v = target.get("verified")
    if isinstance(v, bool):
        return v
    status = R.target_status(target)
    return True if status == R.VERIFIED else (False if status in R.UNVERIFIED_STATES else None)


def build_tables(records: Iterable[dict[str, Any]]) -> Iterator[tuple[str, list[Cell]]]:
    """Yield (table name, row) for every item of every record, in file order."""
    for rec in records:
        art = R.article(rec)
        head: list[Cell] = [_str(art.get("id")), _str(art.get("title")), _str(art.get("published"))]
        speakers = "; ".join(R.speaker_names(rec)) or None
        for t in R.items(rec, "targets"):
            yield "targets", [
                *head, speakers, _str(t.get("metric")), _str(t.get("value_text")), _num(t.get("value")),
                _num(t.get("value_high")), _str(t.get("unit")), _str(t.get("comparator")), _str(t.get("kind")),
                _str(t.get("period")), _num(t.get("target_year")), _str(t.get("status")), _verified(t),
                R.target_status(t), *_evidence(t),
            ]
        for s in R.items(rec, "speakers"):
            yield "speakers", [*head, _str(s.get("name")), _str(s.get("title")), _str(s.get("organization")), *_evidence(s)]
        for g in R.items(rec, "goals"):
            yield "goals", [*head, _str(g.get("statement")), _str(g.get("horizon")), _str(g.get("set_by")), *_evidence(g)]
        for i in R.items(rec, "initiatives"):
            yield "initiatives", [*head, _str(i.get("name")), _str(i.get("description")), _str(i.get("owner")), *_evidence(i)]


def empty_tables() -> dict[str, Table]:
    return {
        "targets": Table("targets", TARGET_COLUMNS),
        "speakers": Table("speakers", SPEAKER_COLUMNS),
        "goals": Table("goals", GOAL_COLUMNS),
        "initiatives": Table("initiatives", INITIATIVE_COLUMNS),
    }


def collect(records: Iterable[dict[str, Any]]) -> dict[str, Table]:
    tables = empty_tables()
    for name, row in build_tables(records):
        tables[name].rows.append(row)
    return tables
