"""Settling a finished batch: every custom_id gets an answer entry, or goes to a follow-up batch.

* an output line with status 200 is parsed into the SDK's ``ChatCompletion`` and validated by
  ``LLMClient.finish`` with the very models and re-ask rules of the online path; its invalid
  items are re-asked ONLINE (the documented choice: a re-ask is a short follow-up turn that
  needs the first answer, and waiting up to another completion window for it would hold the
  whole article back);
* a per-request error (a non-200 response, an ``error`` object), or a request the batch never
  answered (expired, failed, cancelled), is resubmitted in a follow-up batch while
  ``resubmit_rounds`` allow (``failed="resubmit"``), else ends as an error entry whose reason
  is written to the article's errors-file line. Nothing is dropped.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from ..llm import CallStats, LLMError
from .answers import AnswerStore, stats_to_json
from .options import BatchApiOptions
from .state import Part, RunState, Workdir


@dataclass
class Settled:
    answered: int = 0
    failed: int = 0
    resubmitted: int = 0


def _reason(line: dict[str, Any]) -> str:
    """One line saying why the provider did not answer a request (from its error-file line)."""
    err = line.get("error") or {}
    if err:
        return f"{err.get('code') or 'error'}: {err.get('message') or ''}".strip()
    resp = line.get("response") or {}
    body = resp.get("body") or {}
    msg = (body.get("error") or {}).get("message") if isinstance(body, dict) else None
    return f"HTTP {resp.get('status_code')}" + (f": {msg}" if msg else "")


def _index(path: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    offset = 0
    with path.open("rb") as fh:
        for raw in fh:
            out[json.loads(raw)["custom_id"]] = offset
            offset += len(raw)
    return out


def _read_at(path: Any, offset: int) -> bytes:
    with path.open("rb") as fh:
        fh.seek(offset)
        return fh.readline()


def batch_stats(body: dict[str, Any]) -> tuple[CallStats, int, int]:
    """What the batch request itself cost, as the online path would count its first answer."""
    usage = body.get("usage") or {}
    p, c = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    stats = CallStats(requests=1, completions=1, prompt_tokens=p, completion_tokens=c)
    step = stats.step("extract")
    step.requests, step.prompt_tokens, step.completion_tokens = 1, p, c
    return stats, p, c


async def validate(client: Any, key: str, messages: list[dict[str, str]], body: dict[str, Any]) -> dict[str, Any]:
    """The answer entry for one batch answer (validated, invalid items re-asked online)."""
    stats, p, c = batch_stats(body)
    try:
        completion = ChatCompletion.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        return {"key": key, "ok": False, "stats": stats_to_json(stats),
                "error": f"the Batch API answer is not a chat completion ({where}: {first.get('msg', exc)})"}
    try:
        extraction, stats = await client.finish(messages, completion, stats)
    except LLMError as exc:
        return {"key": key, "ok": False, "error": str(exc), "stats": stats_to_json(exc.stats or stats)}
    return {
        "key": key, "ok": True,
        "entry": {"extraction": extraction.model_dump(mode="json"), "answer_text": stats.answer_text, "notes": list(stats.notes)},
        "stats": stats_to_json(stats), "batch": {"prompt_tokens": p, "completion_tokens": c},
    }


async def settle_part(
    part: Part,
    *,
    wd: Workdir,
    state: RunState,
    store: AnswerStore,
    client: Any,
    options: BatchApiOptions,
    concurrency: int,
    on_answer: Callable[[], None] | None = None,
) -> Settled:
    """Write an entry for each custom_id of ``part`` (or move it to a follow-up part)."""
    from .parts import PartWriter

    side_path = wd.input_path(part.name).with_name(f"{part.name}.messages.jsonl")
    side = _index(side_path)
    inputs = _index(wd.input_path(part.name))
    result = Settled()
    answered: set[str] = set()
    reasons: dict[str, str] = {}
    sem = asyncio.Semaphore(max(1, concurrency))
    tasks: set[asyncio.Task[None]] = set()

    async def one(key: str, body: dict[str, Any]) -> None:
        try:
            messages = json.loads(_read_at(side_path, side[key]))["messages"]
            store.add(await validate(client, key, messages, body))
            result.answered += 1
            if on_answer is not None:
                on_answer()
        finally:
            sem.release()

    out_path = wd.output_path(part.name)
    if out_path.exists():
        with out_path.open("rb") as fh:
            for raw in fh:
                if not raw.strip():
                    continue
                line = json.loads(raw)
                key = line.get("custom_id")
                resp = line.get("response") or {}
                if key not in side:
                    continue  # not ours (never expected; ignored rather than trusted)
                if resp.get("status_code") != 200 or not isinstance(resp.get("body"), dict):
                    reasons[key] = _reason(line)
                    continue
                answered.add(key)
                if key in store:
                    continue  # settled before a crash
                await sem.acquire()
                task = asyncio.create_task(one(key, resp["body"]))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.gather(*tasks)
    err_path = wd.errors_path(part.name)
    if err_path.exists():
        with err_path.open("rb") as fh:
            for raw in fh:
                if raw.strip():
                    line = json.loads(raw)
                    if line.get("custom_id") in side:
                        reasons[line["custom_id"]] = _reason(line)

    ended = f"batch {part.batch_id} status {part.status}" + (f" ({'; '.join(part.errors)})" if part.errors else "")
    unanswered = [k for k in side if k not in answered and k not in store]
    resubmit = options.failed == "resubmit" and part.round < options.resubmit_rounds
    writer = PartWriter(wd, state, options, part.round + 1) if resubmit and unanswered else None
    for key in unanswered:
        if writer is not None:
            writer.add(_read_at(wd.input_path(part.name), inputs[key]), _read_at(side_path, side[key]))
            result.resubmitted += 1
        else:
            why = reasons.get(key) or "no answer in the output or error file"
            after = f" after {part.round} follow-up batch(es)" if part.round else ""
            store.add({"key": key, "ok": False, "error": f"the provider's Batch API did not answer this request{after}: {why}; {ended}"})
            result.failed += 1
    if writer is not None:
        state.parts.extend(writer.finish())
    part.settled = True
    wd.save(state)
    return result
