"""``--provider rules``: the deterministic extractor (``summarizer.rules``) behind the client interface.

It answers the same ``Extraction`` an LLM answers, from the chunk's cleaned text, so the answer
cache, grounding, merge, batch, service and reports treat it like any model. It needs no network
and no key; ``RULES_VERSION`` plays the part of the model name in cache keys. There is nothing to
re-ask and no follow-up turn: ``followup`` is never called (the pipeline checks ``followups``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from ..models import Extraction
from ..settings import Settings
from .stats import CallStats


class RulesClient:
    followups = False
    base_url = "in-process"

    def __init__(self, settings: Settings, *, observer: Any = None, prompts: Any = None) -> None:
        from ..rules import RULES_VERSION

        self.settings = settings
        self.profile = settings.profile
        self.model = RULES_VERSION
        self.mode_name = "rules"
        self.observer = observer  # accepted for interface parity; no HTTP request is ever paced

    @property
    def label(self) -> str:
        return "rules"

    async def close(self) -> None:
        return None

    async def extract(self, messages: list[dict[str, str]], *, context: Any = None) -> tuple[Extraction, CallStats]:
        from ..rules import extract

        if context is None:
            raise ValueError("the rules engine needs the chunk text (context)")
        extraction = await asyncio.to_thread(
            extract, context.text, language=context.language, published=context.published, title=context.title
        )
        return extraction, CallStats()
