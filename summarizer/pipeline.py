"""The one implementation of "article in, ArticleSummary out" (async).

    [finished-summary cache] -> intake Document -> plan (chunks, prompts, cache keys, caps)
    -> answer per chunk (prefilled / answer cache / provider, with item re-asks)
    -> complete: ground -> follow-ups (quote fixes, gleaning) -> merge, dedupe -> ArticleSummary

The sync and async API, the batch engine, the CLI, the HTTP service, the provider Batch API
path and Ray all call ``Pipeline.run_source`` (or ``run`` for a built Document); the Batch API
path runs ``plan`` for every article first, sends the requests elsewhere and hands the answers
back through ``prefilled``, so its records are made by the very same steps.

CPU work (intake, planning, grounding) runs in a worker thread so an event loop serving many
callers (the HTTP service) stays responsive while a large article is processed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .cache import PIPELINE_VERSION, ResultCache, cache_key, code_fingerprint
from .followups import QuoteFixes, apply_quote_fixes, decisions_model, glean_hints, gleaned_targets, quote_problems
from .grounding.ground import Grounded, Grounder
from .intake import Article, Document, Source, chunking
from .intake.errors import InputTooLarge
from .limits import estimate_tokens
from .llm import CallStats, LLMError, RequestObserver, make_client
from .merge import dedupe, goal_key, initiative_key, speaker_key, target_key
from .models import SCHEMA_VERSION, ArticleInfo, ArticleSummary, CrossCheck, Extraction, Meta, Usage
from .prompts import PromptSet, load_prompts
from .settings import Settings


@dataclass(frozen=True)
class ChunkContext:
    """One chunk of an article: what the model sees, and where it sits in ``Document.text``."""

    index: int
    start: int
    end: int
    text: str
    language: str
    published: str | None
    title: str | None


@dataclass
class PlannedRequest:
    context: ChunkContext
    messages: list[dict[str, str]]
    key: str  # the answer cache key (also the Batch API's custom_id)
    prompt_tokens: int  # offline estimate


@dataclass
class Plan:
    document: Document
    requests: list[PlannedRequest]

    @property
    def prompt_tokens(self) -> int:
        return sum(r.prompt_tokens for r in self.requests)


@dataclass
class ChunkAnswer:
    extraction: Extraction
    stats: CallStats | None  # None when no request was made for it (cache)
    answer_text: str | None  # the first answer as sent: follow-up turns continue from it
    notes: list[str] = field(default_factory=list)


def answer_entry(extraction: Extraction, answer_text: str | None, notes: list[str], model: str) -> dict[str, Any]:
    """What the answer cache stores for one chunk (JSON only)."""
    return {"extraction": extraction.model_dump(mode="json"), "answer_text": answer_text, "notes": notes, "model": model}


def _from_entry(entry: Mapping[str, Any], stats: CallStats | None = None) -> ChunkAnswer:
    extraction = Extraction.model_validate(entry["extraction"])
    text = entry.get("answer_text") or extraction.model_dump_json()
    return ChunkAnswer(extraction, stats, text, list(entry.get("notes") or []))


class Pipeline:
    """Holds the client, prompts and cache; safe to share between concurrent ``run`` calls."""

    def __init__(
        self,
        settings: Settings,
        *,
        prompts: PromptSet | None = None,
        cache: ResultCache | None = None,
        observer: RequestObserver | None = None,
        client: Any = None,
        prefilled: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.settings = settings
        self.prompts = prompts or load_prompts(settings.prompts_dir, variant=settings.prompt_variant)
        self.client = client or make_client(settings, observer=observer, prompts=self.prompts)  # observer: a limits.Limiter
        if cache is None and settings.cache_enabled:
            cache = ResultCache(settings.cache_dir)
        self.cache = cache
        # answers fetched elsewhere (the provider Batch API), keyed like the answer cache; an
        # entry may carry "stats" (a CallStats) so the record bills what that request cost
        self.prefilled = prefilled

    async def close(self) -> None:
        await self.client.close()
        if self.cache is not None:
            self.cache.close()

    @property
    def followups_enabled(self) -> bool:
        return getattr(self.client, "followups", True) and (self.settings.glean or self.settings.ground_reask)

    def _answer_settings(self) -> dict[str, object]:
        """Everything besides the messages that changes the provider's answer (never the key)."""
        s = self.settings
        return dict(
            endpoint=s.endpoint_label or self.client.base_url,
            model=self.client.model,
            mode=self.client.label,
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
            glean=s.glean,
            ground_reask=s.ground_reask,
            max_followup_items=s.max_followup_items,
            min_grounded_share=s.min_grounded_share,
            keep_text=s.keep_text,
            cross_check=s.cross_check,
            **self._answer_settings(),
        )

    # ------------------------------------------------------------------ entry points

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
        document = source.document if source.document is not None else await asyncio.to_thread(source.load)
        summary = await self.run(document)
        if key is not None:
            self.cache.set(key, {"summary": summary.model_dump(mode="json")})  # type: ignore[union-attr]
        return summary

    async def run(self, document: Document) -> ArticleSummary:
        started = time.perf_counter()
        plan = await asyncio.to_thread(self.plan, document)
        answers = await asyncio.gather(*(self.answer(r) for r in plan.requests))
        return await self.complete(plan, list(answers), started=started)

    # ------------------------------------------------------------------ steps

    def plan(self, document: Document) -> Plan:
        """Chunks, messages and cache keys of one article, checked against the cost caps."""
        s = self.settings
        text = document.model_text(s.simplify_chinese)
        chunks = chunking.split(text, s.chunk_budget_tokens)
        if len(chunks) > s.max_chunks_per_article:
            raise InputTooLarge(
                document.name,
                f"needs {len(chunks)} chunks of {s.chunk_budget_tokens} tokens, over the cap of "
                f"{s.max_chunks_per_article} per article (max_chunks_per_article)",
            )
        parts = len(chunks)
        requests = []
        for i, chunk in enumerate(chunks):
            messages = self.prompts.messages(
                chunk.text,
                language=document.language,
                output_language=s.output_language,
                title=document.title,
                published=document.published,
                part=i + 1 if parts > 1 else None,
                parts=parts if parts > 1 else None,
            )
            context = ChunkContext(i, chunk.start, chunk.end, chunk.text, document.language, document.published, document.title)
            requests.append(PlannedRequest(context, messages, self._key(messages), estimate_tokens(messages)))
        plan = Plan(document, requests)
        if plan.prompt_tokens > s.max_prompt_tokens_per_article:
            raise InputTooLarge(
                document.name,
                f"would send about {plan.prompt_tokens} prompt tokens, over the cap of "
                f"{s.max_prompt_tokens_per_article} per article (max_prompt_tokens_per_article)",
            )
        return plan

    async def answer(self, request: PlannedRequest) -> ChunkAnswer:
        """One chunk's answer: prefilled, cached, or asked (once, even across processes)."""
        key = request.key
        if self.prefilled is not None and key in self.prefilled:
            entry = self.prefilled[key]
            answer = _from_entry(entry, entry.get("stats"))  # type: ignore[arg-type]
            if self.cache is not None:
                self.cache.add(key, answer_entry(answer.extraction, answer.answer_text, answer.notes, self.client.model))
            return answer
        if self.cache is None:
            return await self._ask(request)
        hit = self.cache.get(key)
        if hit is not None:
            return _from_entry(hit)
        # Another task or process asking the same thing right now: wait for its answer rather
        # than pay for the same request twice.
        s = self.settings
        ttl = min(3600.0, s.resolved_timeout() * (s.transport_retries + 1) * (s.max_reasks + 1) + 60)
        claim = await self.cache.claim(key, ttl_s=ttl)
        try:
            hit = self.cache.get(key)
            if hit is not None:
                return _from_entry(hit)
            answer = await self._ask(request)
            # add(): when two processes race on one article, the first stored answer wins.
            self.cache.add(key, answer_entry(answer.extraction, answer.answer_text, answer.notes, self.client.model))
            return answer
        finally:
            claim.release()

    async def _ask(self, request: PlannedRequest) -> ChunkAnswer:
        extraction, stats = await self.client.extract(request.messages, context=request.context)
        return ChunkAnswer(extraction, stats, stats.answer_text, list(stats.notes))

    async def _followup(
        self, request: PlannedRequest, answer: ChunkAnswer, instruction: str, model: Any, step: str, stats: CallStats
    ) -> dict[str, Any] | None:
        """A follow-up turn of one chunk's conversation, through the answer cache."""
        key = cache_key(
            kind=step, messages=request.messages, answer=answer.answer_text, instruction=instruction, **self._answer_settings()
        )
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                return hit.get("followup")
        try:
            data = await self.client.followup(
                request.messages, answer.answer_text or "", instruction, model, step=step, stats=stats
            )
        except LLMError as exc:  # a follow-up improves a record; failing one never fails the article
            stats.notes.append(f"{step} request failed, record kept without it: {exc}")
            return None
        if self.cache is not None and data is not None:
            self.cache.add(key, {"followup": data})
        return data

    async def complete(self, plan: Plan, answers: list[ChunkAnswer], *, started: float | None = None) -> ArticleSummary:
        """Ground every chunk's answer, run the follow-ups, merge: the finished record."""
        started = time.perf_counter() if started is None else started
        s = self.settings
        document = plan.document
        grounder = await asyncio.to_thread(Grounder, document)
        stats = CallStats()
        for a in answers:
            if a.stats is not None:
                stats.add(a.stats)
        warnings = [*document.warnings, *(n for a in answers for n in a.notes)]

        answered_notes = len(stats.notes)
        grounded = [await asyncio.to_thread(grounder.ground, a.extraction) for a in answers]
        if self.followups_enabled:
            warnings += await self._follow_up(grounder, grounded, plan, answers, stats)
        warnings += stats.notes[answered_notes:]  # what the follow-ups noted
        merged = Grounded()
        for g in grounded:
            merged.extend(g)
        summary_stats = await asyncio.to_thread(
            grounder.finish, merged, require_grounding=s.require_grounding, min_share=s.min_grounded_share
        )
        cross = await self._cross_check(plan, merged) if s.cross_check and getattr(self.client, "followups", True) else None

        usage = stats.usage()
        extraction_titles = [a.extraction.title for a in answers if a.extraction.title]
        meta = Meta(
            engine_version=__version__,
            provider=s.provider,
            model=self.client.model,
            prompt_version=self.prompts.version,
            pipeline_version=PIPELINE_VERSION,
            usage=usage,
            cost_usd=s.cost_usd(usage.prompt_tokens, usage.completion_tokens),
            cached=stats.requests == 0 and bool(answers),  # no request at all, follow-ups included
            duration_s=round(time.perf_counter() - started, 4),
            chunks=len(plan.requests),
            warnings=list(dict.fromkeys([*warnings, *merged.warnings])),  # a repeated item warns once
            candidates=merged.candidates,
            grounding=summary_stats,
            cross_check=cross,
        )
        return ArticleSummary(
            article=ArticleInfo(
                id=document.id,
                title=document.title or (extraction_titles[0] if extraction_titles else None),
                source=document.source,
                url=document.url,
                published=document.published,
                language=document.language if document.language in ("zh-Hans", "zh-Hant", "en", "mixed") else "unknown",
                input_name=document.name,
                raw_text=document.raw if s.keep_text else None,
            ),
            summary=" ".join(a.extraction.summary.strip() for a in answers if a.extraction.summary.strip()),
            speakers=dedupe(merged.speakers, speaker_key),
            goals=dedupe(merged.goals, goal_key),
            targets=dedupe(merged.targets, target_key),
            initiatives=dedupe(merged.initiatives, initiative_key),
            meta=meta,
        )

    async def _follow_up(
        self, grounder: Grounder, grounded: list[Grounded], plan: Plan, answers: list[ChunkAnswer], stats: CallStats
    ) -> list[str]:
        """The quote-fix and gleaning turns of every chunk: requests concurrently, grounding in a
        worker thread one chunk at a time (the grounder's cursors are shared)."""
        s = self.settings
        notes: list[str] = []
        chunks = [i for i, a in enumerate(answers) if a.answer_text is not None]
        if s.ground_reask:
            problems = {i: quote_problems(grounded[i], s.max_followup_items) for i in chunks}
            asks = {i: self.prompts.reask_quotes([p.as_prompt() for p in ps]) for i, ps in problems.items() if ps}
            replies = await asyncio.gather(
                *(self._followup(plan.requests[i], answers[i], text, QuoteFixes, "ground_reask", stats) for i, text in asks.items())
            )
            for i, data in zip(asks, replies):
                if data is not None:
                    notes += await asyncio.to_thread(apply_quote_fixes, grounder, grounded[i], problems[i], data)
        if s.glean and chunks:
            targets = [t for g in grounded for t in g.targets]
            spans = [(plan.requests[i].context.start, plan.requests[i].context.end) for i in chunks]
            per_chunk = await asyncio.to_thread(glean_hints, grounder, targets, spans, s.max_followup_items)
            asks = {i: hints for i, hints in zip(chunks, per_chunk) if hints}
            replies = await asyncio.gather(
                *(
                    self._followup(plan.requests[i], answers[i], self.prompts.glean([h.as_prompt() for h in hints]),
                                   decisions_model(len(hints)), "glean", stats)
                    for i, hints in asks.items()
                )
            )
            for (i, hints), data in zip(asks.items(), replies):
                if data is None:
                    continue
                drafts, unreadable = gleaned_targets(hints, data)
                found = Grounded()
                for d in drafts:
                    await asyncio.to_thread(grounder.target, d, found)
                grounded[i].targets += found.targets
                grounded[i].goals += found.goals
                grounded[i].warnings += found.warnings
                if found.targets or unreadable:
                    notes.append(f"gleaning: {len(found.targets)} of {len(hints)} hinted number(s) confirmed as targets"
                                 + (f", {unreadable} unreadable decision(s)" if unreadable else ""))
        return notes

    async def _cross_check(self, plan: Plan, merged: Grounded) -> CrossCheck:
        """The rules engine on the same chunks: targets it finds that the LLM did not return, and
        LLM numbers it reads differently at the same place."""
        from .rules import RULES_VERSION, extract

        def run() -> CrossCheck:
            grounder = Grounder(plan.document)
            rules = Grounded()
            for r in plan.requests:
                c = r.context
                rules.extend(grounder.ground(extract(c.text, language=c.language, published=c.published, title=c.title)))
            llm_values = {t.value for t in merged.targets if t.value is not None}
            check = CrossCheck(rules_version=RULES_VERSION)
            for t in rules.targets:
                if t.verification == "verified" and t.value not in llm_values:
                    check.rules_only.append(f"{t.value_text} ({t.metric}): {t.evidence.quote[:120]}")
            for t in merged.targets:
                ev = t.evidence
                if ev.start is None or t.value is None:
                    continue
                for r in rules.targets:
                    rv = r.evidence
                    if rv.start is None or r.value is None or r.value == t.value:
                        continue
                    if rv.start < ev.end and ev.start < rv.end and r.value_text in t.value_text + t.evidence.quote:
                        check.read_differently.append(
                            f"'{t.value_text}': the model reads {t.value:g}, the rules engine {r.value:g} ('{r.value_text}')"
                        )
                        break
            return check

        return await asyncio.to_thread(run)
