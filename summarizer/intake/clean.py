"""Line-based removal of page furniture, with a reason for every dropped line.

One pass over the lines, in order:

1. once a *tail marker* (相关阅读, 版权声明, You may also like, MOST POPULAR ...) has been seen
   after some body, every later line is tail (related lists, widgets, footers);
2. credit lines go to metadata, not body: a credit key (来源, 责编, 出品, 摄影, Source, Photo by,
   Edited by, By ...; Simplified and Traditional) followed by any separator (``:`` ``/`` ``|``
   ``丨`` full- or half-width, or spaces after a key of two or more characters), bracketed
   credits (``[ 责编:x ]``, ``(记者 x y)``, ``(责任编辑:x)``) and bylines (Posted by ...);
   a line with a full date and a credit is a dateline (below), and a credit line whether or not
   it names people (记者, 作者, Reporter ...);
3. short datelines (a date, a time, a source, widget counters) give ``published`` and are
   dropped as furniture: the date reaches the model as the prompt's "Published:" line;
4. breadcrumbs and menus (``is_breadcrumb``: short segments joined by > › » / | or 2+ spaces)
   and whole-line rules from ``junk_rules`` (share prompts, paywalls, back-to-top, counters,
   app banners, image names, JS, footers ...);
5. everything else is body.

Then short slogan lines glued to a share/app prompt before the first body line are dropped
(the "知东莞,知天下!" banner above "打开客户端发现更多精彩"), the headline is found (the first
heading-like line of the header directly followed by a dateline, credit or counter line, else
the first heading-like line) and site chrome above an anchored headline is dropped. Last,
furniture glued to the start of a line is cut into a junk line of its own: a tag or slogan
before the headline (``【视频】``, ``南浦发布|``, ``[VIDEO]``) and a bracketed credit before a
paragraph (``Lanshan Daily News (Reporter/x) On ...``, ``本报讯（记者 x）...``).

Kept lines are stripped of surrounding whitespace (or cut at a glued prefix) and joined with
newlines copied from the input (a blank line between kept lines that were not adjacent), so
the cleaned text is a concatenation of input slices and its ``OffsetMap`` is exact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from . import junk_rules as R
from .document import OffsetMap
from .language import t2s

_SENTENCE_PUNCT = re.compile(r"[。,,;;!?!?]")
_SENTENCE_END = re.compile(r"[。.!?!?;;]\s*$")
_BULLETS = re.compile(r"^[\s\-–—•·*>■□●◆◇▶►|]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
# Breadcrumbs and menus: short segments joined by > >> › » / | or runs of 2+ spaces.
_CRUMB_SEP = re.compile(r"\s*(?:>>|>|›|»|/|\|)\s*|\s{2,}")
_CRUMB_HOME = re.compile(r"(?i)(?:首页|主页|home|index)\b|(?:首页|主页)")
_CRUMB_MAX_HAN = 8
_CRUMB_MAX_WORDS = 4


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
        value = bracket.group(2)
        # Chinese names are separated by spaces; English ones carry spaces inside
        names = re.split(r"\s*(?:[,、/;]|\band\b)\s*" if value.isascii() else r"[\s,、/]+", value)
        found["reporter"] = [n for n in names if n and n.lower() not in R.CREDIT_KEYS and n not in ("实习生", "實習生")]
        return found
    return _pairs(key)


def _pairs(key: str) -> dict[str, list[str]] | None:
    found: dict[str, list[str]] = {}
    for m in R.CREDIT_PAIR.finditer(key):
        name = m.group(1) or m.group(2)
        role = R.CREDIT_KEYS.get(name) or R.CREDIT_KEYS.get(name.lower(), "other")
        value = m.group(3).strip(" []|")
        undated = _strip_date(value) if find_date(value) else value
        if role != "keywords" and (len(undated) > 40 or _SENTENCE_PUNCT.search(undated)):
            return None  # "记者:您认为...?" is an interview question, not a credit
        value = _PUBLISHED_WORDS.sub("", undated).strip(" |") if undated != value else value
        if value:
            found.setdefault(role, []).append(value)
    return found or None


_PUBLISHED_WORDS = re.compile(r"(?i)\b(?:published|updated|posted)\b\s*:?|(?:发布|发表|更新)(?:时间|日期|于)\s*[:：]?|(?:发布|更新)\s*[:：]")
# A credit role other than "source" named on a line (记者, 作者, Reporter, By ...): a dateline
# that names people is a credit line, so the names never reach the model as if they spoke.
_PERSON_ROLES = {"editor", "reporter", "author", "photographer", "proofreader", "reviewer", "producer", "designer", "translator"}
_PERSON_KEY = re.compile(
    r"(?i)(?<![A-Za-z])(?:"
    + "|".join(sorted((re.escape(k) for k, v in R.CREDIT_KEYS.items() if v in _PERSON_ROLES and len(k) >= 2), key=len, reverse=True))
    + r")(?:\s*[:/|丨]|\s+(?=\S)|\s*$)"
)


def _dateline(key: str) -> tuple[str, int] | None:
    """``(iso_date, keep_len)`` when the line is a short dateline; ``keep_len`` trims widgets."""
    hit = find_date(key)
    if not hit:
        return None
    iso, a, b = hit
    simple = t2s(key)
    tail = R.DATELINE_TAIL_JUNK.search(simple if len(simple) == len(key) else key, b)
    keep = tail.start() if tail else len(key)
    rest = key[:a] + key[b:keep]
    rest = R.TIME.sub("", rest)
    rest = re.sub(r"(?i)(来源|发布时间|发布|时间|日期|更新|published|updated|date)\s*[::]?", "", rest)
    if len(rest.strip()) > 24 or _SENTENCE_PUNCT.search(rest):
        return None
    return iso, keep


def is_breadcrumb(line: str) -> bool:
    """A navigation trail or menu: ``首页 资讯 > 正文``, ``Home / News / Local``, ``Business | Economy``,
    ``首页  政务公开  新闻中心``. Every segment is short and none is a sentence; two segments
    are enough when the first is "home" or the joiner is an arrow, ``/`` or ``|``."""
    if len(line) > 80 or _SENTENCE_END.search(line):
        return False
    parts = [p for p in _CRUMB_SEP.split(line) if p.strip()]
    if len(parts) < 2:
        return False
    for part in parts:
        han = len(_HAN.findall(part))
        if han > _CRUMB_MAX_HAN or len(part.split()) > _CRUMB_MAX_WORDS or _SENTENCE_PUNCT.search(part):
            return False
        if any(ch.isdigit() for ch in part):
            return False  # 1+1>2, 3/4, 2024 | Q1: figures, not a trail
    if len(parts) >= 3 or _CRUMB_HOME.match(parts[0]):
        return True
    joiners = _CRUMB_SEP.findall(line)
    return any(j.strip() for j in joiners) and all(
        _HAN.search(p) or p.strip()[:1].isupper() for p in parts  # Business | Economy
    )


def _rule(key: str) -> str | None:
    bare = _BULLETS.sub("", key)
    if is_breadcrumb(bare):
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
    dates: list[tuple[int, str]] = []  # (line index, iso): datelines and dated credit lines
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
        names_people = bool(dl) and bool(_PERSON_KEY.search(t2s(nfkc)))
        for role, vals in (found or {}).items():
            if dl and role == "source":  # "来源:东莞发布2022-11-09 10:09" -> 东莞发布
                vals = [v for v in (_strip_date(v) for v in vals) if v]
            credits.setdefault(role, []).extend(v for v in vals if v not in credits.get(role, []))
        if dl:
            dates.append((i, dl[0]))
        if (found and not dl) or names_people:  # a dateline naming a reporter is a credit line
            ln.kind, ln.reason = "junk", "credit"
            continue
        if dl:
            # the date goes to ``published`` (the prompt states it); the line itself is furniture
            ln.kind, ln.reason = "junk", "dateline"
            continue
        reason = "breadcrumb" if is_breadcrumb(_BULLETS.sub("", nfkc.strip())) else _rule(key)  # 2+ spaces kept
        if reason:
            ln.kind, ln.reason = "junk", reason
            if reason == "reading-now":
                reading_title = key.split(":", 1)[-1].strip() or None
            continue
        ln.kind = "body"
        body_seen = True

    _drop_banners(lines)
    title_at, anchored = _find_title(lines)
    if anchored:  # site names and taglines above an anchored headline are page chrome
        for ln in lines[:title_at]:
            if ln.kind == "body":
                ln.kind, ln.reason = "junk", "nav"
    lines, title_line = _split_prefixes(lines, title_at)
    for ln in lines:
        if ln.kind == "junk" and ln.reason == "credit" and ln.eol is None and ln.text.endswith((")", "）")):
            bracket = unicodedata.normalize("NFKC", ln.text[ln.text.rfind("(" if "(" in ln.text else "（") :])
            for role, vals in (parse_credits(bracket) or {}).items():  # (Reporter/Deng Shaojun Luo Pei)
                credits.setdefault(role, []).extend(v for v in vals if v not in credits.get(role, []))

    cleaned, offsets = _assemble(text, lines)
    title = None
    if title_line is not None:
        title = strip_title_furniture(title_line.text.lstrip("#").strip()) or None  # Markdown "# Title"
    if title is None and reading_title:
        title = reading_title
    return CleanResult(
        text=cleaned,
        offsets=offsets,
        lines=lines,
        title=title,
        published=dates[0][1] if dates else None,  # header dateline, else the first one
        credits=credits,
    )


_TRIM = " \t|/·｜\u3000"


def _find_title(lines: list[Line]) -> tuple[int | None, bool]:
    """Index of the headline line, and whether a meta line right under it confirms it.

    Candidates are the heading-like body lines of the page header (before the first paragraph).
    The headline is the first candidate directly followed by a dateline, a credit or a counter
    line (the usual page layout); without one, the first candidate.
    """
    cands: list[int] = []
    for i, ln in enumerate(lines):
        if ln.kind != "body":
            continue
        if not _heading_like(ln.text.lstrip("#").strip()):
            break
        cands.append(i)
    for i in cands:
        nxt = next((ln for ln in lines[i + 1 :] if ln.kind != "blank"), None)
        if nxt is not None and nxt.kind == "junk" and nxt.reason in _META_REASONS:
            return i, True
    return (cands[0], False) if cands else (None, False)


_META_REASONS = {"credit", "counter", "dateline"}


def _split_prefixes(lines: list[Line], title_at: int | None) -> tuple[list[Line], Line | None]:
    """Cut furniture glued to the start of a line into a junk line of its own.

    The headline loses a slogan or tag (``【视频】``, ``南浦发布|``, ``[VIDEO]``); any paragraph
    loses a credit in brackets (``Lanshan Daily News (Reporter/Zhou Min) On ...``). Both parts
    stay slices of the input, so the offset map stays exact. Returns the new lines and the
    headline's line (its remainder when cut).
    """
    out: list[Line] = []
    title_line: Line | None = None
    for i, ln in enumerate(lines):
        cut, reason = None, ""
        if ln.kind == "body":
            if i == title_at:
                cut, reason = slogan_prefix(ln.text), "slogan"
            if not cut:
                cut, reason = credit_prefix(ln.text), "credit"
        if not cut:
            out.append(ln)
            if i == title_at:
                title_line = ln
            continue
        head = ln.text[:cut].rstrip()
        rest = ln.text[cut:]
        lead = len(rest) - len(rest.lstrip())
        out.append(Line(ln.start, ln.start + len(head), None, head, "junk", reason))
        body = Line(ln.start + cut + lead, ln.end, ln.eol, rest.strip(), "body")
        out.append(body)
        if i == title_at:
            title_line = body
    return out, title_line


# Tags and slogans glued before a headline. Written for the raw line (both widths).
_TAG = r"(?:【[^】\n]{1,12}】|〖[^〗\n]{1,12}〗|\[[A-Za-z][A-Za-z ]{1,15}\]|[(（](?i:video|photos?|live|watch|exclusive|update[d]?|breaking)[)）])"
_SLOGAN = re.compile(
    rf"(?:[^!！|｜丨【\[\s。，,][^!！|｜丨【\[。，,]{{0,14}}[!！]\s*)?(?:{_TAG}\s*)+"  # 鹤山融媒消息!【视频】 / 【权威发布】 / [VIDEO]
    rf"|(?P<column>[^|｜丨!！【\[。，,:：]{{2,24}}?)\s*[|｜丨]\s*"  # 南浦发布| 一图读懂｜ Xinhe Release |
    rf"|[^!！。，,:：\s]{{2,14}}[!！]\s*"  # 重磅!
    rf"|(?:[^-_|｜\s]{{0,16}}(?:网|網|网站|網站|新闻稿|新聞稿|频道|頻道|资讯|資訊)\s*[-_－]\s*)+"  # 海澄縣政府全球資訊網-新聞稿-
)
_HEADLINE_MIN = 8  # characters a headline keeps after its prefix is cut


def slogan_prefix(line: str) -> int:
    """Length of a slogan or tag glued before a headline (0 when there is none)."""
    m = _SLOGAN.match(line)
    if not m or len(line) - m.end() < _HEADLINE_MIN:
        return 0
    column = m.group("column")
    if column is not None:  # a column or account name is short: 南浦发布, Xinhe Release
        han = len(_HAN.findall(column))
        if han > 8 or (not han and len(column.split()) > 3) or any(ch.isdigit() for ch in column):
            return 0
    return m.end()


_OUTLET = re.compile(r"(?:讯|訊|消息|电|電|报道|報道|新闻|新聞|日报|日報|晚报|晚報|(?i:news|daily|times|post|herald|agency|press|today|release))\s*$")


def credit_prefix(line: str) -> int:
    """Length of a bracketed credit opening a paragraph (0 when there is none):
    ``本报讯（记者 王晓明）7月2日...``, ``Lanshan Daily News (Reporter/Zhou Min Xu Hao) On ...``."""
    m = R.CREDIT_PREFIX.match(line)
    if not m or len(line) - m.end() < _HEADLINE_MIN:
        return 0
    outlet = m.group("outlet").strip()
    return m.end() if not outlet or _OUTLET.search(outlet) else 0


# A site name or section around a page <title>: "..._临江新闻网", "... | Lanshan Municipal
# Government", "... - Harlow County Herald", "海澄縣政府全球資訊網-新聞稿-...".
_SITE_SUFFIX = re.compile(
    r"\s*(?:[_｜|]|\s[-–—]\s)\s*(?:[^_｜|\s]{2,16}(?:网|網|网站|網站|新闻|新聞|日报|日報|晚报|客户端|政府|發佈|发布)"
    r"|(?:[A-Z][A-Za-z.&']*\s?){1,6})\s*$"
)


def strip_title_furniture(title: str) -> str:
    """A headline without the site name or column glued to it (for page ``<title>`` texts too)."""
    cut = slogan_prefix(title)
    title = title[cut:].strip()
    m = _SITE_SUFFIX.search(title)
    if m and m.start() >= _HEADLINE_MIN and not any(ch.isdigit() for ch in m.group(0)):
        title = title[: m.start()].rstrip()
    return title


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
