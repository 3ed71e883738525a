"""Goals: target-like clauses without a number (打造…高地, 建设成为…, aims to become ...).

The statement is the clause itself from its goal word on, verbatim: the rules do not
paraphrase. Clauses that already gave a numeric target are skipped. ``set_by`` is the speaker
whose name was written last before the goal (interviews and speeches attribute every paragraph
to the person introduced above it).
"""

from __future__ import annotations

import bisect

from ..models import GoalDraft, is_blank
from .clauses import Cues, period_in
from .text import Span

MAX_GOALS = 12
MIN_CHARS_ZH = 5
MIN_WORDS_EN = 4
SET_BY_REACH = 2000  # characters: a speaker named further back than this does not own the goal


def find_goals(cues: Cues, skip: list[Span], speakers: list[tuple[int, str]]) -> list[GoalDraft]:
    """``skip``: clauses that gave targets; ``speakers``: (position, name) of every speaker mention."""
    view = cues.view
    out: list[GoalDraft] = []
    seen: set[str] = set()
    skip_starts = {s.start for s in skip}
    positions = [p for p, _ in speakers]
    for s in view.sentences:
        if not cues.goal.any(s.start, s.end) or cues.forecaster.any(s.start, s.end):
            continue
        for c in s.clauses:
            if c.start in skip_starts:
                continue
            g = cues.goal.first(c.start, c.end)
            if g is None or cues.reports_past(c.start, c.end):
                continue
            a, b = view.cut(g.start(), c.end)
            statement = view.text[a:b]
            if not _long_enough(statement) or is_blank(statement):
                continue
            key = view.folded[a:b]
            if key in seen:
                continue
            seen.add(key)
            horizon = period_in(view.lower[s.start : c.end])
            i = bisect.bisect_left(positions, a) - 1
            set_by = speakers[i][1] if i >= 0 and a - positions[i] <= SET_BY_REACH else None
            out.append(
                GoalDraft(
                    quote=view.quote(c.start, c.end),
                    statement=statement,
                    horizon=view.text[s.start + horizon.start() : s.start + horizon.end()] if horizon else None,
                    set_by=set_by,
                )
            )
            if len(out) >= MAX_GOALS:
                return out
    return out


def _long_enough(statement: str) -> bool:
    han = sum(1 for ch in statement if "\u4e00" <= ch <= "\u9fff")
    if han:
        return han >= MIN_CHARS_ZH
    return len(statement.split()) >= MIN_WORDS_EN
