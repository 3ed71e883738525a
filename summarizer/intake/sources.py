"""Reading inputs: paths, directories, globs; decoding bytes to text.

Minimal first version (core pipeline): UTF-8 text files, identity cleaning.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .document import Document, OffsetMap
from .errors import IntakeError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm", ".jsonl"}


@dataclass
class Source:
    """One article to read, or the reason it could not be read (batch keeps going)."""

    name: str
    document: Document | None = None
    error: IntakeError | None = None


def from_text(text: str, *, name: str | None = None, **meta: str | None) -> Document:
    if not text.strip():
        raise IntakeError(name, "empty article text")
    return Document(raw=text, text=text, offsets=OffsetMap.identity(len(text)), name=name, **meta)


def from_bytes(data: bytes, *, name: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    if len(data) > max_bytes:
        raise IntakeError(name, f"input is {len(data)} bytes, over the {max_bytes}-byte limit")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IntakeError(name, f"cannot decode as text ({exc.reason} at byte {exc.start})") from exc
    return from_text(text, name=name)


def read_path(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    p = Path(path)
    if not p.is_file():
        raise IntakeError(str(p), "no such file")
    return from_bytes(p.read_bytes(), name=str(p), max_bytes=max_bytes)


def _expand(inputs: list[str]) -> Iterator[Path]:
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in TEXT_SUFFIXES)
        elif any(ch in item for ch in "*?["):
            matches = sorted(glob.glob(item, recursive=True))
            yield from (Path(m) for m in matches if Path(m).is_file())
        else:
            yield p


def iter_sources(inputs: list[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Source]:
    """Yield one ``Source`` per article, lazily; unreadable inputs carry their error."""
    for path in _expand(inputs):
        try:
            yield Source(name=str(path), document=read_path(path, max_bytes=max_bytes))
        except IntakeError as exc:
            yield Source(name=str(path), error=exc)
