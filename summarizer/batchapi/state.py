"""The run's state beside the results file: ``<results>.batchapi/``.

    state.json            run id, settings fingerprint, one entry per batch ("part"): its
                          file id, batch id, status, counts, output/error file ids
    mapping.jsonl         custom_id (= answer cache key) -> input name and chunk
    part-NNNN.input.jsonl the exact input file uploaded for that part (the request bodies)
    part-NNNN.output.jsonl / .errors.jsonl   the provider's output and error files, downloaded
    answers.jsonl         each custom_id's validated answer (or why it has none), appended

``state.json`` is replaced atomically (write, fsync, rename) after every step that talks to
the provider, and every remote call that creates something is recorded *before* it is made
(``stage`` "uploading" / "creating"): a process killed at any instant (``kill -9`` included)
leaves a state from which ``--resume`` finds the file or batch it may have created (by its
file name, by the batch's metadata) instead of uploading or paying twice.

One process owns a run: an exclusive ``flock`` on ``lock`` (released by the kernel on exit).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..batch import OutputLocked

STATE_VERSION = 1
Stage = Literal["written", "uploading", "uploaded", "creating", "submitted"]


class Part(BaseModel):
    """One batch: one uploaded input file."""

    name: str
    round: int = 0  # 0: first submission; n: the n-th follow-up batch for unanswered requests
    requests: int
    bytes: int
    stage: Stage = "written"
    file_id: str | None = None
    batch_id: str | None = None
    status: str | None = None  # the provider's batch status
    counts: dict[str, int] = Field(default_factory=dict)
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: list[str] = Field(default_factory=list)  # batch-level errors (a failed batch)
    downloaded: bool = False  # terminal, and its output/error files are in the folder
    settled: bool = False  # every custom_id has an answer entry, or moved to a follow-up part

    @property
    def active(self) -> bool:
        return self.batch_id is not None and not self.downloaded


class RunState(BaseModel):
    version: int = STATE_VERSION
    run_id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    created_at: float = Field(default_factory=time.time)
    fingerprint: dict[str, Any] = Field(default_factory=dict)
    parts: list[Part] = Field(default_factory=list)
    finished: bool = False  # the records were written (every article in results or errors)

    @property
    def unsettled(self) -> list[Part]:
        return [p for p in self.parts if not p.settled]

    def next_name(self) -> str:
        return f"part-{len(self.parts):04d}"


class Workdir:
    """The folder of one results file's Batch API run."""

    def __init__(self, results: Path) -> None:
        self.results = results
        self.dir = results.with_name(results.name + ".batchapi")
        self._lock_fd: int | None = None

    @property
    def state_path(self) -> Path:
        return self.dir / "state.json"

    @property
    def answers_path(self) -> Path:
        return self.dir / "answers.jsonl"

    @property
    def mapping_path(self) -> Path:
        return self.dir / "mapping.jsonl"

    def input_path(self, part: str) -> Path:
        return self.dir / f"{part}.input.jsonl"

    def output_path(self, part: str) -> Path:
        return self.dir / f"{part}.output.jsonl"

    def errors_path(self, part: str) -> Path:
        return self.dir / f"{part}.errors.jsonl"

    def upload_name(self, state: RunState, part: Part) -> str:
        """The file name the provider keeps: finds an upload made just before a crash."""
        return f"summarizer-{state.run_id}-{part.name}.jsonl"

    # ------------------------------------------------------------------ state

    def load(self) -> RunState | None:
        try:
            raw = self.state_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            state = RunState.model_validate_json(raw)
        except ValueError as exc:
            raise ValueError(f"{self.state_path}: unreadable Batch API state ({exc.__class__.__name__}); "
                             f"delete {self.dir} to start afresh (pending batches would then be paid again)") from None
        if state.version != STATE_VERSION:
            raise ValueError(f"{self.state_path}: state version {state.version} is not {STATE_VERSION}")
        return state

    def save(self, state: RunState) -> None:
        write_atomic(self.state_path, state.model_dump_json(indent=1).encode("utf-8"))

    # ------------------------------------------------------------------ ownership

    def lock(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.dir / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputLocked(self.results) from None
        except OSError:
            pass  # no flock on this file system: go on unguarded
        self._lock_fd = fd

    def unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def reset(self) -> None:
        """Start afresh: remove everything but the lock we hold."""
        for child in self.dir.iterdir():
            if child.name == "lock":
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    try:
        dfd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def read_lines(path: Path) -> list[dict[str, Any]]:
    """The whole JSON lines of a file we wrote (a torn last line is ignored)."""
    if not path.exists():
        return []
    out = []
    with path.open("rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break
            try:
                out.append(json.loads(raw))
            except ValueError:
                continue
    return out
