"""Reading inputs (files, directories, globs, JSONL, stdin) and building ``Document``s.

Pipeline per article (each step keeps an ``OffsetMap`` to its input; they are composed so
``Document.offsets`` maps the final text straight to ``raw``):

    decode -> [HTML main text] -> pinyin repair -> line cleaning -> language detection
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from . import pinyin
from .clean import clean, find_date, strip_title_furniture
from .decode import DEFAULT_MAX_BYTES, decode_text, decode_utf8_line
from .document import Document, OffsetMap, Removed
from .errors import IntakeError
from .html import extract as extract_html
from .html import looks_like_html
from .language import detect
from .sanitize import check_text, clean_field

TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm", ".jsonl"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Article",
    "Source",
    "from_bytes",
    "from_text",
    "iter_jsonl",
    "iter_sources",
    "read_path",
    "read_stdin",
]


@dataclass(frozen=True)
class Article:
    """A decoded input before intake: its text and the metadata the caller gave.

    Cheap to make; ``fingerprint`` identifies it exactly, so a finished summary can be found in
    the cache without running intake, and ``id`` equals the ``Document.id`` it will become.
    """

    text: str
    name: str | None = None
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    html: bool | None = None
    encoding: str = "utf-8"
    notes: tuple[str, ...] = ()  # repairs made to the text (sanitize), carried into the Document

    def __post_init__(self) -> None:
        # every input path builds an Article: one character policy for all of them (sanitize.py)
        text, notes = check_text(self.text, clean_field(self.name))
        for attr in ("name", "title", "published", "source", "url"):
            object.__setattr__(self, attr, clean_field(getattr(self, attr)))
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "notes", (*self.notes, *notes))

    @property
    def id(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    def fingerprint(self) -> str:
        meta = [self.title, self.published, self.source, self.url, self.html]
        blob = json.dumps(meta, ensure_ascii=False).encode("utf-8") + b"\0" + self.text.encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    def build(self) -> Document:
        return from_text(
            self.text, name=self.name, title=self.title, published=self.published, source=self.source,
            url=self.url, html=self.html, encoding=self.encoding, notes=self.notes,
        )


class Source:
    """One article to read, or the reason it could not be read (batch keeps going).

    Built eagerly by default; with ``iter_sources(..., lazy=True)`` intake runs on the first
    ``load()``, so a batch whose results are already cached never pays for it. An intake
    error found then is raised by ``load()`` (and kept in ``error``).
    """

    def __init__(
        self,
        name: str,
        document: Document | None = None,
        error: IntakeError | None = None,
        article: Article | None = None,
    ) -> None:
        self.name = clean_field(name) or "<input>"  # written to results/errors files: must encode
        self.document = document
        self.error = error
        self.article = article

    @property
    def id(self) -> str | None:
        if self.document is not None:
            return self.document.id
        return self.article.id if self.article is not None else None

    def load(self) -> Document:
        if self.document is None:
            if self.error is not None:
                raise self.error
            if self.article is None:
                raise IntakeError(self.name, "nothing to read")
            try:
                self.document = self.article.build()
            except IntakeError as exc:
                self.error = exc
                raise
        return self.document

    def __repr__(self) -> str:
        state = "error" if self.error else ("loaded" if self.document else "pending")
        return f"Source({self.name!r}, {state})"


def display_path(path: str | Path) -> str:
    """A path as a printable, encodable name: bytes that are not UTF-8 in a file name (which
    Python carries as lone surrogates) are shown as ``\\xNN`` so the user can still find the file."""
    try:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    except UnicodeError:
        return clean_field(str(path)) or "<input>"


def _source(name: str, article: Article, lazy: bool) -> Source:
    src = Source(name=name, article=article)
    if not lazy:
        src.load()
    return src


def from_text(
    text: str,
    *,
    name: str | None = None,
    title: str | None = None,
    published: str | None = None,
    source: str | None = None,
    url: str | None = None,
    html: bool | None = None,
    encoding: str = "utf-8",
    notes: tuple[str, ...] = (),
) -> Document:
    """Build a ``Document`` from decoded text (plain or HTML; ``html=None`` sniffs).

    Explicit metadata arguments win over what intake finds in the text. ``notes``: repairs
    already made to ``text`` (by ``Article``), reported as warnings.
    """
    text, repaired = check_text(text, name)
    if not text.strip():
        raise IntakeError(name, "empty article text")
    is_html = looks_like_html(text) if html is None else html
    warnings: list[str] = [*notes, *repaired]
    meta_title = meta_date = meta_site = None
    if is_html:
        ex = extract_html(text, url=url)
        stage, stage_map = ex.text, ex.offsets
        warnings += ex.warnings
        meta_title, meta_date, meta_site, url = ex.title, ex.date, ex.sitename, url or ex.url
        meta_title = strip_title_furniture(meta_title) or None if meta_title else None  # "标题-新闻稿-某某网" -> 标题
    else:
        stage, stage_map = text, OffsetMap.identity(len(text))

    repaired, rep_map, runs = pinyin.repair(stage)
    repairs = pinyin.to_repairs(runs, stage_map)
    rep_to_raw = rep_map.compose(stage_map)

    res = clean(repaired)
    if not res.text.strip():
        raise IntakeError(name, "no article text left after removing page furniture")
    offsets = res.offsets.compose(rep_to_raw)
    credits = res.credits
    found_source = (credits.get("source") or [None])[0]
    return Document(
        raw=text,
        text=res.text,
        offsets=offsets,
        name=name,
        encoding=encoding,
        language=detect(res.text),
        title=title or meta_title or res.title,
        published=_iso_date(published) or _iso_date(meta_date) or res.published,
        source=source or found_source or meta_site,
        url=url,
        repaired=bool(repairs),
        warnings=warnings,
        format="html" if is_html else "text",
        removed=_removed_ranges(text, res.lines, rep_to_raw),
        repairs=repairs,
        credits=credits,
    )


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    hit = find_date(value)
    return hit[0] if hit else value.strip() or None


def _removed_ranges(raw: str, lines: list, to_raw: OffsetMap) -> list[Removed]:
    """Group dropped lines into runs (blank lines between them join the run) per reason."""
    out: list[Removed] = []
    cur: list = []

    def flush() -> None:
        if not cur:
            return
        a, _ = to_raw.span_to_raw(cur[0].start, cur[0].end)
        _, b = to_raw.span_to_raw(cur[-1].start, cur[-1].end)
        b = max(a, b)
        snippet = " / ".join(ln.text for ln in cur)
        out.append(
            Removed(
                start=a,
                end=b,
                first_line=raw.count("\n", 0, a) + 1,
                last_line=raw.count("\n", 0, max(a, b - 1)) + 1,
                reason=cur[0].reason,
                text=snippet if len(snippet) <= 120 else snippet[:117] + "...",
            )
        )
        cur.clear()

    for ln in lines:
        if ln.kind == "blank":
            continue
        if ln.kind == "junk" and (not cur or cur[-1].reason == ln.reason):
            cur.append(ln)
            continue
        flush()
        if ln.kind == "junk":
            cur.append(ln)
    flush()
    return out


def from_bytes(
    data: bytes,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    html: bool | None = None,
) -> Document:
    return decode_article(data, name=name, max_bytes=max_bytes, html=html).build()


def decode_article(data: bytes, *, name: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, html: bool | None = None) -> Article:
    """Decode bytes (charset detection, size cap) into an ``Article``; intake not run yet.

    Repairs made while decoding (invalid UTF-8 bytes replaced) are carried as warnings."""
    text, enc, notes = decode_text(data, name, max_bytes=max_bytes)
    if not text.strip():
        raise IntakeError(name, "empty article text")
    return Article(text=text, name=name, html=html, encoding=enc, notes=tuple(notes))


def read_path(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    return read_article(path, max_bytes=max_bytes).build()


def read_article(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    p = Path(path)
    name = display_path(p)
    if p.is_dir():
        raise IntakeError(name, "is a folder, not an article file (a batch reads folders: iter_sources / `summarizer batch`)")
    if not p.exists():
        raise IntakeError(name, "no such file")
    if not p.is_file():
        raise IntakeError(name, "is not a regular file")
    if p.suffix.lower() in JSONL_SUFFIXES:
        raise IntakeError(name, "a JSONL file holds many articles, one per line (read it with iter_sources / `summarizer batch`)")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise IntakeError(name, f"input is {size} bytes, over the {max_bytes}-byte limit")
        data = p.read_bytes()
    except OSError as exc:
        raise IntakeError(name, f"cannot read ({exc.strerror or exc})") from exc
    html = True if p.suffix.lower() in HTML_SUFFIXES else None
    return decode_article(data, name=name, max_bytes=max_bytes, html=html)


def read_stdin(*, max_bytes: int = DEFAULT_MAX_BYTES, stream: BinaryIO | None = None) -> Document:
    """One article from standard input (bytes, any supported encoding)."""
    data = _read_capped(stream or sys.stdin.buffer, max_bytes, "<stdin>")
    return from_bytes(data, name="<stdin>", max_bytes=max_bytes)


def _read_capped(stream: BinaryIO, max_bytes: int, name: str) -> bytes:
    data = stream.read(max_bytes + 1)  # never slurp more than the cap
    if len(data) > max_bytes:
        raise IntakeError(name, f"input is over the {max_bytes}-byte limit")
    return data


def _article_from_json(obj: object, where: str, max_bytes: int, notes: tuple[str, ...] = ()) -> tuple[str, Article]:
    if not isinstance(obj, dict):
        raise IntakeError(where, "JSONL line is not an object")
    ident = obj.get("id")
    # an id may hold anything JSON can (lone surrogates, controls): names must stay writable
    name = (clean_field(str(ident)) or where) if ident not in (None, "") else where
    body = obj.get("text")
    is_html: bool | None = None
    if not isinstance(body, str) or not body.strip():
        body = obj.get("html")
        is_html = True
    if not isinstance(body, str) or not body.strip():
        raise IntakeError(where, "JSONL line has no non-empty 'text' or 'html' field")
    if len(body.encode("utf-8", "surrogatepass")) > max_bytes:  # Article repairs surrogates next
        raise IntakeError(where, f"article is over the {max_bytes}-byte limit")

    def meta(key: str) -> str | None:
        v = obj.get(key)
        return str(v) if v not in (None, "") else None

    article = Article(
        text=body,
        name=name,
        title=meta("title"),
        published=meta("date") or meta("published"),
        source=meta("source"),
        url=meta("url"),
        html=is_html,
        notes=notes,
    )
    return name, article


def iter_jsonl(
    lines: Iterator[bytes], label: str, *, max_bytes: int = DEFAULT_MAX_BYTES, lazy: bool = False
) -> Iterator[Source]:
    """One ``Source`` per non-empty line; a bad line becomes a ``Source`` with an error.

    Whatever a line raises (not only ``IntakeError``: a bug must not end the batch) is caught
    here, since a generator that raises cannot yield the lines after it."""
    for lineno, raw_line in enumerate(lines, 1):
        where = f"{label}:{lineno}"
        if not raw_line.strip():
            continue
        try:
            if lineno == 1 and raw_line.startswith(b"\xef\xbb\xbf"):
                raw_line = raw_line[3:]
            line_text, notes = decode_utf8_line(raw_line, where)
            try:
                obj = json.loads(line_text)
            except json.JSONDecodeError as exc:
                raise IntakeError(where, f"invalid JSON ({exc.msg} at column {exc.colno})") from exc
            name, article = _article_from_json(obj, where, max_bytes, tuple(notes))
            src = _source(name, article, lazy)
        except IntakeError as exc:
            if exc.name != where:  # name errors by line so the user can find it
                exc = IntakeError(where, exc.problem)
            src = Source(name=where, error=exc)
        except Exception as exc:  # noqa: BLE001 - one line must never end the batch
            src = Source(name=where, error=IntakeError(where, f"cannot read this line ({type(exc).__name__}: {exc})"))
        yield src


def _expand(inputs: list[str]) -> Iterator[Path | str | IntakeError]:
    for item in inputs:
        if item == "-":
            yield "-"
            continue
        p = Path(item)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in TEXT_SUFFIXES)
        elif any(ch in item for ch in "*?[") and not p.exists():
            matches = sorted(m for m in glob.glob(item, recursive=True) if Path(m).is_file())
            if not matches:
                yield IntakeError(item, "no files match this pattern")
            yield from (Path(m) for m in matches)
        else:
            yield p


def _stdin_sources(max_bytes: int, stream: BinaryIO | None = None, lazy: bool = False) -> Iterator[Source]:
    try:
        data = _read_capped(stream or sys.stdin.buffer, max_bytes, "<stdin>")
    except IntakeError as exc:
        yield Source(name="<stdin>", error=exc)
        return
    first = data.lstrip()[:1]
    if first == b"{":  # JSONL on stdin: one article per line
        yield from iter_jsonl(iter(data.splitlines()), "<stdin>", max_bytes=max_bytes, lazy=lazy)
        return
    try:
        yield _source("<stdin>", decode_article(data, name="<stdin>", max_bytes=max_bytes), lazy)
    except IntakeError as exc:
        yield Source(name="<stdin>", error=exc)


def iter_sources(inputs: list[str], *, max_bytes: int = DEFAULT_MAX_BYTES, lazy: bool = False) -> Iterator[Source]:
    """Yield one ``Source`` per article as the inputs are read; unreadable inputs carry their error.

    ``lazy``: decode only, and run intake on ``Source.load()`` (the batch engine does this so
    cached results skip intake).
    """
    for path in _expand(inputs):
        if isinstance(path, IntakeError):
            yield Source(name=path.name, error=path)
            continue
        if path == "-":
            yield from _stdin_sources(max_bytes, lazy=lazy)
            continue
        assert isinstance(path, Path)
        name = display_path(path)
        if path.suffix.lower() in JSONL_SUFFIXES and path.is_file():
            try:
                with path.open("rb") as fh:
                    yield from iter_jsonl(iter(fh), name, max_bytes=max_bytes, lazy=lazy)
            except OSError as exc:
                yield Source(name=name, error=IntakeError(name, f"cannot read ({exc.strerror})"))
            continue
        try:
            src = _source(name, read_article(path, max_bytes=max_bytes), lazy)
        except IntakeError as exc:
            src = Source(name=name, error=exc)
        except Exception as exc:  # noqa: BLE001 - one file must never end the batch
            src = Source(name=name, error=IntakeError(name, f"cannot read ({type(exc).__name__}: {exc})"))
        yield src
