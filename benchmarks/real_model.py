"""A real small model behind the project, measured offline from its recordings.

    python benchmarks/real_model.py [--recordings fixtures/recordings-real/qwen2.5-coder-1.5b-instruct]

Replays the seeds as Qwen2.5-Coder-1.5B-Instruct answered them (recorded by tools/record_real.py:
first answers, item re-asks, quote fixes, gleaning) through the project in three settings that the
same recordings serve — first answers with item re-asks only, plus the quote-fix request, plus
gleaning (the default) — and replays the same model's answers to plain instructor
(``from_openai``, ``Mode.JSON``, ``response_model=Extraction``, ``max_retries=2``, the same prompt;
recorded into ``<recordings>-plain-instructor``). Everything is scored against the seeds' gold with
``summarizer.evaluation``. Prints name=value lines, the project's default setting last.

* articles_failed: seeds with no record;
* speaker_recall / target_recall: gold speakers / targets found (eval's matching rules);
* targets_verified: targets whose number is at their evidence (plain instructor checks nothing: 0);
* invented / invented_flagged: returned targets whose value the article never states (read by the
  scanner, independently of the verification), and how many of those the record flags
  (verification ``not_in_article``); plain instructor flags nothing;
* prompt_tokens / completion_tokens: what the model was asked and answered, as the server counted.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.evaluation import evaluate  # noqa: E402
from summarizer.grounding.numbers import scan  # noqa: E402
from summarizer.intake import iter_sources, read_path  # noqa: E402
from summarizer.llm import LLMError  # noqa: E402
from summarizer.models import ArticleInfo, ArticleSummary, Evidence, Meta, NumericTarget, Speaker, Usage  # noqa: E402
from summarizer.pipeline import Pipeline  # noqa: E402
from summarizer.replay import replaying  # noqa: E402
from summarizer.settings import Settings  # noqa: E402

ARTICLES = ROOT / "fixtures" / "articles"
GOLD = ROOT / "fixtures" / "gold" / "seeds.gold.json"


def _invented(record: dict[str, Any], raw: str) -> tuple[int, int]:
    """(targets whose value the article never states, how many of them are flagged)."""
    values = [m.value for m in scan(raw) if m.kind == "number"]
    invented = flagged = 0
    for t in record["targets"]:
        v = t.get("value")
        if v is None or any(math.isclose(v, x, rel_tol=1e-9) for x in values):
            continue
        invented += 1
        flagged += t.get("verification") == "not_in_article"
    return invented, flagged


def _figures(name: str, records: list[dict[str, Any]], failed: list[str], usage: tuple[int, int]) -> dict[str, Any]:
    report = evaluate(records, GOLD, errors=[{"input": f, "error": "failed"} for f in failed]).as_dict()
    fields = report["fields"]
    raws = {p.stem: read_path(p).raw for p in ARTICLES.glob("*.txt")}
    invented = flagged = 0
    for r in records:
        i, f = _invented(r, raws[Path(r["article"]["input_name"]).stem])
        invented, flagged = invented + i, flagged + f
    targets = [t for r in records for t in r["targets"]]
    return {
        f"{name}_articles_failed": len(failed),
        f"{name}_speaker_recall": fields["speakers"]["recall"],
        f"{name}_speaker_precision": fields["speakers"]["precision"],
        f"{name}_target_recall": fields["targets"]["recall"],
        f"{name}_target_precision": fields["targets"]["precision"],
        f"{name}_targets_returned": len(targets),
        f"{name}_targets_verified": sum(1 for t in targets if t.get("verification") == "verified"),
        f"{name}_targets_misplaced": sum(1 for t in targets if t.get("verification") == "misplaced"),
        f"{name}_invented": invented,
        f"{name}_invented_flagged": flagged,
        f"{name}_prompt_tokens": usage[0],
        f"{name}_completion_tokens": usage[1],
    }


async def _project(folder: Path, **overrides: Any) -> tuple[list[dict[str, Any]], list[str], tuple[int, int]]:
    records: list[dict[str, Any]] = []
    failed: list[str] = []
    prompt = completion = 0
    with replaying(Settings(cache_enabled=False, **overrides), folder) as settings:
        pipeline = Pipeline(settings)
        try:
            for src in iter_sources([str(ARTICLES)], lazy=True):
                try:
                    summary = await pipeline.run_source(src)
                except LLMError as exc:
                    failed.append(src.name)
                    print(f"# {Path(src.name).name}: failed: {exc}", file=sys.stderr)
                    continue
                records.append(summary.model_dump(mode="json"))
                prompt += summary.meta.usage.prompt_tokens
                completion += summary.meta.usage.completion_tokens
        finally:
            await pipeline.close()
    return records, failed, (prompt, completion)


def _plain_instructor(folder: Path) -> tuple[list[dict[str, Any]], list[str], tuple[int, int]]:
    """The recorded plain-instructor run, replayed: its answers become records without grounding
    (evidence unaligned, nothing verified) so the same eval can score them."""
    import instructor
    from openai import OpenAI

    from summarizer.models import Extraction
    from summarizer.prompts import load_prompts

    records: list[dict[str, Any]] = []
    failed: list[str] = []
    usage = [0, 0]
    with replaying(Settings(cache_enabled=False), folder) as settings:
        client = instructor.from_openai(OpenAI(base_url=settings.base_url, api_key="replay"), mode=instructor.Mode.JSON)

        def count(response: Any) -> None:
            u = getattr(response, "usage", None)
            if u is not None:
                usage[0] += u.prompt_tokens or 0
                usage[1] += u.completion_tokens or 0

        client.on("completion:response", count)
        prompts = load_prompts(variant=settings.prompt_variant)
        for path in sorted(ARTICLES.glob("*.txt")):
            doc = read_path(path)
            messages = prompts.messages(doc.text, language=doc.language, title=doc.title, published=doc.published)
            try:
                ex = client.chat.completions.create(model=settings.model, response_model=Extraction, messages=messages,
                                                    max_retries=2, temperature=0.0, max_tokens=4096)
            except Exception as exc:  # noqa: BLE001 - a failed article is what this measures
                failed.append(str(path))
                print(f"# plain instructor {path.name}: failed: {str(exc).splitlines()[0][:160]}", file=sys.stderr)
                continue
            none = lambda q: Evidence(quote=q)  # noqa: E731 - plain instructor grounds nothing
            summary = ArticleSummary(
                article=ArticleInfo(id=doc.id, input_name=str(path), language="unknown"),
                summary=ex.summary,
                speakers=[Speaker(name=s.name, title=s.title, organization=s.organization, evidence=none(s.quote)) for s in ex.speakers],
                targets=[NumericTarget(**t.model_dump(exclude={"quote"}), evidence=none(t.quote)) for t in ex.targets],
                meta=Meta(engine_version="plain-instructor", provider="custom", model=settings.model or "", prompt_version="",
                          pipeline_version="", usage=Usage()),
            )
            records.append(summary.model_dump(mode="json"))
    return records, failed, (usage[0], usage[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recordings", type=Path, default=ROOT / "fixtures" / "recordings-real" / "qwen2.5-coder-1.5b-instruct")
    args = ap.parse_args()
    folder: Path = args.recordings
    print(f"recordings={folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}")
    plain = folder.parent / f"{folder.name}-plain-instructor"
    if plain.is_dir():
        for k, v in _figures("plain_instructor", *_plain_instructor(plain)).items():
            print(f"{k}={v}")
    runs = [
        ("project_reasks_only", dict(glean=False, ground_reask=False)),
        ("project_no_glean", dict(glean=False)),
        ("project", {}),
    ]
    for name, overrides in runs:
        for k, v in _figures(name, *asyncio.run(_project(folder, **overrides))).items():
            print(f"{k}={v}")


if __name__ == "__main__":
    main()
