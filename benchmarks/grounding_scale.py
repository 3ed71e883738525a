"""How grounding time grows with document size when every quote is slightly wrong.

Generated documents of 10 KB .. 1 MB (UTF-8 bytes) in English and in Simplified Chinese. Words
(English) and characters (Chinese) are drawn from the seed articles' own frequencies, with a
Zipf tail of made-up rare words, so common words are as common as in real news. One quote per
KB of text is cut from the document (8-20 words, or 10-30 characters, within one paragraph)
and one character of it is changed, so no quote matches exactly or after normalization and
every one goes to the fuzzy search. A page-furniture line at the top makes the cleaned text
differ from the raw text, as on real pages, so both views are in play.

Timed: CPU seconds (``time.process_time``) of ``Aligner(document)`` plus aligning every quote,
with a fresh ``Aligner`` per document (normalized views and indexes are built inside the
timing). Intake (``from_text``) is not timed. ``found_share`` is the share of quotes whose
evidence starts within 3 characters of where the quote was cut (quality guard: a fast search
that finds nothing would look good otherwise).

The growth exponent is the slope of a least-squares fit of log(cpu) on log(size) over the
sizes from 100 KB up (three or more sizes).

Run: python benchmarks/grounding_scale.py [--sizes 10,100,316,1000] [--lang en,zh]
(name=value lines, the headline last: cpu_s_1mb_en)
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.grounding.align import Aligner  # noqa: E402
from summarizer.intake import from_text  # noqa: E402

QUOTES_PER_KB = 1.0
SEEDS_EN = ("000", "004")
SEEDS_ZH = ("001", "003")


def _seed_text(prefixes: tuple[str, ...]) -> str:
    paths = sorted((ROOT / "fixtures" / "articles").glob("*.txt"))
    return "\n".join(p.read_text(encoding="utf-8") for p in paths if p.name[:3] in prefixes)


def _vocabulary(rng: random.Random, lang: str) -> tuple[list[str], list[float]]:
    """Seed units with their counts, then a Zipf tail of rare made-up units."""
    if lang == "en":
        counts = Counter(w.lower() for w in re.findall(r"[A-Za-z]+", _seed_text(SEEDS_EN)))
        letters = "abcdefghijklmnopqrstuvwxyz"
        tail = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(20000)]
    else:
        counts = Counter(re.findall(r"[\u4e00-\u9fff]", _seed_text(SEEDS_ZH)))
        tail = [chr(0x4E00 + rng.randrange(0x5000)) for _ in range(3000)]
    units = [u for u, _ in counts.most_common()]
    weights = [float(c) for _, c in counts.most_common()]
    floor = weights[-1]
    units += tail
    weights += [floor / (k + 2) for k in range(len(tail))]
    return units, weights


def generate(lang: str, size_kb: float, seed: int = 7) -> tuple[str, list[tuple[int, str, str]]]:
    """(raw text, [(planted start, original slice, altered quote)]) for a document of ``size_kb``."""
    rng = random.Random(seed * 1000 + int(size_kb))
    units, weights = _vocabulary(rng, lang)
    target = int(size_kb * 1000)
    header = "Share this article\n\n" if lang == "en" else "分享到微信朋友圈\n\n"
    paras: list[str] = []
    size = len(header.encode())
    while size < target:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            words = rng.choices(units, weights, k=rng.randint(8, 28))
            if lang == "en":
                s = " ".join(words)
                sentences.append(s[0].upper() + s[1:] + rng.choice([".", ".", ",", ";"]))
            else:
                sentences.append("".join(words) + rng.choice(["。", "，", "；", "。"]))
        para = (" " if lang == "en" else "").join(sentences)
        paras.append(para)
        size += len(para.encode()) + 2
    raw = header + "\n\n".join(paras) + "\n"
    plants = []
    starts = _para_starts(raw, header, paras)
    for _ in range(max(1, int(size_kb * QUOTES_PER_KB))):
        k = rng.randrange(len(paras))
        para, base = paras[k], starts[k]
        if lang == "en":
            spans = [m.span() for m in re.finditer(r"\S+", para)]
            n = rng.randint(8, 20)
            if len(spans) <= n:
                continue
            i = rng.randrange(len(spans) - n)
            a, b = spans[i][0], spans[i + n - 1][1]
        else:
            n = rng.randint(10, 30)
            if len(para) <= n:
                continue
            a = rng.randrange(len(para) - n)
            b = a + n
        original = para[a:b]
        plants.append((base + a, original, _alter(rng, original, lang)))
    return raw, plants


def _para_starts(raw: str, header: str, paras: list[str]) -> list[int]:
    out, pos = [], len(header)
    for p in paras:
        out.append(pos)
        pos += len(p) + 2
    return out


def _alter(rng: random.Random, s: str, lang: str) -> str:
    """``s`` with one letter (English) or one Han character (Chinese) replaced."""
    if lang == "en":
        spots = [i for i, c in enumerate(s) if c.isalpha()]
        i = rng.choice(spots[len(spots) // 4 : 3 * len(spots) // 4] or spots)
        c = rng.choice([x for x in "etaoinshrdlu" if x != s[i].lower()])
    else:
        spots = [i for i, c in enumerate(s) if "\u4e00" <= c <= "\u9fff"]
        i = rng.choice(spots[1:-1] or spots)
        c = rng.choice([x for x in "的一是在不了有和人这中大为上个国" if x != s[i]])
    return s[:i] + c + s[i + 1 :]


def run(lang: str, size_kb: float) -> tuple[float, float, int]:
    raw, plants = generate(lang, size_kb)
    doc = from_text(raw, name=f"gen-{lang}-{size_kb}")
    t0 = time.process_time()
    aligner = Aligner(doc)
    evs = [aligner.align(q, group=str(i)) for i, (_, _, q) in enumerate(plants)]
    cpu = time.process_time() - t0
    found = sum(1 for (start, _, _), ev in zip(plants, evs) if ev.start is not None and abs(ev.start - start) <= 3)
    return cpu, found / len(plants), len(plants)


def exponent(points: list[tuple[float, float]]) -> float:
    xs = [math.log(s) for s, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10,100,316,1000", help="document sizes in KB, comma-separated")
    ap.add_argument("--lang", default="zh,en", help="languages to run: en, zh or both")
    args = ap.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    langs = args.lang.split(",")
    print(f"quotes_per_kb={QUOTES_PER_KB}")
    results: dict[str, list[tuple[float, float]]] = {}
    for lang in langs:
        for size in sizes:
            cpu, found, n = run(lang, size)
            tag = f"{lang}_{int(size)}kb"
            print(f"quotes_{tag}={n}")
            print(f"found_share_{tag}={found:.3f}")
            print(f"cpu_s_{tag}={cpu:.3f}")
            results.setdefault(lang, []).append((size, cpu))
    for lang in langs:
        big = [(s, t) for s, t in results[lang] if s >= 100]
        if len(big) >= 3:
            print(f"exponent_{lang}={exponent(big):.2f}")
    for lang in sorted(langs, key=lambda x: x == "en"):  # the English 1 MB figure last
        at_1mb = [t for s, t in results[lang] if s == 1000]
        if at_1mb:
            print(f"cpu_s_1mb_{lang}={at_1mb[0]:.3f}")


if __name__ == "__main__":
    main()
