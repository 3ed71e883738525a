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

import functools
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = "1.1"

Language = Literal["zh-Hans", "zh-Hant", "en", "mixed", "unknown"]
MatchKind = Literal["exact", "normalized", "fuzzy", "none"]
Comparator = Literal["exact", "at_least", "at_most", "about", "range"]
TargetKind = Literal["level", "growth_rate", "share", "count", "percentage_points"]
Strength = Literal["ensure", "strive", "aim", "none"]
TargetStatus = Literal["target", "achieved", "forecast"]
# verified: the number is at its evidence; misplaced: the number is in the article but not at the
# quote the model gave (evidence re-grounded to where it is); not_in_article: likely invented;
# unchecked: no number could be read from the target.
Verification = Literal["verified", "misplaced", "not_in_article", "unchecked"]


# --------------------------------------------------------------------------- LLM answer


def is_blank(text: str) -> bool:
    """Text a draft reads as "not stated" ("", "null", "none", "n/a"): a required field given it
    fails validation, so whoever builds drafts from article text checks it first."""
    return text.strip().lower() in ("", "null", "none", "n/a")


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

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, v: Any) -> Any:
        # models write "" or "null" for "not stated"; optional fields take None, required ones
        # then fail with "field required"-style errors that name the field
        return None if isinstance(v, str) and is_blank(v) else v


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

    # Comparator, kind, strength, baseline and the numeric value are re-read from the source by
    # grounding (summarizer.grounding.targets), so a spelling the schema does not know is mapped
    # or left to grounding instead of costing a re-ask; value_text and quote stay strict.
    @field_validator("value", "value_high", mode="before")
    @classmethod
    def _number_or_none(cls, v: Any) -> Any:
        if isinstance(v, str):
            try:
                return float(v.replace(",", "").strip())
            except ValueError:
                return None  # "220亿": grounding reads value_text
        return v

    @field_validator("comparator", "kind", "strength", "baseline", "status", mode="before")
    @classmethod
    def _known_or_default(cls, v: Any, info: Any) -> Any:
        if v is None:
            return cls.model_fields[info.field_name].default
        key = str(v).strip().lower().replace("-", "_").replace(" ", "_")
        key = _SYNONYMS.get(info.field_name, {}).get(key, key)
        allowed = _allowed(cls.model_fields[info.field_name].annotation)
        return key if key in allowed else cls.model_fields[info.field_name].default


_SYNONYMS: dict[str, dict[str, str]] = {
    "comparator": {
        ">=": "at_least", ">": "at_least", "min": "at_least", "minimum": "at_least", "more_than": "at_least",
        "greater_than": "at_least", "over": "at_least", "above": "at_least", "no_less_than": "at_least",
        "<=": "at_most", "<": "at_most", "max": "at_most", "maximum": "at_most", "less_than": "at_most",
        "under": "at_most", "below": "at_most", "no_more_than": "at_most", "=": "exact", "==": "exact",
        "equal": "exact", "equals": "exact", "approximately": "about", "approx": "about", "around": "about",
        "~": "about", "between": "range",
    },
    "kind": {"growth": "growth_rate", "rate": "growth_rate", "percentage": "share", "percent": "share",
             "number": "count", "amount": "level", "value": "level", "pp": "percentage_points"},
    "strength": {"must": "ensure", "guarantee": "ensure", "try": "strive", "strive_for": "strive", "plan": "aim",
                 "target": "aim", "goal": "aim"},
    "baseline": {"year_on_year": "yoy", "y_o_y": "yoy"},
    "status": {"goal": "target", "planned": "target", "plan": "target", "done": "achieved", "completed": "achieved",
               "expected": "forecast", "projected": "forecast"},
}


@functools.lru_cache(maxsize=32)  # validators call it per item; annotations never change
def _allowed(annotation: Any) -> frozenset[str]:
    out: set[str] = set()
    for arg in get_args(annotation) or (annotation,):
        out.update(a for a in get_args(arg) if isinstance(a, str))
        if isinstance(arg, str):
            out.add(arg)
    return frozenset(out)


