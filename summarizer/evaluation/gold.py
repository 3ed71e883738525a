"""Reading gold annotations in the ``summarizer-gold/1`` format (a file, or a folder of them).

A gold file is ``{"format": "summarizer-gold/1", "origin": ..., "articles": [...]}``; a folder
holds ``*.gold.json`` files of that shape and its articles are merged (the dev set keeps one file
per article). The format is documented for users in ``fixtures/gold/README.md``.

Readers are lenient where the format allows two spellings and strict everywhere else:

* ``non_target_numbers`` items may be plain strings (the seeds' original annotation); a string's
  value is read with the project's number scanner when it states exactly one quantity, else it
  stays ``None`` (it then can never be matched as a non-target);
* speakers may be objects (``{"name": ...}``) or plain name strings;
* unknown keys are ignored, so newer gold files still load; a wrong ``format``, a missing
  ``name`` or a duplicate article name is a :class:`GoldError` with a one-line message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..models import Comparator

FORMAT = "summarizer-gold/1"


class GoldError(ValueError):
    """A gold file or folder that cannot be used; the message names the input and the problem."""


class _Gold(BaseModel):
    model_config = ConfigDict(extra="ignore")


class GoldSpeaker(_Gold):
    name: str = Field(min_length=1)
    title: str | None = None
    organization: str | None = None


class GoldTarget(_Gold):
    text: str | None = None
    value: float
    value_high: float | None = None
    unit: str | None = None
    comparator: Comparator | None = None  # None: not annotated, left out of comparator accuracy
    kind: str | None = None
    period: str | None = None
    strength: str | None = None
    baseline: str | None = None


class GoldNumber(_Gold):
    """A number in the article that is NOT a target (achieved fact, date, label, ...)."""

    text: str
    value: float | None = None
    value_high: float | None = None
    why: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            value, high = _read_number(data)
            return {"text": data, "value": value, "value_high": high}
        return data


class GoldArticle(_Gold):
    name: str = Field(min_length=1)
    input: str | None = None
    language: str | None = None
    pinyin: bool = False
    date: str | None = None
    speakers: list[GoldSpeaker] = Field(default_factory=list)
    not_speakers: list[str] = Field(default_factory=list)
    targets: list[GoldTarget] = Field(default_factory=list)
    non_target_numbers: list[GoldNumber] = Field(default_factory=list)
    initiatives: list[str] = Field(default_factory=list)
    junk_lines: list[str] = Field(default_factory=list)

    @field_validator("speakers", mode="before")
    @classmethod
    def _speaker_strings(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"name": s} if isinstance(s, str) else s for s in v]
        return v


class GoldSet(_Gold):
    """Gold articles merged from one or more files; ``sources`` lists the files read."""

    format: str = FORMAT
    origin: str | None = None
    articles: list[GoldArticle] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)

    def by_name(self) -> dict[str, GoldArticle]:
        return {a.name: a for a in self.articles}


def _read_number(text: str) -> tuple[float | None, float | None]:
    from ..grounding.numbers import scan

    found = [m for m in scan(text) if m.kind == "number"]
    if len(found) != 1:
        return None, None
    return found[0].value, found[0].value_high


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]


def parse_gold(data: Any, source: str = "<gold>") -> GoldSet:
    """Validate one loaded gold document (the parsed JSON of a gold file)."""
    if isinstance(data, list):
        raise GoldError(f"{source}: not a {FORMAT} file (a JSON list; expected an object with \"format\": \"{FORMAT}\")")
    if not isinstance(data, dict):
        raise GoldError(f"{source}: not a {FORMAT} file (expected a JSON object)")
    fmt = data.get("format")
    if fmt != FORMAT:
        raise GoldError(f"{source}: not a {FORMAT} file (format is {fmt!r})")
    try:
        gold = GoldSet.model_validate(data)
    except ValidationError as exc:
        raise GoldError(f"{source}: invalid gold: {_first_error(exc)}") from None
    gold.sources = [source]
    _check_unique(gold.articles, source)
    return gold


def _check_unique(articles: list[GoldArticle], source: str) -> None:
    seen: set[str] = set()
    for a in articles:
        if a.name in seen:
            raise GoldError(f"{source}: article name {a.name!r} appears twice")
        seen.add(a.name)


def _read_file(path: Path) -> GoldSet:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GoldError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise GoldError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path}: not JSON ({exc.msg}, line {exc.lineno})") from None
    return parse_gold(data, str(path))


def load_gold(gold: str | Path | GoldSet | dict[str, Any]) -> GoldSet:
    """A gold set from a file, a folder of ``*.gold.json``, a parsed document or a ``GoldSet``."""
    if isinstance(gold, GoldSet):
        return gold
    if isinstance(gold, dict):
        return parse_gold(gold)
    path = Path(gold)
    if path.is_dir():
        files = sorted(path.glob("*.gold.json"))
        if not files:
            raise GoldError(f"{path}: folder holds no *.gold.json files")
        parts = [_read_file(f) for f in files]
        origins = sorted({p.origin for p in parts if p.origin})
        merged = GoldSet(
            origin="; ".join(origins) or None,
            articles=[a for p in parts for a in p.articles],
            sources=[str(f) for f in files],
        )
        _check_unique(merged.articles, str(path))
        return merged
    if not path.exists():
        raise GoldError(f"{path}: no such file or folder")
    return _read_file(path)
