"""Exports: one row per target plus speaker/goal/initiative tables, as CSV (Excel), XLSX and Markdown."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.export import ExportError, export
from summarizer.export.writers import csv_cell

from ..conftest import ARTICLES, RECORDINGS
from ..report.support import make_record, write_jsonl

REQUIRED = ["article_id", "title", "date", "speakers", "metric", "value_text", "value", "unit", "comparator", "period",
            "target_year", "verified", "quote", "start", "end"]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    results = tmp_path_factory.mktemp("exp") / "results.jsonl"
    res = CliRunner().invoke(
        app, ["batch", str(ARTICLES), "-o", str(results), "--replay", str(RECORDINGS), "--no-cache", "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    return results, [json.loads(x) for x in results.read_text(encoding="utf-8").splitlines()]


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8 (Chinese) correctly
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def test_csv_has_one_row_per_target_with_its_evidence(seeds, tmp_path: Path) -> None:  # noqa: ANN001
    results, records = seeds
    written = export(results, "csv", tmp_path / "t.csv")
    assert [p.name for p in written] == ["t.csv", "t.speakers.csv", "t.goals.csv", "t.initiatives.csv"]
    rows = _read_csv(tmp_path / "t.csv")
    expected = [(r, t) for r in records for t in r["targets"]]
    assert len(rows) == len(expected) > 0
    assert set(REQUIRED) <= set(rows[0])
    for row, (rec, t) in zip(rows, expected, strict=True):
        assert row["article_id"] == rec["article"]["id"]
        assert row["title"] == (rec["article"]["title"] or "")
        assert row["metric"] == t["metric"] and row["value_text"] == t["value_text"]
        assert row["quote"] == t["evidence"]["quote"]
        assert (int(row["start"]), int(row["end"])) == (t["evidence"]["start"], t["evidence"]["end"])
        assert row["speakers"] == "; ".join(dict.fromkeys(s["name"] for s in rec["speakers"]))
        assert row["verified"] == {True: "true", False: "false", None: ""}[t["verified"]]
    assert any(re.search(r"[\u4e00-\u9fff]", row["metric"]) for row in rows)  # Chinese survives
    for table, key in (("speakers", "name"), ("goals", "statement"), ("initiatives", "name")):
        got = [row[key] for row in _read_csv(tmp_path / f"t.{table}.csv")]
        assert got == [item[key] for r in records for item in r[table]]


def test_xlsx_has_a_sheet_per_table_and_never_stores_formulas(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    text = "目标：=1+1 增长5%。@SUM(A1) 计划\x07。"
    rec = make_record(text, language="zh-Hans", speakers=[("=cmd|' /C calc'!A0", "=1+1")],
                      targets=[{"metric": "=HYPERLINK(\"http://x\")", "value_text": "5%", "value": 5.0, "quote": "增长5%"}],
                      initiatives=[("计划\x07", "计划\x07")])
    results = tmp_path / "r.jsonl"
    write_jsonl(results, [rec])
    export(results, "xlsx", tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["targets", "speakers", "goals", "initiatives"]
    ws = wb["targets"]
    header = [c.value for c in ws[1]]
    assert set(REQUIRED) <= set(header)
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert row["metric"].value == '=HYPERLINK("http://x")' and row["metric"].data_type == "s"
    assert row["value"].value == 5 and row["value"].data_type == "n"
    assert row["start"].value == text.index("增长5%")
    assert wb["speakers"]["D2"].value == "=cmd|' /C calc'!A0" and wb["speakers"]["D2"].data_type == "s"
    assert wb["initiatives"]["D2"].value == "计划\ufffd"  # a control character XML cannot hold
    assert ws.freeze_panes == "A2"


def test_csv_defuses_formulas_but_keeps_numbers() -> None:
    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0"
    assert csv_cell("-5%") == "-5%" and csv_cell("+1,000.5") == "+1,000.5"
    assert csv_cell(22000000000.0) == "22000000000" and csv_cell(None) == "" and csv_cell(True) == "true"


def test_markdown_tables_keep_their_shape_and_escape_markup(tmp_path: Path) -> None:
    text = "Plan | A: build <script>alert(1)</script> 5 *new* parks_now."
    rec = make_record(text, title="T | <b>", targets=[
        {"metric": "parks | green", "value_text": "5", "quote": "build <script>alert(1)</script> 5 *new* parks_now"}])
    results = tmp_path / "r.jsonl"
    write_jsonl(results, [rec, make_record("Nothing here.")])
    export(results, "md", tmp_path / "r.md")
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "\\<script\\>" in md
    lines = md.splitlines()
    header = lines.index("## Targets (1)") + 2
    columns = lines[header].count(" | ") + 1
    row = lines[header + 2]
    cells = re.split(r"(?<!\\)\|", row.strip())[1:-1]  # split on unescaped pipes only
    assert len(cells) == columns
    assert "parks \\| green" in row and "\\*new\\*" in row and "parks_now" in row
    assert "## Speakers (0)" in md and "_none_" in md


def test_old_records_export_with_empty_cells(tmp_path: Path) -> None:
    rec = make_record("Aim: 3 new ports.", targets=[{"metric": "ports", "value_text": "3", "quote": "3 new ports",
                                                      "verified": None}], keep_text=False)
    del rec["targets"][0]["evidence"]["score"], rec["meta"]["candidates"], rec["article"]["published"]
    results = tmp_path / "r.jsonl"
    write_jsonl(results, [rec])
    export(results, "csv", tmp_path / "r.csv")
    (row,) = _read_csv(tmp_path / "r.csv")
    assert row["verified"] == "" and row["verification"] == "unchecked" and row["date"] == ""


def test_missing_openpyxl_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = tmp_path / "r.jsonl"
    write_jsonl(results, [make_record("x")])
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now raises ImportError
    with pytest.raises(ExportError, match=r"pip install 'policy-summarizer\[xlsx\]'"):
        export(results, "xlsx", tmp_path / "r.xlsx")
    res = CliRunner().invoke(app, ["export", str(results), "-o", str(tmp_path / "r.xlsx")], prog_name="summarizer")
    assert res.exit_code == 2 and res.output.startswith("error: xlsx export needs openpyxl")
    assert res.output.count("\n") == 1 and not (tmp_path / "r.xlsx").exists()
