"""Line-based removal of page furniture, with a reason for every dropped line.

One pass over the lines, in order:

1. once a *tail marker* (相关阅读, 版权声明, 您此时的心情 ...) has been seen after some body,
   every later line is tail (related lists of unrelated dated items, widgets, footers);
2. credit lines (来源: 编辑: 校对: [ 责编:x ] (记者 x y)) go to metadata, not body — unless
   the line carries a full date, in which case it is the article's dateline and stays;
3. short datelines stay (widget counters glued to them are trimmed off) and give ``published``;
4. whole-line rules from ``junk_rules`` (share prompts, breadcrumbs, image names, JS, ...);
5. everything else is body.

Then short slogan lines glued to a share/app prompt before the first body line are dropped
(the "知东莞,知天下!" banner above "打开客户端发现更多精彩").

Kept lines are stripped of surrounding whitespace and joined with newlines copied from the
input (a blank line between kept lines that were not adjacent), so the cleaned text is a
concatenation of input slices and its ``OffsetMap`` is exact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from . import junk_rules as R
from .document import OffsetMap
from .language import t2s

_SENTENCE_PUNCT = re.compile(r"[。,,;;!?!?]")
_BULLETS = re.compile(r"^[\s\-–—•·*>■□●◆◇▶►|]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_BREADCRUMB = re.compile(r"(?i)(?:首页|主页|home)\s*[>›»].*|(?:[^>›»]{1,14}[>›»]\s*){2,}[^>›»]{0,14}")


@dataclass
class Line:
    start: int  # content start in the input (after leading whitespace)
    end: int  # content end (before trailing whitespace)
    eol: int | None  # offset of the terminating "\n", if any
    text: str
    kind: str = "body"  # body | dateline | blank | junk
    reason: str = ""


@dataclass
class CleanResult:
    text: str
    offsets: OffsetMap  # cleaned -> input
    lines: list[Line]
    title: str | None = None
    published: str | None = None
    credits: dict[str, list[str]] = field(default_factory=dict)


def split_lines(text: str) -> list[Line]:
    out: list[Line] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        stop = n if nl < 0 else nl
        seg = text[pos:stop]
        lead = len(seg) - len(seg.lstrip())
        content = seg.strip()
        s = pos + lead
        out.append(Line(s, s + len(content), None if nl < 0 else nl, content))
        if nl < 0:
            break
        pos = nl + 1
    if out and out[-1].eol is None and not out[-1].text and len(out) > 1:
        out.pop()  # the empty string after a final newline is not a line
    return out


def normalize(line: str) -> str:
    """Matching key: NFKC (full-width -> ASCII), Simplified, collapsed spaces."""
    key = unicodedata.normalize("NFKC", line)
    key = t2s(key) if _HAN.search(key) else key
    return re.sub(r"\s+", " ", key).strip()


def find_date(s: str) -> tuple[str, int, int] | None:
    """First full date in ``s`` as ISO ``yyyy-mm-dd`` with its span, if any."""
    for pat in R.COMPILED_DATES:
        m = pat.search(s)
        if not m:
            continue
        gd = m.groupdict()
        month = int(gd["m"]) if gd.get("m") else _MONTHS.get(gd["mon"].lower()[:3], 0)
        year, day = int(gd["y"]), int(gd["d"])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}", m.start(), m.end()
    return None


def parse_credits(key: str) -> dict[str, list[str]] | None:
    """Credit pairs of a credit line, or ``None`` when the line is not a credit line."""
    if not R.CREDIT_LINE.fullmatch(key):
        return None
    found: dict[str, list[str]] = {}
    bracket = re.fullmatch(r"\(\s*(记者|記者|通讯员|通訊員|实习生|實習生|(?i:reporter))[\s:/]+(.+?)\s*\)", key)
    if bracket:
        names = re.split(r"[\s,、/]+", bracket.group(2))
        found["reporter"] = [n for n in names if n and n.lower() not in R.CREDIT_KEYS and n not in ("实习生", "實習生")]
        return found
    return _pairs(key)


def _pairs(key: str) -> dict[str, list[str]] | None:
    found: dict[str, list[str]] = {}
    for m in R.CREDIT_PAIR.finditer(key):
        role = R.CREDIT_KEYS.get(m.group(1)) or R.CREDIT_KEYS.get(m.group(1).lower(), "other")
        value = m.group(2).strip(" []")
        if role != "keywords" and (len(value) > 40 or _SENTENCE_PUNCT.search(value)):
            return None  # "记者:您认为...?" is an interview question, not a credit
        if value:
            found.setdefault(role, []).append(value)
    return found or None


def _dateline(key: str) -> tuple[str, int] | None:
    """``(iso_date, keep_len)`` when the line is a short dateline; ``keep_len`` trims widgets."""
    hit = find_date(key)
    if not hit:
        return None
    iso, a, b = hit
    tail = R.DATELINE_TAIL_JUNK.search(key, b)
    keep = tail.start() if tail else len(key)
    rest = key[:a] + key[b:keep]
    rest = R.TIME.sub("", rest)
    rest = re.sub(r"(?i)(来源|发布时间|发布|时间|日期|更新|published|updated|date)\s*[::]?", "", rest)
    if len(rest.strip()) > 24 or _SENTENCE_PUNCT.search(rest):
        return None
    return iso, keep


def _rule(key: str) -> str | None:
    bare = _BULLETS.sub("", key)
    if _BREADCRUMB.fullmatch(bare) and len(bare) <= 80:
        return "breadcrumb"
    for reason, pat in R.COMPILED_LINE_RULES:
        if pat.fullmatch(bare) or pat.fullmatch(key):
            if reason == "footer" and len(key) > 150:
                continue  # a long paragraph mentioning copyright is body
            return reason
    return None


def _tail_marker(key: str) -> str | None:
    bare = _BULLETS.sub("", key).strip(" :")
    if len(bare) > 30:
        return None
    for reason, pat in R.COMPILED_TAIL_MARKERS:
        if pat.fullmatch(bare):
            return reason
    return None


def _heading_like(s: str) -> bool:
    if not s or s.endswith(("。", ".", ",", ",", ";", ";", ":", ":")):
        return False
    han = len(_HAN.findall(s))
    if han:
        return han <= R.TITLE_MAX_HAN and len(s) <= R.TITLE_MAX_HAN * 2
    return len(s) <= R.TITLE_MAX_LATIN


def clean(text: str) -> CleanResult:
    lines = split_lines(text)
    credits: dict[str, list[str]] = {}
    datelines: list[tuple[int, str]] = []
    keep_len: dict[int, int] = {}
    in_tail: str | None = None
    body_seen = False
    reading_title: str | None = None

    for i, ln in enumerate(lines):
        if not ln.text:
            ln.kind = "blank"
            continue
        key = normalize(ln.text)
        if in_tail:  # a later marker renames the block; a line rule names the line
            in_tail = _tail_marker(key) or in_tail
            ln.kind, ln.reason = "junk", _rule(key) or in_tail
            continue
        marker = _tail_marker(key) if body_seen else None
        if marker:
            in_tail = marker
            ln.kind, ln.reason = "junk", marker
            continue
        nfkc = unicodedata.normalize("NFKC", ln.text)  # same length as ln.text in practice
        found = parse_credits(re.sub(r"\s+", " ", nfkc).strip())  # values as written, not t2s
        dl = _dateline(nfkc)
        if dl and not found:  # "发布时间:2024-03-05 15:20 来源:广州日报"
            found = _pairs(nfkc)
        if found:
            for role, vals in found.items():
                if dl and role == "source":  # "来源:东莞发布2022-11-09 10:09" -> 东莞发布
                    vals = [v for v in (_strip_date(v) for v in vals) if v]
                credits.setdefault(role, []).extend(v for v in vals if v not in credits.get(role, []))
            if not dl:
                ln.kind, ln.reason = "junk", "credit"
                continue
        if dl:
            ln.kind = "dateline"
            datelines.append((i, dl[0]))
            if dl[1] < len(nfkc) and len(nfkc) == len(ln.text):  # widget counters glued on: trim
                keep_len[i] = dl[1]
            continue
        reason = _rule(key)
        if reason:
            ln.kind, ln.reason = "junk", reason
            if reason == "reading-now":
                reading_title = key.split(":", 1)[-1].strip() or None
            continue
        ln.kind = "body"
        body_seen = True

    _drop_banners(lines)
    for i, n in keep_len.items():
        ln = lines[i]
        ln.end = ln.start + len(ln.text[:n].rstrip())

    cleaned, offsets = _assemble(text, lines)
    first_body = next((ln for ln in lines if ln.kind == "body"), None)
    head = first_body.text.lstrip("#").strip() if first_body is not None else ""  # Markdown "# Title"
    title = head if _heading_like(head) else None
    if title is None and reading_title:
        title = reading_title
    return CleanResult(
        text=cleaned,
        offsets=offsets,
        lines=lines,
        title=title,
        published=datelines[0][1] if datelines else None,  # header dateline, else the first one
        credits=credits,
    )


def _strip_date(v: str) -> str:
    hit = find_date(v)
    if hit:
        v = v[: hit[1]] + v[hit[2] :]
    return R.TIME.sub("", v).strip(" -|")


def _drop_banners(lines: list[Line]) -> None:
    """Drop short slogan lines touching a share/app prompt in the page header.

    The header ends at the first body line longer than a slogan (the headline or a paragraph).
    """
    header_end = next(
        (i for i, ln in enumerate(lines) if ln.kind == "body" and len(ln.text) > R.BANNER_MAX_CHARS), len(lines)
    )
    changed = True
    while changed:  # a slogan can sit two lines above the prompt: repeat until stable
        changed = False
        for i in range(header_end):
            ln = lines[i]
            # a line closed by a full stop is a sentence, not a slogan, however short
            if ln.kind != "body" or ln.text.rstrip().endswith(("。", ".")):
                continue
            near = [lines[j] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
            if any(n.kind == "junk" and n.reason == "share" for n in near):
                ln.kind, ln.reason = "junk", "share"
                changed = True


def _assemble(text: str, lines: list[Line]) -> tuple[str, OffsetMap]:
    pieces: list[tuple[int, int]] = []
    kept_idx = [i for i, ln in enumerate(lines) if ln.kind in ("body", "dateline") and ln.end > ln.start]
    for k, i in enumerate(kept_idx):
        ln = lines[i]
        pieces.append((ln.start, ln.end))
        if k + 1 == len(kept_idx) or ln.eol is None:
            continue
        pieces.append((ln.eol, ln.eol + 1))
        nxt = kept_idx[k + 1]
        if nxt > i + 1:  # something was between them: keep a paragraph break
            gap_eol = lines[i + 1].eol
            if gap_eol is not None and gap_eol > ln.eol:
                pieces.append((gap_eol, gap_eol + 1))
    cleaned = "".join(text[a:b] for a, b in pieces)
    return cleaned, OffsetMap.from_pieces(pieces)
