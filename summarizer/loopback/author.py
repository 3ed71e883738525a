"""Write authored recordings: hand-written answers wrapped as the exact requests we send.

No model was reachable when these were made, so ``fixtures/answers/<stem>.json`` holds what a
careful model would answer for ``fixtures/articles/<stem>.txt`` (written by hand from the gold
notes). This script runs the real pipeline against the loopback provider, answers each first
request with the matching file and each follow-up turn (a gleaning or quote-fix request) the way
a careful model whose first answer was already complete would — nothing to fix, no further
target — and saves every request under ``fixtures/recordings/`` with ``origin: "authored"``,
plus the folder's ``manifest.json``. Re-run it whenever prompts, models or settings that shape
the request change; run twice, it changes nothing:

    python -m summarizer.loopback.author [--articles fixtures/articles] [--answers fixtures/answers] [--out fixtures/recordings]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from ..intake import read_path
from ..pipeline import Pipeline
from ..settings import Settings
from .recordings import RecordingStore, request_key, write_manifest
from .responders import followup_answer, is_followup, last_turn
from .server import LoopbackProvider, running

NOTE = (
    "AUTHORED: written by hand (no model was reachable) from the gold annotations, as a careful "
    "model would answer; not a model's output. Quotes are verbatim from the article text the model sees."
)
FOLLOWUP_NOTE = (
    "AUTHORED: the answer of a careful model whose first answer was complete: nothing to correct, "
    "no further target. Not a model's output."
)


def replay_settings(base_url: str, **overrides: Any) -> Settings:
    """The settings the replay CLI and tests use; authored recordings are keyed on them."""
    return Settings(provider="replay", base_url=base_url, cache_enabled=False, **overrides)


def _step(body: dict[str, Any]) -> str:
    last = last_turn(body)
    if '"quotes"' in last:
        return "ground_reask"
    if '"numbers"' in last:
        return "glean"
    return "reask"


def _content(rec: Any) -> Any:
    message = rec.responses[-1]["body"]["choices"][0]["message"]
    return message.get("content"), [c["function"]["arguments"] for c in message.get("tool_calls") or []]


async def _author(articles: Path, answers: Path, out: Path) -> list[Path]:
    pairs = []
    for ans in sorted(answers.glob("*.json")):
        art = articles / f"{ans.stem}.txt"
        if not art.is_file():
            raise SystemExit(f"{ans}: no article {art}")
        pairs.append((ans.stem, read_path(art), ans.read_text(encoding="utf-8")))

    names: dict[str, tuple[str, str]] = {}  # request key -> (stem, step)

    def responder(body: dict[str, Any]) -> str | None:
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        for stem, doc, answer in pairs:
            if doc.model_text(False) in user:
                step = _step(body) if is_followup(body) else "extract"
                names[request_key(body)] = (stem, step)
                return followup_answer(body) if is_followup(body) else json.dumps(json.loads(answer), ensure_ascii=False)
        return None

    provider = LoopbackProvider(None, responder=responder)
    with running(provider) as srv:
        pipeline = Pipeline(replay_settings(srv.base_url))
        try:
            for _stem, doc, _ in pairs:
                await pipeline.run(doc)
        finally:
            await pipeline.close()

    store = RecordingStore(out)
    written: list[Path] = []
    counts: dict[tuple[str, str], int] = {}
    for key, (stem, step) in sorted(names.items(), key=lambda kv: kv[1]):
        rec = provider.store.get(key)
        assert rec is not None
        kept = store.get(key)
        if kept is not None and _content(kept) == _content(rec):
            rec = kept  # same request, same answer: keep the file as it is (fresh ids would rewrite it)
        rec.note = NOTE if step == "extract" else FOLLOWUP_NOTE
        rec.extra = {"article": f"fixtures/articles/{stem}.txt", "step": step}
        n = counts[(stem, step)] = counts.get((stem, step), 0) + 1
        name = stem if step == "extract" else f"{stem}.{step}-{n}"
        path = store.put(rec, name=name)
        if path:
            written.append(path)
    for stale in set(out.glob("*.json")) - set(written) - {out / "manifest.json"}:
        stale.unlink()  # requests the current prompts no longer make
    write_manifest(out, {
        "origin": "authored", "model": "authored", "provider": "replay", "mode": "json",
        "settings": {"temperature": 0.0, "max_tokens": 4096, "prompt_variant": "full"},
        "note": "Written by hand from the gold annotations (fixtures/answers), wrapped as the exact requests the "
                "pipeline sends, by `python -m summarizer.loopback.author`. They test the pipeline, not a model.",
    })
    return sorted(written)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=Path, default=Path("fixtures/articles"))
    ap.add_argument("--answers", type=Path, default=Path("fixtures/answers"))
    ap.add_argument("--out", type=Path, default=Path("fixtures/recordings"))
    args = ap.parse_args(argv)
    for path in asyncio.run(_author(args.articles, args.answers, args.out)):
        print(path)


if __name__ == "__main__":
    main()
