"""The authored dev set's gold stays honest: every quoted text and junk line is on its page,
values match the written figures, every number on a body line is accounted for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_devset_gold_passes_its_checker() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "fixtures/devset/check.py")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "problems=0" in proc.stdout


def test_devset_is_at_least_thirty_authored_articles_in_three_languages() -> None:
    import json

    golds = sorted((ROOT / "fixtures/devset").glob("*.gold.json"))
    langs = [json.loads(p.read_text(encoding="utf-8"))["articles"][0]["language"] for p in golds]
    assert len(golds) >= 30 and {"zh-Hans", "zh-Hant", "en"} <= set(langs)
    assert all(json.loads(p.read_text(encoding="utf-8"))["origin"] == "authored" for p in golds)
