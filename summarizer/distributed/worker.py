"""The Ray Data worker: one ``Pipeline`` per actor, summarizing a batch of rows concurrently.

A row is an article in the JSONL input format (``id``, ``text`` or ``html``, ``title``,
``date``/``published``, ``source``, ``url``), or, as the CLI sends it, ``name`` plus
``article``: the JSON of the ``intake.Article`` the driver decoded, so a record made on the
cluster is byte for byte the one the local engine makes from the same file. Each row comes
back as one output row: the record's JSON (``ok``) or the reason it failed (the reason the
local engine writes to its errors file). A failure of one article never fails the batch.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from ..batch import _reason
from ..intake import Article, IntakeError, Source
from ..intake.sources import _article_from_json
from ..limits import Limiter
from ..pipeline import Pipeline
from ..settings import Settings

OUTPUT_COLUMNS = ("input_name", "id", "ok", "record", "error", "requests", "reasks", "prompt_tokens",
                  "completion_tokens", "cached", "cost_usd")


def row_source(row: dict[str, Any], max_bytes: int) -> Source:
    """The ``Source`` a dataset row stands for (an unreadable row carries its error)."""
    packed = row.get("article")
    name = str(row.get("name") or row.get("id") or "")
    if isinstance(packed, str) and packed:
        fields = json.loads(packed)
        fields["notes"] = tuple(fields.get("notes") or ())
        return Source(name=name or "<row>", article=Article(**fields))
    if not name:
        return Source(name="<row>", error=IntakeError("<row>", "a dataset row needs an 'id' (or 'name') column"))
    try:
        name, article = _article_from_json({k: v for k, v in row.items() if v is not None}, name, max_bytes)
    except IntakeError as exc:
        return Source(name=name, error=exc)
    return Source(name=name, article=article)


def pack_article(article: Article) -> str:
    """What the driver sends for one input (the inverse of ``row_source``)."""
    return json.dumps({
        "text": article.text, "name": article.name, "title": article.title, "published": article.published,
        "source": article.source, "url": article.url, "html": article.html, "encoding": article.encoding,
        "notes": list(article.notes),
    }, ensure_ascii=False)


def _rows(batch: dict[str, Any]) -> list[dict[str, Any]]:
    cols = list(batch)
    n = len(batch[cols[0]]) if cols else 0
    return [{c: _plain(batch[c][i]) for c in cols} for i in range(n)]


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") and not isinstance(v, (str, bytes)) else v


class SummarizeBatch:
    """Callable class for ``Dataset.map_batches``: an actor holds it (and its Pipeline) for life."""

    def __init__(self, settings: Settings, budget: Any = None, concurrency: int | None = None) -> None:
        self.settings = settings
        self.concurrency = concurrency or settings.concurrency
        self.loop = asyncio.new_event_loop()  # the client's connections live on one loop for the actor's life
        self.pipeline = Pipeline(settings)
        # the openai SDK imports its resources on first use (~1 s): done now, not between the
        # budget's grant and the first send (that delay would bunch this actor's first requests)
        import openai.resources.chat  # noqa: F401

        if budget is not None:
            from .budget import BudgetObserver

            BudgetObserver(budget, send_messages=settings.tpm_limit is not None).install(self.pipeline.client)
        elif not settings.profile.in_process:
            # no shared budget: this actor still backs off on 429s and shares its Retry-After pauses
            self.pipeline.client.observer = Limiter(self.concurrency, completion_estimate=min(settings.max_tokens, 1024))

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        rows = self.loop.run_until_complete(self._all(_rows(batch)))
        return {c: [r[c] for r in rows] for c in OUTPUT_COLUMNS}

    async def _all(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        sem = asyncio.Semaphore(self.concurrency)

        async def one(row: dict[str, Any]) -> dict[str, Any]:
            async with sem:
                return await self._one(row)

        return list(await asyncio.gather(*(one(r) for r in rows)))

    async def _one(self, row: dict[str, Any]) -> dict[str, Any]:
        src = row_source(row, self.settings.max_input_bytes)
        out: dict[str, Any] = {c: None for c in OUTPUT_COLUMNS}
        out.update(input_name=src.name, id=None, ok=False, record="", error="", requests=0, reasks=0,
                   prompt_tokens=0, completion_tokens=0, cached=False)
        try:
            out["id"] = src.id
            if src.error is not None:
                raise src.error
            summary = await self.pipeline.run_source(src)
        except Exception as exc:  # noqa: BLE001 - as in the local engine: one article's failure is its error line
            out["error"] = _reason(exc)
            stats = getattr(exc, "stats", None)
            if stats is not None:
                u = stats.usage()
                out.update(requests=u.requests, reasks=u.reasks, prompt_tokens=u.prompt_tokens, completion_tokens=u.completion_tokens)
            return out
        u = summary.meta.usage
        out.update(ok=True, record=summary.model_dump_json(), id=summary.article.id, requests=u.requests, reasks=u.reasks,
                   prompt_tokens=u.prompt_tokens, completion_tokens=u.completion_tokens, cached=summary.meta.cached,
                   cost_usd=summary.meta.cost_usd)
        return out

    def __del__(self) -> None:
        try:
            self.loop.run_until_complete(self.pipeline.close())
        except Exception:  # noqa: BLE001 - closing at interpreter exit is best effort
            pass
