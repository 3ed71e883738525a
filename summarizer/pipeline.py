"""The one implementation of "article in, ArticleSummary out" (async).

[finished-summary cache] -> intake Document -> chunks -> prompt -> answer cache / LLM -> concat
-> ground -> dedupe -> summary. The sync and async API, the batch engine, the CLI and the HTTP
service all call ``Pipeline.run_source`` (or ``Pipeline.run`` for an already-built Document).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from . import __version__
from .cache import PIPELINE_VERSION, ResultCache, cache_key, code_fingerprint
from .grounding import ground
from .intake import Article, Document, Source, chunking
from .llm import CallStats, LLMClient, RequestObserver
from .merge import concat, dedupe, goal_key, initiative_key, speaker_key, target_key
from .models import SCHEMA_VERSION, ArticleInfo, ArticleSummary, Extraction, Meta, Usage
from .prompts import PromptSet, load_prompts
from .settings import Settings


@dataclass
class _ChunkResult:
    extraction: Extraction
    stats: CallStats | None  # None when served from the cache


def _split(document: Document, settings: Settings) -> list[str]:
    text = document.model_text(settings.simplify_chinese)
    return [c.text for c in chunking.split(text, settings.chunk_budget_tokens)]


class Pipeline:
    """Holds the client, prompts and cache; safe to share between concurrent ``run`` calls."""

    def __init__(
        self,
        settings: Settings,
        *,
        prompts: PromptSet | None = None,
        cache: ResultCache | None = None,
        observer: RequestObserver | None = None,
    ) -> None:
        self.settings = settings
        self.client = LLMClient(settings, observer=observer)  # observer: e.g. a limits.Limiter
        self.prompts = prompts or load_prompts()
        if cache is None and settings.cache_enabled:
            cache = ResultCache(settings.cache_dir)
        self.cache = cache

    async def close(self) -> None:
        await self.client.close()
        if self.cache is not None:
            self.cache.close()

    def _answer_settings(self) -> dict[str, object]:
        """Everything besides the messages that changes the provider's answer (never the key)."""
        s = self.settings
        return dict(
            endpoint=s.endpoint_label or self.client.base_url,
            model=self.client.model,
            mode=self.client.profile.mode.value,
            prompt_version=self.prompts.version,
            schema_version=SCHEMA_VERSION,
            pipeline_version=PIPELINE_VERSION,
            temperature=s.temperature,
            max_tokens=s.max_tokens,
            max_reasks=s.max_reasks,
        )

    def _key(self, messages: list[dict[str, str]]) -> str:
        return cache_key(messages=messages, **self._answer_settings())

    def _summary_key(self, article: Article) -> str:
        s = self.settings
        return cache_key(
            kind="summary",
            article=article.fingerprint(),
            code=code_fingerprint(),
            output_language=s.output_language,
            simplify_chinese=s.simplify_chinese,
            chunk_budget_tokens=s.chunk_budget_tokens,
            require_grounding=s.require_grounding,
            **self._answer_settings(),
        )

    async def run_source(self, source: Source) -> ArticleSummary:
        """Summarize one batch input; an unchanged input answered before skips intake and grounding."""
        started = time.perf_counter()
        key = self._summary_key(source.article) if self.cache is not None and source.article is not None else None
        if key is not None:
            hit = self.cache.get(key)  # type: ignore[union-attr]
            if hit is not None:
                summary = ArticleSummary.model_validate(hit["summary"])
                summary.article.input_name = source.name
                summary.meta.cached = True
                summary.meta.usage = Usage()
                summary.meta.cost_usd = self.settings.cost_usd(0, 0)
                summary.meta.duration_s = round(time.perf_counter() - started, 4)
                return summary
        summary = await self.run(source.load())
        if key is not None:
            self.cache.set(key, {"summary": summary.model_dump(mode="json")})  # type: ignore[union-attr]
        return summary

    async def _extract(self, messages: list[dict[str, str]]) -> _ChunkResult:
        key = self._key(messages)
        if self.cache is None:
            return _ChunkResult(*await self.client.extract(messages))
        hit = self.cache.get(key)
        if hit is not None:
            return _ChunkResult(Extraction.model_validate(hit["extraction"]), None)
        # Another task or process asking the same thing right now: wait for its answer rather
        # than pay for the same request twice.
        s = self.settings
        claim = await self.cache.claim(key, ttl_s=min(3600.0, s.timeout_s * (s.transport_retries + 1) * (s.max_reasks + 1) + 60))
        try:
            hit = self.cache.get(key)
            if hit is not None:
                return _ChunkResult(Extraction.model_validate(hit["extraction"]), None)
            extraction, stats = await self.client.extract(messages)
            # add(): when two processes race on one article, the first stored answer wins.
            self.cache.add(key, {"extraction": extraction.model_dump(mode="json"), "model": self.client.model})
            return _ChunkResult(extraction, stats)
        finally:
            claim.release()

    async def run(self, document: Document) -> ArticleSummary:
        started = time.perf_counter()
        s = self.settings
        chunks = _split(document, s)
        parts = len(chunks)
        requests = [
            self.prompts.messages(
                text,
                language=document.language,
                output_language=s.output_language,
                title=document.title,
                published=document.published,
                part=i + 1 if parts > 1 else None,
                parts=parts if parts > 1 else None,
            )
            for i, text in enumerate(chunks)
        ]
        results = await asyncio.gather(*(self._extract(m) for m in requests))

        usage = Usage()
        for r in results:
            if r.stats is not None:
                u = r.stats.usage()
                usage.requests += u.requests
                usage.reasks += u.reasks
                usage.prompt_tokens += u.prompt_tokens
                usage.completion_tokens += u.completion_tokens
        extraction = concat([r.extraction for r in results])
        grounded = ground(extraction, document, require_grounding=s.require_grounding)

        meta = Meta(
            engine_version=__version__,
            provider=s.provider,
            model=self.client.model,
            prompt_version=self.prompts.version,
            pipeline_version=PIPELINE_VERSION,
            usage=usage,
            cost_usd=s.cost_usd(usage.prompt_tokens, usage.completion_tokens),
            cached=all(r.stats is None for r in results),
            duration_s=round(time.perf_counter() - started, 4),
            chunks=parts,
            warnings=[*document.warnings, *grounded.warnings],
            candidates=grounded.candidates,
        )
        return ArticleSummary(
            article=ArticleInfo(
                id=document.id,
                title=document.title or extraction.title,
                source=document.source,
                url=document.url,
                published=document.published,
                language=document.language if document.language in ("zh-Hans", "zh-Hant", "en", "mixed") else "unknown",
                input_name=document.name,
            ),
            summary=extraction.summary,
            speakers=dedupe(grounded.speakers, speaker_key),
            goals=dedupe(grounded.goals, goal_key),
            targets=dedupe(grounded.targets, target_key),
            initiatives=dedupe(grounded.initiatives, initiative_key),
            meta=meta,
        )
