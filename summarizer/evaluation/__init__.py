"""Scoring results files against gold annotations (``summarizer eval``).

``evaluate(results, gold)`` reads a results JSONL (one ``ArticleSummary`` per line) and a gold
file or folder in the ``summarizer-gold/1`` format, and returns an :class:`EvalReport` with
precision, recall and F1 per field (speakers, numeric targets, initiatives), comparator and
period accuracy of matched targets, non-speakers and non-targets returned, the share of items
grounded and of targets verified, invented numbers flagged and articles failed.

    from summarizer.evaluation import evaluate, render_table
    report = evaluate("results.jsonl", "fixtures/gold/seeds.gold.json")
    print(render_table(report)); report.as_dict()["fields"]["targets"]["f1"]

The matching rules are in :mod:`.matching`, the counting rules in :mod:`.score`; the gold format
and the rules for users are in ``fixtures/gold/README.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .gold import FORMAT, GoldArticle, GoldError, GoldSet, load_gold, parse_gold
from .matching import INITIATIVE_THRESHOLD
from .render import render_table
from .results import Failure, Prediction, ResultsError, default_errors_path, load_failures, load_predictions
from .score import REPORT_FORMAT, ArticleScore, EvalReport, score_all

EvalInputError = (GoldError, ResultsError)

__all__ = [
    "FORMAT", "INITIATIVE_THRESHOLD", "REPORT_FORMAT", "ArticleScore", "EvalInputError", "EvalReport",
    "Failure", "GoldArticle", "GoldError", "GoldSet", "Prediction", "ResultsError", "evaluate",
    "load_gold", "parse_gold", "render_table",
]


def evaluate(
    results: str | Path | Iterable[Any],
    gold: str | Path | GoldSet | dict[str, Any],
    *,
    errors: str | Path | Iterable[Any] | None = None,
) -> EvalReport:
    """Score ``results`` against ``gold``.

    ``results``: a results JSONL path, or ``ArticleSummary`` objects / dicts. ``gold``: a gold file,
    a folder of ``*.gold.json``, a parsed gold document or a ``GoldSet``. ``errors``: the batch
    errors file (or its lines as dicts); when omitted and ``results`` is a path, the
    ``<results stem>.errors.jsonl`` beside it is used if it exists.
    Raises :class:`GoldError` / :class:`ResultsError` with a one-line message on bad input.
    """
    gold_set = load_gold(gold)
    predictions = load_predictions(results)
    if errors is None and isinstance(results, (str, Path)):
        beside = default_errors_path(Path(results))
        errors = beside if beside.is_file() else None
    failures = load_failures(errors)
    report = score_all(gold_set, predictions, failures)
    if isinstance(results, (str, Path)):
        report.results_source = str(results)
    if isinstance(errors, (str, Path)):
        report.errors_source = str(errors)
    return report
