"""The importable async service: one Pipeline (client, cache, limiter) shared by every caller.

``SummarizerService`` is what other apps embed and what the HTTP layer wraps. It never
imports the CLI, and the core pipeline never imports it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..intake import Article, Document, IntakeError, Source
from ..intake.errors import InputTooLarge
from ..intake.sanitize import clean_field
from ..limits import Limiter
from ..llm import LLMError
from ..models import ArticleSummary
from ..pipeline import Pipeline
from ..settings import Settings
from .metrics import ServiceMetrics


class ArticleIn(BaseModel):
    """One article as callers send it: plain ``text`` or ``html``, plus optional metadata."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, description="Article text (plain). Give this or html.")
    html: str | None = Field(default=None, description="Article page HTML; the main text is extracted.")
    id: str | None = Field(default=None, max_length=500, description="Caller's id; echoed as article.input_name.")
    title: str | None = Field(default=None, max_length=2000)
    url: str | None = Field(default=None, max_length=4000)
    date: str | None = Field(default=None, max_length=100, description="Publication date (ISO preferred).")
    source: str | None = Field(default=None, max_length=500)

    @field_validator("id", "title", "url", "date", "source", mode="before")
    @classmethod
    def _repair_metadata(cls, value: object) -> object:
        # Same policy as intake's Article: a lone surrogate or control character in metadata is
        # replaced, never refused (and never echoed back as text UTF-8 cannot encode).
        return clean_field(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_body(self) -> "ArticleIn":
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        return self

    def to_source(self, max_bytes: int | None = None) -> Source:
        """The article for the pipeline; intake (and its ``IntakeError``, e.g. empty text) runs on load.

        ``max_bytes``: the input-size limit (``Settings.max_input_bytes``) on the UTF-8 size of
        ``text``/``html``, the same limit files and stdin get; ``InputTooLarge`` beyond it.
        """
        body = self.text if self.text is not None else self.html
        assert body is not None
        if max_bytes is not None and len(body) > max_bytes // 4:  # a code point is at most 4 bytes
            size = len(body.encode("utf-8", "surrogatepass"))
            if size > max_bytes:
                field = "text" if self.text is not None else "html"
                raise InputTooLarge(
                    self.id or "<request>",
                    f"'{field}' is {size} bytes (UTF-8), over the {max_bytes}-byte input limit; split the article "
                    "or raise the limit (SUMMARIZER_MAX_INPUT_BYTES)",
                )
        article = Article(
            text=body, name=self.id, title=self.title, published=self.date, source=self.source, url=self.url,
            html=True if self.html is not None else None,
        )
        return Source(name=self.id or "<request>", article=article)


@dataclass
class Outcome:
    """One article of a batch: its position, and either the summary or the error."""

    index: int
    id: str | None
    summary: ArticleSummary | None = None
    error: str | None = None
    kind: str | None = None  # "input" (the article), "too_large", "provider", "answer" or "internal"

    @property
    def ok(self) -> bool:
        return self.summary is not None


def error_kind(exc: BaseException) -> str:
    from ..llm import AnswerError, ProviderError

    if isinstance(exc, InputTooLarge):
        return "too_large"
    if isinstance(exc, IntakeError):
        return "input"
    if isinstance(exc, ProviderError):
        return "provider"
    if isinstance(exc, AnswerError):
        return "answer"
    return "internal"


class SummarizerService:
    """Async summarization for many concurrent callers over one Pipeline and one Limiter."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        pipeline: Pipeline | None = None,
        limiter: Limiter | None = None,
        rpm: float | None = None,
        tpm: float | None = None,
        metrics: ServiceMetrics | None = None,
    ) -> None:
        if settings is None and pipeline is None:
            settings = Settings.load()
        self.settings = settings or pipeline.settings  # type: ignore[union-attr]
        s = self.settings
        existing = pipeline.client.observer if pipeline is not None else None
        self.limiter = limiter or (existing if isinstance(existing, Limiter) else None) or Limiter(
            s.concurrency,
            rpm=rpm if rpm is not None else s.rpm_limit,
            tpm=tpm if tpm is not None else s.tpm_limit,
            completion_estimate=min(s.max_tokens, 1024),
        )
        self.pipeline = pipeline or Pipeline(s, observer=self.limiter)
        if self.pipeline.client.observer is None:
            self.pipeline.client.observer = self.limiter
        self.metrics = metrics or ServiceMetrics()

    @property
    def model(self) -> str:
        return self.pipeline.client.model

    async def summarize(self, article: str | Document | ArticleIn, **meta: Any) -> ArticleSummary:
        """Summarize text, an ``ArticleIn`` or an intake ``Document``.

        ``meta`` (for text): id, title, url, date, source, html=True when the text is HTML.
        Raises ``IntakeError`` for unusable input and ``LLMError`` when the provider fails.
        """
        try:
            # Building the Article scans the whole text (sanitize): CPU work, kept off the event loop.
            source = await asyncio.to_thread(self._source, article, meta)
            summary = await self.pipeline.run_source(source)
        except Exception as exc:
            stats = getattr(exc, "stats", None)
            self.metrics.article_failed(stats.usage() if stats is not None else None)
            raise
        self.metrics.article_ok(summary)
        return summary

    def _source(self, article: str | Document | ArticleIn, meta: dict[str, Any]) -> Source:
        limit = self.settings.max_input_bytes
        if isinstance(article, Document):
            return Source(name=article.name or "<document>", document=article)
        if isinstance(article, ArticleIn):
            return article.to_source(limit)
        if isinstance(article, str):
            is_html = bool(meta.pop("html", False))
            return ArticleIn(**({"html": article} if is_html else {"text": article}), **meta).to_source(limit)
        raise TypeError(f"article must be str, ArticleIn or Document, not {type(article).__name__}")

    async def summarize_many(
        self, articles: Iterable[str | Document | ArticleIn], *, concurrency: int | None = None
    ) -> AsyncIterator[Outcome]:
        """Yield one ``Outcome`` per article as each completes (any order; ``index`` says which).

        Never raises for a single article: its error is in the outcome.
        """
        limit = asyncio.Semaphore(concurrency or self.settings.concurrency)

        async def one(i: int, a: str | Document | ArticleIn) -> Outcome:
            ident = a.id if isinstance(a, ArticleIn) else (a.name if isinstance(a, Document) else None)
            async with limit:
                try:
                    return Outcome(i, ident, summary=await self.summarize(a))
                except (IntakeError, LLMError) as exc:
                    return Outcome(i, ident, error=str(exc), kind=error_kind(exc))
                except Exception as exc:  # noqa: BLE001 - one bad article must not sink the batch
                    return Outcome(i, ident, error=f"{type(exc).__name__}: {exc}", kind="internal")

        # Inputs are consumed lazily: at most 2x concurrency tasks exist at once.
        window = 2 * (concurrency or self.settings.concurrency)
        pending: set[asyncio.Task[Outcome]] = set()
        try:
            for i, a in enumerate(articles):
                pending.add(asyncio.create_task(one(i, a)))
                if len(pending) >= window:
                    finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    for t in finished:
                        yield t.result()
            while pending:
                finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for t in finished:
                    yield t.result()
        finally:
            for t in pending:
                t.cancel()

    async def batch(self, articles: Iterable[str | Document | ArticleIn], *, concurrency: int | None = None) -> list[Outcome]:
        """Every article's ``Outcome``, in input order."""
        outcomes = [o async for o in self.summarize_many(articles, concurrency=concurrency)]
        return sorted(outcomes, key=lambda o: o.index)

    def health(self) -> dict[str, Any]:
        return {"status": "ok", "model": self.model, "provider": self.settings.provider, "limiter": self.limiter.snapshot()}

    async def aclose(self) -> None:
        await self.pipeline.close()

    async def __aenter__(self) -> "SummarizerService":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
