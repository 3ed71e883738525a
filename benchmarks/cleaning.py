"""Line-level recall and precision of the intake cleaner on the seed articles.

Gold: fixtures/body_lines/<seed>.json lists the raw line numbers (1-based) that are article
body, labelled by reading the seeds. A raw line counts as kept when any of its characters
reaches ``Document.text``. Blank lines are ignored on both sides.

Run: python benchmarks/cleaning.py   (prints name=value lines, the headline last)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.intake import read_path  # noqa: E402
from summarizer.intake.inspect import kept_raw_lines  # noqa: E402


def scores() -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    tp_all = kept_all = body_all = 0
    for gold_path in sorted((ROOT / "fixtures" / "body_lines").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        doc = read_path(ROOT / gold["article"])
        body = set(gold["body_lines"])
        kept = kept_raw_lines(doc)
        tp = len(body & kept)
        out[gold_path.stem] = {
            "recall": tp / len(body) if body else 1.0,
            "precision": tp / len(kept) if kept else 1.0,
            "body_lines": len(body),
            "kept_lines": len(kept),
            "missed": sorted(body - kept),
            "extra": sorted(kept - body),
        }
        tp_all += tp
        kept_all += len(kept)
        body_all += len(body)
    r = tp_all / body_all if body_all else 1.0
    p = tp_all / kept_all if kept_all else 1.0
    out["overall"] = {"recall": r, "precision": p, "f1": 2 * p * r / (p + r) if p + r else 0.0}
    return out


def main() -> None:
    s = scores()
    for name, m in s.items():
        if name == "overall":
            continue
        seed = name.split("_")[0]
        print(f"seed_{seed}_recall={m['recall']:.4f}")
        print(f"seed_{seed}_precision={m['precision']:.4f}")
        if m["missed"]:
            print(f"seed_{seed}_missed_lines={','.join(map(str, m['missed']))}")
        if m["extra"]:
            print(f"seed_{seed}_extra_lines={','.join(map(str, m['extra']))}")
    o = s["overall"]
    print(f"overall_recall={o['recall']:.4f}")
    print(f"overall_precision={o['precision']:.4f}")
    print(f"overall_line_f1={o['f1']:.4f}")


if __name__ == "__main__":
    main()
