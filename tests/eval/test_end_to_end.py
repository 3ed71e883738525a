"""batch on the seeds (authored recordings) then eval against the seeds' gold, as the README runs it.

The recordings are authored from this same gold, so the figures are not asserted to be perfect;
they are checked for consistency with the records and the gold, recomputed here independently.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.intake.language import t2s

from ..conftest import FIXTURES

runner = CliRunner()
GOLD_README = FIXTURES / "gold" / "README.md"


def readme_commands() -> list[list[str]]:
    """The `summarizer ...` lines of the README's "Running it" block, split as a shell would."""
    text = GOLD_README.read_text(encoding="utf-8")
    block = re.search(r"## Running it\s+```\n(.*?)```", text, re.S)
    assert block, "README lost its 'Running it' block"
    return [shlex.split(line) for line in block.group(1).splitlines() if line.startswith("summarizer ")]


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("e2e")
    (work / "fixtures").symlink_to(FIXTURES)  # the README's relative paths, outputs under tmp/
    mp = pytest.MonkeyPatch()
    mp.chdir(work)
    try:
        outs = []
        for argv in readme_commands():
            out = runner.invoke(app, argv[1:])
            assert out.exit_code == 0, (argv, out.output)
            outs.append(out)
        as_json = runner.invoke(app, ["eval", "tmp/results.jsonl", "--gold", "fixtures/gold/seeds.gold.json", "--json"])
        assert as_json.exit_code == 0, as_json.output
    finally:
        mp.undo()
    records = [json.loads(line) for line in (work / "tmp" / "results.jsonl").read_text().splitlines()]
    gold = json.loads((FIXTURES / "gold" / "seeds.gold.json").read_text())
    return {
        "report": json.loads(as_json.stdout), "table": outs[1].stdout, "file": json.loads((work / "tmp" / "eval.json").read_text()),
        "records": {Path(r["article"]["input_name"]).stem: r for r in records}, "gold": {a["name"]: a for a in gold["articles"]},
    }


def test_the_report_has_its_documented_shape(ran: dict) -> None:
    d = ran["report"]
    assert d["format"] == "summarizer-eval/1"
    assert d["gold"]["articles"] == 5 and d["results"]["records"] == 5 and d["results"]["without_gold"] == 0
    for name in ("speakers", "targets", "initiatives"):
        assert {"tp", "fp", "fn", "precision", "recall", "f1"} <= set(d["fields"][name])
    assert [a["name"] for a in d["per_article"]] == sorted(ran["gold"])
    # the -o file of the README's last command holds the same figures (and the per-article part)
    assert ran["file"]["fields"] == d["fields"] and ran["file"]["per_article"] == d["per_article"]


def test_ratios_follow_from_the_counts_and_articles_add_up(ran: dict) -> None:
    d = ran["report"]
    for name, f in d["fields"].items():
        tp, fp, fn = f["tp"], f["fp"], f["fn"]
        assert f["precision"] == pytest.approx(tp / (tp + fp))
        assert f["recall"] == pytest.approx(tp / (tp + fn))
        assert f["f1"] == pytest.approx(2 * f["precision"] * f["recall"] / (f["precision"] + f["recall"]))
        for k in ("tp", "fp", "fn"):
            assert f[k] == sum(a[name][k] for a in d["per_article"]), (name, k)


def test_counts_match_the_records_and_the_gold(ran: dict) -> None:
    d, records, gold = ran["report"], ran["records"], ran["gold"]
    assert set(records) == set(gold)
    assert d["articles"]["failed_total"] == 0  # every seed has a recording
    scored_targets = sum(1 for r in records.values() for t in r["targets"] if t["status"] == "target")
    t = d["fields"]["targets"]
    assert t["tp"] + t["fp"] == scored_targets
    assert t["tp"] + t["fn"] == sum(len(a["targets"]) for a in gold.values())
    # a matched target needs an equal value: an upper bound recomputed without units
    by_value = 0
    for name, a in gold.items():
        values = [x["value"] for x in records[name]["targets"] if x["status"] == "target" and x["value"] is not None]
        for g in a["targets"]:
            hit = next((v for v in values if math.isclose(v, g["value"], rel_tol=1e-6)), None)
            if hit is not None:
                values.remove(hit)
                by_value += 1
    assert t["tp"] <= by_value
    i = d["fields"]["initiatives"]
    assert i["tp"] + i["fp"] == sum(len(r["initiatives"]) for r in records.values())
    assert i["tp"] + i["fn"] == sum(len(a["initiatives"]) for a in gold.values())
    items = [it for r in records.values() for k in ("speakers", "goals", "targets", "initiatives") for it in r[k]]
    assert d["grounding"]["items"] == len(items)
    assert d["grounding"]["grounded"] == sum(1 for it in items if it["evidence"]["match"] != "none")
    targets = [x for r in records.values() for x in r["targets"]]
    assert d["verification"]["targets"] == len(targets)
    assert d["verification"]["verified"] == sum(1 for x in targets if x["verification"] == "verified")
    assert d["verification"]["invented_flagged"] == sum(1 for x in targets if x["verification"] == "not_in_article")


def test_speakers_recomputed_independently(ran: dict) -> None:
    """Exact names after Traditional->Simplified and dropping spaces: the seeds need nothing more."""

    def key(name: str) -> str:
        return "".join(t2s(name).split()).casefold()

    tp = fp = fn = non = 0
    for name, a in ran["gold"].items():
        left = [key(s["name"]) for s in a["speakers"]]
        not_speakers = {key(n) for n in a["not_speakers"]}
        for s in ran["records"][name]["speakers"]:
            k = key(s["name"])
            if k in left:
                left.remove(k)
                tp += 1
            else:
                fp += 1
                non += k in not_speakers
        fn += len(left)
    f = ran["report"]["fields"]["speakers"]
    assert (f["tp"], f["fp"], f["fn"], f["non_speakers_returned"]) == (tp, fp, fn, non)


def test_the_table_prints_the_json_figures(ran: dict) -> None:
    rows = {}
    for line in ran["table"].splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) == 7:
            rows[cells[0]] = cells[1:]
    for label, name in (("speakers", "speakers"), ("numeric targets", "targets"), ("initiatives (overlap >= 0.5)", "initiatives")):
        f = ran["report"]["fields"][name]
        assert rows[label] == [f"{f['precision']:.3f}", f"{f['recall']:.3f}", f"{f['f1']:.3f}", str(f["tp"]), str(f["fp"]), str(f["fn"])]
