"""Authored results records for the report and export tests (hand-written, not model output).

``make_record`` builds an ``ArticleSummary``-shaped dict whose evidence offsets are computed
from the text with ``str.find`` (Python code points), exactly as grounding reports them.
"""

from __future__ import annotations

import hashlib
from typing import Any

ORIGIN = "authored"  # label: these records are written by hand for tests


def evidence(text: str, quote: str, *, match: str = "exact", occurrence: int = 0) -> dict[str, Any]:
    if match == "none":
        return {"quote": quote, "start": None, "end": None, "match": "none", "score": 0.0}
    at = -1
    for _ in range(occurrence + 1):
        at = text.find(quote, at + 1)
    assert at >= 0, f"authored quote not in text: {quote!r}"
    return {"quote": quote, "start": at, "end": at + len(quote), "match": match, "score": 1.0}


def make_record(
    text: str,
    *,
    title: str | None = "Authored article",
    language: str = "en",
    published: str | None = "2024-01-01",
    speakers: list[tuple[str, str]] = (),  # (name, quote)
    goals: list[tuple[str, str]] = (),  # (statement, quote)
    targets: list[dict[str, Any]] = (),  # metric, value_text, quote, optional verified/verification/match
    initiatives: list[tuple[str, str]] = (),  # (name, quote)
    candidates: list[str] = (),
    warnings: list[str] = (),
    keep_text: bool = True,
    input_name: str | None = None,
    **meta_extra: Any,
) -> dict[str, Any]:
    ident = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    article = {"id": ident, "title": title, "source": None, "url": None, "published": published,
               "language": language, "input_name": input_name or f"{ident}.txt"}
    if keep_text:
        article["raw_text"] = text
    sp = []
    for name, quote in speakers:
        item = {"name": name, "title": None, "organization": None, "evidence": evidence(text, quote)}
        if name in text:
            item["name_evidence"] = evidence(text, name)
        sp.append(item)
    tg = []
    for t in targets:
        match = t.get("match", "exact")
        item = {"metric": t["metric"], "value_text": t["value_text"], "value": t.get("value"), "unit": t.get("unit"),
                "comparator": t.get("comparator", "exact"), "kind": "level", "period": t.get("period"),
                "target_year": t.get("target_year"), "status": "target", "verified": t.get("verified", True),
                "evidence": evidence(text, t["quote"], match=match)}
        if "verification" in t:
            item["verification"] = t["verification"]
        tg.append(item)
    return {
        "article": article,
        "summary": f"Summary of {title}",
        "speakers": sp,
        "goals": [{"statement": s, "horizon": None, "set_by": None, "evidence": evidence(text, q)} for s, q in goals],
        "targets": tg,
        "initiatives": [{"name": n, "description": None, "owner": None, "evidence": evidence(text, q)} for n, q in initiatives],
        "meta": {"engine": "summarizer", "engine_version": "0", "provider": "authored", "model": ORIGIN,
                 "prompt_version": "0", "schema_version": "1.0", "pipeline_version": "0",
                 "warnings": list(warnings), "candidates": list(candidates), **meta_extra},
    }


def write_jsonl(path, records: list[dict[str, Any]]) -> None:  # noqa: ANN001
    import json

    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
