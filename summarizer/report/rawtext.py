"""Where the report gets each article's raw text (the text evidence offsets point into).

In order:

1. ``article.raw_text`` in the record (written by ``summarizer batch --keep-text``);
2. the original inputs given with ``--inputs`` (files, folders, globs, JSONL), re-read with the
   project's own intake decoding (``summarizer.intake.iter_sources``) so the text is
   character-for-character the one that was summarized. A source is matched to a record by
   ``article.id``, a hash of that text: an input edited since the batch ran has another id and
   is never used to highlight (stale offsets would mark the wrong words); it is reported as
   changed instead;
3. otherwise the article is shown with its items, without highlighting, and a note saying how
   to get the text.

Sources are read once, keeping only the texts of articles in the report (memory: the raw text
of the reported articles).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

# inputs are read up to this size: the batch's cap is configurable (max_input_bytes), and an
# article it accepted must not be refused here
INPUT_MAX_BYTES = 256 * 1024 * 1024

NO_TEXT_NOTE = (
    "The raw text of this article is not in the results file, so its evidence cannot be highlighted. "
    "Run the batch with --keep-text, or build the report with --inputs PATH (the files or JSONL the batch read)."
)


@dataclass(frozen=True)
class RawText:
    text: str | None
    origin: str  # "results" | "inputs" | "missing" | "changed"
    note: str | None = None


def content_id(text: str) -> str:
    """The id intake gives an article (sha256 of its decoded text, 16 hex chars)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _name_key(name: str) -> str:
    """A file name made comparable however it was spelled (relative or absolute)."""
    try:
        return str(Path(name).resolve())
    except (OSError, ValueError, RuntimeError):
        return name


class RawTextResolver:
    """Looks up raw texts in the given inputs for the ids (and input names) a report needs."""

    def __init__(self, inputs: Iterable[str] | None, wanted_ids: set[str], warn: Callable[[str], None] | None = None) -> None:
        self._texts: dict[str, str] = {}
        self._names: set[str] = set()  # source names, for "changed since the batch" notes
        self.inputs = [str(p) for p in inputs or ()]
        if self.inputs:
            self._scan(wanted_ids, warn or (lambda _m: None))

    def _scan(self, wanted: set[str], warn: Callable[[str], None]) -> None:
        from ..intake import iter_sources  # the same decoding the batch used

        for src in iter_sources(self.inputs, lazy=True, max_bytes=INPUT_MAX_BYTES):
            if src.error is not None or src.article is None:
                warn(f"--inputs: {src.error or src.name}")
                continue
            ident = src.id
            if ident is None:
                continue
            self._names.add(src.name)
            self._names.add(_name_key(src.name))
            if ident in wanted and ident not in self._texts:
                self._texts[ident] = src.article.text

    def resolve(self, article: dict) -> RawText:
        ident = article.get("id")
        raw = article.get("raw_text")
        if isinstance(raw, str):
            return RawText(raw, "results")
        if isinstance(ident, str) and ident in self._texts:
            return RawText(self._texts[ident], "inputs")
        name = article.get("input_name")
        if self.inputs and isinstance(name, str) and (name in self._names or _name_key(name) in self._names):
            return RawText(
                None, "changed",
                f"The input {name} has changed since the batch ran (its content hash is no longer {ident}), "
                "so its evidence offsets no longer apply; it is shown without highlighting.",
            )
        return RawText(None, "missing", NO_TEXT_NOTE)
