"""Quotes with an ellipsis in the middle, as models write them despite the prompt: how they align.

    python benchmarks/elided.py

From every gold target text of the seeds and the dev set (verbatim substrings of their
articles) of at least 24 characters, a quote is made the way models elide: its first and last
40% kept, the middle replaced by an ellipsis in the forms models use (``……``, ``…``, ``...``,
``[...]``, ``. . .``). (Parts too short to be located on their own — under 6 Han characters or
12 other characters — are refused by design, a guard against false matches.) Each is aligned with the project's ``Aligner`` against its article, and the match
kinds are counted; the evidence must start where the first part starts and end where the last
part ends. A control set joins the first part of one quote to the last part of a quote from
another article: those must not align (``match: none``). Prints name=value lines; the headline
(share of elided quotes aligned with the right span) last.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.grounding.align import Aligner  # noqa: E402
from summarizer.grounding.normalize import cjk_ratio, match_key  # noqa: E402
from summarizer.intake import pinyin, read_path  # noqa: E402
from summarizer.grounding.align import ELISION_MIN_LATIN, FUZZY_MIN_CHARS  # noqa: E402

ELLIPSES = ("……", "…", "...", "[...]", ". . .")
MIN_CHARS = 24


def _golds() -> list[tuple[Path, list[str]]]:
    out = []
    for gold_file in [ROOT / "fixtures" / "gold" / "seeds.gold.json", *sorted((ROOT / "fixtures" / "devset").glob("*.gold.json"))]:
        for article in json.loads(gold_file.read_text(encoding="utf-8"))["articles"]:
            texts = [t["text"] for t in article.get("targets", []) if len(t.get("text") or "") >= MIN_CHARS]
            if texts:
                out.append((ROOT / article["input"], texts))
    return out


def _parts(text: str) -> tuple[str, str]:
    """First and last 40% of what the model saw (pinyin insertions repaired): by characters for
    Chinese, by whole words for Latin text (models elide at word boundaries)."""
    text = pinyin.repair(text)[0]
    if cjk_ratio(text) >= 0.3:
        keep = len(text) * 2 // 5
        return text[:keep].rstrip(), text[-keep:].lstrip()
    words = text.split()
    keep = max(1, len(words) * 2 // 5)
    return " ".join(words[:keep]), " ".join(words[-keep:])


def main() -> None:
    kinds: Counter[str] = Counter()
    right_span = total = too_short = 0
    control: Counter[str] = Counter()
    golds = _golds()
    for n, (path, texts) in enumerate(golds):
        doc = read_path(path)
        other_path, other_texts = golds[(n + 1) % len(golds)]
        for i, text in enumerate(texts):
            head, tail = _parts(text)
            zh = cjk_ratio(head + tail) >= 0.3
            if max(len(match_key(head)), len(match_key(tail))) < (FUZZY_MIN_CHARS if zh else ELISION_MIN_LATIN):
                too_short += 1  # no part long enough to be located on its own: refused by design
                continue
            for mark in ELLIPSES:
                aligner = Aligner(doc)  # fresh cursors: each quote on its own
                ev = aligner.align(f"{head}{mark}{tail}")
                total += 1
                kinds[ev.match] += 1
                start = doc.raw.find(text)
                if ev.match != "none" and start >= 0 and ev.start == start and ev.end == start + len(text):
                    right_span += 1
                elif ev.match != "none" and ev.start is not None and ev.end is not None:
                    # pinyin-repaired quotes end where the repaired text ends: the raw span may stop
                    # before the last annotation; same start, same end up to trailing pinyin
                    span = doc.raw[ev.start : ev.end]
                    right_span += int(start >= 0 and ev.start == start and pinyin.repair(span)[0] == pinyin.repair(text)[0])
            foreign = _parts(other_texts[i % len(other_texts)])[1]
            if foreign and foreign not in doc.raw:
                control[Aligner(doc).align(f"{head}……{foreign}").match] += 1
    print(f"texts_with_parts_too_short={too_short}")
    print(f"elided_quotes={total}")
    for kind in ("exact", "normalized", "fuzzy", "none"):
        print(f"elided_match_{kind}={kinds[kind]}")
    controls = sum(control.values())
    print(f"control_quotes={controls}")
    print(f"control_aligned={controls - control['none']}")
    print(f"elided_right_span_share={right_span / total:.3f}" if total else "elided_right_span_share=n/a")


if __name__ == "__main__":
    main()
