"""Helpers for batch and service tests: a generic loopback responder and generated articles.

The responder answers any request with a valid ``Extraction`` whose quotes are copied from the
article in the request, so these tests do not depend on the seed recordings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema

from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schemas" / "article_summary.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

_ARTICLE = re.compile(r"<<<ARTICLE\n(.*?)\nARTICLE>>>", re.S)
_SENTENCE = re.compile(r"[^。！？.!?\n]+[。！？.!?]?")
_PERCENT = re.compile(r"\d+(?:\.\d+)?%")


def article_of(body: dict[str, Any]) -> str:
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    m = _ARTICLE.search(user)
    return m.group(1) if m else user


def generic_answer(text: str) -> str:
    """A valid Extraction quoting the article's first sentence (and a % target when there is one)."""
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    first = sentences[0] if sentences else text.strip()[:60]
    answer: dict[str, Any] = {
        "title": None,
        "summary": f"Summary: {first[:80]}",
        "speakers": [],
        "goals": [{"statement": "advance the plan", "horizon": None, "set_by": None, "quote": first}],
        "targets": [],
        "initiatives": [{"name": "the programme", "description": None, "owner": None, "quote": first}],
    }
    for s in sentences:
        pct = _PERCENT.search(s)
        if pct:
            answer["targets"].append(
                {"metric": "growth", "value_text": pct.group(0), "value": float(pct.group(0)[:-1]), "unit": "%",
                 "comparator": "exact", "kind": "growth_rate", "period": None, "status": "target", "quote": s}
            )
            break
    return json.dumps(answer, ensure_ascii=False)


def responder(body: dict[str, Any]) -> str:
    return generic_answer(article_of(body))


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
    values: dict[str, Any] = dict(
        provider="replay",
        base_url=base_url,
        endpoint_label="replay:generic",
        cache_enabled=tmp_path is not None,
        cache_dir=(tmp_path or Path("/nonexistent")) / "cache",
        transport_retries=3,
        max_retry_wait_s=1.0,
        timeout_s=10.0,
    )
    values.update(overrides)
    return Settings(**values)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    raw = path.read_bytes()
    assert not raw or raw.endswith(b"\n"), f"{path}: partial last line"
    return [json.loads(line) for line in raw.splitlines() if line.strip()]


def invalid_records(records: list[dict[str, Any]]) -> list[str]:
    return [f"{r.get('article', {}).get('input_name')}: {e.message}" for r in records for e in VALIDATOR.iter_errors(r)]
