"""Client CPU per request, and requests/s, against a zero-latency provider.

The loopback provider (echo responder, no latency, no limits) runs in a process of its own, so
the CPU measured here (``time.process_time`` of this process, all its threads) is the client's
alone. Measured for:

* project: ``summarizer.llm.LLMClient(settings).extract(messages)``, ``--concurrency`` calls in
  flight on one event loop (through the adapter below: the one place to fix if its signature
  changes);
* instructor loop: ``instructor.from_openai(OpenAI())``, one call at a time, same model, prompt
  and answers.

The messages are built before the clock starts (prompt building is the pipeline's, not the
client's). The provider's own CPU per request is printed too: if it is near 1000 / requests_per_s
the provider, not the client, is what limits requests/s. Targets for the project: <= 3 ms
client CPU per request and >= 300 requests/s. Headline (last): the project's ms per request.

Run: python benchmarks/client_cpu.py [--requests 1000] [--concurrency 8] [--instructor 300]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

import _bench as b
from _provider_process import ProviderProcess

TARGET_CPU_MS = 3.0
TARGET_RPS = 300.0


# ---------------------------------------------------------------------- adapter (fix here)


def project_client(base_url: str) -> Any:
    """The project's client for the loopback provider."""
    from summarizer.llm import LLMClient

    return LLMClient(b.settings(base_url, None))


async def project_extract(client: Any, messages: list[dict[str, str]]) -> Any:
    """One extraction through the project's client; returns the validated answer."""
    result, _stats = await client.extract(messages)
    return result


def build_messages(n: int) -> list[list[dict[str, str]]]:
    """The project's prompt for ``n`` generated articles (English and Chinese, alternating)."""
    from summarizer.prompts import load_prompts

    prompts = load_prompts()
    return [prompts.messages(b.article(i), language="zh-Hans" if i % 2 else "en") for i in range(n)]


# ---------------------------------------------------------------------- measurements


def measure_project(base_url: str, messages: list[list[dict[str, str]]], concurrency: int, warm: int = 20) -> tuple[float, float]:
    """(client CPU ms per request, requests/s) of the project's client."""

    async def go() -> tuple[float, float]:
        client = project_client(base_url)
        try:
            for m in messages[:warm]:  # first-call costs (lazy imports, connection set-up) are not per request
                await project_extract(client, m)
            sem = asyncio.Semaphore(concurrency)

            async def one(m: list[dict[str, str]]) -> None:
                async with sem:
                    await project_extract(client, m)

            cpu0, wall0 = time.process_time(), time.perf_counter()
            await asyncio.gather(*(one(m) for m in messages))
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        finally:
            await client.close()
        return cpu * 1000 / len(messages), len(messages) / wall

    return asyncio.run(go())


def measure_instructor_loop(base_url: str, messages: list[list[dict[str, str]]], warm: int = 5) -> tuple[float, float]:
    """(client CPU ms per request, requests/s) of a plain sequential instructor loop."""
    import instructor
    import openai

    from summarizer.models import Extraction

    oai = openai.OpenAI(base_url=base_url, api_key="not-needed")
    client = instructor.from_openai(oai, mode=instructor.Mode.JSON)

    def call(m: list[dict[str, str]]) -> None:
        client.chat.completions.create(response_model=Extraction, messages=m, model="authored", temperature=0.0, max_tokens=4096)

    for m in messages[:warm]:
        call(m)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for m in messages:
        call(m)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    oai.close()
    return cpu * 1000 / len(messages), len(messages) / wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=1000, help="project requests (default 1000)")
    ap.add_argument("--concurrency", type=int, default=8, help="project calls in flight (default 8)")
    ap.add_argument("--instructor", type=int, default=300, help="requests of the instructor loop (0 skips it)")
    args = ap.parse_args()
    if args.requests < 1 or args.concurrency < 1 or args.instructor < 0:
        raise SystemExit("--requests and --concurrency must be >= 1, --instructor >= 0")

    messages = build_messages(max(args.requests, args.instructor))
    with ProviderProcess() as provider:
        if args.instructor:
            i_ms, i_rps = measure_instructor_loop(provider.base_url, messages[: args.instructor])
            print(f"instructor_loop_requests={args.instructor}")
            print(f"instructor_loop_client_cpu_ms_per_request={i_ms:.2f}")
            print(f"instructor_loop_requests_per_s={i_rps:.1f}")
        before = provider.stats()["requests"]
        cpu0 = provider.cpu_s()
        p_ms, p_rps = measure_project(provider.base_url, messages[: args.requests], args.concurrency)
        served = provider.stats()["requests"] - before
        provider_ms = (provider.cpu_s() - cpu0) * 1000 / max(1, served)
    print(f"project_requests={args.requests}")
    print(f"project_concurrency={args.concurrency}")
    print(f"project_requests_per_s={p_rps:.1f}")
    print(f"provider_cpu_ms_per_request={provider_ms:.2f}")
    print(f"target_requests_per_s={TARGET_RPS:g}")
    print(f"target_client_cpu_ms_per_request={TARGET_CPU_MS:g}")
    print(f"project_client_cpu_ms_per_request={p_ms:.2f}")


if __name__ == "__main__":
    main()
