"""HTML pages: main text and metadata via trafilatura (offline), mapped back to the HTML source.

``raw`` for an HTML input is the decoded HTML source; trafilatura returns plain text lines.
To keep evidence offsets meaningful we re-find each extracted line in the *visible text* of
the source (tags, comments, scripts and styles skipped; entities decoded), comparing with
whitespace ignored, in document order.

Precision achieved: every extracted character that appears verbatim in the HTML source maps
to its exact raw offset (so a quote inside one paragraph maps to the exact raw substring, tags
inside it included). Characters that came from entities (``&amp;``, ``&nbsp;``), the newlines
trafilatura puts between blocks, and any line trafilatura rewrote beyond whitespace are not
copied characters: they snap to their mapped neighbours (see ``OffsetMap``).
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass, field

from .document import OffsetMap

_SKIP_BLOCK = re.compile(r"(?is)<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<!\[CDATA\[.*?\]\]>")
_TAG = re.compile(r"(?s)<[^>]*>")
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});?")
_HTML_HINT = re.compile(r"(?is)^\s*(<!doctype\s+html|<html\b|<\?xml[^>]*>\s*<html\b)|<(body|div|p|article)\b[^>]*>")


def looks_like_html(text: str) -> bool:
    head = text[:4000]
    if re.match(r"(?is)\s*(<!doctype\s+html|<html\b)", head):
        return True
    return bool(_HTML_HINT.search(head)) and len(_TAG.findall(head)) >= 5


@dataclass
class HtmlExtract:
    text: str
    offsets: OffsetMap  # text -> html source
    title: str | None = None
    date: str | None = None
    sitename: str | None = None
    author: str | None = None
    url: str | None = None
    warnings: list[str] = field(default_factory=list)


def visible_text(src: str) -> tuple[str, list[int], list[bool]]:
    """Visible characters of ``src`` with, per character, its raw offset and whether it is verbatim."""
    chars: list[str] = []
    pos: list[int] = []
    verbatim: list[bool] = []
    skips = [(m.start(), m.end()) for m in _SKIP_BLOCK.finditer(src)]
    i, k, n = 0, 0, len(src)
    while i < n:
        if k < len(skips) and i >= skips[k][0]:
            i = max(i, skips[k][1])
            k += 1
            continue
        ch = src[i]
        if ch == "<":
            m = _TAG.match(src, i)
            if m:
                chars.append(" ")  # a tag separates words for the search, never matched itself
                pos.append(i)
                verbatim.append(False)
                i = m.end()
                continue
        if ch == "&":
            m = _ENTITY.match(src, i)
            if m:
                dec = _html.unescape(m.group(0))
                if dec != m.group(0):
                    for c in dec:
                        chars.append(c)
                        pos.append(i)
                        verbatim.append(False)
                    i = m.end()
                    continue
        chars.append(ch)
        pos.append(i)
        verbatim.append(True)
        i += 1
    return "".join(chars), pos, verbatim


def map_lines(text: str, src: str) -> tuple[OffsetMap, int]:
    """Map ``text`` (extracted lines) onto ``src``. Returns the map and the count of unplaced lines."""
    vis, vpos, vverb = visible_text(src)
    ns_idx = [j for j, c in enumerate(vis) if not c.isspace()]
    ns = "".join(vis[j] for j in ns_idx)
    pieces: list[tuple[int, int, int]] = []  # (derived_pos, raw_pos, 1)
    cursor = 0
    unplaced = 0
    line_start = 0
    for line in text.split("\n"):
        chars = [(line_start + j, c) for j, c in enumerate(line) if not c.isspace()]
        needle = "".join(c for _, c in chars)
        hit = ns.find(needle, cursor) if needle else -1
        if needle and hit < 0:
            hit = ns.find(needle)  # trafilatura may reorder blocks (e.g. a title) — try anywhere
        if needle and hit < 0:
            unplaced += 1
        elif needle:
            cursor = hit + len(needle)
            prev: tuple[int, int] | None = None
            for (d, c), j in zip(chars, ns_idx[hit : hit + len(needle)]):
                r = vpos[j]
                if vverb[j] and src[r] == c:
                    if prev and d == prev[0] + 2 and r == prev[1] + 2 and src[r - 1] == text[d - 1]:
                        pieces.append((d - 1, r - 1, 1))  # the space between two mapped chars
                    pieces.append((d, r, 1))
                    prev = (d, r)
        line_start += len(line) + 1
    segs: list[tuple[int, int, int]] = []
    for d, r, n in pieces:
        if segs and segs[-1][0] + segs[-1][2] == d and segs[-1][1] + segs[-1][2] == r:
            segs[-1] = (segs[-1][0], segs[-1][1], segs[-1][2] + n)
        else:
            segs.append((d, r, n))
    return OffsetMap(segs), unplaced


def extract(src: str, *, url: str | None = None) -> HtmlExtract:
    """Main text and metadata of an HTML page. Never touches the network."""
    import trafilatura

    warnings: list[str] = []
    doc = trafilatura.bare_extraction(
        src, url=url, with_metadata=True, include_comments=False, include_tables=True, include_images=False
    )
    data = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    text = (data.get("text") or "").strip("\n")
    if not text.strip():
        warnings.append("html: no main text found by trafilatura; using all visible text")
        vis, _, _ = visible_text(src)
        text = "\n".join(s.strip() for s in vis.splitlines() if s.strip())
    offsets, unplaced = map_lines(text, src)
    if unplaced:
        warnings.append(f"html: {unplaced} extracted line(s) could not be located in the source; their offsets are approximate")
    return HtmlExtract(
        text=text,
        offsets=offsets,
        title=data.get("title") or None,
        date=data.get("date") or None,
        sitename=data.get("sitename") or None,
        author=data.get("author") or None,
        url=data.get("url") or url,
        warnings=warnings,
    )
