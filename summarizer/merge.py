"""Merge per-chunk answers into one, dropping duplicates and keeping the best evidence."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

from .models import Evidence, Extraction

T = TypeVar("T")

_MATCH_RANK = {"exact": 3, "normalized": 2, "fuzzy": 1, "none": 0}


def _norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "").casefold()
    return re.sub(r"[\s\"'“”‘’「」《》]+", "", s)


def concat(parts: list[Extraction]) -> Extraction:
    """One Extraction holding every chunk's items; summaries joined in order."""
    if len(parts) == 1:
        return parts[0]
    return Extraction(
        title=next((p.title for p in parts if p.title), None),
        summary=" ".join(p.summary.strip() for p in parts if p.summary.strip()),
        speakers=[x for p in parts for x in p.speakers],
        goals=[x for p in parts for x in p.goals],
        targets=[x for p in parts for x in p.targets],
        initiatives=[x for p in parts for x in p.initiatives],
    )


def _better(a: Evidence, b: Evidence) -> bool:
    return (_MATCH_RANK[a.match], a.score) > (_MATCH_RANK[b.match], b.score)


def dedupe(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    """Keep one item per key (first position), with the best-aligned evidence among duplicates."""
    kept: dict[str, T] = {}
    for item in items:
        k = key(item)
        if k not in kept:
            kept[k] = item
        elif _better(item.evidence, kept[k].evidence):  # type: ignore[attr-defined]
            kept[k] = item
    return list(kept.values())


def speaker_key(s) -> str:  # noqa: ANN001 - any item with .name
    return _norm(s.name)


def goal_key(g) -> str:  # noqa: ANN001
    return _norm(g.statement)


def target_key(t) -> str:  # noqa: ANN001 - a grounded NumericTarget
    """Same number at the same place in the source (chunk overlaps repeat it); when unaligned,
    the same number for the same metric."""
    where = t.evidence.start if t.evidence.match != "none" else t.metric
    return f"{t.value_text}|{where}"


def initiative_key(i) -> str:  # noqa: ANN001
    return _norm(i.name)
