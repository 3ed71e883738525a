"""Quality of the rules engine against gold, beside the recordings, per field.

Each system summarizes every gold article through the real pipeline (``summarizer.api``: intake,
answer, grounding, merge) and is scored with ``summarizer.evaluation.evaluate``:

* ``rules``: ``--provider rules`` (the deterministic extractor), on the seeds and the dev set;
* ``authored``: ``fixtures/recordings`` replayed, on the seeds. These answers were WRITTEN BY HAND
  from the seeds' gold (no model), so they show what the scorer gives a near-perfect answer, not
  what a model achieves;
* ``qwen1.5b``: a real model's recorded answers (Qwen2.5-Coder-1.5B-Instruct,
  ``fixtures/recordings-real/qwen2.5-coder-1.5b-instruct``: first answers, re-asks and follow-ups),
  replayed in the shape they were recorded with, on the seeds.

Figures: precision, recall, F1 per field (speakers by name; targets by number and unit;
initiatives by name overlap >= 0.5), plus non-speakers / non-targets returned and failed articles.

Run: python benchmarks/rules_eval.py   (prints name=value lines, the headline last)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.api import Summarizer  # noqa: E402
from summarizer.evaluation import evaluate, load_gold  # noqa: E402
from summarizer.models import ArticleSummary  # noqa: E402
from summarizer.settings import Settings  # noqa: E402

SEEDS_GOLD = ROOT / "fixtures" / "gold" / "seeds.gold.json"
DEVSET = ROOT / "fixtures" / "devset"
AUTHORED = ROOT / "fixtures" / "recordings"
QWEN = ROOT / "fixtures" / "recordings-real" / "qwen2.5-coder-1.5b-instruct"
FIELDS = ("speakers", "targets", "initiatives")


def run(settings: Settings, gold: Any) -> tuple[list[ArticleSummary], list[str]]:
    """Summaries of every gold article (by its ``input``), and the errors of those that failed."""
    out: list[ArticleSummary] = []
    errors: list[str] = []
    with Summarizer(settings) as summarizer:
        for article in gold.articles:
            try:
                out.append(summarizer.summarize_file(ROOT / article.input))
            except Exception as exc:  # noqa: BLE001 - a failed article is scored as failed, not a crash
                errors.append(f"{article.name}: {type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}")
    return out, errors


def report(system: str, set_name: str, summaries: list[ArticleSummary], gold: Any) -> dict[str, Any]:
    d = evaluate(summaries, gold).as_dict()
    prefix = f"{system}_{set_name}"
    print(f"{prefix}_articles={d['articles']['gold']}")
    print(f"{prefix}_failed={d['articles']['failed_total']}")
    for fld in FIELDS:
        f = d["fields"][fld]
        for k in ("precision", "recall", "f1"):
            v = f.get(k)
            print(f"{prefix}_{fld}_{k}={'n/a' if v is None else f'{v:.3f}'}")
        print(f"{prefix}_{fld}_tp_fp_fn={f['tp']}/{f['fp']}/{f['fn']}")
    print(f"{prefix}_non_speakers_returned={d['fields']['speakers']['non_speakers_returned']}")
    print(f"{prefix}_non_targets_returned={d['fields']['targets']['non_targets_returned']}")
    return d


def main() -> None:
    rules = Settings(provider="rules", cache_enabled=False)
    sets = [("seeds", load_gold(SEEDS_GOLD))]
    if DEVSET.is_dir() and any(DEVSET.glob("*.gold.json")):
        sets.append(("devset", load_gold(DEVSET)))
    last: dict[str, Any] = {}
    for set_name, gold in sets:
        summaries, _ = run(rules, gold)
        last = report("rules", set_name, summaries, gold)
    seeds = sets[0][1]
    for system, folder in (("authored", AUTHORED), ("qwen1.5b", QWEN)):
        if not folder.is_dir():
            print(f"{system}_seeds=unavailable ({folder} not found)")
            continue
        summaries, errors = run(Settings(replay=folder, cache_enabled=False), seeds)
        if not summaries:  # e.g. recordings keyed to older prompts: no figure rather than zeros
            print(f"{system}_seeds=unavailable (every article failed; first error: {errors[0]})")
            continue
        report(system, "seeds", summaries, seeds)
    set_name = sets[-1][0]
    targets = last["fields"]["targets"]
    print(f"rules_{set_name}_targets_f1_headline={targets['f1']:.3f}")


if __name__ == "__main__":
    main()
