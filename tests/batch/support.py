"""Helpers for batch and service tests: a generic loopback responder and generated articles.

The responder answers any request with a valid ``Extraction`` whose quotes are copied from the
article in the request, so these tests do not depend on the seed recordings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from summarizer.loopback import responders as _responders
from summarizer.settings import Settings

from ..conftest import replay_settings

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schemas" / "article_summary.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

# one generic responder for tests and benchmarks lives with the loopback provider
article_of = _responders.article_of
generic_answer = _responders.echo_answer
responder = _responders.echo_responder


def article_text(i: int, marker: str | None = None) -> str:
    tag = marker or f"A{i:06d}"
    return (
        f"The city council of District {i} met on Monday to approve plan {tag}. "
        f"Officials said industrial output should grow by {i % 9 + 2}% next year. "
        f"The programme covers {i % 50 + 10} new projects."
    )


def write_jsonl(path: Path, n: int, start: int = 0, extra: dict[int, str] | None = None) -> list[str]:
    """``n`` articles as JSONL (ids art-<i>); ``extra`` replaces article i's text. Returns the ids."""
    ids = []
    with path.open("w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            ident = f"art-{i}"
            ids.append(ident)
            text = (extra or {}).get(i) or article_text(i)
            fh.write(json.dumps({"id": ident, "text": text}, ensure_ascii=False) + "\n")
    return ids


def settings_for(base_url: str, tmp_path: Path | None = None, **overrides: Any) -> Settings:
    """``replay_settings`` for generated articles (their own cache-key label, shorter waits)."""
    return replay_settings(base_url, tmp_path, **{"endpoint_label": "replay:generic", "max_retry_wait_s": 1.0, **overrides})


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    raw = path.read_bytes()
    assert not raw or raw.endswith(b"\n"), f"{path}: partial last line"
    return [json.loads(line) for line in raw.splitlines() if line.strip()]


def invalid_records(records: list[dict[str, Any]]) -> list[str]:
    return [f"{r.get('article', {}).get('input_name')}: {e.message}" for r in records for e in VALIDATOR.iter_errors(r)]
