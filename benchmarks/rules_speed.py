"""Speed of the rules engine: milliseconds per 10 KB of article text.

Two inputs: the five seed articles (each timed as it is, then scaled to 10 KB of UTF-8), and
generated policy-news text (Simplified Chinese, Traditional Chinese, English) cut to 10 KB.
Each article is extracted ``--repeat`` times; the figure is the median over articles of the
median time, scaled linearly to 10 KB (10,240 bytes of UTF-8). The target is <= 20 ms.
Both wall-clock and CPU time (``time.process_time``) are printed: on a shared machine the wall
clock mostly measures the other processes (the load average is printed too), so the headline is
CPU time.

Run: python benchmarks/rules_speed.py [--repeat N]   (prints name=value lines, the headline last)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.intake import read_path  # noqa: E402
from summarizer.intake.language import s2t  # noqa: E402
from summarizer.rules import RULES_VERSION, extract  # noqa: E402

TEN_KB = 10 * 1024


def generated(language: str, size: int = TEN_KB) -> str:
    """Policy-news-like text of about ``size`` UTF-8 bytes, every paragraph different."""
    out: list[str] = []
    i = 0
    while len("\n".join(out).encode("utf-8")) < size:
        i += 1
        if language == "en":
            out.append(
                f"Mayor Zhang Wei{'' if i % 2 else 'ming'} said on Monday that the district will strive to grow its GDP by "
                f"{i % 7 + 3}% this year and add no fewer than {i * 5} high-tech enterprises under the Green Valley "
                f"Programme phase {i}. Last year fixed-asset investment reached {i + 10} billion yuan, up {i % 9}% year on "
                f"year. Analysts forecast growth of {i % 5 + 2}% next year. (Reporter/Li Ming)"
            )
        else:
            para = (
                f"区委书记张{'伟明'[i % 2]}在会上指出，今年全区地区生产总值力争增长{i % 7 + 3}%以上，新增高新技术企业不少于{i * 5}家，"
                f"深入实施“百千万工程”第{i}期，加快建设科创走廊，努力打造成为区域创新高地。"
                f"去年全区完成固定资产投资{i + 100}亿元，同比增长{i % 9}%。（记者 李明 摄影 王芳）"
            )
            out.append(s2t(para) if language == "zh-Hant" else para)
    text = "\n".join(out)
    raw = text.encode("utf-8")[:size]
    return raw.decode("utf-8", errors="ignore")


def time_one(text: str, language: str, published: str | None, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of ``repeat`` extractions (after one warm-up)."""
    extract(text, language=language, published=published)
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        extract(text, language=language, published=published)
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    wall_10kb: list[float] = []
    cpu_10kb: list[float] = []
    print(f"rules_version={RULES_VERSION}")
    print(f"load_average_1min={os.getloadavg()[0]:.2f}")
    print(f"cpus={os.cpu_count()}")
    inputs: list[tuple[str, str, str, str | None]] = []
    for path in sorted((ROOT / "fixtures" / "articles").glob("*.txt")):
        doc = read_path(path)
        inputs.append((f"seed_{path.stem[:3]}", doc.text, doc.language, doc.published))
    for language in ("zh-Hans", "zh-Hant", "en"):
        inputs.append((f"generated_{language}", generated(language), language, "2024-03-01"))
    for name, text, language, published in inputs:
        wall, cpu = time_one(text, language, published, args.repeat)
        scale = TEN_KB / max(len(text.encode("utf-8")), 1)
        wall_10kb.append(wall * scale)
        cpu_10kb.append(cpu * scale)
        print(f"{name}_bytes={len(text.encode('utf-8'))}")
        print(f"{name}_wall_ms_per_10kb={wall * scale:.2f}")
        print(f"{name}_cpu_ms_per_10kb={cpu * scale:.2f}")
    print("target_ms_per_10kb=20")
    print(f"rules_wall_ms_per_10kb_median={statistics.median(wall_10kb):.2f}")
    print(f"rules_cpu_ms_per_10kb_median={statistics.median(cpu_10kb):.2f}")


if __name__ == "__main__":
    main()
