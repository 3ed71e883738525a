"""``summarizer eval RESULTS.jsonl --gold GOLD``: precision/recall/F1 per field against gold annotations."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..evaluation import EvalInputError, evaluate, render_table
from .common import die


def eval_cmd(
    results: Annotated[Path, typer.Argument(help="Results JSONL (one ArticleSummary per line), as written by batch.")],
    gold: Annotated[Path, typer.Option("--gold", help="Gold file (summarizer-gold/1) or a folder of *.gold.json.")],
    errors: Annotated[
        Path | None, typer.Option("--errors", help="Batch errors JSONL (default: <results stem>.errors.jsonl if present).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON instead of a table.")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Also write the JSON scores to this file.")] = None,
    per_article: Annotated[bool, typer.Option("--per-article", help="Add a per-article breakdown to the table.")] = False,
) -> None:
    """Score a results file against gold: speakers, numeric targets, initiatives, grounding, failures."""
    if errors is not None and not errors.is_file():
        die(f"--errors {errors}: no such file")
    try:
        report = evaluate(results, gold, errors=errors)
    except EvalInputError as exc:
        die(str(exc))
    text = json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            die(f"-o {output}: cannot write ({exc.strerror})")
    if as_json:
        sys.stdout.write(text + "\n")
    else:
        sys.stdout.write(render_table(report, per_article=per_article))
