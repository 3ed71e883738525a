"""What intake did to one article, as a dict (for ``--json``) or a short text report."""

from __future__ import annotations

from typing import Any

from .chunking import count_tokens, split, tokenizer_name
from .document import Document

DEFAULT_BUDGET = 2000


def inspect_document(doc: Document, *, budget_tokens: int = DEFAULT_BUDGET, overlap_tokens: int = 64, examples: int = 5) -> dict[str, Any]:
    chunks = split(doc.text, budget_tokens, overlap_tokens=overlap_tokens)
    raw_tokens = count_tokens(doc.raw)
    text_tokens = count_tokens(doc.text)
    return {
        "name": doc.name,
        "id": doc.id,
        "format": doc.format,
        "encoding": doc.encoding,
        "language": doc.language,
        "title": doc.title,
        "published": doc.published,
        "source": doc.source,
        "url": doc.url,
        "credits": doc.credits,
        "chars": {"raw": len(doc.raw), "text": len(doc.text)},
        "tokens": {"raw": raw_tokens, "text": text_tokens, "tokenizer": tokenizer_name()},
        "repaired": doc.repaired,
        "repairs": {
            "count": len(doc.repairs),
            "examples": [
                {"start": r.start, "end": r.end, "removed": r.removed, "after": r.after} for r in doc.repairs[:examples]
            ],
        },
        "removed": [
            {
                "lines": [r.first_line, r.last_line],
                "start": r.start,
                "end": r.end,
                "reason": r.reason,
                "text": r.text,
            }
            for r in doc.removed
        ],
        "chunks": {
            "budget_tokens": budget_tokens,
            "overlap_tokens": overlap_tokens,
            "items": [{"start": c.start, "end": c.end, "tokens": c.tokens} for c in chunks],
        },
        "warnings": list(doc.warnings),
    }


def render_text(info: dict[str, Any]) -> str:
    lines = [
        f"{info.get('name') or '<input>'}  (id {info['id']}, {info['format']}, {info['encoding']})",
        f"  language   {info['language']}",
        f"  title      {info['title'] or '-'}",
        f"  published  {info['published'] or '-'}",
        f"  source     {info['source'] or '-'}",
    ]
    if info.get("url"):
        lines.append(f"  url        {info['url']}")
    for role, names in sorted((info.get("credits") or {}).items()):
        if role == "source" and names[:1] == [info["source"]]:
            continue
        lines.append(f"  {role:<10} {', '.join(names)}")
    t = info["tokens"]
    saved = 1 - t["text"] / t["raw"] if t["raw"] else 0.0
    lines.append(
        f"  size       {info['chars']['raw']} -> {info['chars']['text']} chars, "
        f"{t['raw']} -> {t['text']} tokens ({saved:.0%} fewer, {t['tokenizer']})"
    )
    rep = info["repairs"]
    if info["repaired"]:
        ex = ", ".join(f"{e['after']}{e['removed']}" for e in rep["examples"])
        lines.append(f"  repaired   {rep['count']} pinyin insertion(s), e.g. {ex}")
    else:
        lines.append("  repaired   no")
    removed = info["removed"]
    lines.append(f"  removed    {len(removed)} range(s)")
    for r in removed:
        a, b = r["lines"]
        where = f"line {a}" if a == b else f"lines {a}-{b}"
        lines.append(f"    {where:<14} {r['reason']:<12} {r['text']}")
    ch = info["chunks"]
    lines.append(f"  chunks     {len(ch['items'])} at budget {ch['budget_tokens']} (overlap {ch['overlap_tokens']})")
    for i, c in enumerate(ch["items"], 1):
        lines.append(f"    #{i:<3} text[{c['start']}:{c['end']}]  {c['tokens']} tokens")
    for w in info.get("warnings") or []:
        lines.append(f"  warning    {w}")
    return "\n".join(lines) + "\n"


def kept_raw_lines(doc: Document) -> set[int]:
    """1-based numbers of the raw lines that contribute at least one character to ``doc.text``."""
    starts = [0]
    for i, ch in enumerate(doc.raw):
        if ch == "\n":
            starts.append(i + 1)
    import bisect

    out: set[int] = set()
    for a, b in doc.offsets.pieces(0, len(doc.text)):
        first = bisect.bisect_right(starts, a)
        last = bisect.bisect_right(starts, b - 1)
        out.update(n for n in range(first, last + 1) if doc.raw[starts[n - 1] : (starts[n] - 1 if n < len(starts) else len(doc.raw))].strip())
    return out
