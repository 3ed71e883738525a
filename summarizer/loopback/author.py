"""Write authored recordings: hand-written answers wrapped as the exact requests we send.

No model is reachable here, so ``fixtures/answers/<stem>.json`` holds what a careful model
would answer for ``fixtures/articles/<stem>.txt`` (written by hand from the gold notes). This
script runs the real pipeline against the loopback provider, answers each request with the
matching file, and saves it under ``fixtures/recordings/<stem>.json`` with ``origin:
"authored"``. Re-run it whenever prompts, models or settings that shape the request change:

    python -m summarizer.loopback.author [--articles fixtures/articles] [--answers fixtures/answers] [--out fixtures/recordings]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

from ..intake import read_path
from ..pipeline import Pipeline
from ..settings import Settings
from .recordings import RecordingStore
from .server import LoopbackProvider, running

NOTE = (
    "AUTHORED: written by hand (no model was reachable) from the gold annotations, as a careful "
    "model would answer; not a model's output. Quotes are verbatim from the article text the model sees."
)


def replay_settings(base_url: str, **overrides: Any) -> Settings:
    """The settings the replay CLI and tests use; authored recordings are keyed on them."""
    return Settings(provider="replay", base_url=base_url, cache_enabled=False, **overrides)


async def _author(articles: Path, answers: Path, out: Path) -> list[Path]:
    pairs = []
    for ans in sorted(answers.glob("*.json")):
        art = articles / f"{ans.stem}.txt"
        if not art.is_file():
            raise SystemExit(f"{ans}: no article {art}")
        pairs.append((ans.stem, read_path(art), ans.read_text(encoding="utf-8")))

    names: dict[str, str] = {}

    def responder(body: dict[str, Any]) -> str | None:
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        for stem, doc, answer in pairs:
            if doc.model_text(False) in user:
                from .recordings import request_key

                names[request_key(body)] = stem
                return json.dumps(json.loads(answer), ensure_ascii=False)
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
    written = []
    for key, stem in names.items():
        rec = provider.store.get(key)
        assert rec is not None
        rec.note = NOTE
        rec.extra["article"] = f"fixtures/articles/{stem}.txt"
        for stale in out.glob(f"{stem}*.json"):
            stale.unlink()
        written.append(store.put(rec, name=stem))
    return [p for p in written if p]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=Path, default=Path("fixtures/articles"))
    ap.add_argument("--answers", type=Path, default=Path("fixtures/answers"))
    ap.add_argument("--out", type=Path, default=Path("fixtures/recordings"))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory():
        for path in asyncio.run(_author(args.articles, args.answers, args.out)):
            print(path)


if __name__ == "__main__":
    main()
