"""One record -> the compact data the report page renders: an index row and an article payload.

All strings stay plain text here; the page only ever inserts them with ``textContent``, and the
writer escapes the JSON for its place in the HTML (``summarizer.report.assets``).

Spans are checked before they are drawn: an ``exact`` evidence whose slice of the raw text is
not its quote (a raw text that is not the one the batch read) is not highlighted and is listed
in the article's notes, so the report never marks the wrong words.
"""

from __future__ import annotations

import re
from typing import Any

from . import record as R
from .offsets import Utf16Offsets
from .rawtext import RawText, content_id

_CANDIDATE = re.compile(r"^(?P<number>.*?) in: …?(?P<context>.*?)…?$", re.S)


def _fields(kind: str, item: dict[str, Any]) -> list[list[str]]:
    """(label, value) pairs shown for an item, in reading order; empty values left out."""
    if kind == "speakers":
        keys = [("name", "name"), ("title", "title"), ("organization", "organization")]
    elif kind == "goals":
        keys = [("statement", "statement"), ("horizon", "horizon"), ("set by", "set_by")]
    elif kind == "targets":
        keys = [
            ("metric", "metric"), ("value", "value_text"), ("number", "value"), ("upper", "value_high"),
            ("unit", "unit"), ("scale", "scale"), ("currency", "currency"), ("comparator", "comparator"),
            ("kind", "kind"), ("period", "period"), ("target year", "target_year"), ("baseline", "baseline"),
            ("strength", "strength"), ("status", "status"),
        ]
    else:
        keys = [("name", "name"), ("description", "description"), ("owner", "owner")]
    out = []
    for label, key in keys:
        value = R.text(item.get(key))
        if value not in (None, ""):
            out.append([label, value])
    return out


def _label(kind: str, item: dict[str, Any]) -> str:
    if kind == "speakers":
        return R.text(item.get("name")) or "(no name)"
    if kind == "goals":
        return R.text(item.get("statement")) or "(no statement)"
    if kind == "targets":
        metric = R.text(item.get("metric")) or "(no metric)"
        value = R.text(item.get("value_text")) or R.text(item.get("value")) or "?"
        return f"{metric}: {value}"
    return R.text(item.get("name")) or "(no name)"


def _locate(text: str, context: str) -> tuple[int, int] | None:
    """Where a recall hint's context is in the raw text; its whitespace was collapsed, so any run matches."""
    words = context.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (m.start(), m.end()) if m else None


class _Spans:
    """Collects highlight spans for one text, checking and converting their offsets."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.u16 = Utf16Offsets(text) if text is not None else None
        self.spans: list[list[Any]] = []
        self.problems: list[str] = []

    def add(self, ev: dict[str, Any], item_id: str, kind: str, role: str, label: str) -> bool:
        if self.text is None or self.u16 is None:
            return False
        se = R.span(ev)
        if se is None or ev.get("match", "none") in (None, "none"):
            return False
        start, end = se
        if end > len(self.text) or start == end:
            self.problems.append(
                f"{label}: offsets {start}-{end} lie outside the text ({len(self.text)} characters); not highlighted"
            )
            return False
        if ev.get("match") == "exact" and isinstance(ev.get("quote"), str) and self.text[start:end] != ev["quote"]:
            self.problems.append(f"{label}: the text at {start}-{end} is not its exact quote; not highlighted")
            return False
        self.spans.append([self.u16(start), self.u16(end), item_id, kind, role])
        return True


def build(index: int, record: dict[str, Any], raw: RawText) -> tuple[dict[str, Any], dict[str, Any]]:
    """(index row, article payload) for record number ``index`` of the report."""
    art, meta = R.article(record), R.meta(record)
    counts = R.counts(record)
    spans = _Spans(raw.text)
    notes: list[str] = [raw.note] if raw.note else []
    if raw.origin == "results" and raw.text is not None and art.get("id") and content_id(raw.text) != art.get("id"):
        notes.append("article.raw_text does not hash to article.id; spans are checked one by one.")

    items: list[dict[str, Any]] = []
    for kind in R.KINDS:
        letter = kind[0]
        for n, it in enumerate(R.items(record, kind)):
            ident = f"{letter}{n}"
            ev = R.evidence(it)
            label = _label(kind, it)
            entry: dict[str, Any] = {
                "id": ident,
                "kind": R.KIND_NAME[kind],
                "label": label,
                "fields": _fields(kind, it),
                "quote": R.text(ev.get("quote")) or "",
                "match": R.text(ev.get("match")) or "none",
                "score": ev.get("score") if isinstance(ev.get("score"), (int, float)) else None,
                "start": ev.get("start") if isinstance(ev.get("start"), int) else None,
                "end": ev.get("end") if isinstance(ev.get("end"), int) else None,
                "grounded": R.is_grounded(it),
                # re-grounded evidence keeps the quote the model gave (schema 1.1)
                "model_quote": R.text(ev.get("model_quote")),
            }
            if kind == "targets":
                entry["status"] = R.target_status(it)
            named = f"{R.KIND_NAME[kind]} “{label}”"  # how notes name the item
            entry["shown"] = spans.add(ev, ident, R.KIND_NAME[kind], "quote", named)
            if kind == "speakers":
                name_ev = R.evidence(it, "name_evidence")
                if name_ev:
                    spans.add(name_ev, ident + ":name", "speaker", "name", f"{named} (name)")
            items.append(entry)

    candidates = []
    for n, cand in enumerate(R.strings(meta.get("candidates"))):
        entry = {"id": f"c{n}", "text": cand, "shown": False}
        m = _CANDIDATE.match(cand)
        if m and raw.text is not None:
            found = _locate(raw.text, m.group("context"))
            if found:
                # a located hint is highlighted too (dashed), so a reviewer sees it in place
                entry["shown"] = spans.add(
                    {"start": found[0], "end": found[1], "match": "normalized"}, entry["id"], "candidate", "quote", cand
                )
        candidates.append(entry)

    notes.extend(spans.problems)
    grounding = R.obj(meta.get("grounding")) or None
    cross = R.obj(meta.get("cross_check"))
    languages = R.text(art.get("language")) or "unknown"
    row = {
        "k": index,
        "id": R.text(art.get("id")) or "",
        "t": R.text(art.get("title")) or "",
        "d": R.text(art.get("published")) or "",
        "l": languages,
        "n": R.text(art.get("input_name")) or "",
        "sp": R.speaker_names(record),
        "nt": counts["targets"],
        "nv": counts["verified"],
        "nu": counts["unverified"],
        "ng": counts["ungrounded"],
        "nw": counts["warnings"],
        "lc": bool(grounding and grounding.get("low_confidence")),
        "rt": raw.text is not None,
    }
    payload = {
        "k": index,
        "id": row["id"],
        "title": row["t"],
        "published": row["d"],
        "language": languages,
        "input_name": row["n"],
        "source": R.text(art.get("source")),
        "url": R.text(art.get("url")),
        "summary": R.text(record.get("summary")) or "",
        "warnings": R.strings(meta.get("warnings")),
        "grounding": grounding,
        "cross_check": {
            "rules_only": R.strings(cross.get("rules_only")),
            "read_differently": R.strings(cross.get("read_differently")),
        },
        "model": " / ".join(x for x in (R.text(meta.get("provider")), R.text(meta.get("model"))) if x),
        "text": raw.text,
        "text_origin": raw.origin,
        "html_source": bool(raw.text is not None and raw.text.lstrip()[:1] == "<" and "</" in raw.text[:100000]),
        "notes": notes,
        "items": items,
        "candidates": candidates,
        "spans": spans.spans,
    }
    return row, payload
