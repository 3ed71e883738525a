"""``extract(text, language, published, title) -> Extraction``: the rules, in order.

speakers -> target-like clauses -> numeric targets -> goals (target-like clauses without a
number) -> initiatives -> summary. Every quote is ``text[a:b]`` for offsets the rules found, so
it is verbatim by construction; every target's ``value_text`` is the scanner's span inside it.
Any input, however odd, gives a valid ``Extraction``: an item a rule could not build is dropped.
"""

from __future__ import annotations

from pydantic import ValidationError

from ..models import Extraction
from .clauses import Cues
from .goals import find_goals
from .initiatives import find_initiatives
from .speakers import find_speakers
from .summary import build_summary, find_headline
from .targets import find_targets
from .text import View

MAX_ITEMS = 200  # per field: a pathological input must not produce an unbounded answer


def extract(
    text: str, language: str = "unknown", published: str | None = None, title: str | None = None
) -> Extraction:
    """The deterministic extraction of one article's cleaned text (see ``summarizer.rules``)."""
    text = text if isinstance(text, str) else str(text)
    view = View.of(text)
    speakers = find_speakers(view)[:MAX_ITEMS]
    cues = Cues(view, published)
    targets, used = find_targets(view, cues.target_clauses())
    mentions = sorted((p, s.draft.name) for s in speakers for p in s.positions)
    goals = find_goals(cues, used, mentions)
    initiatives = find_initiatives(view)[:MAX_ITEMS]
    headline = find_headline(view, title)
    summary = build_summary(view, headline, language)
    try:
        return Extraction(
            title=headline,
            summary=summary,
            speakers=[s.draft for s in speakers],
            goals=goals[:MAX_ITEMS],
            targets=targets[:MAX_ITEMS],
            initiatives=initiatives,
        )
    except ValidationError:  # pragma: no cover - every item above is already a validated model
        return Extraction(title=headline, summary=summary)
