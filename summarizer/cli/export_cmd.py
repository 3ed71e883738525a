"""``summarizer export RESULTS --format csv|xlsx|md -o FILE``: targets, speakers, goals, initiatives as tables."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..export import FORMATS, ExportError, ResultsError, export, format_for
from .common import die, err_console, warn


class ExportFormat(str, Enum):  # an Enum so --help and shell completion list the choices
    csv = "csv"
    xlsx = "xlsx"
    md = "md"


def export_cmd(
    results: Annotated[Path, typer.Argument(help="Results JSONL written by `summarizer batch`.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write (.csv, .xlsx or .md).")],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", "-f", case_sensitive=False, help="Default: from the output's suffix."),
    ] = None,
) -> None:
    """Export one row per target (and tables of speakers, goals, initiatives) as CSV, XLSX or Markdown.

    CSV is UTF-8 with BOM (Excel reads Chinese); it writes the targets to FILE and the other tables
    to FILE's siblings (out.speakers.csv, ...). XLSX needs the `xlsx` extra (openpyxl).
    """
    chosen = fmt.value if fmt is not None else format_for(output)
    if chosen is None:
        die(f"{output}: cannot tell the format from the file name; pass --format {'|'.join(FORMATS)}")
        return
    try:
        written = export(results, chosen, output, warn=warn)
    except (ResultsError, ExportError) as exc:
        die(str(exc))
        return
    err_console.print("wrote " + ", ".join(str(p) for p in written), highlight=False, soft_wrap=True)
