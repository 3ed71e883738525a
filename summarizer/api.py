"""Public Python API: ``Summarizer`` (sync), ``AsyncSummarizer`` (async), ``summarize()``.

Both classes are thin shells over one async ``Pipeline``; the sync one drives it on a private
event loop so no sync/async logic is written twice.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from .intake import Article, Document, IntakeError, Source, read_article
from .models import ArticleSummary
from .pipeline import Pipeline
from .settings import Settings


def _as_source(article: str | Document, name: str | None, meta: dict[str, Any]) -> Source:
    if isinstance(article, Document):
        return Source(name=article.name or name or "<document>", document=article)
    if not isinstance(article, str):
        raise TypeError(f"article must be str or Document, not {type(article).__name__}")
    if not article.strip():
        raise IntakeError(name, "empty article text")
    return Source(name=name or "<text>", article=Article(text=article, name=name, **meta))


class AsyncSummarizer:
    """Async API. Share one instance between concurrent tasks; close it when done."""

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        settings = settings or Settings.load(**overrides)
        self._replay = None
        if settings.replay is not None:  # offline: recordings served on 127.0.0.1 (summarizer.replay)
            from .replay import ReplayServer

            self._replay = ReplayServer(settings, settings.replay)
            settings = self._replay.settings
        self.settings = settings
        try:
            self._pipeline = Pipeline(self.settings)
        except BaseException:
            self._close_replay()
            raise

    def _close_replay(self) -> None:
        if self._replay is not None:
            self._replay.close()
            self._replay = None

    async def summarize(self, article: str | Document, *, name: str | None = None, **meta: Any) -> ArticleSummary:
        """Summarize article text (or an intake ``Document``). ``meta``: title, published, source, url."""
        return await self._pipeline.run_source(_as_source(article, name, meta))

    async def summarize_file(self, path: str | Path) -> ArticleSummary:
        src = Source(name=str(path), article=read_article(path, max_bytes=self.settings.max_input_bytes))
        return await self._pipeline.run_source(src)

    @property
    def pipeline(self) -> Pipeline:
        return self._pipeline

    async def aclose(self) -> None:
        try:
            await self._pipeline.close()
        finally:
            self._close_replay()

    async def __aenter__(self) -> "AsyncSummarizer":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class Summarizer:
    """Blocking API over ``AsyncSummarizer``. Not for use inside a running event loop."""

    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._async = AsyncSummarizer(settings, **overrides)
        self.settings = self._async.settings

    def _run(self, coro: Any) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._loop.run_until_complete(coro)
        coro.close()
        raise RuntimeError("Summarizer is blocking; inside an event loop use AsyncSummarizer")

    def summarize(self, article: str | Document, *, name: str | None = None, **meta: Any) -> ArticleSummary:
        return self._run(self._async.summarize(article, name=name, **meta))

    def summarize_file(self, path: str | Path) -> ArticleSummary:
        return self._run(self._async.summarize_file(path))

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            self._loop.run_until_complete(self._async.aclose())
        else:  # closed from async code: drive our private loop from a helper thread
            import threading

            t = threading.Thread(target=self._loop.run_until_complete, args=(self._async.aclose(),))
            t.start()
            t.join()
        self._loop.close()

    def __enter__(self) -> "Summarizer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def summarize(article: str | Document, settings: Settings | None = None, **overrides: Any) -> ArticleSummary:
    """One call: build a Summarizer from ``settings``/overrides, summarize, close."""
    with Summarizer(settings, **overrides) as s:
        return s.summarize(article)
