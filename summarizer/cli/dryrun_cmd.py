"""``summarizer batch ... --dry-run``: the CLI side of ``summarizer.dryrun``."""

from __future__ import annotations

import json
from pathlib import Path

from ..intake import iter_sources
from ..settings import ConfigError, Settings
from .common import die, err_console


def dry_run(settings: Settings, inputs: list[str], *, replay: Path | None, summary_json: Path | None) -> None:
    from ..dryrun import dry_run as plan_all
    from ..pipeline import Pipeline

    if replay is not None:  # the shape the recordings were made with, without serving them
        from ..replay import recorded_shape

        try:
            shape = recorded_shape(replay)
        except ConfigError as exc:
            die(str(exc))
        settings = settings.model_copy(update={
            **{k: v for k, v in shape.items() if not k.startswith("_")},
            "provider": "replay", "base_url": "http://127.0.0.1:9/v1", "endpoint_label": f"replay:{replay.resolve()}",
        })
    try:
        settings.check_provider()
    except ConfigError as exc:
        die(str(exc))
    pipeline = Pipeline(settings)  # builds the client but sends nothing: dry_run never calls it
    try:
        report = plan_all(pipeline, iter_sources(inputs, max_bytes=settings.max_input_bytes, lazy=True))
    finally:
        if pipeline.cache is not None:
            pipeline.cache.close()
    for line in report.lines():
        err_console.print(line, highlight=False, markup=False)
    for p in report.problems:
        err_console.print(f"  {p['input']}: {p['error']}", highlight=False, markup=False)
    if summary_json is not None:
        summary_json.parent.mkdir(parents=True, exist_ok=True)
        summary_json.write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if report.articles == 0:
        die("no articles found in the given inputs")
