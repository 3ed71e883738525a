"""The HTML report of a results file: ``write_report(results, "report.html", inputs=...)``.

It reads only the public record format (``summarizer.models.ArticleSummary`` as JSON, any
version) and writes a page that opens offline in any browser: an index of articles (sortable,
filterable, paged) and, per article, its raw text with every evidence span highlighted next to
the items. Where the raw text comes from: ``summarizer.report.rawtext``. Layout and escaping:
``summarizer.report.writer``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .rawtext import RawTextResolver
from .results import ResultsError, iter_records
from .view import build
from .writer import ChunkSink, ReportResult, render_page, subtitle_for

__all__ = ["ReportError", "ReportResult", "ResultsError", "write_report"]


class ReportError(Exception):
    """The report could not be written; ``str()`` is a one-line message."""


def write_report(
    records_or_path: str | Path | Iterable[Any],
    out_path: str | Path,
    inputs: Iterable[str | Path] | None = None,
    *,
    split: bool | None = None,
    title: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> ReportResult:
    """Write the report for a results JSONL path (or records: dicts or ``ArticleSummary``).

    ``inputs``: the files / folders / JSONL the batch read, used for the raw text of articles
    whose record has no ``article.raw_text``. ``split``: None picks the layout by size, True
    writes ``<name>_files/`` data files, False forces one file. Bad records are skipped and
    reported through ``warn``. Raises ``ResultsError`` (unreadable results) or ``ReportError``.
    """
    warn = warn or (lambda _m: None)
    out = Path(out_path)
    source_name = str(records_or_path) if isinstance(records_or_path, (str, Path)) else None
    skipped = 0

    def counted_warn(message: str) -> None:
        nonlocal skipped
        skipped += 1
        warn(message)

    input_list = [str(p) for p in inputs or ()]
    records: Iterable[dict[str, Any]] = iter_records(records_or_path, counted_warn)
    wanted: set[str] = set()
    if input_list:
        if isinstance(records_or_path, (str, Path)):
            # a first pass for the ids, so only the input texts the report needs are kept
            wanted = {r["article"]["id"] for r in iter_records(records_or_path)}
        else:
            records = list(records)
            wanted = {r["article"]["id"] for r in records}
    resolver = RawTextResolver(input_list, wanted, warn)

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{out.parent}: cannot create the folder ({exc.strerror})") from exc
    if out.is_dir():
        raise ReportError(f"{out}: is a folder; give a file name such as report.html")

    sink = ChunkSink(out, split)
    rows: list[dict[str, Any]] = []
    without_text = 0
    try:
        for k, record in enumerate(records):
            raw = resolver.resolve(record["article"])
            without_text += raw.text is None
            row, payload = build(k, record, raw)
            row["c"] = sink.add(payload)
            rows.append(row)
        sink.finish()
        if not rows:
            raise ReportError(f"{source_name or 'records'}: no records to report")
        page = render_page(
            title=title or "Summaries report", subtitle=subtitle_for(source_name, len(rows)), rows=rows, sink=sink
        )
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{exc.filename or out}: cannot write ({exc.strerror})") from exc

    index_bytes = out.stat().st_size
    data_bytes = sum(p.stat().st_size for p in sink.files)
    return ReportResult(
        path=out, articles=len(rows), split=sink.split, data_files=list(sink.files), index_bytes=index_bytes,
        total_bytes=index_bytes + data_bytes, without_text=without_text, skipped=skipped,
    )
