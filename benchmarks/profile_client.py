"""cProfile of the project's client over --requests calls (default 1,000) to a zero-latency
loopback provider in its own process; prints the top --top entries by cumulative time.

Uses the adapter at the top of client_cpu.py (one place to fix if the client's signature
changes). Warm-up calls are made before the profiler starts.

Run: python benchmarks/profile_client.py [--requests 1000] [--concurrency 8] [--top 15] [--sort cumulative]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import time

from _provider_process import ProviderProcess
from client_cpu import build_messages, project_client, project_extract


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime", "ncalls"])
    args = ap.parse_args()
    if args.requests < 1 or args.concurrency < 1 or args.top < 1:
        raise SystemExit("--requests, --concurrency and --top must be >= 1")
    messages = build_messages(args.requests)

    with ProviderProcess() as provider:

        async def go() -> tuple[cProfile.Profile, float, float]:
            client = project_client(provider.base_url)
            try:
                for m in messages[:20]:
                    await project_extract(client, m)
                sem = asyncio.Semaphore(args.concurrency)

                async def one(m: list[dict[str, str]]) -> None:
                    async with sem:
                        await project_extract(client, m)

                profiler = cProfile.Profile()
                cpu0, wall0 = time.process_time(), time.perf_counter()
                profiler.enable()
                await asyncio.gather(*(one(m) for m in messages))
                profiler.disable()
                return profiler, time.process_time() - cpu0, time.perf_counter() - wall0
            finally:
                await client.close()

        profiler, cpu, wall = asyncio.run(go())

    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    print(f"requests={args.requests}")
    print(f"wall_s_under_profiler={wall:.2f}")
    print(f"client_cpu_ms_per_request_under_profiler={cpu * 1000 / args.requests:.2f}")


if __name__ == "__main__":
    main()
