"""Exports of a results file: ``export(results, "csv" | "xlsx" | "md", out_path)``.

One row per numeric target (article id, title, date, speakers, metric, value, unit, comparator,
period, target year, verified, quote, start, end, ...), and tables for speakers, goals and
initiatives. Reads only the public record format, any version (``summarizer.report.results``).
Formats: ``summarizer.export.writers``; columns: ``summarizer.export.tables``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..report.results import ResultsError, iter_records
from .tables import collect
from .writers import ExportError, sibling_path, write_csv, write_md, write_xlsx

__all__ = ["FORMATS", "ExportError", "ResultsError", "export", "format_for", "sibling_path"]

FORMATS = ("csv", "xlsx", "md")
_SUFFIX = {".csv": "csv", ".xlsx": "xlsx", ".md": "md", ".markdown": "md"}


def format_for(path: str | Path) -> str | None:
    """The format a file name implies (``.csv`` -> csv), or None."""
    return _SUFFIX.get(Path(path).suffix.lower())


def export(
    records_or_path: str | Path | Iterable[Any],
    fmt: str,
    out_path: str | Path,
    *,
    warn: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the export; returns the files written (CSV writes one per table).

    Raises ``ResultsError`` for an unreadable results file and ``ExportError`` otherwise
    (unknown format, openpyxl missing for xlsx, unwritable output).
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    out = Path(out_path)
    if out.is_dir():
        raise ExportError(f"{out}: is a folder; give a file name")
    if fmt == "xlsx":
        try:
            import openpyxl  # noqa: F401  (fail before reading a large file)
        except ImportError:
            write_xlsx({}, out)  # raises the ExportError with the install hint
    tables = collect(iter_records(records_or_path, warn))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            return write_csv(tables, out)
        if fmt == "xlsx":
            return write_xlsx(tables, out)
        return write_md(tables, out)
    except OSError as exc:
        raise ExportError(f"{exc.filename or out}: cannot write ({exc.strerror})") from exc
