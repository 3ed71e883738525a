"""Reading what a run produced: the results JSONL (one ``ArticleSummary`` per line) and its errors file.

Results are validated with the public ``ArticleSummary`` model, so any results file the schema
accepts can be scored, old ones included. Fields newer than the installed model (e.g. a target's
``verification``) are kept from the raw line in :class:`Prediction` so the scorer can use them.

Articles are keyed by the name they were summarized under (``article.input_name``: a file path,
or the ``id`` of a JSONL input line); :func:`name_candidates` lists the spellings a gold ``name``
may take (the whole name, its base name, its file stem).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from pydantic import ValidationError

from ..models import ArticleSummary


class ResultsError(ValueError):
    """A results or errors file that cannot be read; the message names the file, line and problem."""


@dataclass
class Prediction:
    """One result record, plus each target's ``verification`` as the record states it.

    ``None`` where the record has no such field (results written before it existed): the scorer
    then falls back on ``verified``. Kept apart because the model fills in a default.
    """

    summary: ArticleSummary
    target_verification: list[str | None] = field(default_factory=list)

    @property
    def name(self) -> str | None:
        return self.summary.article.input_name


@dataclass(frozen=True)
class Failure:
    input: str
    error: str


def name_candidates(name: str | None) -> list[str]:
    """Spellings to look a gold ``name`` up by: the name as given, its base name, its stem."""
    if not name:
        return []
    pure = PurePath(name.replace("\\", "/"))
    out: list[str] = []
    for c in (name, pure.name, pure.stem):
        if c and c not in out:
            out.append(c)
    return out


def to_prediction(record: Prediction | ArticleSummary | dict[str, Any], where: str = "<result>") -> Prediction:
    if isinstance(record, Prediction):
        return record
    if isinstance(record, ArticleSummary):
        # a field left at its default was not set by whoever built the record
        raw_targets: list[Any] = [t.model_dump(exclude_unset=True) for t in record.targets]
        summary = record
    elif isinstance(record, dict):
        try:
            summary = ArticleSummary.model_validate(record)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(p) for p in err["loc"])
            raise ResultsError(f"{where}: not an ArticleSummary ({loc}: {err['msg']})") from None
        raw_targets = record.get("targets") or []
    else:
        raise ResultsError(f"{where}: not an ArticleSummary (got {type(record).__name__})")
    verification = [
        (t.get("verification") if isinstance(t, dict) else None) for t in raw_targets
    ]
    return Prediction(summary=summary, target_verification=verification)


def _jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    try:
        fh = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ResultsError(f"{path}: is a folder, expected a JSONL file") from None
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read ({exc.strerror})") from None
    with fh:
        try:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield n, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ResultsError(f"{path}: line {n} is not JSON ({exc.msg}); expected JSONL") from None
        except UnicodeDecodeError:
            raise ResultsError(f"{path}: not UTF-8 text") from None


def read_results(path: str | Path) -> list[Prediction]:
    """Every record of a results JSONL file; the first bad line is a :class:`ResultsError`."""
    path = Path(path)
    out = []
    for n, obj in _jsonl(path):
        if not isinstance(obj, dict):
            raise ResultsError(f"{path}: line {n} is not an ArticleSummary (a JSON {type(obj).__name__})")
        out.append(to_prediction(obj, f"{path}: line {n}"))
    return out


def read_errors(path: str | Path) -> list[Failure]:
    """Lines ``{"input": name, "error": reason}`` of a batch errors file."""
    path = Path(path)
    out = []
    for n, obj in _jsonl(path):
        if not isinstance(obj, dict) or not isinstance(obj.get("input"), str):
            raise ResultsError(f"{path}: line {n} is not an errors line ({{\"input\": name, \"error\": reason}})")
        out.append(Failure(obj["input"], str(obj.get("error", ""))))
    return out


def default_errors_path(results: Path) -> Path:
    """Where ``summarizer batch -o RESULTS`` writes failures by default."""
    return results.with_name(results.stem + ".errors.jsonl")


def load_predictions(results: str | Path | Iterable[Any]) -> list[Prediction]:
    if isinstance(results, (str, Path)):
        return read_results(results)
    return [to_prediction(r, f"result {i}") for i, r in enumerate(results, 1)]


def load_failures(errors: str | Path | Iterable[Any] | None) -> list[Failure]:
    if errors is None:
        return []
    if isinstance(errors, (str, Path)):
        return read_errors(errors)
    out = []
    for e in errors:
        if isinstance(e, Failure):
            out.append(e)
        elif isinstance(e, dict) and isinstance(e.get("input"), str):
            out.append(Failure(e["input"], str(e.get("error", ""))))
        else:
            raise ResultsError(f"errors: {e!r} is not an errors line ({{\"input\": name, \"error\": reason}})")
    return out
