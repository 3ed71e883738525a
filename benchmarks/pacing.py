"""Pacing against a strict provider, side by side with the usual instructor recipes.

The loopback provider runs in its own process and counts requests over a 1-second sliding
window (429 with Retry-After beyond it), as strict providers and gateways do. Three cases:

  1. 100 articles, 0.2 s latency, 600 RPM (10/s), 16-way
  2. 150 articles, 0.5 s latency, 300 RPM (5/s), 32-way   (the project with and without --rpm)
  3. 300 articles, 1.0 s latency, 1200 RPM (20/s), 16-way (bound by concurrency: 16/s; the
     project with and without --rpm too, to show the pacing costs nothing where it is not needed)

Each client gets the same articles, prompt, response model and answers (the echo responder):

* project: the real batch engine (``run_batch`` over a ``Pipeline``) with ``--rpm`` = the limit;
* gather+Semaphore: instructor's docs recipe ("Rate-Limited Gather": an ``asyncio.Semaphore``
  around each ``create``, ``asyncio.gather`` over all), on ``AsyncOpenAI`` with its default
  retries; ``return_exceptions=True`` so one failure does not hide the others' results;
* plain loop: ``instructor.from_openai(OpenAI())``, one article at a time, over the first
  ``--plain`` articles (its rate is flat, so a subset measures it; the full case would take
  minutes).

Per client: ok, lost (articles without a result), the provider's 429s (and per 100 requests)
and ratio = ok articles/s ÷ bound, bound = min(concurrency / latency, limit/s). The headline,
last, is the project's worst ratio over the three cases (target >= 0.97, 0 lost, <= 1 429 per
100 requests). ``--limiter FILE`` runs the project with the ``Limiter`` class of another
limits.py (e.g. the previous version) for before/after figures.

Run: python benchmarks/pacing.py [--cases 1,2,3] [--only project] [--plain 20] [--limiter FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _bench as b
from _provider_process import ProviderProcess

from summarizer.batch import run_batch
from summarizer.intake import iter_sources
from summarizer.models import Extraction
from summarizer.pipeline import Pipeline
from summarizer.prompts import load_prompts

MODEL = "authored"
MAX_TOKENS = 4096


@dataclass(frozen=True)
class Case:
    number: int
    articles: int
    latency_s: float
    per_second: int  # the provider's limit over any 1-second sliding window
    concurrency: int

    @property
    def rpm(self) -> int:
        return self.per_second * 60

    @property
    def bound(self) -> float:
        return min(self.concurrency / self.latency_s, float(self.per_second))


CASES = {
    1: Case(1, 100, 0.2, 10, 16),
    2: Case(2, 150, 0.5, 5, 32),
    3: Case(3, 300, 1.0, 20, 16),
}


@dataclass
class Result:
    ok: int
    lost: int
    wall_s: float
    requests: int = 0
    rate_limited: int = 0
    notes: tuple[str, ...] = ()
    cpu_s: float | None = None  # this process's CPU time over the run (the client's: the provider has its own)


def load_limiter(path: str | None) -> Any:
    """The ``Limiter`` class of another limits.py, or None for the project's own."""
    if path is None:
        return None
    spec = importlib.util.spec_from_file_location("limits_under_test", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"--limiter: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.Limiter


def documents(inp: Path, n: int) -> list[Any]:
    return [s.document for s, _ in zip(iter_sources([str(inp)]), range(n)) if s.document is not None]


def messages(prompts: Any, doc: Any) -> list[dict[str, str]]:
    return prompts.messages(doc.text, language=doc.language, title=doc.title, published=doc.published)


# ---------------------------------------------------------------------- the three clients


def one_request_per_article(**values: Any) -> dict[str, Any]:
    """Settings overrides without the follow-up requests (gleaning, quote re-asks), so the
    project sends one request per article like the recipes it is compared with."""
    from summarizer.settings import Settings

    for follow_up in ("glean", "ground_reask"):
        if follow_up in Settings.model_fields:
            values[follow_up] = False
    return values


def run_project(base_url: str, inp: Path, case: Case, *, rpm: int | None, limiter_cls: Any, tmp: Path) -> Result:
    settings = b.settings(base_url, None, **one_request_per_article(concurrency=case.concurrency))

    async def go() -> Result:
        pipeline = Pipeline(settings)
        pipeline.client._client.chat  # noqa: B018 - the SDK imports its resources lazily (~0.8 s): not pacing
        limiter = None
        if limiter_cls is not None:
            limiter = limiter_cls(case.concurrency, rpm=rpm, tpm=None, completion_estimate=min(settings.max_tokens, 1024))
        try:
            started, cpu0 = time.perf_counter(), time.process_time()
            report = await run_batch(
                pipeline, iter_sources([str(inp)], lazy=True), results=tmp / "out.jsonl", errors=tmp / "err.jsonl",
                concurrency=case.concurrency, rpm=rpm, limiter=limiter,
            )
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu0
        finally:
            await pipeline.close()
        notes = tuple(report.limiter.get("notes", ())) if isinstance(report.limiter, dict) else ()
        return Result(report.ok, case.articles - report.ok, wall, notes=notes, cpu_s=cpu)

    return asyncio.run(go())


def run_gather(base_url: str, docs: list[Any], case: Case) -> Result:
    """instructor's docs recipe: a Semaphore around each create, gather over all."""
    import instructor
    import openai

    prompts = load_prompts()

    async def go() -> Result:
        oai = openai.AsyncOpenAI(base_url=base_url, api_key="not-needed")
        client = instructor.from_openai(oai, mode=instructor.Mode.JSON)
        sem = asyncio.Semaphore(case.concurrency)

        async def extract(doc: Any) -> Extraction:
            return await client.chat.completions.create(
                response_model=Extraction, messages=messages(prompts, doc), model=MODEL, temperature=0.0, max_tokens=MAX_TOKENS,
            )

        async def rate_limited_extract(doc: Any) -> Extraction:
            async with sem:
                return await extract(doc)

        started = time.perf_counter()
        results = await asyncio.gather(*(rate_limited_extract(d) for d in docs), return_exceptions=True)
        wall = time.perf_counter() - started
        await oai.close()
        ok = sum(1 for r in results if isinstance(r, Extraction))
        return Result(ok, len(docs) - ok, wall)

    return asyncio.run(go())


def run_plain(base_url: str, docs: list[Any]) -> Result:
    """The simplest loop: instructor over the sync OpenAI client, one article at a time."""
    import instructor
    import openai

    prompts = load_prompts()
    oai = openai.OpenAI(base_url=base_url, api_key="not-needed")
    client = instructor.from_openai(oai, mode=instructor.Mode.JSON)
    ok = 0
    started = time.perf_counter()
    for doc in docs:
        try:
            client.chat.completions.create(
                response_model=Extraction, messages=messages(prompts, doc), model=MODEL, temperature=0.0, max_tokens=MAX_TOKENS,
            )
            ok += 1
        except Exception:  # noqa: BLE001 - a lost article is what is counted
            pass
    wall = time.perf_counter() - started
    oai.close()
    return Result(ok, len(docs) - ok, wall)


# ---------------------------------------------------------------------- harness


def measured(provider: ProviderProcess, run: Any) -> Result:
    """Run one client against the provider; its requests and 429s from the provider's counters."""
    time.sleep(1.1)  # let the previous run's requests leave the 1-second window
    before = provider.stats()
    result: Result = run()
    after = provider.stats()
    result.requests = after["requests"] - before["requests"]
    result.rate_limited = after["rate_limited"] - before["rate_limited"]
    return result


def report(prefix: str, r: Result, case: Case) -> float:
    ratio = r.ok / r.wall_s / case.bound if r.wall_s else 0.0
    per_100 = 100.0 * r.rate_limited / r.requests if r.requests else 0.0
    print(f"{prefix}_ok={r.ok}")
    print(f"{prefix}_lost={r.lost}")
    print(f"{prefix}_requests={r.requests}")
    print(f"{prefix}_429={r.rate_limited}")
    print(f"{prefix}_429_per_100_requests={per_100:.1f}")
    print(f"{prefix}_wall_s={r.wall_s:.2f}")
    if r.cpu_s is not None:
        print(f"{prefix}_client_cpu_ms_per_article={r.cpu_s * 1000 / max(1, r.ok + r.lost):.1f}")
    for i, note in enumerate(r.notes):
        print(f"{prefix}_note{i + 1}={note}")
    print(f"{prefix}_ratio={ratio:.3f}")
    return ratio


def warm_up(base_url: str, tmp: Path) -> None:
    """One-time costs out of the timed runs: imports, the SDK's lazy modules, and the intake's
    per-language resources (so two articles: one English, one Chinese)."""
    inp = b.write_jsonl(tmp / "warm.jsonl", 2)
    docs = documents(inp, 2)
    run_plain(base_url, docs)
    run_gather(base_url, docs, Case(0, 2, 1.0, 1, 1))
    run_project(base_url, inp, Case(0, 2, 1.0, 1, 1), rpm=None, limiter_cls=None, tmp=tmp)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default="1,2,3", help="which cases, comma-separated (default 1,2,3)")
    ap.add_argument("--only", choices=["project", "all"], default="all", help="'project' skips the instructor recipes")
    ap.add_argument("--plain", type=int, default=20, help="articles for the plain sequential loop (default 20)")
    ap.add_argument("--limiter", help="a limits.py whose Limiter the project uses instead of its own (before/after)")
    args = ap.parse_args()
    try:
        cases = [CASES[int(c)] for c in args.cases.split(",") if c.strip()]
    except (KeyError, ValueError):
        raise SystemExit(f"--cases: expected numbers from {sorted(CASES)}, got {args.cases!r}") from None
    limiter_cls = load_limiter(args.limiter)
    tmp = Path(tempfile.mkdtemp(prefix="bench-pacing-"))
    project_ratios: list[float] = []

    print(f"limiter={args.limiter or 'summarizer.limits'}")
    with ProviderProcess() as warm:
        warm_up(warm.base_url, tmp)
    for case in cases:
        case_inp = b.write_jsonl(tmp / f"case{case.number}.jsonl", case.articles)
        docs = documents(case_inp, case.articles)
        p = f"case{case.number}"
        print(f"{p}_articles={case.articles}")
        print(f"{p}_latency_s={case.latency_s}")
        print(f"{p}_provider_limit_per_s={case.per_second} (1-second sliding window)")
        print(f"{p}_concurrency={case.concurrency}")
        print(f"{p}_bound_per_s={case.bound:.2f}")
        with ProviderProcess(latency_s=case.latency_s, rps_limit=case.per_second, window="sliding") as prov:
            if args.only == "all":
                report(f"{p}_plain_loop", measured(prov, lambda: run_plain(prov.base_url, docs[: args.plain])), case)
                report(f"{p}_gather_semaphore", measured(prov, lambda: run_gather(prov.base_url, docs, case)), case)
            if case.number in (2, 3):  # case 3 too: there the limit is not what binds
                unset = report(f"{p}_project_without_rpm", measured(prov, lambda: run_project(
                    prov.base_url, case_inp, case, rpm=None, limiter_cls=limiter_cls, tmp=tmp)), case)
            ratio = report(f"{p}_project", measured(prov, lambda: run_project(
                prov.base_url, case_inp, case, rpm=case.rpm, limiter_cls=limiter_cls, tmp=tmp)), case)
            if case.number in (2, 3):
                print(f"{p}_rpm_set_not_slower_than_unset={'yes' if ratio >= unset else 'no'} ({ratio - unset:+.3f})")
            project_ratios.append(ratio)
    print("target_ratio=0.97")
    print(f"project_ratio_min={min(project_ratios):.3f}")


if __name__ == "__main__":
    main()
