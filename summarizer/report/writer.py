"""Writing the HTML report: one self-contained file, or an index page plus lazily loaded data files.

Layout, chosen by size (``split=None``) or forced (``split=True/False``):

* single file: the index and every article are embedded in ``report.html`` as
  ``<script type="application/json">`` blocks; an article's block is parsed only when it is
  opened. Nothing else is needed to open it, anywhere.
* split: ``report.html`` holds the index (paged in the page) and ``report_files/chunk-NNNN.js``
  hold the articles, ``CHUNK_ARTICLES`` per file, loaded with a ``<script>`` tag the first time
  one of their articles is opened (``fetch()`` of ``file://`` is blocked in browsers; a script
  tag is not). Keep the folder next to the page.

Escaping: data goes into the page only as JSON with ``<``, ``>``, ``&`` and U+2028/U+2029 written
as ``\\uXXXX``, so no article text can close a ``<script>`` element or start markup; the page
script inserts strings with ``textContent`` only; and a Content-Security-Policy allows just the
page's own script (by hash) and its data files, no network, no inline event handlers.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

# articles per data file, and a byte budget per file (a multi-MB article gets a file to itself)
CHUNK_ARTICLES = 50
CHUNK_BYTES = 2_000_000
# "auto" keeps one self-contained file up to this much article data, then splits
SINGLE_FILE_MAX_BYTES = 8_000_000
PAGE_SIZE = 50

_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")
_PLACEHOLDER = re.compile(r"__(CSP|TITLE|SUBTITLE|CSS|INDEX|CHUNKS|JS)__")
_CHUNK_NAME = re.compile(r"^chunk-\d{4,}\.js$")


def safe_json(value: Any) -> str:
    """JSON that is inert inside an HTML ``<script>`` element and in a JavaScript file."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _asset(name: str) -> str:
    return resources.files("summarizer.report").joinpath("assets", name).read_text(encoding="utf-8")


@dataclass
class ReportResult:
    """What ``write_report`` wrote."""

    path: Path
    articles: int
    split: bool
    data_files: list[Path] = field(default_factory=list)
    index_bytes: int = 0
    total_bytes: int = 0
    without_text: int = 0
    skipped: int = 0


class ChunkSink:
    """Groups article payloads into chunks; holds them in memory until the layout is known."""

    def __init__(self, out_path: Path, split: bool | None) -> None:
        self.out_path = out_path
        self.dir_name = out_path.stem + "_files"
        self.dir = out_path.with_name(self.dir_name)
        self.force = split
        self.split = bool(split)
        self.held: list[str] = []  # finished chunks not yet written (single-file or undecided)
        self.files: list[Path] = []
        self._current: list[str] = []
        self._current_bytes = 0
        self.count = 0
        self.data_bytes = 0
        if self.split:
            self._prepare_dir()

    @property
    def chunk_no(self) -> int:
        return self.count

    def add(self, payload: dict[str, Any]) -> int:
        """Add one article; returns the number of the chunk it is in."""
        encoded = safe_json(payload)
        if self._current and (len(self._current) >= CHUNK_ARTICLES or self._current_bytes + len(encoded) > CHUNK_BYTES):
            self._close_chunk()
        self._current.append(encoded)
        self._current_bytes += len(encoded)
        self.data_bytes += len(encoded)
        return self.count

    def _close_chunk(self) -> None:
        body = "[" + ",".join(self._current) + "]"
        self._current, self._current_bytes = [], 0
        if not self.split and self.force is None and self.data_bytes > SINGLE_FILE_MAX_BYTES:
            self.split = True
            self._prepare_dir()
            for n, held in enumerate(self.held):
                self._write_chunk(n, held)
            self.held = []
        if self.split:
            self._write_chunk(self.count, body)
        else:
            self.held.append(body)
        self.count += 1

    def finish(self) -> None:
        if self._current:
            self._close_chunk()
        if not self.split:
            self._remove_stale(keep=0)
        else:
            self._remove_stale(keep=self.count)

    def _prepare_dir(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)

    def file_name(self, n: int) -> str:
        return f"chunk-{n:04d}.js"

    def _write_chunk(self, n: int, body: str) -> None:
        path = self.dir / self.file_name(n)
        path.write_text(f"window.REPORT_CHUNK({n},{body});\n", encoding="utf-8")
        self.files.append(path)

    def _remove_stale(self, keep: int) -> None:
        """Delete chunk files a previous, larger report left behind (only files this writer names)."""
        if not self.dir.is_dir():
            return
        for p in self.dir.iterdir():
            if _CHUNK_NAME.match(p.name) and int(p.name[6:-3]) >= keep:
                p.unlink()
        if keep == 0 and not any(self.dir.iterdir()):
            self.dir.rmdir()

    def inline_blocks(self) -> str:
        return "\n".join(
            f'<script type="application/json" id="chunk-{n}">{body}</script>' for n, body in enumerate(self.held)
        )


def render_page(*, title: str, subtitle: str, rows: list[dict[str, Any]], sink: ChunkSink) -> str:
    js = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    csp = (
        f"default-src 'none'; script-src 'sha256-{digest}' 'self' file:; style-src 'unsafe-inline'; "
        "img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    index = {
        "title": title,
        "page_size": PAGE_SIZE,
        "mode": "split" if sink.split else "single",
        "dir": sink.dir_name,
        "files": [sink.file_name(n) for n in range(sink.count)] if sink.split else [],
        "rows": rows,
    }
    values = {
        "CSP": html.escape(csp, quote=False),  # holds no double quote; keep it readable
        "TITLE": html.escape(title),
        "SUBTITLE": html.escape(subtitle),
        "CSS": _asset("report.css"),
        "INDEX": safe_json(index),
        "CHUNKS": "" if sink.split else sink.inline_blocks(),
        "JS": js,
    }
    # one pass over the template: replacement text is never scanned again for placeholders
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _asset("report.html"))


def subtitle_for(source: str | None, articles: int) -> str:
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    origin = f" from {source}" if source else ""
    return f"{articles} article{'s' if articles != 1 else ''}{origin} · generated {stamp}"
