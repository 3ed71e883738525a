"""Validated Batch API answers on disk, and their hand-over to the pipeline.

``AnswerStore`` appends one line per custom_id to ``answers.jsonl`` (one ``write(2)`` each,
whole lines only) and keeps an index ``custom_id -> offset`` in memory (~100 bytes a key), so
tens of thousands of answers cost no more memory than their keys. The last line of a key wins.

``PrefilledAnswers`` is the read-only ``Mapping`` given to ``Pipeline(prefilled=...)``: reading
a key builds the entry ``Pipeline.answer`` expects (``extraction``, ``answer_text``, ``notes``,
``stats``). A request the Batch API could not answer is in the mapping too, and reading it
raises ``BatchRequestFailed`` (an ``LLMError``): its article ends in the errors file with the
provider's reason, the way an online failure does, instead of being asked online behind the
user's back. The first article handed an answer is billed its ``stats``; an article sharing
the same chunk later gets it free, as an answer-cache hit would be.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..llm import CallStats, LLMError
from ..models import StepUsage


class BatchRequestFailed(LLMError):
    """The provider's Batch API did not answer this request (the reason says why)."""


def stats_to_json(s: CallStats) -> dict[str, Any]:
    return {
        "requests": s.requests, "completions": s.completions, "prompt_tokens": s.prompt_tokens,
        "completion_tokens": s.completion_tokens, "transport_retries": s.transport_retries, "reasks": s.reasks,
        "reasks_unchanged": s.reasks_unchanged, "errors": list(s.errors), "notes": list(s.notes),
        "answer_text": s.answer_text, "steps": {k: v.model_dump() for k, v in s.steps.items()},
    }


def stats_from_json(d: Mapping[str, Any]) -> CallStats:
    s = CallStats(
        requests=d.get("requests", 0), completions=d.get("completions", 0), prompt_tokens=d.get("prompt_tokens", 0),
        completion_tokens=d.get("completion_tokens", 0), transport_retries=d.get("transport_retries", 0),
        reasks=d.get("reasks", 0), reasks_unchanged=d.get("reasks_unchanged", 0), errors=list(d.get("errors") or []),
        notes=list(d.get("notes") or []), answer_text=d.get("answer_text"),
    )
    s.steps = {k: StepUsage.model_validate(v) for k, v in (d.get("steps") or {}).items()}
    return s


class AnswerStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._index: dict[str, tuple[int, bool]] = {}  # key -> (offset, ok)
        self._fh = None
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        with self.path.open("r+b") as fh:
            offset = 0
            for raw in fh:
                if not raw.endswith(b"\n"):  # torn by a crash: cut it, it will be redone
                    fh.truncate(offset)
                    break
                try:
                    item = json.loads(raw)
                    self._index[item["key"]] = (offset, bool(item["ok"]))
                except (ValueError, KeyError, TypeError):
                    pass
                offset += len(raw)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def ok(self, key: str) -> bool:
        return self._index.get(key, (0, False))[1]

    def keys(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def counts(self) -> tuple[int, int]:
        ok = sum(1 for _, good in self._index.values() if good)
        return ok, len(self._index) - ok

    def add(self, item: dict[str, Any]) -> None:
        line = json.dumps(item, ensure_ascii=False).encode("utf-8", "backslashreplace") + b"\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            offset = os.fstat(fd).st_size
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        self._index[item["key"]] = (offset, bool(item["ok"]))

    def get(self, key: str) -> dict[str, Any]:
        offset, _ = self._index[key]
        with self.path.open("rb") as fh:
            fh.seek(offset)
            return json.loads(fh.readline())

    def drop_failures(self) -> int:
        """Forget the requests that ended without an answer (a resumed run retries them)."""
        failed = [k for k, (_, good) in self._index.items() if not good]
        if not failed:
            return 0
        keep = [self.get(k) for k, (_, good) in self._index.items() if good]
        tmp = self.path.with_name(self.path.name + ".tmp")
        with tmp.open("wb") as fh:
            for item in keep:
                fh.write(json.dumps(item, ensure_ascii=False).encode("utf-8", "backslashreplace") + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        self._index.clear()
        self._load()
        return len(failed)


class PrefilledAnswers(Mapping[str, Mapping[str, Any]]):
    """``answers.jsonl`` as ``Pipeline(prefilled=...)``; counts the batch tokens it hands out."""

    def __init__(self, store: AnswerStore) -> None:
        self.store = store
        self._billed: set[str] = set()

    def __contains__(self, key: object) -> bool:
        return key in self.store

    def __iter__(self) -> Iterator[str]:
        return self.store.keys()

    def __len__(self) -> int:
        return len(self.store)

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        item = self.store.get(key)
        first = key not in self._billed
        self._billed.add(key)
        stats = stats_from_json(item["stats"]) if first and item.get("stats") else None
        if not item["ok"]:
            raise BatchRequestFailed(item["error"], stats)
        entry = dict(item["entry"])
        entry["stats"] = stats
        return entry

    def batch_usage(self, key: str) -> tuple[int, int]:
        """(prompt, completion) tokens of the batch request itself (billed at the batch price)."""
        usage = self.store.get(key).get("batch") or {}
        return int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))
