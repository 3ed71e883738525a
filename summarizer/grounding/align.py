"""Align evidence quotes to character offsets in the raw input.

Strategies, first hit wins:

1. ``exact``: the quote occurs verbatim in ``document.raw`` (score 1.0).
2. ``normalized``: the quote occurs once both sides are normalized (NFKC, full/half-width,
   quote styles, Traditional -> Simplified, whitespace, pinyin annotations), searched in the
   raw text and then in the cleaned text (mapped back with ``document.raw_span``). Score 1.0:
   the normalized forms are identical.
3. ``fuzzy``: best approximate match, character level for Chinese (LLMs drop or swap a
   character; Han runs have no word boundaries, see DESIGN.md on langextract), word level for
   English (so a span never starts mid-word). Accepted at ``FUZZY_THRESHOLD``.

Otherwise ``none`` with no offsets. Repeated quotes take occurrences in order: each
(item kind, quote) pair remembers where its last occurrence ended.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..intake.document import Document
from ..models import Evidence
from .normalize import Normalized, cjk_ratio, match_key, normalize, pinyin_tail

# 85 of 100: one wrong or missing character in a 7-character Chinese quote (85.7) still aligns,
# two errors in 10 (80) do not. Quotes that lose more than that are paraphrases, and a span
# pointing at the wrong sentence is worse than an honest "none".
FUZZY_THRESHOLD = 85.0
# Below this many normalized characters a fuzzy hit is mostly chance (a 3-character name
# with one error matches thousands of places); such quotes must match exactly or normalized.
FUZZY_MIN_CHARS = 6
# Quotes with at least this share of Han characters are aligned character by character.
CJK_QUOTE_RATIO = 0.3


@dataclass
class _View:
    """One searchable text (raw or cleaned) in normalized forms, built lazily."""

    source: str
    _key: Normalized | None = None
    _words: tuple[Normalized, list[tuple[int, int]]] | None = None

    @property
    def key(self) -> Normalized:
        if self._key is None:
            self._key = normalize(self.source)
        return self._key

    @property
    def words(self) -> tuple[Normalized, list[tuple[int, int]]]:
        """Space-collapsed form and the (start, end) of each word in it."""
        if self._words is None:
            norm = normalize(self.source, spaces="collapse")
            spans: list[tuple[int, int]] = []
            start = None
            for i, ch in enumerate(norm.text + " "):
                if ch == " ":
                    if start is not None:
                        spans.append((start, i))
                        start = None
                elif start is None:
                    start = i
            self._words = (norm, spans)
        return self._words


class Aligner:
    """Aligns quotes against one document; keeps the per-quote occurrence cursors."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.raw = _View(document.raw)
        self.text = _View(document.text) if document.text != document.raw else None
        self._cursor: dict[tuple[str, str], int] = {}

    # ------------------------------------------------------------------ public

    def align(self, quote: str, *, group: str = "") -> Evidence:
        """Evidence for ``quote``; ``group`` separates cursors (a goal and a target may share a quote)."""
        key = match_key(quote)
        if not key:
            return Evidence(quote=quote)
        ck = (group, key)
        cursor = self._cursor.get(ck, 0)
        # next occurrence in order; when the items outnumber the occurrences, reuse from the top;
        # only then settle for an approximate match
        found = self._find_same(quote, key, cursor)
        if found is None and cursor:
            found = self._find_same(quote, key, 0)
        if found is None and len(key) >= FUZZY_MIN_CHARS:
            found = self._find_fuzzy(quote, key, cursor)
            if found is None and cursor:
                found = self._find_fuzzy(quote, key, 0)
        if found is None:
            return Evidence(quote=quote)
        start, end, match, score = found
        self._cursor[ck] = end
        return Evidence(quote=quote, start=start, end=end, match=match, score=round(score, 4))

    def align_name(self, name: str, near: Evidence | None = None) -> Evidence:
        """Evidence for a name: its occurrence inside ``near`` (the speaker's quote) when there is
        one, else its first occurrence. Exact or normalized only: names are too short to fuzz."""
        key = match_key(name)
        if not key:
            return Evidence(quote=name)
        found = None
        if near is not None and near.start is not None and near.end is not None:
            found = self._find_same(name, key, near.start)
            if found is not None and found[1] > near.end:
                found = None
        found = found or self._find_same(name, key, 0)
        if found is None:
            return Evidence(quote=name)
        start, end, match, score = found
        return Evidence(quote=name, start=start, end=end, match=match, score=score)

    # ------------------------------------------------------------------ strategies

    def _find_same(self, quote: str, key: str, cursor: int) -> tuple[int, int, str, float] | None:
        raw = self.document.raw
        pos = raw.find(quote, cursor)
        if pos >= 0:
            return pos, pos + len(quote), "exact", 1.0
        for view in self._views():
            span = self._normalized(view, key, cursor)
            if span is not None:
                start, end = span
                kind = "exact" if raw[start:end] == quote else "normalized"
                return start, end, kind, 1.0
        return None

    def _find_fuzzy(self, quote: str, key: str, cursor: int) -> tuple[int, int, str, float] | None:
        for view in self._views():
            hit = self._fuzzy(view, quote, key, cursor)
            if hit is not None:
                return (*hit[:2], "fuzzy", hit[2] / 100.0)
        return None

    def _views(self) -> list[_View]:
        return [self.raw] if self.text is None else [self.raw, self.text]

    def _to_raw(self, view: _View, start: int, end: int) -> tuple[int, int]:
        """Raw span for a source span of ``view``; swallow a trailing pinyin annotation."""
        if view is not self.raw:
            start, end = self.document.raw_span(start, end)
        return start, pinyin_tail(self.document.raw, end)

    def _cursor_in(self, view: _View, norm: Normalized, cursor: int) -> int:
        if not cursor:
            return 0
        if view is not self.raw:  # cursors are raw offsets; find the first text position past it
            m = self.document.offsets
            pos = next((d + max(0, cursor - r) for d, r, n in m.segments if r + n > cursor), len(view.source))
            return norm.from_source(pos)
        return norm.from_source(cursor)

    def _normalized(self, view: _View, key: str, cursor: int) -> tuple[int, int] | None:
        norm = view.key
        pos = norm.text.find(key, self._cursor_in(view, norm, cursor))
        if pos < 0:
            return None
        return self._to_raw(view, *norm.to_source(pos, pos + len(key)))

    def _fuzzy(self, view: _View, quote: str, key: str, cursor: int) -> tuple[int, int, float] | None:
        if cjk_ratio(quote) >= CJK_QUOTE_RATIO:
            return self._fuzzy_chars(view, key, cursor)
        return self._fuzzy_words(view, quote, cursor)

    def _fuzzy_chars(self, view: _View, key: str, cursor: int) -> tuple[int, int, float] | None:
        norm = view.key
        text = norm.text
        if len(key) > len(text):
            return None
        offset = self._cursor_in(view, norm, cursor)
        hay = text[offset:]
        if len(key) > len(hay):
            return None
        res = fuzz.partial_ratio_alignment(key, hay, score_cutoff=FUZZY_THRESHOLD)
        if res is None:
            return None
        s, e, score = _refine(key, text, offset + res.dest_start, offset + res.dest_end)
        if score < FUZZY_THRESHOLD:
            return None
        return (*self._to_raw(view, *norm.to_source(s, e)), score)

    def _fuzzy_words(self, view: _View, quote: str, cursor: int) -> tuple[int, int, float] | None:
        norm, spans = view.words
        target = normalize(quote, spaces="collapse").text
        n = target.count(" ") + 1
        first = 0
        if cursor:
            c = self._cursor_in(view, norm, cursor)
            first = next((i for i, (s, _) in enumerate(spans) if s >= c), len(spans))
        choices: dict[tuple[int, int], str] = {}
        for i in range(first, len(spans)):  # by position first, so ties go to the earliest
            for w in range(max(1, n - 2), min(n + 3, len(spans) - i + 1)):
                choices[(i, i + w)] = norm.text[spans[i][0] : spans[i + w - 1][1]]
        if not choices:
            return None
        res = process.extractOne(target, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        if res is None:
            return None
        _, score, (i, j) = res
        s, e = spans[i][0], spans[j - 1][1]
        # words carry their punctuation ("6%," "speech."); keep only what the quote has
        while e - s > 1 and not norm.text[e - 1].isalnum() and not target.endswith(norm.text[e - 1]):
            e -= 1
        while e - s > 1 and not norm.text[s].isalnum() and not target.startswith(norm.text[s]):
            s += 1
        return (*self._to_raw(view, *norm.to_source(s, e)), score)


def _refine(key: str, text: str, start: int, end: int, slack: int = 3) -> tuple[int, int, float]:
    """Nudge a partial-ratio window (always ``len(key)`` long) to the span that best fits ``key``."""
    best = (start, end, fuzz.ratio(key, text[start:end]))
    for s in range(max(0, start - slack), start + slack + 1):
        for e in range(max(s + 1, end - slack), min(len(text), end + slack) + 1):
            score = fuzz.ratio(key, text[s:e])
            if score > best[2] + 1e-9:
                best = (s, e, score)
    return best
