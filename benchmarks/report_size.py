"""Size of the HTML report for 10,000 articles, and how fast headless Chromium opens it.

Generates synthetic records (authored by this script, not model output: ~3 kB of raw text
each, English and Simplified Chinese alternating, 11 grounded items with exact offsets),
writes the report in its automatic layout (an index page plus data files loaded on demand),
then opens it from file:// in Debian's chromium through Playwright and times: the index
ready (rows drawn), one article ready (text highlighted), and a free-text filter over all rows.
With --compare-single it also writes and opens the same records as one self-contained file.

Run: python benchmarks/report_size.py [--articles N] [--compare-single]
(prints name=value lines, the headline last)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.report import write_report  # noqa: E402

from _bench import article  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _ev(text: str, quote: str) -> dict:
    at = text.find(quote)
    assert at >= 0, quote
    return {"quote": quote, "start": at, "end": at + len(quote), "match": "exact", "score": 1.0}


def record(i: int) -> dict:
    body = "".join(article(i + 2 * k) for k in range(4))  # four paragraphs, ~3 kB
    zh = bool(i % 2)
    lines = [ln for ln in body.splitlines() if ln.strip()]
    targets = []
    for ln in lines[1::4][:4]:  # the sentence with the growth target in each paragraph
        quote = ln[ln.find("力争"):] if zh else ln[ln.find("strive"):]
        targets.append({"metric": "GDP growth", "value_text": "x%", "unit": "%", "comparator": "at_least",
                        "kind": "growth_rate", "status": "target", "verified": i % 7 != 0,
                        "verification": "verified" if i % 7 else "misplaced", "evidence": _ev(body, quote)})
    speaker = lines[1][: lines[1].find("在会上")] if zh else lines[1][: lines[1].find(" said")]
    return {
        "article": {"id": f"{i:016x}", "title": lines[0][:40], "published": "2024-02-01",
                    "language": "zh-Hans" if zh else "en", "input_name": f"a{i}", "raw_text": body},
        "summary": lines[0],
        "speakers": [{"name": speaker, "evidence": _ev(body, lines[1][:30]), "name_evidence": _ev(body, speaker)}],
        "goals": [{"statement": ln[:40], "evidence": _ev(body, ln[:50])} for ln in lines[2::4][:3]],
        "targets": targets,
        "initiatives": [{"name": ln[:20], "evidence": _ev(body, ln[:30])} for ln in lines[2::4][:3]],
        "meta": {"engine": "summarizer", "engine_version": "bench", "provider": "synthetic", "model": "authored",
                 "prompt_version": "0", "pipeline_version": "0", "warnings": [] if i % 11 else ["synthetic warning"],
                 "candidates": []},
    }


def open_times(browser, path: Path, k: int) -> dict[str, float]:  # noqa: ANN001
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    t0 = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("#index-body tr[data-k]")
    t1 = time.perf_counter()
    page.evaluate("k => { location.hash = '#a/' + k; }", k)
    page.wait_for_selector("#raw .hl")
    t2 = time.perf_counter()
    page.evaluate("() => { location.hash = ''; }")
    page.wait_for_selector("#index-view:not([hidden])")
    t3 = time.perf_counter()
    page.fill("#f-q", "notice 9999")  # matches one article of 10,000
    page.wait_for_function("() => document.querySelectorAll('#index-body tr').length <= 2")
    t4 = time.perf_counter()
    page.context.close()
    return {"index_open_s": t1 - t0, "article_open_s": t2 - t1, "filter_s": t4 - t3}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--compare-single", action="store_true", help="also time one self-contained file")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        results = tmpdir / "results.jsonl"
        t = time.perf_counter()
        with results.open("w", encoding="utf-8") as fh:
            for i in range(args.articles):
                fh.write(json.dumps(record(i), ensure_ascii=False) + "\n")
        gen_s = time.perf_counter() - t
        t = time.perf_counter()
        res = write_report(results, tmpdir / "report.html")
        build_s = time.perf_counter() - t
        largest = max((f.stat().st_size for f in res.data_files), default=0)
        results_bytes = results.stat().st_size
        single = None
        if args.compare_single:
            single = write_report(results, tmpdir / "single.html", split=False)

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                times = open_times(browser, res.path, args.articles - 2)
                single_times = open_times(browser, single.path, args.articles - 2) if single else None
            finally:
                browser.close()

    print(f"articles={res.articles}")
    print(f"results_mb={results_bytes / 1e6:.1f}")
    print(f"generate_s={gen_s:.2f}")
    print(f"build_s={build_s:.2f}")
    print(f"layout={'split' if res.split else 'single'}")
    print(f"data_files={len(res.data_files)}")
    print(f"largest_data_file_kb={largest / 1e3:.0f}")
    print(f"total_mb={res.total_bytes / 1e6:.1f}")
    if single_times is not None:
        print(f"single_file_mb={single.total_bytes / 1e6:.1f}")
        print(f"single_index_open_s={single_times['index_open_s']:.2f}")
        print(f"single_article_open_s={single_times['article_open_s']:.2f}")
    print(f"filter_s={times['filter_s']:.3f}")
    print(f"article_open_s={times['article_open_s']:.3f}")
    print(f"index_mb={res.index_bytes / 1e6:.2f}")
    print(f"index_open_s={times['index_open_s']:.2f}")


if __name__ == "__main__":
    main()
