"""Line-level recall and precision of the intake cleaner: seed articles and the authored dev set.

Unit: a non-blank line of the page (stripped). A line is *kept* when at least one of its
characters reaches ``Document.text``; otherwise it is *removed*.

Seeds (fixtures/articles, gold fixtures/body_lines/<seed>.json: the raw line numbers that are
article body; every other non-blank line is page furniture):

* ``recall`` = body lines kept / body lines (article text lost shows here)
* ``precision`` = body lines kept / lines kept (furniture that survives shows here)

Dev set (fixtures/devset, gold ``junk_lines`` / ``mixed_lines`` in each ``*.gold.json``; see
fixtures/devset/README.md). *Junk items* are the whole junk lines plus the junk part of each
mixed line (a slogan glued to a headline, a credit glued to a paragraph); *body items* are the
other lines, a mixed line counting through its body part. The same two figures as for the
seeds, plus the same counts seen from the junk side:

* ``body_recall`` = body items kept / body items
* ``body_precision`` = body items kept / items kept
* ``junk_recall`` = junk items removed / junk items (the issue's "2 of 6 junk strings removed")
* ``junk_precision`` = junk items removed / items removed
* ``title_correct`` = articles whose ``Document.title`` equals the gold title (null included;
  pinyin annotations are removed from both first, as intake repairs them)

``junk_kept_with_a_date`` counts the junk items kept that carry a full date. The two golds
disagree on datelines: the seeds' body lines include them (seed 001 line 12 ``来源:东莞发布
2022-11-09 10:09``, 003 line 7, 004 line 7 ``2024-02-20 08:26:24``), the dev set files the
same kind of line as furniture (``2024-02-21 08:15:33``, ``2024-01-12 09:35  来源 | 湖东发布``).
The cleaner keeps a dateline (and takes ``published`` from it) unless it names people.

For ``.txt`` pages "reaches the text" is decided through the offset map (exact). ``.html``
pages are read as ``check.py`` renders their visible text (one line per block element); as the
HTML extractor rewrites whitespace, an item counts as kept when, whitespace collapsed, it
equals a line of ``Document.text`` or (20+ characters) occurs inside it; a junk part of a mixed
line counts as kept when it is still glued to its body part.

Run: python benchmarks/cleaning.py [--verbose]   (name=value lines, the headline last:
devset_junk_recall); ``--verbose`` also lists every miss.
"""

from __future__ import annotations

import argparse
import bisect
import importlib.util
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.intake import read_path  # noqa: E402
from summarizer.intake.clean import find_date  # noqa: E402
from summarizer.intake.document import Document  # noqa: E402
from summarizer.intake.inspect import kept_raw_lines  # noqa: E402

DEVSET = ROOT / "fixtures" / "devset"
LONG_ENOUGH = 20  # characters: a line this long is safely matched as a substring (HTML pages)
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])[（(][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,6}[)）]")


