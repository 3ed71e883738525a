"""Scoring results against gold: per-article tallies and the micro-averaged :class:`EvalReport`.

Counting rules (the matching itself is in :mod:`.matching`):

* Every gold article is scored. One with no result counts as *failed* when the errors file names
  it, else *missing*; all its gold items are false negatives (a failure never raises recall).
  Results whose name has no gold article are not scored (reported as ``without_gold``); when two
  results carry the same name the last one is scored (reported as ``duplicates``).
* tp = matched pairs; fp = returned items left unmatched; fn = gold items left unmatched.
  Precision tp/(tp+fp), recall tp/(tp+fn), F1 2tp/(2tp+fp+fn), each ``None`` when its denominator
  is 0. Figures are micro-averaged: tallies are summed over articles first.
* Speakers: an unmatched returned speaker who is in the gold ``not_speakers`` is still a false
  positive, and is also counted as ``non_speakers_returned``.
* Targets: only returned targets with ``status == "target"`` are scored (items the model itself
  labels ``achieved``/``forecast`` are counted as ``not_scored_status``). An unmatched returned
  target whose value (or upper bound) equals the value of a gold ``non_target_numbers`` entry is
  still a false positive, and is also counted as ``non_targets_returned``. Comparator accuracy is
  taken over matched pairs whose gold has a comparator; period accuracy over matched pairs whose
  gold period is a year, comparing the result's resolved ``target_year``.
* Grounding: share of all returned items (speakers, goals, targets, initiatives) whose evidence
  ``match`` is not ``"none"``. Verification: share of returned targets with
  ``verification == "verified"``; *invented numbers flagged* counts targets with
  ``verification == "not_in_article"`` (a ``misplaced`` number is in the article, so it is
  neither). Records written before ``verification`` existed use ``verified`` true / false
  instead. Both over scored articles only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import NumericTarget
from .gold import GoldArticle, GoldNumber, GoldSet, GoldTarget
from .matching import (
    INITIATIVE_THRESHOLD,
    greedy_pairs,
    initiative_score,
    max_matching,
    period_year,
    same_person,
    same_quantity,
    speaker_keys,
    units_compatible,
    values_agree,
)
from .results import Failure, Prediction, name_candidates

REPORT_FORMAT = "summarizer-eval/1"


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def scores(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Accuracy:
    correct: int = 0
    compared: int = 0

    @property
    def accuracy(self) -> float | None:
        return _ratio(self.correct, self.compared)

    def add(self, other: Accuracy) -> None:
        self.correct += other.correct
        self.compared += other.compared

    def as_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "compared": self.compared, "accuracy": self.accuracy}


@dataclass
class FieldResult:
    """One field of one article: the tally, and what was missed / returned in excess."""

    tally: Tally = field(default_factory=Tally)
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)


@dataclass
class ArticleScore:
    name: str
    status: str  # ok | failed | missing
    error: str | None = None
    result_name: str | None = None
    speakers: FieldResult = field(default_factory=FieldResult)
    targets: FieldResult = field(default_factory=FieldResult)
    initiatives: FieldResult = field(default_factory=FieldResult)
    non_speakers_returned: int = 0
    non_targets_returned: int = 0
    not_scored_status: int = 0
    comparator: Accuracy = field(default_factory=Accuracy)
    period: Accuracy = field(default_factory=Accuracy)
    items: int = 0
    grounded: int = 0
    targets_returned: int = 0
    targets_verified: int = 0
    invented_flagged: int = 0

    def as_dict(self) -> dict[str, Any]:
        def fld(f: FieldResult, **extra: Any) -> dict[str, Any]:
            return {"tp": f.tally.tp, "fp": f.tally.fp, "fn": f.tally.fn, **extra,
                    "missed": f.missed, "spurious": f.spurious}

        return {
            "name": self.name,
            "status": self.status,
            "error": self.error,
            "result_name": self.result_name,
            "speakers": fld(self.speakers, non_speakers_returned=self.non_speakers_returned),
            "targets": fld(
                self.targets, non_targets_returned=self.non_targets_returned,
                not_scored_status=self.not_scored_status,
                comparator=self.comparator.as_dict(), period=self.period.as_dict(),
            ),
            "initiatives": fld(self.initiatives),
            "grounding": {"items": self.items, "grounded": self.grounded},
            "verification": {"targets": self.targets_returned, "verified": self.targets_verified,
                             "invented_flagged": self.invented_flagged},
        }


# --------------------------------------------------------------------------- one article


def _speakers(score: ArticleScore, gold: GoldArticle, pred: Prediction) -> None:
    f = score.speakers
    used: set[int] = set()
    for sp in pred.summary.speakers:
        # equal keys are an equivalence, so the first free gold speaker is as good as any
        hit = next((i for i, g in enumerate(gold.speakers) if i not in used and same_person(g.name, sp.name)), None)
        if hit is None:
            f.tally.fp += 1
            f.spurious.append(sp.name)
            if any(speaker_keys(sp.name) & speaker_keys(n) for n in gold.not_speakers):
                score.non_speakers_returned += 1
        else:
            used.add(hit)
            f.tally.tp += 1
    for i, g in enumerate(gold.speakers):
        if i not in used:
            f.tally.fn += 1
            f.missed.append(g.name)


def _show_gold_target(t: GoldTarget) -> str:
    return t.text or f"{t.value:g} {t.unit or ''}".strip()


def _show_target(t: NumericTarget) -> str:
    unit = f" {t.unit}" if t.unit and t.unit not in t.value_text else ""
    return f"{t.value_text}{unit} ({t.metric})"


def _is_non_target(t: NumericTarget, numbers: list[GoldNumber]) -> bool:
    mine = [v for v in (t.value, t.value_high) if v is not None]
    theirs = [v for n in numbers for v in (n.value, n.value_high) if v is not None]
    return any(values_agree(a, b) for a in mine for b in theirs)


def _targets(score: ArticleScore, gold: GoldArticle, pred: Prediction) -> None:
    f = score.targets
    scored = [t for t in pred.summary.targets if t.status == "target"]
    score.not_scored_status = len(pred.summary.targets) - len(scored)

    def agrees(g: GoldTarget, t: NumericTarget) -> int:
        year = period_year(g.period)
        return int(g.comparator is not None and g.comparator == t.comparator) + int(year is not None and year == t.target_year)

    def candidates(i: int) -> list[int]:
        g = gold.targets[i]
        ok = [j for j, t in enumerate(scored)
              if same_quantity(t.value, t.value_high, g.value, g.value_high) and units_compatible(t.unit, g.unit)]
        return sorted(ok, key=lambda j: -agrees(g, scored[j]))

    pairs = max_matching(len(gold.targets), candidates)
    for i, g in enumerate(gold.targets):
        j = pairs.get(i)
        if j is None:
            f.tally.fn += 1
            f.missed.append(_show_gold_target(g))
            continue
        f.tally.tp += 1
        t = scored[j]
        if g.comparator is not None:
            score.comparator.compared += 1
            score.comparator.correct += int(t.comparator == g.comparator)
        year = period_year(g.period)
        if year is not None:
            score.period.compared += 1
            score.period.correct += int(t.target_year == year)
    taken = set(pairs.values())
    for j, t in enumerate(scored):
        if j in taken:
            continue
        f.tally.fp += 1
        f.spurious.append(_show_target(t))
        if _is_non_target(t, gold.non_target_numbers):
            score.non_targets_returned += 1


def _initiatives(score: ArticleScore, gold: GoldArticle, pred: Prediction) -> None:
    f = score.initiatives
    names = [i.name for i in pred.summary.initiatives]
    scores = {(i, j): initiative_score(g, p) for i, g in enumerate(gold.initiatives) for j, p in enumerate(names)}
    pairs = greedy_pairs(scores, INITIATIVE_THRESHOLD)
    f.tally.tp = len(pairs)
    got_g = {i for i, _, _ in pairs}
    got_p = {j for _, j, _ in pairs}
    f.missed = [g for i, g in enumerate(gold.initiatives) if i not in got_g]
    f.spurious = [p for j, p in enumerate(names) if j not in got_p]
    f.tally.fn = len(f.missed)
    f.tally.fp = len(f.spurious)


def _support(score: ArticleScore, pred: Prediction) -> None:
    s = pred.summary
    items = [*s.speakers, *s.goals, *s.targets, *s.initiatives]
    score.items = len(items)
    score.grounded = sum(1 for it in items if it.evidence.match != "none")
    score.targets_returned = len(s.targets)
    for k, t in enumerate(s.targets):
        verification = pred.target_verification[k] if k < len(pred.target_verification) else None
        if verification is None:  # a record from before ``verification``: ``verified`` says it all
            score.targets_verified += int(t.verified is True)
            score.invented_flagged += int(t.verified is False)
        else:  # "misplaced" has verified false but the number IS in the article: not invented
            score.targets_verified += int(verification == "verified")
            score.invented_flagged += int(verification == "not_in_article")


def score_article(gold: GoldArticle, pred: Prediction) -> ArticleScore:
    score = ArticleScore(name=gold.name, status="ok", result_name=pred.name)
    _speakers(score, gold, pred)
    _targets(score, gold, pred)
    _initiatives(score, gold, pred)
    _support(score, pred)
    return score


def unscored_article(gold: GoldArticle, error: str | None) -> ArticleScore:
    """A gold article without a result: everything in its gold is a false negative."""
    score = ArticleScore(name=gold.name, status="failed" if error is not None else "missing", error=error)
    score.speakers.missed = [s.name for s in gold.speakers]
    score.targets.missed = [_show_gold_target(t) for t in gold.targets]
    score.initiatives.missed = list(gold.initiatives)
    for f in (score.speakers, score.targets, score.initiatives):
        f.tally.fn = len(f.missed)
    return score


# --------------------------------------------------------------------------- the whole set


@dataclass
class EvalReport:
    """Scores of one results set against one gold set; ``as_dict()`` is the documented JSON."""

    articles: list[ArticleScore]
    gold_origin: str | None = None
    gold_sources: list[str] = field(default_factory=list)
    results_source: str | None = None
    errors_source: str | None = None
    records: int = 0
    without_gold: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    threshold: float = INITIATIVE_THRESHOLD

    def _sum(self, attr: str) -> int:
        return sum(getattr(a, attr) for a in self.articles)

    def tally(self, fld: str) -> Tally:
        total = Tally()
        for a in self.articles:
            total.add(getattr(a, fld).tally)
        return total

    def accuracy(self, attr: str) -> Accuracy:
        total = Accuracy()
        for a in self.articles:
            total.add(getattr(a, attr))
        return total

    def count(self, status: str) -> int:
        return sum(1 for a in self.articles if a.status == status)

    def as_dict(self) -> dict[str, Any]:
        n = len(self.articles)
        failed, missing = self.count("failed"), self.count("missing")
        items, grounded = self._sum("items"), self._sum("grounded")
        returned, verified = self._sum("targets_returned"), self._sum("targets_verified")
        return {
            "format": REPORT_FORMAT,
            "gold": {"origin": self.gold_origin, "sources": self.gold_sources, "articles": n},
            "results": {
                "source": self.results_source, "errors_source": self.errors_source, "records": self.records,
                "scored": self.count("ok"), "without_gold": len(self.without_gold),
                "without_gold_names": self.without_gold, "duplicates": self.duplicates,
            },
            "articles": {
                "gold": n, "scored": self.count("ok"), "failed": failed, "missing": missing,
                "failed_total": failed + missing, "failed_share": _ratio(failed + missing, n),
            },
            "fields": {
                "speakers": {**self.tally("speakers").scores(), "non_speakers_returned": self._sum("non_speakers_returned")},
                "targets": {
                    **self.tally("targets").scores(),
                    "non_targets_returned": self._sum("non_targets_returned"),
                    "not_scored_status": self._sum("not_scored_status"),
                    "comparator": self.accuracy("comparator").as_dict(),
                    "period": self.accuracy("period").as_dict(),
                },
                "initiatives": {**self.tally("initiatives").scores(), "threshold": self.threshold},
            },
            "grounding": {"items": items, "grounded": grounded, "share": _ratio(grounded, items)},
            "verification": {
                "targets": returned, "verified": verified, "share": _ratio(verified, returned),
                "invented_flagged": self._sum("invented_flagged"),
            },
            "per_article": [a.as_dict() for a in self.articles],
        }


def _lookup(name: str | None, gold_names: set[str]) -> str | None:
    return next((c for c in name_candidates(name) if c in gold_names), None)


def score_all(gold: GoldSet, predictions: list[Prediction], failures: list[Failure]) -> EvalReport:
    names = {a.name for a in gold.articles}
    by_gold: dict[str, Prediction] = {}
    without_gold: list[str] = []
    duplicates: list[str] = []
    for p in predictions:
        key = _lookup(p.name, names)
        if key is None:
            without_gold.append(p.name or "<unnamed>")
            continue
        if key in by_gold:
            duplicates.append(key)
        by_gold[key] = p  # the last one wins, like a resumed run's newest line
    failed: dict[str, str] = {}
    for f in failures:
        key = _lookup(f.input, names)
        if key is not None:
            failed.setdefault(key, f.error)
    articles = [
        score_article(a, by_gold[a.name]) if a.name in by_gold else unscored_article(a, failed.get(a.name))
        for a in gold.articles
    ]
    return EvalReport(
        articles=articles, gold_origin=gold.origin, gold_sources=list(gold.sources),
        records=len(predictions), without_gold=without_gold, duplicates=duplicates,
    )
