"""Reading a results file (JSONL of ``ArticleSummary`` objects) for the report and the exports.

Readers of results must work on any results file, old or new, so records are kept as the plain
JSON objects they are (field names from ``summarizer.models`` / ``schemas/article_summary.schema.json``)
and every field is read with a default (``summarizer.report.record``): validating them against
today's ``ArticleSummary`` would reject files written before a required field existed and drop
fields added after this code was written.

A record is a JSON object whose ``article`` is an object with a string ``id``. A line that is
not one is skipped with a warning naming its line number. A whole file that holds no record
(a binary file, a CSV, an errors file) is an error. Also accepted: one pretty-printed JSON
object (what ``summarizer summarize -o x.json`` writes) or a JSON array of records.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

Record = dict[str, Any]
WarnFn = Callable[[str], None]

# a whole-document fallback parse (pretty-printed JSON) is only tried on files up to this size
_WHOLE_FILE_MAX = 256 * 1024 * 1024


class ResultsError(Exception):
    """A results file that cannot be read at all; ``str()`` is a one-line message naming it."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


def record_problem(obj: Any) -> str | None:
    """Why ``obj`` is not a results record, or None when it is one."""
    if not isinstance(obj, dict):
        return f"a JSON {type(obj).__name__}, not an object"
    article = obj.get("article")
    if not isinstance(article, dict) or not isinstance(article.get("id"), str):
        return "not an ArticleSummary record (no article.id)"
    return None


def _ignore(_: str) -> None:
    return None


def iter_records(source: str | Path | Iterable[Any], warn: WarnFn | None = None) -> Iterator[Record]:
    """Yield the records of a results file (or of an iterable of dicts / pydantic models).

    Bad lines are reported through ``warn`` and skipped. Raises ``ResultsError`` for a missing
    or unreadable file and for a file in which no line is a record.
    """
    warn = warn or _ignore
    if isinstance(source, (str, Path)):
        yield from _iter_file(Path(source), warn)
        return
    for n, item in enumerate(source, 1):
        obj = item.model_dump(mode="json") if hasattr(item, "model_dump") else item
        problem = record_problem(obj)
        if problem:
            warn(f"record {n}: {problem}; skipped")
            continue
        yield obj


def _iter_file(path: Path, warn: WarnFn) -> Iterator[Record]:
    name = str(path)
    if not path.exists():
        raise ResultsError(name, "no such file")
    if path.is_dir():
        raise ResultsError(name, "is a folder, not a results JSONL file")
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise ResultsError(name, f"cannot read ({exc.strerror})") from exc
    good = 0
    pending: list[tuple[int, str]] = []  # bad lines before the first record: reported once we know it is JSONL
    with fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8-sig" if n == 1 else "utf-8"))
            except UnicodeDecodeError:
                problem = "not UTF-8 text"
            except json.JSONDecodeError as exc:
                problem = f"not JSON ({exc.msg})"
            else:
                problem = record_problem(obj)
            if problem is None:
                for line_no, why in pending:
                    warn(f"{name} line {line_no}: {why}; skipped")
                pending.clear()
                good += 1
                yield obj
                continue
            if good:
                warn(f"{name} line {n}: {problem}; skipped")
            else:
                pending.append((n, problem))
    if good:
        return
    # no line was a record: maybe one pretty-printed JSON document (summarize -o x.json)
    whole = _whole_document(path)
    if whole is not None:
        yield from whole
        return
    if not pending:
        raise ResultsError(name, "is empty (no results)")
    first_line, first_problem = pending[0]
    raise ResultsError(
        name, f"not a results JSONL file (no line is an ArticleSummary record; line {first_line}: {first_problem})"
    )


def _whole_document(path: Path) -> list[Record] | None:
    try:
        if path.stat().st_size > _WHOLE_FILE_MAX:
            return None
        obj = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    items = obj if isinstance(obj, list) else [obj]
    if items and all(record_problem(x) is None for x in items):
        return items
    return None


def read_records(source: str | Path | Iterable[Any], warn: WarnFn | None = None) -> list[Record]:
    return list(iter_records(source, warn))