def scores() -> dict[str, dict[str, float]]:
    """Seeds: per-seed and overall body-line recall and precision."""
    out: dict[str, dict[str, float]] = {}
    tp_all = kept_all = body_all = 0
    for gold_path in sorted((ROOT / "fixtures" / "body_lines").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        doc = read_path(ROOT / gold["article"])
        body = set(gold["body_lines"])
        kept = kept_raw_lines(doc)
        tp = len(body & kept)
        lines = [n for n, ln in enumerate(doc.raw.split("\n"), 1) if ln.strip()]
        junk = set(lines) - body
        out[gold_path.stem] = {
            "recall": tp / len(body) if body else 1.0,
            "precision": tp / len(kept) if kept else 1.0,
            "junk_recall": len(junk - kept) / len(junk) if junk else 1.0,
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


# --------------------------------------------------------------------------- dev set


@dataclass
class Tally:
    body: int = 0
    body_kept: int = 0
    junk: int = 0
    junk_removed: int = 0
    titles: int = 0
    titles_ok: int = 0
    kept_datelines: int = 0
    misses: list[str] = field(default_factory=list)
    by_class: dict[str, list[int]] = field(default_factory=dict)  # class -> [removed, total]

    def add(self, other: "Tally") -> None:
        self.body += other.body
        self.body_kept += other.body_kept
        self.junk += other.junk
        self.junk_removed += other.junk_removed
        self.titles += other.titles
        self.titles_ok += other.titles_ok
        self.kept_datelines += other.kept_datelines
        self.misses += other.misses
        for c, (r, t) in other.by_class.items():
            acc = self.by_class.setdefault(c, [0, 0])
            acc[0] += r
            acc[1] += t

    def figures(self) -> dict[str, float]:
        kept = self.body_kept + (self.junk - self.junk_removed)
        removed = self.junk_removed + (self.body - self.body_kept)
        return {
            "body_recall": self.body_kept / self.body if self.body else 1.0,
            "body_precision": self.body_kept / kept if kept else 1.0,
            "junk_recall": self.junk_removed / self.junk if self.junk else 1.0,
            "junk_precision": self.junk_removed / removed if removed else 1.0,
            "title_correct": self.titles_ok / self.titles if self.titles else 1.0,
        }


def _visible_text():
    spec = importlib.util.spec_from_file_location("devset_check", DEVSET / "check.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.visible_text


def _collapse(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


class _TxtJudge:
    """Kept or not, for spans of a ``.txt`` page, through the offset map."""

    def __init__(self, doc: Document) -> None:
        pieces = doc.offsets.pieces(0, len(doc.text))
        self.starts = [a for a, _ in pieces]
        self.pieces = pieces

    def kept(self, a: int, b: int) -> bool:
        """Does any character of raw[a:b] that is not whitespace reach the text?"""
        i = max(0, bisect.bisect_right(self.starts, a) - 1)
        while i < len(self.pieces) and self.pieces[i][0] < b:
            pa, pb = self.pieces[i]
            if pa < b and pb > a:
                return True
            i += 1
        return False


def _article(gold_path: Path, visible_text) -> Tally:
    art = json.loads(gold_path.read_text(encoding="utf-8"))["articles"][0]
    path = ROOT / art["input"]
    doc = read_path(path)
    junk = set(art.get("junk_lines") or [])
    mixed = {m["line"]: m["junk"] for m in art.get("mixed_lines") or []}
    cls = {line: c for c, lines in (art.get("junk_classes") or {}).items() for line in lines}
    gold_title = art.get("title")
    # pinyin pages: the gold headline keeps its annotations, Document.title is the repaired text
    same = (doc.title is None and gold_title is None) or (
        doc.title is not None and gold_title is not None and _PINYIN.sub("", doc.title) == _PINYIN.sub("", gold_title)
    )
    t = Tally(titles=1, titles_ok=int(same))
    if not t.titles_ok:
        t.misses.append(f"{art['name']}: title {doc.title!r} (gold {art.get('title')!r})")

    def junk_item(name: str, removed: bool) -> None:
        t.junk += 1
        t.junk_removed += removed
        t.kept_datelines += not removed and find_date(name) is not None
        acc = t.by_class.setdefault(cls.get(name, "?"), [0, 0])
        acc[0] += removed
        acc[1] += 1
        if not removed:
            t.misses.append(f"{art['name']}: junk kept [{cls.get(name, '?')}] {name!r}")

    def body_item(name: str, kept: bool) -> None:
        t.body += 1
        t.body_kept += kept
        if not kept:
            t.misses.append(f"{art['name']}: body lost {name[:70]!r}")

    if path.suffix == ".html":
        text = _collapse(doc.text)
        text_lines = {_collapse(x) for x in doc.text.split("\n")}

        def kept_html(s: str) -> bool:
            c = _collapse(s)
            return c in text_lines or (len(c) >= LONG_ENOUGH and c in text)

        for line in (x.strip() for x in visible_text(doc.raw, ".html").split("\n")):
            if not line:
                continue
            if line in mixed:
                part = mixed[line]
                rest = line.replace(part, "", 1).strip()
                glued = any(x.startswith(_collapse(part)) or x.endswith(_collapse(part)) for x in text_lines if len(x) > len(part))
                junk_item(part, not glued)
                body_item(rest, kept_html(rest))
            elif line in junk:
                junk_item(line, not kept_html(line))
            else:
                body_item(line, kept_html(line))
        return t

    judge = _TxtJudge(doc)
    pos = 0
    for raw_line in doc.raw.split("\n"):
        a, b = pos, pos + len(raw_line)
        pos = b + 1
        line = raw_line.strip()
        if not line:
            continue
        lead = a + len(raw_line) - len(raw_line.lstrip())
        if line in mixed:
            part = mixed[line]
            ja = lead + line.index(part)
            jb = ja + len(part)
            junk_item(part, not judge.kept(ja, jb))
            rest_kept = judge.kept(lead, ja) or judge.kept(jb, lead + len(line))
            body_item(line.replace(part, "", 1).strip(), rest_kept)
        elif line in junk:
            junk_item(line, not judge.kept(a, b))
        else:
            body_item(line, judge.kept(a, b))
    return t


def devset_scores() -> tuple[dict[str, float], Tally]:
    visible_text = _visible_text()
    total = Tally()
    for gold_path in sorted(DEVSET.glob("*.gold.json")):
        total.add(_article(gold_path, visible_text))
    return total.figures(), total


def main() -> None:
    ap = argparse.ArgumentParser(description="Intake cleaner line recall/precision (seeds and dev set).")
    ap.add_argument("--verbose", action="store_true", help="list every junk item kept and body item lost")
    args = ap.parse_args()
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
    if not DEVSET.is_dir():
        return
    figures, tally = devset_scores()
    print(f"devset_body_items={tally.body}")
    print(f"devset_junk_items={tally.junk}")
    print(f"devset_junk_kept_with_a_date={tally.kept_datelines}")
    for c, (r, n) in sorted(tally.by_class.items()):
        print(f"devset_junk_recall_{c}={r}/{n}")
    if args.verbose:
        for miss in tally.misses:
            print(f"# {miss}")
    for k in ("title_correct", "body_recall", "body_precision", "junk_precision", "junk_recall"):
        print(f"devset_{k}={figures[k]:.4f}")


if __name__ == "__main__":
    main()
