"""Writers for the export tables: CSV (Excel-friendly), XLSX (openpyxl, optional) and Markdown.

* CSV: UTF-8 with a byte-order mark, so Excel opens Chinese text correctly, and CRLF rows as
  RFC 4180 says. A CSV holds one table: the targets go to the named file and the other tables
  to siblings ``<name>.speakers.csv``, ``<name>.goals.csv``, ``<name>.initiatives.csv``.
* XLSX: one sheet per table, header frozen and filterable. Strings are always stored as text,
  never as formulas.
* Markdown: one file, a section and a GitHub-flavoured table per table; cell text is
  backslash-escaped so article text cannot start markup.

Article text is untrusted: a cell that a spreadsheet would read as a formula (starts with
``=``, ``+``, ``-``, ``@``, tab or CR and is not a plain number) is written to CSV with a
leading apostrophe (the OWASP "CSV injection" advice); XLSX needs no such change because its
cells are typed.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .tables import Cell, Table

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?%?$")
# CommonMark backslash-escapes; inside a table cell only these can start markup (an "_" between
# letters or digits never emphasizes, so at_least stays readable)
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~&])|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
XLSX_CELL_MAX = 32767  # Excel's limit on characters in one cell


class ExportError(Exception):
    """An export that cannot be written; ``str()`` is a one-line message."""


def _plain(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def csv_cell(value: Cell) -> str:
    text = _plain(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def sibling_path(path: Path, table: str) -> Path:
    """``out.csv`` -> ``out.speakers.csv``: where a CSV export puts a table other than targets."""
    return path.with_name(f"{path.stem}.{table}{path.suffix or '.csv'}")


def write_csv(tables: dict[str, Table], path: Path) -> list[Path]:
    written = []
    for name, table in tables.items():
        target = path if name == "targets" else sibling_path(path, name)
        with target.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, lineterminator="\r\n")
            w.writerow(table.columns)
            for row in table.rows:
                w.writerow([csv_cell(v) for v in row])
        written.append(target)
    return written


def write_xlsx(tables: dict[str, Table], path: Path) -> list[Path]:
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise ExportError(
            "xlsx export needs openpyxl, which is not installed: pip install 'policy-summarizer[xlsx]' (or pip install openpyxl)"
        ) from None

    wb = Workbook(write_only=True)  # streams rows: large results stay cheap
    bold = Font(bold=True)
    for name, table in tables.items():
        ws = wb.create_sheet(title=name)
        ws.freeze_panes = "A2"
        for i, col in enumerate(table.columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = 40 if col in ("title", "quote", "statement", "description") else 16
        header = []
        for col in table.columns:
            c = WriteOnlyCell(ws, value=col)
            c.font = bold
            header.append(c)
        ws.append(header)
        for row in table.rows:
            cells = []
            for v in row:
                if isinstance(v, str):
                    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", v)  # control characters XML cannot hold
                    if len(text) > XLSX_CELL_MAX:
                        text = text[: XLSX_CELL_MAX - 1] + "…"
                    c = WriteOnlyCell(ws, value=text)
                    c.data_type = "s"  # openpyxl would store "=..." as a formula
                else:
                    c = WriteOnlyCell(ws, value=v)
                cells.append(c)
            ws.append(cells)
        last = get_column_letter(len(table.columns))
        ws.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    wb.save(path)
    return [path]


def md_cell(value: Cell) -> str:
    text = " ".join(_plain(value).split())  # a table row is one line
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(), text)


def write_md(tables: dict[str, Table], path: Path, title: str = "Summaries export") -> list[Path]:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"# {md_cell(title)}\n")
        for name, table in tables.items():
            fh.write(f"\n## {name.capitalize()} ({len(table.rows)})\n\n")
            if not table.rows:
                fh.write("_none_\n")
                continue
            fh.write("| " + " | ".join(table.columns) + " |\n")
            fh.write("|" + "|".join("---" for _ in table.columns) + "|\n")
            for row in table.rows:
                fh.write("| " + " | ".join(md_cell(v) for v in row) + " |\n")
    return [path]
