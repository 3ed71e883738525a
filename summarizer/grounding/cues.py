"""The target-cue lexicon: words that make a clause read like a target (力争, 目标, no less than ...).

One lexicon shared by the recall hints (``grounding.recall``), the rules engine
(``summarizer.rules``) and anything else that asks "is this clause a target?". Cues are written
once in Simplified Chinese and English; text is folded to Simplified before matching, so
Traditional articles (目標, 確保, 力爭) match the same cues.
"""

from __future__ import annotations

import re

TARGET_CUES_ZH: tuple[str, ...] = ("力争", "目标", "确保", "不低于", "不少于", "争取", "计划", "预计")
TARGET_CUES_EN: tuple[str, ...] = (
    "strive", "target", "aim", "goal", "no less than", "at least", "plan to", "plans to", "ensure",
)
TARGET_CUES: tuple[str, ...] = TARGET_CUES_ZH + TARGET_CUES_EN


def has_target_cue(text: str) -> bool:
    """True when ``text`` (a sentence or clause) contains a target cue; English cues only at a word start."""
    low = text.lower()
    return any(
        (re.search(rf"(?<![a-z]){re.escape(c)}", low) if c.isascii() else c in low) for c in TARGET_CUES
    )
