"""The evaluation as a readable table (rich), rendered to plain text.

The table shows the same numbers as ``EvalReport.as_dict()``: one row per field with P/R/F1 and
tp/fp/fn, then the extra rows (non-speakers, non-targets, comparator/period accuracy, grounding,
verification, failed articles). ``per_article=True`` adds one row per gold article.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table

from .score import EvalReport


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _share(num: int, den: int) -> str:
    return f"{num}/{den}" + ("" if not den else f" ({num / den:.1%})")


def _fields_table(d: dict[str, Any]) -> Table:
    t = Table(title="Fields (micro-averaged over gold articles)", title_justify="left")
    for col in ("field", "precision", "recall", "F1", "tp", "fp", "fn"):
        t.add_column(col, justify="left" if col == "field" else "right")
    th = d["fields"]["initiatives"]["threshold"]
    for name, label in (("speakers", "speakers"), ("targets", "numeric targets"),
                        ("initiatives", f"initiatives (overlap >= {th:g})")):
        f = d["fields"][name]
        t.add_row(label, _pct(f["precision"]), _pct(f["recall"]), _pct(f["f1"]), str(f["tp"]), str(f["fp"]), str(f["fn"]))
    return t


def _extras_table(d: dict[str, Any]) -> Table:
    t = Table(title="Checks", title_justify="left")
    t.add_column("measure")
    t.add_column("value", justify="right")
    sp, tg = d["fields"]["speakers"], d["fields"]["targets"]
    t.add_row("non-speakers returned as speakers", str(sp["non_speakers_returned"]))
    t.add_row("non-targets returned as targets", str(tg["non_targets_returned"]))
    if tg["not_scored_status"]:
        t.add_row("targets labelled achieved/forecast (not scored)", str(tg["not_scored_status"]))
    t.add_row("comparator correct (matched targets)", _share(tg["comparator"]["correct"], tg["comparator"]["compared"]))
    t.add_row("period year correct (matched targets)", _share(tg["period"]["correct"], tg["period"]["compared"]))
    g, v = d["grounding"], d["verification"]
    t.add_row("items grounded", _share(g["grounded"], g["items"]))
    t.add_row("targets verified", _share(v["verified"], v["targets"]))
    t.add_row("invented numbers flagged", str(v["invented_flagged"]))
    a = d["articles"]
    t.add_row("articles failed", _share(a["failed_total"], a["gold"]) + f"  [failed {a['failed']}, missing {a['missing']}]")
    r = d["results"]
    if r["without_gold"]:
        t.add_row("results without gold (not scored)", str(r["without_gold"]))
    if r["duplicates"]:
        t.add_row("duplicate results (last one scored)", str(len(r["duplicates"])))
    return t


def _per_article_table(d: dict[str, Any]) -> Table:
    t = Table(title="Per article (tp/fp/fn)", title_justify="left")
    for col in ("article", "status", "speakers", "targets", "initiatives", "non-spk", "non-tgt"):
        t.add_column(col, justify="left" if col in ("article", "status") else "right")
    for a in d["per_article"]:
        def cell(f: dict[str, Any]) -> str:
            return f"{f['tp']}/{f['fp']}/{f['fn']}"

        t.add_row(a["name"], a["status"], cell(a["speakers"]), cell(a["targets"]), cell(a["initiatives"]),
                  str(a["speakers"]["non_speakers_returned"]), str(a["targets"]["non_targets_returned"]))
    return t


def render_table(report: EvalReport, *, per_article: bool = False, width: int = 100) -> str:
    """The report as plain-text tables (no colour codes)."""
    d = report.as_dict()
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False, highlight=False)
    origin = d["gold"]["origin"] or "unknown origin"
    console.print(f"gold: {d['gold']['articles']} article(s), {origin}; results: {d['results']['records']} record(s)")
    console.print(_fields_table(d))
    console.print(_extras_table(d))
    if per_article:
        console.print(_per_article_table(d))
    return buf.getvalue()
