"""Recall hints: numbers in target-like sentences that no returned target covers.

Models skip targets more often than they invent them. Every quantity in a sentence that reads
like a target (力争, 目标, no less than, plan to ...) and matches no returned target's value is
reported as a short "<number> in: …<context>…" string for a reviewer or a re-ask.
"""

from __future__ import annotations

import math
import re

from ..intake.document import Document
from ..models import NumericTarget
from .cues import has_target_cue
from .normalize import cjk_ratio
from .numbers import NumberMention, is_duration, scan

_EN_SENTENCE_END = re.compile(r"(?<=[a-z0-9%)\"”])\.\s+(?=[A-Z“\"])")
_CLAUSE_BREAK = re.compile(r"[,，;；]")
# each side of the number, kept inside the clause (a Chinese clause is dense, English needs words)
CONTEXT_CHARS_ZH = 18
CONTEXT_CHARS_EN = 45


def _sentences(text: str):
    """(start, end) of each sentence: CJK marks, semicolons (policy prose strings independent
    tasks together with them) and newlines, then English ". X"."""
    for m in re.finditer(r"[^。！？!?；;\n]+[。！？!?；;]?", text):
        start = m.start()
        for sub in _EN_SENTENCE_END.finditer(text, m.start(), m.end()):
            yield start, sub.start() + 1
            start = sub.end()
        yield start, m.end()


def _worth_reporting(m: NumberMention) -> bool:
    if m.kind != "number" or is_duration(m):
        return False
    # 一个 / 一家 / "one": mostly the article "a", not a quantity anyone sets a target for
    return not (m.value == 1 and m.text.strip()[:1] in ("一", "o", "O"))


def _covered(m: NumberMention, targets: list[NumericTarget]) -> bool:
    for t in targets:
        for v in (t.value, t.value_high):
            if v is not None and math.isclose(v, m.value, rel_tol=1e-9):
                return True
    return False


def _snippet(text: str, start: int, end: int, lo: int, hi: int) -> str:
    """The number with some context around it, cut at clause breaks, ellipses marking cuts."""
    zh = cjk_ratio(text[lo:hi]) >= 0.3
    pad = CONTEXT_CHARS_ZH if zh else CONTEXT_CHARS_EN
    left = max(lo, start - pad)
    for b in _CLAUSE_BREAK.finditer(text, left, start):
        left = b.end()
    right = min(hi, end + pad)
    b = _CLAUSE_BREAK.search(text, end, right)
    if b:
        right = b.start()
    body = " ".join(text[left:right].split()).rstrip("。！？!?.")
    if not zh:  # do not cut English words in half
        if left > lo and text[left - 1].isalnum():
            body = body.split(" ", 1)[-1]
        if right < hi and text[right].isalnum():
            body = body.rsplit(" ", 1)[0]
    return f"…{body}…"


def find_candidates(
    document: Document, targets: list[NumericTarget], raw_mentions: list[NumberMention] | None = None
) -> list[str]:
    """Recall hints over the cleaned text (junk such as "related news" lists is gone there).

    ``raw_mentions``: a scan of ``document.raw`` already made, reused when nothing was cleaned.
    """
    text = document.text
    mentions = raw_mentions if raw_mentions is not None and text == document.raw else scan(text)
    out: list[str] = []
    i = 0
    for lo, hi in _sentences(text):
        inside: list[NumberMention] = []
        while i < len(mentions) and mentions[i].start < hi:
            if mentions[i].start >= lo:
                inside.append(mentions[i])
            i += 1
        if not inside or not has_target_cue(text[lo:hi]):
            continue
        for m in inside:
            if _worth_reporting(m) and not _covered(m, targets):
                hint = f"{' '.join(m.text.split())} in: {_snippet(text, m.start, m.end, lo, hi)}"
                if hint not in out:
                    out.append(hint)
    return out
