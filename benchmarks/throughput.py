"""Batch throughput of the project against a strict provider, one configurable case.

The loopback provider runs in its own process and enforces ``--rpm`` the strict way: rpm/60
requests over any 1-second sliding window (``--window fixed`` for calendar seconds), 429 with
Retry-After beyond it. The project's real batch engine runs with ``--rpm`` (``--no-rpm``: without
telling it the limit). Bound = min(concurrency / latency, rpm / 60); the headline is the
achieved articles/s over it (target >= 0.97, 0 lost, <= 1 429 per 100 requests).
``benchmarks/pacing.py`` runs the three reference cases beside the instructor recipes.

Run: python benchmarks/throughput.py [--articles 150 --latency 0.5 --concurrency 8 --rpm 600 --no-rpm]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import _bench as b
from _provider_process import ProviderProcess
from pacing import Case, load_limiter, measured, report, run_project, warm_up


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=150)
    ap.add_argument("--latency", type=float, default=0.5)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--rpm", type=int, default=600, help="the provider's limit (a multiple of 60: rpm/60 per second)")
    ap.add_argument("--window", choices=["sliding", "fixed"], default="sliding")
    ap.add_argument("--no-rpm", action="store_true", help="do not tell the project the limit")
    ap.add_argument("--limiter", help="a limits.py whose Limiter the project uses instead of its own")
    args = ap.parse_args()
    if args.articles < 1 or args.latency <= 0 or args.concurrency < 1 or args.rpm < 60 or args.rpm % 60:
        raise SystemExit("--articles and --concurrency >= 1, --latency > 0, --rpm a multiple of 60")

    case = Case(0, args.articles, args.latency, args.rpm // 60, args.concurrency)
    tmp = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    inp = b.write_jsonl(tmp / "in.jsonl", args.articles)
    limiter_cls = load_limiter(args.limiter)
    with ProviderProcess() as warm:
        warm_up(warm.base_url, tmp)
    with ProviderProcess(latency_s=args.latency, rps_limit=case.per_second, window=args.window) as prov:
        result = measured(prov, lambda: run_project(
            prov.base_url, inp, case, rpm=None if args.no_rpm else args.rpm, limiter_cls=limiter_cls, tmp=tmp))
    print(f"articles={args.articles}")
    print(f"latency_s={args.latency}")
    print(f"concurrency={args.concurrency}")
    print(f"provider_limit_per_s={case.per_second} ({args.window} 1-second window)")
    print(f"project_told_rpm={'no' if args.no_rpm else args.rpm}")
    print(f"bound_articles_per_s={case.bound:.3f}")
    print(f"achieved_articles_per_s={result.ok / result.wall_s:.3f}")
    ratio = report("project", result, case)
    print(f"throughput_ratio={ratio:.3f}")


if __name__ == "__main__":
    main()
