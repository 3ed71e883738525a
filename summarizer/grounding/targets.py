"""Numeric targets: normalize what the model returned and check it against the source.

The model's ``TargetDraft`` says what was written (``value_text``) and its own reading of it
(``value``, ``comparator``, ``kind`` ...). Here the number is re-read with the scanner, looked
for in or next to the item's aligned evidence, and the qualifiers (comparator, period,
baseline, strength) are taken from the source text where it states them.

Verification tells two faults apart (``NumericTarget.verification``):

* ``verified``: a number the scanner found within ``NEAR_CHARS`` of the evidence span has the
  target's value;
* ``misplaced``: the number is in the article, but not at the quote the model gave (small models
  reuse one generic sentence for every item). The evidence is re-grounded to the sentence that
  holds the number (the model's quote is kept in ``evidence.model_quote``);
* ``not_in_article``: the number occurs nowhere in the article: likely invented.

A "target" with no number at all (``value_text`` = "strategic emerging industries") is not a
numeric target: ``has_number`` tells the caller, which turns it into a goal.
"""

from __future__ import annotations

import math
import re

from rapidfuzz import fuzz

from ..intake.document import Document
from ..models import Evidence, NumericTarget, TargetDraft
from .cues import has_target_cue
from .normalize import cjk_ratio
from .numbers import NumberMention, scan

# How far outside the evidence span a number may sit and still count as "its" number. Quotes
# are often cut just before the figure (…目标为 | 220亿元); a Chinese clause packs a figure
# into a few characters, an English one needs a few words.
NEAR_CHARS_ZH = 10
NEAR_CHARS_EN = 30

_STRENGTH = [  # strongest first; checked in the quote and the clause just before it
    ("ensure", ("确保", "务必", "ensure", "guarantee", "make sure")),
    ("strive", ("力争", "争取", "努力", "奋力", "strive", "endeavo", "strives", "striving", "seek to")),
    ("aim", ("目标", "计划", "预计", "target", "aim", "goal", "plan to", "plans to", "planned")),
]
_GROWTH = ("增长", "增速", "增加", "提高", "提升", "上升", "增幅", "growth", "grow", "increase", "rise", "raise", "up by")
_SHARE = ("比重", "比例", "占比", "占全", "强度", "率", "share", "proportion", "rate", "% of", "percent of")
# Units of measure (a level); any other unit word counts things (个, 家, enterprises).
_LEVEL_UNITS = {
    "亩", "吨", "公里", "千米", "米", "平方米", "平方公里", "公顷", "千瓦", "兆瓦", "吉瓦", "小时",
    "tons", "tonnes", "ton", "tonne", "km", "kilometres", "kilometers", "metres", "meters", "hectares",
    "mu", "kw", "mw", "gw", "kwh", "square",
}
_RELATIVE_YEARS = [  # longest first so "this year" is not read inside "throughout this year"
    ("throughout the year", 0), ("the whole year", 0), ("full-year", 0), ("full year", 0),
    ("this year", 0), ("next year", 1), ("今年", 0), ("全年", 0), ("本年度", 0),
    ("本年", 0), ("年内", 0), ("当年", 0), ("明年", 1), ("下一年", 1),
]
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]|\.(?:\s|$)")
# A re-grounded evidence span is the sentence holding the number, cut to this many characters
# on each side of it when the text has no sentence marks.
MAX_SENTENCE_SIDE = 160


def published_year(document: Document) -> int | None:
    m = re.match(r"\s*(\d{4})", document.published or "")
    return int(m.group(1)) if m else None


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _sentence(raw: str, start: int, end: int) -> tuple[int, int]:
    lo = 0
    for m in _SENTENCE_BREAK.finditer(raw, max(0, start - 400), start):
        lo = m.end()
    m = _SENTENCE_BREAK.search(raw, end)
    return lo, (m.start() if m else len(raw))


def compatible(written: NumberMention | None, found: NumberMention) -> bool:
    """Whether ``found`` can be the number the model wrote: the same value is not enough — a 6%
    is not 六大 (six major ...), 50家 is not 50亿元. Percent with percent, percentage points with
    percentage points, money with money in one currency, and a measure word matching when both
    state one. (``written`` None: the model wrote no readable number; the value decides.)"""
    if written is None:
        return True
    if written.is_percent != found.is_percent or written.percentage_points != found.percentage_points:
        return False
    if bool(written.currency) != bool(found.currency) and (written.unit or found.unit):
        return False
    if written.currency and found.currency and written.currency != found.currency:
        return False
    if not written.currency and written.unit and found.unit and written.unit.lower() != found.unit.lower():
        return False
    return True