class InitiativeDraft(_Draft):
    name: str = Field(description="Name of the project, programme or action as written.")
    description: str | None = None
    owner: str | None = Field(default=None, description="Who runs it, if stated.")


class Extraction(BaseModel):
    """The structured answer the LLM must return for one article (or one chunk).

    Answers are validated item by item (``summarizer.llm.answers``), so this model is the
    schema shown to the model and the container of the valid items; a blank summary is
    reported and re-asked there rather than rejected here.
    """

    model_config = ConfigDict(extra="ignore")

    title: str | None = Field(default=None, description="The article's headline, if it has one.")
    summary: str = Field(description="A short paragraph summarizing the article.")
    speakers: list[SpeakerDraft] = Field(default_factory=list)
    goals: list[GoalDraft] = Field(default_factory=list)
    targets: list[TargetDraft] = Field(default_factory=list)
    initiatives: list[InitiativeDraft] = Field(default_factory=list)


# --------------------------------------------------------------------------- public output


class Evidence(BaseModel):
    """Where an item came from. Offsets are character offsets into the raw (decoded) input."""

    quote: str
    start: int | None = None
    end: int | None = None
    match: MatchKind = "none"
    score: float = 0.0
    model_quote: str | None = Field(
        default=None,
        description="The quote the model gave, when the evidence was re-grounded elsewhere "
        "(a target whose number is not at its quote points at the sentence holding the number).",
    )


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
        description="True when the number was found at its evidence span (see verification); "
        "False otherwise; None when not checked.",
    )
    verification: Verification = Field(
        default="unchecked",
        description="verified (number at its evidence), misplaced (in the article, not at the quote the "
        "model gave: evidence re-grounded), not_in_article (likely invented), unchecked.",
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
    raw_text: str | None = Field(
        default=None,
        description="The raw decoded input that evidence offsets point into (only with --keep-text / Settings.keep_text).",
    )


class StepUsage(BaseModel):
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Usage(BaseModel):
    """Provider usage of one article; totals include every step."""

    requests: int = 0
    reasks: int = 0
    reasks_unchanged: int = Field(default=0, description="Re-asks answered with the very answer that was rejected.")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    steps: dict[str, StepUsage] = Field(
        default_factory=dict,
        description="By step: extract, reask (invalid items), ground_reask (quotes not found), glean (recall hints).",
    )


class GroundingSummary(BaseModel):
    """How much of a record is tied to the source; below the floor the record is low-confidence."""

    items_total: int = 0
    items_grounded: int = Field(default=0, description="Items with evidence in the source (re-grounded targets included).")
    items_quote_found: int = Field(
        default=0, description="Items whose own quote, as the model gave it, was found in the source (what the floor judges)."
    )
    targets_total: int = 0
    targets_verified: int = 0
    targets_misplaced: int = 0
    targets_not_in_article: int = 0
    low_confidence: bool = False
    reasons: list[str] = Field(default_factory=list)


class CrossCheck(BaseModel):
    """The rules engine run beside the LLM (--cross-check)."""

    rules_version: str
    rules_only: list[str] = Field(default_factory=list, description="Targets the rules engine found that the LLM did not return.")
    read_differently: list[str] = Field(
        default_factory=list, description="LLM targets whose number the rules engine read with another value."
    )


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
    grounding: GroundingSummary | None = None
    cross_check: CrossCheck | None = None


class ArticleSummary(BaseModel):
    """One article's structured summary; the unit of the cache, the CLI and the HTTP API."""

    article: ArticleInfo
    summary: str
    speakers: list[Speaker] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    targets: list[NumericTarget] = Field(default_factory=list)
    initiatives: list[Initiative] = Field(default_factory=list)
    meta: Meta
