"""Recall hints (``grounding.find_candidates``) against gold targets: seeds and the dev set.

For every article the hints are computed as the pipeline computes them when the model returned
no target at all (``find_candidates(document, [])``), so every gold target number is one the
hints should raise. A hint is ``"<number> in: …<context>…"``; it *hits* a gold target when

* the value of its number equals the target's ``value`` or ``value_high``, and
* its number (as written) occurs in the target's ``text`` (or one of its ``mentions``), and
* its context shares the number plus ``OVERLAP`` characters in a row with that text (so a
  ``6%`` in an achieved clause does not count for a ``6%`` target elsewhere).

Texts are compared with pinyin annotations removed, whitespace dropped and Traditional folded
to Simplified (the hints quote the cleaned, repaired text).

* ``hint_recall`` = gold targets hit by some hint / gold targets
* ``false_alarms_per_article`` = hints that hit no gold target / articles; split into those
  whose number is a gold non-target number (``..._non_target``) and the rest
* ``scanner_value_accuracy`` (number scanner, ``grounding.scan``): gold targets whose text,
  scanned, yields a mention with the gold ``value`` and ``value_high`` / gold targets

Gold: fixtures/gold/seeds.gold.json (derived from the seeds' hand annotation) and
fixtures/devset/*.gold.json (authored). Run: python benchmarks/hints.py [--verbose]
(name=value lines, the headline last: devset_hint_recall).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.grounding import find_candidates, scan  # noqa: E402
from summarizer.intake import read_path  # noqa: E402
from summarizer.intake.language import t2s  # noqa: E402

OVERLAP = 3  # context characters beyond the number itself that must be shared
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])[（(][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,6}[)）]")


def _fold(s: str) -> str:
    return t2s(re.sub(r"\s+", "", _PINYIN.sub("", s))).replace("，", ",")


def _value(mention: str) -> float | None:
    found = [m for m in scan(mention) if m.kind == "number"]
    return found[0].value if found else None


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))


def _hits(hint: str, texts: list[str], values: list[float | None]) -> bool:
    mention, _, context = hint.partition(" in: ")
    m, c = _fold(mention), _fold(context.strip("…"))
    v = _value(mention)
    if not any(_same(v, x) for x in values):
        return False
    for text in texts:
        t = _fold(text)
        if m in t:
            match = SequenceMatcher(None, c, t, autojunk=False).find_longest_match(0, len(c), 0, len(t))
            if match.size >= min(len(m) + OVERLAP, len(t)):
                return True
    return False


def evaluate(gold_files: list[Path]) -> tuple[dict[str, float], list[str]]:
    targets = hit = alarms = alarms_nt = articles = scanned_ok = 0
    notes: list[str] = []
    for gold_path in gold_files:
        for art in json.loads(gold_path.read_text(encoding="utf-8"))["articles"]:
            articles += 1
            doc = read_path(ROOT / art["input"])
            hints = find_candidates(doc, [])
            gold_t = [([t["text"], *t.get("mentions", [])], [t["value"], t.get("value_high")]) for t in art["targets"]]
            gold_n = [
                ([n] if isinstance(n, str) else [n["text"]], [_value(n) if isinstance(n, str) else n.get("value")])
                for n in art.get("non_target_numbers", [])
            ]
            targets += len(gold_t)
            for t in art["targets"]:
                got = [(m.value, m.value_high) for m in scan(_PINYIN.sub("", t["text"])) if m.kind == "number"]
                if any(_same(v, t["value"]) and (vh == t.get("value_high") or _same(vh, t.get("value_high"))) for v, vh in got):
                    scanned_ok += 1
                else:
                    notes.append(f"{art['name']}: scanner read {t['text']!r} as {got} (gold {t['value']}, {t.get('value_high')})")
            for texts, values in gold_t:
                if any(_hits(h, texts, values) for h in hints):
                    hit += 1
                else:
                    notes.append(f"{art['name']}: target missed {texts[0]!r}")
            for h in hints:
                if any(_hits(h, texts, values) for texts, values in gold_t):
                    continue
                alarms += 1
                nt = any(_hits(h, texts, values) for texts, values in gold_n)
                alarms_nt += nt
                notes.append(f"{art['name']}: false alarm ({'non-target' if nt else 'unlisted'}) {h}")
    return {
        "articles": articles,
        "targets": targets,
        "hint_recall": hit / targets if targets else 1.0,
        "scanner_value_accuracy": scanned_ok / targets if targets else 1.0,
        "false_alarms_per_article": alarms / articles if articles else 0.0,
        "false_alarms_per_article_non_target": alarms_nt / articles if articles else 0.0,
        "false_alarms_per_article_unlisted": (alarms - alarms_nt) / articles if articles else 0.0,
    }, notes


def main() -> None:
    ap = argparse.ArgumentParser(description="Recall hints against gold targets (seeds and dev set).")
    ap.add_argument("--verbose", action="store_true", help="list every missed target and false alarm")
    args = ap.parse_args()
    sets = [("seeds", [ROOT / "fixtures" / "gold" / "seeds.gold.json"]), ("devset", sorted((ROOT / "fixtures" / "devset").glob("*.gold.json")))]
    for name, files in sets:
        if not files or not files[0].exists():
            continue
        figures, notes = evaluate(files)
        if args.verbose:
            for n in notes:
                print(f"# {n}")
        for k in ("articles", "targets", "scanner_value_accuracy", "false_alarms_per_article_non_target", "false_alarms_per_article_unlisted", "false_alarms_per_article", "hint_recall"):
            v = figures[k]
            print(f"{name}_{k}={v if isinstance(v, int) else f'{v:.4f}'}")


if __name__ == "__main__":
    main()