def _first(markers, text: str) -> str | None:
    """First marker found in ``text``; English markers only at a word start (not "rise" in "enterprise")."""
    low = text.lower()
    for m in markers:
        if m.isascii() and m[0].isalpha():
            if re.search(rf"(?<![a-z]){re.escape(m)}", low):
                return m
        elif m in low:
            return m
    return None


class TargetChecker:
    """Normalizes and verifies targets of one document (scans the raw text once)."""

    def __init__(self, document: Document, mentions: list[NumberMention] | None = None) -> None:
        self.document = document
        self.raw = document.raw
        self.mentions = scan(document.raw) if mentions is None else mentions
        self.year = published_year(document)

    @staticmethod
    def written_number(draft: TargetDraft) -> NumberMention | None:
        return next((m for m in scan(draft.value_text) if m.kind == "number"), None)

    @classmethod
    def has_number(cls, draft: TargetDraft) -> bool:
        """Whether the target states a number at all (else it is a goal, not a numeric target):
        in ``value_text``, or — when the model put words there — a ``value`` its quote states.
        ("全面提升" with value 1 is a goal with an invented number, not a target.)"""
        if cls.written_number(draft) is not None:
            return True
        return draft.value is not None and any(
            m.kind == "number" and _same(m.value, draft.value) for m in scan(draft.quote)
        )

    def check(self, draft: TargetDraft, evidence: Evidence) -> tuple[NumericTarget, list[str]]:
        label = draft.metric or draft.value_text
        notes: list[str] = []
        written = self.written_number(draft)
        value = written.value if written else draft.value
        value_high = written.value_high if written else draft.value_high

        near = self._near(evidence)
        found = self._find(near, value, value_high, draft.value, written)
        verification = "verified" if found is not None else "unchecked"
        if found is None and value is not None:
            elsewhere = self._elsewhere(draft, value, value_high)
            if elsewhere is not None:
                found, evidence = elsewhere, self._sentence_evidence(elsewhere, evidence)
                draft = draft.model_copy(update={"quote": evidence.quote})  # qualifiers read from where it is
                verification = "misplaced"
                notes.append(
                    f"target '{label}': number '{draft.value_text}' is not at the quote the model gave; "
                    f"evidence re-grounded to the sentence holding it"
                )
            else:
                verification = "not_in_article"
                notes.append(f"target '{label}': number '{draft.value_text}' occurs nowhere in the article (likely invented)")
        if found is not None:
            if not _same(found.value, draft.value) and draft.value is not None:
                notes.append(
                    f"target '{label}': model value {draft.value:g} differs from the source "
                    f"'{found.text}' ({found.value:g}); using the source value"
                )
            value, value_high = found.value, found.value_high
        info = found or written
        context = self._context(evidence, draft.quote, 60)

        comparator = draft.comparator
        if info is not None and info.comparator != "exact":
            comparator = info.comparator  # the source's own words (不低于, more than, 余) win
        if value_high is not None and comparator == "exact":
            comparator = "range"

        period, target_year, period_note = self._period(draft, evidence, label)
        if period_note:
            notes.append(period_note)

        yoy = bool(info and info.yoy) or bool(_first(("同比", "比上年", "year-on-year", "year on year"), draft.quote))
        target = NumericTarget(
            metric=draft.metric,
            value_text=draft.value_text,
            value=value,
            value_high=value_high,
            unit=(info.unit if info and info.unit else draft.unit),
            scale=info.scale if info else None,
            currency=info.currency if info else None,
            comparator=comparator,
            kind=_kind(info, draft, context),
            period=period,
            target_year=target_year,
            baseline="yoy" if yoy else (draft.baseline or "none"),
            strength=_strength(context) or draft.strength or "none",
            status=draft.status,
            verified=verification == "verified",
            verification=verification,  # type: ignore[arg-type]
            evidence=evidence,
        )
        return target, notes

    def _elsewhere(self, draft: TargetDraft, value: float, value_high: float | None) -> NumberMention | None:
        """The article's mention of this number that best fits the target: in a target-like
        clause, and most like the metric and quote the model gave."""
        hits = [
            m for m in self.mentions
            if m.kind == "number" and (_same(m.value, value) or _same(m.value, draft.value))
            and (value_high is None or m.value_high is None or _same(m.value_high, value_high))
            and compatible(self.written_number(draft), m)
        ]
        if not hits:
            return None

        def fit(m: NumberMention) -> tuple[float, int]:
            lo, hi = _sentence(self.raw, m.start, m.end)
            sentence = self.raw[max(lo, m.start - MAX_SENTENCE_SIDE) : min(hi, m.end + MAX_SENTENCE_SIDE)]
            likeness = max(fuzz.partial_ratio(draft.metric, sentence), fuzz.partial_ratio(draft.quote, sentence) * 0.8)
            return likeness + (25.0 if has_target_cue(sentence) else 0.0), -m.start

        return max(hits, key=fit)

    def _sentence_evidence(self, m: NumberMention, given: Evidence) -> Evidence:
        lo, hi = _sentence(self.raw, m.start, m.end)
        lo, hi = max(lo, m.start - MAX_SENTENCE_SIDE), min(hi, m.end + MAX_SENTENCE_SIDE)
        while lo < m.start and self.raw[lo].isspace():
            lo += 1
        while hi > m.end and self.raw[hi - 1].isspace():
            hi -= 1
        return Evidence(quote=self.raw[lo:hi], start=lo, end=hi, match="exact", score=1.0, model_quote=given.quote)

    # ------------------------------------------------------------------ helpers

    def _near(self, ev: Evidence) -> list[NumberMention]:
        if ev.start is None or ev.end is None:
            return []
        pad = NEAR_CHARS_ZH if cjk_ratio(ev.quote) >= 0.3 else NEAR_CHARS_EN
        lo, hi = ev.start - pad, ev.end + pad
        inside = [m for m in self.mentions if m.kind == "number" and m.start < hi and m.end > lo]
        # numbers inside the span first, then by distance to it
        return sorted(inside, key=lambda m: max(0, ev.start - m.end, m.start - ev.end))

    @staticmethod
    def _find(near: list[NumberMention], value, value_high, model_value, written: NumberMention | None = None) -> NumberMention | None:
        for wanted in (value, model_value):
            for m in near:
                if (_same(m.value, wanted) or (value_high is None and _same(m.value_high, wanted))) and compatible(written, m):
                    return m
        return None

    def _context(self, ev: Evidence, quote: str, before: int) -> str:
        """The quote plus up to ``before`` characters of its sentence ahead of it (where 力争,
        确保 or 今年 usually stand)."""
        if ev.start is None or ev.end is None:
            return quote
        lo, _ = _sentence(self.raw, ev.start, ev.end)
        return self.raw[max(lo, ev.start - before) : ev.end]

    def _period(self, draft: TargetDraft, ev: Evidence, label: str) -> tuple[str | None, int | None, str | None]:
        period = draft.period
        m = _YEAR_RE.search(draft.period or "")
        if m:
            return period, int(m.group(1)), None
        # a year the quote states (the scanner tells 2023年 from 2000个)
        year_in_quote = next((y for y in scan(draft.quote) if y.kind == "year"), None)
        if year_in_quote is not None:
            return period or str(int(year_in_quote.value)), int(year_in_quote.value), None
        context = self._context(ev, draft.quote, 200)
        relative = _relative_year(" ".join(filter(None, (draft.period, context))))
        if relative is None:
            return period, None, None
        year = self.year
        if year is None and ev.start is not None:
            # no article date: a year stated earlier in the same sentence is the next best
            m = _YEAR_RE.search(self.raw, _sentence(self.raw, ev.start, ev.end)[0], ev.start)
            year = int(m.group(1)) if m else None
        if year is None:
            return period or relative, None, f"target '{label}': period '{relative}' not resolved (article date unknown)"
        return period or relative, year + dict(_RELATIVE_YEARS)[relative], None


def _relative_year(text: str) -> str | None:
    """A relative period word (今年, this year ...) unless it is a duration (两年内, within 3 years)."""
    low = text.lower()
    for word, _ in _RELATIVE_YEARS:
        for m in re.finditer(re.escape(word), low):
            if not (m.start() and low[m.start() - 1] in "0123456789一二两三四五六七八九十几多"):
                return word
    return None


def _kind(info: NumberMention | None, draft: TargetDraft, context: str) -> str:
    if info is None:
        return draft.kind
    if info.percentage_points:
        return "percentage_points"
    if info.is_percent:
        if info.yoy or _first(_GROWTH, context):
            return "growth_rate"
        if _first(_SHARE, context):
            return "share"
        return draft.kind if draft.kind in ("growth_rate", "share") else "growth_rate"
    if info.currency or (info.unit or "").lower() in _LEVEL_UNITS:
        return "level"
    if info.unit or info.text.endswith("大"):  # 个/家/enterprises; 七大 (seven major ...)
        return "count"
    if info.scale:  # "a GDP of 100 billion"
        return "level"
    return draft.kind if draft.kind in ("level", "count") else "count"


def _strength(context: str) -> str | None:
    for name, markers in _STRENGTH:
        if _first(markers, context):
            return name
    return None
