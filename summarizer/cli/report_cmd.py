"""``summarizer report RESULTS -o report.html``: the offline HTML report of a results file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..report import ReportError, ResultsError, write_report
from .common import die, err_console, warn


def report(
    results: Annotated[Path, typer.Argument(help="Results JSONL written by `summarizer batch`.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write, e.g. report.html.")],
    inputs: Annotated[
        list[str] | None,
        typer.Option(
            "--inputs",
            metavar="PATH",
            help="The files, folders or JSONL the batch read (repeat for several): the raw text for articles "
            "whose record lacks it (batch --keep-text stores it in the results).",
        ),
    ] = None,
    split: Annotated[
        bool | None,
        typer.Option(
            "--split/--single",
            help="Force data files next to the page (--split) or one self-contained file (--single); default: by size.",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Heading of the report.")] = None,
) -> None:
    """Write an offline HTML report: article index, raw text with highlighted evidence, items to check."""
    try:
        res = write_report(results, output, inputs=inputs, split=split, title=title, warn=warn)
    except (ResultsError, ReportError) as exc:
        die(str(exc))
        return
    layout = f" + {len(res.data_files)} data file(s) in {res.data_files[0].parent}" if res.split and res.data_files else ""
    err_console.print(
        f"wrote {res.path} ({res.articles} article(s), {res.total_bytes / 1e6:.2f} MB){layout}", highlight=False, soft_wrap=True
    )
    if res.without_text:
        err_console.print(
            f"{res.without_text} article(s) have no raw text and are not highlighted: run the batch with --keep-text "
            "or pass --inputs",
            highlight=False, soft_wrap=True,
        )
