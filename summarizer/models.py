"""The data contract: what the model is asked for, and what callers get back.

Two families of models live here:

* ``Extraction`` and its ``*Draft`` items: what the LLM must answer. Small and flat, each item
  carrying the verbatim ``quote`` it came from. Validated by instructor; invalid answers are
  re-asked.
* ``ArticleSummary`` and its items: what callers receive. Every item has an ``Evidence`` whose
  offsets point into the *raw* input, filled by grounding (``summarizer.grounding``).

``schemas/article_summary.schema.json`` is exported from ``ArticleSummary``; a test fails when
the two disagree (regenerate with ``summarizer schema -o schemas/article_summary.schema.json``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = "1.0"

Language = Literal["zh-Hans", "zh-Hant", "en", "mixed", "unknown"]
MatchKind = Literal["exact", "normalized", "fuzzy", "none"]
Comparator = Literal["exact", "at_least", "at_most", "about", "range"]
TargetKind = Literal["level", "growth_rate", "share", "count", "percentage_points"]
Strength = Literal["ensure", "strive", "aim", "none"]
TargetStatus = Literal["target", "achieved", "forecast"]


# --------------------------------------------------------------------------- LLM answer


class _Draft(BaseModel):
    model_config = ConfigDict(extra="ignore")

    quote: str = Field(
        description="A short passage copied character for character from the article that "
        "supports this item (original language and script, no paraphrase, no ellipsis)."
    )

    @field_validator("quote")
    @classmethod
    def _quote_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("quote must be a non-empty verbatim passage from the article")
        return v


class SpeakerDraft(_Draft):
    name: str = Field(description="Person's name exactly as written in the article.")
    title: str | None = Field(default=None, description="Title or position as written.")
    organization: str | None = Field(default=None, description="Organization, if stated.")


class GoalDraft(_Draft):
    statement: str = Field(description="The goal, briefly, in the output language.")
    horizon: str | None = Field(default=None, description="When it is due, e.g. '2023', '5-10 years'.")
    set_by: str | None = Field(default=None, description="Name of the speaker or body setting it.")


class TargetDraft(_Draft):
    metric: str = Field(description="What is measured, e.g. 'GDP growth', '招商总额'.")
    value_text: str = Field(description="The number exactly as written in the article, e.g. '220亿元', '6%'.")
    value: float | None = Field(default=None, description="The number as a plain number in base units (220亿 -> 22000000000).")
    value_high: float | None = Field(default=None, description="Upper bound when comparator is 'range'.")
    unit: str | None = Field(default=None, description="Unit as written: '元', '%', 'enterprises', '个'.")
    comparator: Comparator = "exact"
    kind: TargetKind = "level"
    period: str | None = Field(default=None, description="Target period or year as written: '今年', '2023', 'this year'.")
    baseline: Literal["yoy", "none"] | None = None
    strength: Strength | None = None
    status: TargetStatus = "target"


class InitiativeDraft(_Draft):
    name: str = Field(description="Name of the project, programme or action as written.")
    description: str | None = None
    owner: str | None = Field(default=None, description="Who runs it, if stated.")


class Extraction(BaseModel):
    """The structured answer the LLM must return for one article (or one chunk)."""

    model_config = ConfigDict(extra="ignore")

    title: str | None = Field(default=None, description="The article's headline, if it has one.")
    summary: str = Field(description="A short paragraph summarizing the article.")
    speakers: list[SpeakerDraft] = Field(default_factory=list)
    goals: list[GoalDraft] = Field(default_factory=list)
    targets: list[TargetDraft] = Field(default_factory=list)
    initiatives: list[InitiativeDraft] = Field(default_factory=list)

    @field_validator("summary")
    @classmethod
    def _summary_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("summary must not be empty")
        return v


# --------------------------------------------------------------------------- public output


class Evidence(BaseModel):
    """Where an item came from. Offsets are character offsets into the raw (decoded) input."""

    quote: str
    start: int | None = None
    end: int | None = None
    match: MatchKind = "none"
    score: float = 0.0


class Speaker(BaseModel):
    name: str
    title: str | None = None
    organization: str | None = None
    evidence: Evidence
    name_evidence: Evidence | None = Field(
        default=None,
        description="Where the name itself is written: inside the quote when it is, else its first mention.",
    )


class Goal(BaseModel):
    statement: str
    horizon: str | None = None
    set_by: str | None = None
    evidence: Evidence


class NumericTarget(BaseModel):
    metric: str
    value_text: str
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    scale: str | None = Field(default=None, description="Scale word as written: 万, 亿, billion ...")
    currency: str | None = None
    comparator: Comparator = "exact"
    kind: TargetKind = "level"
    period: str | None = None
    target_year: int | None = None
    baseline: Literal["yoy", "none"] | None = None
    strength: Strength | None = None
    status: TargetStatus = "target"
    verified: bool | None = Field(
        default=None,
        description="True when the number was found in or next to its evidence span; "
        "False means likely invented; None when not checked.",
    )
    evidence: Evidence


class Initiative(BaseModel):
    name: str
    description: str | None = None
    owner: str | None = None
    evidence: Evidence


class ArticleInfo(BaseModel):
    id: str = Field(description="Stable content hash of the raw input (sha256, 16 hex chars).")
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = Field(default=None, description="ISO date when the text states one.")
    language: Language = "unknown"
    input_name: str | None = Field(default=None, description="File name or caller-given id.")


class Usage(BaseModel):
    requests: int = 0
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Meta(BaseModel):
    engine: str = "summarizer"
    engine_version: str
    provider: str
    model: str
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    pipeline_version: str
    usage: Usage = Field(default_factory=Usage)
    cost_usd: float | None = None
    cached: bool = False
    duration_s: float = 0.0
    chunks: int = 1
    warnings: list[str] = Field(default_factory=list)
    candidates: list[str] = Field(
        default_factory=list,
        description="Numbers in target-like sentences that no returned target covers (recall hints).",
    )


class ArticleSummary(BaseModel):
    """One article's structured summary; the unit of the cache, the CLI and the HTTP API."""

    article: ArticleInfo
    summary: str
    speakers: list[Speaker] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    targets: list[NumericTarget] = Field(default_factory=list)
    initiatives: list[Initiative] = Field(default_factory=list)
    meta: Meta
