"""Planning every article locally and writing the Batch API input files ("parts").

Intake and prompts run here, exactly as the online path runs them (``Pipeline.plan``); only the
requests whose answer is not already known go into a part: not in the answer cache, not
answered earlier in this run (``answers.jsonl``), not waiting in a batch of this run. Two
articles sharing a chunk share one request (``custom_id`` = the answer cache key). A part is
closed when the next request would pass the provider's per-batch request or size limit.

Each part is two files written side by side, line for line:

* ``part-NNNN.input.jsonl``: what is uploaded, OpenAI's input format only;
* ``part-NNNN.messages.jsonl``: custom_id -> input name, chunk index and the planned messages
  (the prompt before shaping: an answer is validated, and re-asked, against those).

Articles that cannot be read or planned are left alone here: the records pass (the batch
engine) meets the same error and writes it to the errors file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ..batch import done_key
from ..cache import ResultCache
from ..intake import Source
from ..pipeline import Pipeline
from .answers import AnswerStore
from .options import BatchApiOptions
from .state import Part, RunState, Workdir

ENDPOINT = "/v1/chat/completions"


@dataclass
class Planned:
    """What planning found (this invocation)."""

    articles: int = 0  # articles planned
    already_done: int = 0  # in the results file already (resume)
    unplannable: int = 0  # unreadable or over a cap: they end in the errors file later
    requests: int = 0  # chunks planned, shared ones counted once
    cached: int = 0  # answered by the answer cache
    known: int = 0  # answered or waiting in this run already
    new: int = 0  # written to new parts
    too_large: int = 0  # one request over the per-batch size limit: cannot be sent as a batch
    parts: list[Part] = field(default_factory=list)


class PartWriter:
    """Writes request lines into parts of at most ``max_requests`` lines and ``max_bytes``."""

    def __init__(self, wd: Workdir, state: RunState, options: BatchApiOptions, round_: int = 0) -> None:
        self.wd, self.state, self.options, self.round = wd, state, options, round_
        self.parts: list[Part] = []
        self._inp: BinaryIO | None = None
        self._side: BinaryIO | None = None
        self._name = ""
        self._count = 0
        self._bytes = 0

    def fits(self, line: bytes) -> bool:
        return len(line) <= self.options.max_bytes_per_batch

    def add(self, line: bytes, side: bytes) -> None:
        if self._inp is not None and (
            self._count + 1 > self.options.max_requests_per_batch or self._bytes + len(line) > self.options.max_bytes_per_batch
        ):
            self._close()
        if self._inp is None:
            self._name = f"part-{len(self.state.parts) + len(self.parts):04d}"
            self._inp = self.wd.input_path(self._name).open("wb")
            self._side = self.wd.input_path(self._name).with_name(f"{self._name}.messages.jsonl").open("wb")
            self._count = self._bytes = 0
        assert self._side is not None
        self._inp.write(line)
        self._side.write(side)
        self._count += 1
        self._bytes += len(line)

    def _close(self) -> None:
        if self._inp is None or self._side is None:
            return
        for fh in (self._inp, self._side):
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
        self.parts.append(Part(name=self._name, round=self.round, requests=self._count, bytes=self._bytes))
        self._inp = self._side = None

    def finish(self) -> list[Part]:
        self._close()
        return self.parts


def request_line(custom_id: str, body: dict[str, Any]) -> bytes:
    item = {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def side_line(custom_id: str, name: str, chunk: int, messages: list[dict[str, str]]) -> bytes:
    item = {"custom_id": custom_id, "input": name, "chunk": chunk, "messages": messages}
    return json.dumps(item, ensure_ascii=False).encode("utf-8", "backslashreplace") + b"\n"


def pending_keys(wd: Workdir, state: RunState) -> set[str]:
    """custom_ids waiting in parts of this run that are not settled yet."""
    keys: set[str] = set()
    for part in state.unsettled:
        with wd.input_path(part.name).with_name(f"{part.name}.messages.jsonl").open("rb") as fh:
            for raw in fh:
                keys.add(json.loads(raw)["custom_id"])
    return keys


def plan_requests(
    pipeline: Pipeline,
    sources: Iterable[Source],
    wd: Workdir,
    state: RunState,
    options: BatchApiOptions,
    store: AnswerStore,
    *,
    done: set[int],
    on_article: Any = None,
) -> Planned:
    """Plan every article; write the requests no answer exists for into new parts of ``state``."""
    cache: ResultCache | None = pipeline.cache
    known = pending_keys(wd, state)
    known.update(k for k in store.keys() if store.ok(k))
    seen: set[str] = set()
    out = Planned()
    writer = PartWriter(wd, state, options)
    for src in sources:
        if on_article is not None:
            on_article(src.name)
        if src.error is not None:
            out.unplannable += 1
            continue
        if done and src.id is not None and done_key(src.name, src.id) in done:
            out.already_done += 1
            continue
        try:
            plan = pipeline.plan(src.load())
        except Exception:  # noqa: BLE001 - the records pass meets it again and writes the reason
            out.unplannable += 1
            continue
        out.articles += 1
        for request in plan.requests:
            key = request.key
            if key in seen:
                continue
            seen.add(key)
            out.requests += 1
            if key in known:
                out.known += 1
            elif cache is not None and cache.get(key) is not None:
                out.cached += 1
            else:
                line = request_line(key, pipeline.client.request_body(request.messages))
                if not writer.fits(line):
                    out.too_large += 1  # answered online by the records pass (noted in the report)
                    continue
                writer.add(line, side_line(key, src.name, request.context.index, request.messages))
                out.new += 1
    out.parts = writer.finish()
    state.parts.extend(out.parts)
    return out
