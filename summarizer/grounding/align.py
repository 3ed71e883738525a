"""Align evidence quotes to character offsets in the raw input.

Strategies, first hit wins:

1. ``exact``: the quote occurs verbatim in ``document.raw`` (score 1.0).
2. ``normalized``: the quote occurs once both sides are normalized (NFKC, full/half-width,
   quote styles, Traditional -> Simplified, whitespace, pinyin annotations), searched in the
   raw text and then in the cleaned text (mapped back with ``document.raw_span``). Score 1.0:
   the normalized forms are identical.
3. *elided*: a quote with an ellipsis in it (``...``, ``…``, ``……``, ``. . .``, ``[...]``) that
   the article does not contain as written is aligned part by part (see ``_find_elided``):
   the parts must occur in order, each within ``ELISION_MAX_GAP`` normalized characters of
   the previous one (inside one paragraph when possible). Evidence runs from the first part's
   start to the last part's end; ``match`` is ``normalized`` (``fuzzy`` when a part needed
   fuzzy matching) and ``score = covered * weakest``: ``covered`` is the share of the span's
   normalized characters that the parts account for (how much of the span the quote really
   states), ``weakest`` the lowest part score (1.0 for exact/normalized parts). Short parts
   (under ``FUZZY_MIN_CHARS`` Han characters, ``ELISION_MIN_LATIN`` other characters) are
   only accepted exactly (normalized) and next to a longer part; a quote without one long
   part is not aligned this way at all, and no elided quote is ever aligned as a whole by
   fuzzy matching.
4. ``fuzzy``: best approximate match, character level for Chinese (LLMs drop or swap a
   character; Han runs have no word boundaries, as in langextract issues #13, #201, #334), word level for
   English (so a span never starts mid-word). Accepted at ``FUZZY_THRESHOLD``.

Otherwise ``none`` with no offsets. Repeated quotes take occurrences in order: each
(item kind, quote) pair remembers where its last occurrence ended.

Cost. Every search is local or goes through an index, so grounding a document stays linear in
its size however many quotes it has (``benchmarks/grounding_scale.py``). Each view is
normalized once, lazily, and indexed the first time a search needs it:

* exact/normalized search: Han keys through an index of every character bigram (the rarest
  bigram of the key lists all candidate starts); other keys through 4-character *blocks* cut
  at every 4th position (an occurrence of a key of 7+ characters holds a whole block at one
  of 4 consecutive offsets, so the rarest block of each offset class lists the candidates).
  Candidates are verified with ``startswith``. Keys too short for that use ``str.find``.
* fuzzy search *votes*: each bigram (Chinese) or word (English) of the quote found in the text
  votes for the quote start it implies; the few best-voted places are then scored with the
  same rapidfuzz scorers an exhaustive scan would use, around the place only. A near-copy
  shares most of its bigrams/words with the source, so its place collects the most votes.
  A second, wider vote runs when the first places score below the threshold.
* the cleaned view differs from the raw one only where intake cut something out; a
  normalized occurrence missing from the raw view must run over such a seam, so only the
  seams are searched (an HTML page has a seam at every tag: past ``_SEAM_LIMIT`` seams the
  cleaned view gets its own index).

An exhaustive scan (rapidfuzz ``partial_ratio`` over the whole text, or every word window)
costs time proportional to the document for every quote: quadratic for a whole document.
"""

from __future__ import annotations

import bisect
import gc
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from itertools import accumulate
from operator import add, itemgetter
from dataclasses import dataclass, field

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
# Elided quotes: the most normalized characters allowed between two consecutive parts (a few
# sentences; whitespace does not count).
ELISION_MAX_GAP = 300
# An elided quote needs one part this long (normalized, no spaces) when it is not Chinese:
# a single English word ("corridor") is found near almost anything.
ELISION_MIN_LATIN = 12

# Index and vote parameters (see the module docstring).
_Q_HAN = 2  # Han keys: every character bigram is indexed
_Q_LATIN = 4  # other keys: 4-character blocks at every 4th position (exact search only)
_VOTE_BUDGET = 800  # postings read per fuzzy vote, rarest units first ...
_MIN_LISTS = 3  # ... but always at least this many units
_WIDE = 8  # the second, wider vote reads this many times as much
_SCREEN_THRESHOLD = FUZZY_THRESHOLD - 25  # partial_ratio screen before the span is refined
_CHAR_BIN = 8  # character diagonals are pooled in bins of this width (indels shift them)
_WORD_BIN = 2  # word diagonals likewise
_CANDIDATES = 4  # best-voted places scored per fuzzy search
# Up to this many normalized characters, a quote the votes did not place is searched everywhere
# (a partial_ratio pass or every word window: milliseconds here), so the linear index never
# loses a match on the documents most articles are; longer ones rely on the votes alone.
EXHAUSTIVE_MAX_CHARS = 20_000
_WORD_SLACK = 3  # word windows start this many words either side of a voted place
_SEAM_LIMIT = 64  # cleaned-text seams checked one by one; more and the cleaned view is indexed
# Up to this many characters a plain str.find (C speed) beats building an index for a few quotes.
_DIRECT_MAX = 20_000

_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\s*){3}\]|\[\s*…+\s*\]|[…⋯]+|\.(?:\s?\.){2,}|。{3,})\s*")


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while an index is built: hundreds of thousands of new
    lists would trigger full collections that walk the whole (growing) heap, which makes the
    build superlinear in the document size. The lists hold only ints and strings: no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class _Words:
    """Space-collapsed form of a view, its words and where each word starts and ends."""

    norm: Normalized
    tokens: list[str]
    starts: list[int]
    ends: list[int]
    _postings: dict[str, list[int]] | None = None

    @property
    def postings(self) -> dict[str, list[int]]:
        """Word -> indices of its occurrences."""
        if self._postings is None:
            with _no_gc():
                index: defaultdict[str, list[int]] = defaultdict(list)
                for i, w in enumerate(self.tokens):
                    index[w].append(i)
                self._postings = dict(index)
        return self._postings


@dataclass
class _View:
    """One searchable text (raw or cleaned) in normalized forms and indexes, built lazily."""

    source: str
    _key: Normalized | None = None
    _words: _Words | None = None
    _grams: dict[tuple[int, int], dict[str, list[int]]] = field(default_factory=dict)

    @property
    def key(self) -> Normalized:
        if self._key is None:
            self._key = normalize(self.source)
        return self._key

    @property
    def words(self) -> _Words:
        if self._words is None:
            norm = normalize(self.source, spaces="collapse")
            # one space between words, none at the ends (collapse mode): starts follow from lengths
            tokens = norm.text.split(" ") if norm.text else []
            lens = list(map(len, tokens))
            starts = list(accumulate((n + 1 for n in lens[:-1]), initial=0)) if lens else []
            self._words = _Words(norm, tokens, starts, list(map(add, starts, lens)))
        return self._words

    def grams(self, q: int, step: int) -> dict[str, list[int]]:
        """Positions ``i`` (multiples of ``step``) in ``key.text`` of each ``text[i:i+q]``."""
        index = self._grams.get((q, step))
        if index is None:
            text = self.key.text
            with _no_gc():
                hits: defaultdict[str, list[int]] = defaultdict(list)
                for i, g in enumerate([text[i : i + q] for i in range(0, len(text) - q + 1, step)]):
                    hits[g].append(i)
                index = {g: [i * step for i in pos] for g, pos in hits.items()} if step > 1 else dict(hits)
            self._grams[(q, step)] = index
        return index

    # ------------------------------------------------------------------ exact (normalized) search

    def occurrences(self, key: str, lo: int) -> Iterator[int]:
        """Positions of ``key`` in ``key.text`` at or after ``lo``, in order."""
        text = self.key.text
        han = _is_han_key(key)
        q = _Q_HAN if han else _Q_LATIN
        if len(key) < (q if han else 2 * q - 1) or len(text) <= _DIRECT_MAX:  # short: str.find
            pos = text.find(key, lo)
            while pos >= 0:
                yield pos
                pos = text.find(key, pos + 1)
            return
        starts: set[int] = set()
        if han:  # every bigram is indexed: the rarest one lists every occurrence
            grams = self.grams(q, 1)
            j, hit = min(((j, grams.get(key[j : j + q], [])) for j in range(len(key) - q + 1)), key=lambda x: len(x[1]))
            starts.update(p - j for p in hit if p - j >= lo)
        else:
            # Blocks: an occurrence at P holds whole blocks at offsets j with (P + j) % q == 0,
            # one residue class of offsets per class of P; per class, its rarest block lists them.
            grams = self.grams(q, q)
            for r in range(q):
                best: list[int] | None = None
                shift = r
                for j in range(r, len(key) - q + 1, q):
                    hit = grams.get(key[j : j + q], [])
                    if best is None or len(hit) < len(best):
                        best, shift = hit, j
                    if not hit:
                        break  # no occurrence of this class
                starts.update(p - shift for p in best or () if p - shift >= lo)
        for pos in sorted(starts):
            if text.startswith(key, pos):
                yield pos

    # ------------------------------------------------------------------ fuzzy search

    def char_places(self, key: str, lo: int, *, wide: bool) -> list[int]:
        """Likely start positions in ``key.text`` (at or after ``lo``) of an approximate Han ``key``."""
        grams = self.grams(_Q_HAN, 1)
        lists = [(j, hit) for j in range(len(key) - 1) if (hit := grams.get(key[j : j + 2]))]
        return _vote(lists, lo, _CHAR_BIN, wide=wide)

    def word_places(self, words: list[str], first: int, *, wide: bool) -> list[int]:
        """Likely first-word indices (at or after ``first``) of an approximate word sequence."""
        postings = self.words.postings
        lists = [(j, hit) for j, w in enumerate(words) if (hit := postings.get(w))]
        return _vote(lists, first, _WORD_BIN, wide=wide)

    def fuzzy_chars(self, key: str, lo: int, hi: int) -> tuple[int, int, float] | None:
        """Best character-level match of ``key`` inside ``key.text[lo:hi]``: (start, end, score)."""
        text = self.key.text
        lo, hi = max(0, lo), min(len(text), hi)
        if hi - lo < len(key):
            return None
        # partial_ratio compares windows exactly len(key) long, so an inserted character costs
        # it twice; _refine then fits the span. Screen loosely, decide on the refined score.
        res = fuzz.partial_ratio_alignment(key, text[lo:hi], score_cutoff=_SCREEN_THRESHOLD)
        if res is None:
            return None
        s, e, score = _refine(key, text, lo + res.dest_start, lo + res.dest_end, lo, hi)
        return (s, e, score) if score >= FUZZY_THRESHOLD else None

    def fuzzy_word_windows(self, target: str, first: int, last: int, end_cap: int) -> tuple[int, int, float] | None:
        """Best window of words starting at an index in ``[first, last)`` and ending by ``end_cap``.

        Returns a *source* span and the score; ties go to the earliest window.
        """
        w = self.words
        norm, starts, ends = w.norm, w.starts, w.ends
        n = target.count(" ") + 1
        first, end_cap = max(0, first), min(end_cap, len(starts))
        choices: dict[tuple[int, int], str] = {}
        for i in range(first, min(last, end_cap)):  # by position first, so ties go to the earliest
            for width in range(max(1, n - 2), n + 3):
                if i + width > end_cap:
                    break
                choices[(i, i + width)] = norm.text[starts[i] : ends[i + width - 1]]
        if not choices:
            return None
        res = process.extractOne(target, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        if res is None:
            return None
        _, score, (i, j) = res
        s, e = starts[i], ends[j - 1]
        # words carry their punctuation ("6%," "speech."); keep only what the quote has
        while e - s > 1 and not norm.text[e - 1].isalnum() and not target.endswith(norm.text[e - 1]):
            e -= 1
        while e - s > 1 and not norm.text[s].isalnum() and not target.startswith(norm.text[s]):
            s += 1
        return (*norm.to_source(s, e), score)

    def first_word(self, src_pos: int) -> int:
        """Index of the first word that starts at or after source offset ``src_pos``."""
        w = self.words
        return bisect.bisect_left(w.starts, w.norm.from_source(src_pos))

    def paragraph_end(self, src_pos: int) -> int:
        """Source offset of the next line break at or after ``src_pos`` (or the end)."""
        nl = self.source.find("\n", src_pos)
        return len(self.source) if nl < 0 else nl

    def paragraph_start(self, src_pos: int) -> int:
        return self.source.rfind("\n", 0, src_pos) + 1


def _vote(lists: list[tuple[int, list[int]]], floor: int, width: int, *, wide: bool) -> list[int]:
    """Best-voted start positions, best first.

    ``lists``: for each unit of the quote (a bigram, a word) at offset ``j`` in the quote, the
    positions where the source has it. Units are read rarest first (at least ``_MIN_LISTS``,
    then more while the postings read stay within ``_VOTE_BUDGET``); every posting ``p``
    votes for the start ``p - j``, pooled in bins of ``width``; a bin's votes include its
    neighbours' (an inserted or dropped unit shifts later votes by one). ``wide``: read
    ``_WIDE`` times as much (the second try: a quote's rarest units include the ones with the
    changed character, which vote for nothing useful).
    """
    lists.sort(key=lambda x: len(x[1]))
    budget = _VOTE_BUDGET * (_WIDE if wide else 1)
    least = _MIN_LISTS * (2 if wide else 1)
    votes: Counter[int] = Counter()
    spent = 0
    for taken, (j, hit) in enumerate(lists):
        if taken >= least and spent + len(hit) > budget:
            break
        spent += len(hit)
        low = floor + j - width
        votes.update([(p - j) // width for p in hit if p >= low])
    if not votes:
        return []
    get = votes.get
    # the wide pass also scores more places: a quote whose only indexed units are common words
    # ties on votes at many places, and the right one may not be among the first few
    wanted = _CANDIDATES * (_WIDE if wide else 1)
    top = [b for b, _ in heapq.nlargest(wanted * 4, votes.items(), key=itemgetter(1))]
    top.sort(key=lambda b: (-(votes[b] + get(b - 1, 0) + get(b + 1, 0)), b))
    picked: list[int] = []
    for b in top:
        if all(abs(b - c) > 1 for c in picked):
            picked.append(b)
            if len(picked) == wanted:
                break
    return [max(floor, b * width) for b in picked]


@lru_cache(maxsize=4096)
def _is_han_key(key: str) -> bool:
    return cjk_ratio(key) >= CJK_QUOTE_RATIO


@dataclass
class _Part:
    """One piece of an elided quote."""

    quote: str
    key: str
    target: str  # space-collapsed form, for word-level fuzzy
    zh: bool

    @property
    def meaningful(self) -> bool:
        """Long enough to locate on its own: six Han characters are a phrase, six letters a word."""
        return len(self.key) >= (FUZZY_MIN_CHARS if self.zh else ELISION_MIN_LATIN)


class Aligner:
    """Aligns quotes against one document; keeps the per-quote occurrence cursors."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.raw = _View(document.raw)
        self.text = _View(document.text) if document.text != document.raw else None
        self._cursor: dict[tuple[str, str], int] = {}
        self._raw_ends: list[int] | None = None
        self._seam_list: list[int] | bool | None = None  # False: too many seams to list

    # ------------------------------------------------------------------ public

    def align(self, quote: str, *, group: str = "") -> Evidence:
        """Evidence for ``quote``; ``group`` separates cursors (a goal and a target may share a quote)."""
        key = match_key(quote)
        if not key:
            return Evidence(quote=quote)
        ck = (group, key)
        cursor = self._cursor.get(ck, 0)
        # next occurrence in order; when the items outnumber the occurrences, reuse from the top;
        # only then settle for an elided or approximate match
        found = self._find_same(quote, key, cursor)
        if found is None and cursor:
            found = self._find_same(quote, key, 0)
        if found is None and _ELLIPSIS.search(quote):
            found = self._find_elided(quote, cursor)
            if found is None and cursor:
                found = self._find_elided(quote, 0)
        elif found is None and len(key) >= FUZZY_MIN_CHARS:
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
        # Normalization is character-local except pinyin removal, which looks at the character
        # before "(": only then can a verbatim occurrence be missing from the normalized text.
        # A verbatim search first when the document is small (most quotes are exact, and this
        # needs no normalized view) or when the quote holds "(" (see above).
        if len(raw) <= _DIRECT_MAX or "(" in quote or "（" in quote:
            pos = raw.find(quote, cursor)
            if pos >= 0:
                return pos, pos + len(quote), "exact", 1.0
        lead = len(quote) - len(quote.lstrip())
        trail = len(quote) - len(quote.rstrip())
        for view in self._views():
            first: tuple[int, int] | None = None
            lo = view.key.from_source(self._src_cursor(view, cursor))
            for pos in view.occurrences(key, lo) if view is self.raw else self._across_seams(key, lo):
                s, e0 = self._source_to_raw(view, *view.key.to_source(pos, pos + len(key)))
                if s >= lead and raw[s - lead : e0 + trail] == quote:
                    return s - lead, e0 + trail, "exact", 1.0
                if first is None:
                    first = (s, pinyin_tail(raw, e0))
                if view is not self.raw:
                    break  # exact hits are raw-view hits: nothing more to look for here
            if first is not None:
                start, end = first
                return start, end, "exact" if raw[start:end] == quote else "normalized", 1.0
        return None

    def _across_seams(self, key: str, lo: int) -> Iterator[int]:
        """Occurrences of ``key`` in the cleaned view (its ``key.text``, at or after ``lo``) that
        the raw view cannot have: those running over a place where intake cut something out.

        Everything else in the cleaned text is a verbatim copy of raw text, already searched.
        With many such places (HTML, where every tag is one) the view's index is used instead.
        """
        assert self.text is not None
        seams = self._seams()
        if seams is None:
            yield from self.text.occurrences(key, lo)
            return
        text = self.text.key.text
        m = len(key)
        found = set()
        for k in seams:
            pos = text.find(key, max(lo, k - m + 1), k + m - 1)
            if 0 <= pos < k:
                found.add(pos)
        yield from sorted(found)

    def _seams(self) -> list[int] | None:
        """Positions in the cleaned view's ``key.text`` where the raw text has normalized text
        that the cleaned text lacks, or the other way round; ``None`` when there are more than
        ``_SEAM_LIMIT``."""
        if self._seam_list is None:
            assert self.text is not None
            segs = self.document.offsets.segments
            raw_key, text_key = self.raw.key, self.text.key
            out: list[int] = []
            for (d1, r1, n1), (d2, r2, _) in zip(segs, segs[1:]):
                if d1 + n1 != d2 or raw_key.from_source(r1 + n1) != raw_key.from_source(r2):
                    out.append(text_key.from_source(d2))
                    if len(out) > _SEAM_LIMIT:
                        self._seam_list = False
                        return None
            if segs and (segs[0][0] > 0 or segs[-1][0] + segs[-1][2] < len(self.text.source)):
                out += [text_key.from_source(segs[0][0]), text_key.from_source(segs[-1][0] + segs[-1][2])]
            self._seam_list = out
        return None if self._seam_list is False else self._seam_list  # type: ignore[return-value]

    def _find_fuzzy(self, quote: str, key: str, cursor: int) -> tuple[int, int, str, float] | None:
        zh = cjk_ratio(quote) >= CJK_QUOTE_RATIO
        target = normalize(quote, spaces="collapse").text
        for view in self._views():
            lo = self._src_cursor(view, cursor)
            hit = self._fuzzy_global(view, key, target, zh, lo)
            if hit is not None:
                s, e, score = hit
                s, e = self._source_to_raw(view, s, e)
                return s, pinyin_tail(self.document.raw, e), "fuzzy", score / 100.0
        return None

    def _fuzzy_global(self, view: _View, key: str, target: str, zh: bool, src_lo: int) -> tuple[int, int, float] | None:
        """Best fuzzy hit at or after source offset ``src_lo``, scored only around voted places.

        Returns a source span of ``view`` and the score (0-100)."""
        for wide in (False, True):
            hit = self._chars_around(view, key, src_lo, wide) if zh else self._words_around(view, target, src_lo, wide)
            if hit is not None:
                return hit
        if len(view.key.text) <= EXHAUSTIVE_MAX_CHARS:
            return self._exhaustive(view, key, target, zh, src_lo)
        return None

    def _exhaustive(self, view: _View, key: str, target: str, zh: bool, src_lo: int) -> tuple[int, int, float] | None:
        """Every place at or after ``src_lo``: the votes are a heuristic, and where scoring every
        place is cheap (a short document) nothing the votes missed is lost."""
        if zh:
            norm = view.key
            hit = view.fuzzy_chars(key, norm.from_source(src_lo), len(norm.text))
            return None if hit is None else (*norm.to_source(hit[0], hit[1]), hit[2])
        n = len(view.words.starts)
        return view.fuzzy_word_windows(target, view.first_word(src_lo), n, n)

    def _chars_around(self, view: _View, key: str, src_lo: int, wide: bool) -> tuple[int, int, float] | None:
        norm = view.key
        lo = norm.from_source(src_lo)
        pad = len(key) // 4 + _CHAR_BIN + 2
        best: tuple[int, int, float] | None = None
        for d in view.char_places(key, lo, wide=wide):
            hit = view.fuzzy_chars(key, max(lo, d - pad), d + _CHAR_BIN + len(key) + pad)
            if hit is not None and (best is None or (hit[2], -hit[0]) > (best[2], -best[0])):
                best = hit
        return None if best is None else (*norm.to_source(best[0], best[1]), best[2])

    def _words_around(self, view: _View, target: str, src_lo: int, wide: bool) -> tuple[int, int, float] | None:
        first = view.first_word(src_lo)
        words = target.split(" ")
        best: tuple[int, int, float] | None = None
        for d in view.word_places(words, first, wide=wide):
            lo = max(first, d - _WORD_SLACK)
            hit = view.fuzzy_word_windows(target, lo, d + _WORD_BIN + _WORD_SLACK, len(view.words.starts))
            if hit is not None and (best is None or (hit[2], -hit[0]) > (best[2], -best[0])):
                best = hit
        return best

    # ------------------------------------------------------------------ elided quotes

    def _find_elided(self, quote: str, cursor: int) -> tuple[int, int, str, float] | None:
        parts = []
        for piece in _ELLIPSIS.split(quote):
            key = match_key(piece)
            if key:
                target = normalize(piece, spaces="collapse").text
                parts.append(_Part(piece, key, target, cjk_ratio(piece) >= CJK_QUOTE_RATIO))
        if not parts or not any(p.meaningful for p in parts):
            return None  # "要……发展": nothing long enough to stand on
        for view in self._views():
            hit = self._elided_in(view, parts, self._src_cursor(view, cursor))
            if hit is not None:
                return hit
        return None

    def _elided_in(self, view: _View, parts: list[_Part], src_lo: int) -> tuple[int, int, str, float] | None:
        norm = view.key
        lo = norm.from_source(src_lo)
        a = max(range(len(parts)), key=lambda i: len(parts[i].key))  # anchor: the longest part
        anchor = parts[a]
        hits: list[tuple[int, int, float]] = []
        for n, pos in enumerate(view.occurrences(anchor.key, lo)):
            if n == 32:  # a part that common is no anchor; the fuzzy hit below is no better
                break
            hits.append((pos, pos + len(anchor.key), 100.0))
        if not hits:
            found = self._fuzzy_global(view, anchor.key, anchor.target, anchor.zh, src_lo)
            if found is not None:
                hits.append((norm.from_source(found[0]), norm.from_source(found[1]), found[2]))
        for ks, ke, score in hits:
            spans: dict[int, tuple[int, int, float]] = {a: (ks, ke, score)}
            edge = ke
            for i in range(a + 1, len(parts)):
                got = self._near(view, parts[i], edge, forward=True)
                if got is None:
                    break
                spans[i] = got
                edge = got[1]
            edge = ks
            for i in range(a - 1, -1, -1):
                got = self._near(view, parts[i], edge, forward=False)
                if got is None:
                    break
                spans[i] = got
                edge = got[0]
            if len(spans) < len(parts):
                continue
            start, end = spans[0][0], spans[len(parts) - 1][1]
            covered = sum(e - s for s, e, _ in spans.values()) / max(1, end - start)
            weakest = min(sc for _, _, sc in spans.values())
            match = "normalized" if weakest >= 100.0 else "fuzzy"
            s, e = self._source_to_raw(view, *norm.to_source(start, end))
            return s, pinyin_tail(self.document.raw, e), match, min(1.0, covered) * weakest / 100.0
        return None

    def _near(self, view: _View, part: _Part, edge: int, *, forward: bool) -> tuple[int, int, float] | None:
        """``part`` next to ``edge`` (``key.text`` coordinates): after it when ``forward``, else
        before it, within ``ELISION_MAX_GAP``. The nearest exact (normalized) occurrence, in the
        same paragraph first; only then a fuzzy one, again in the same paragraph first."""
        norm = view.key
        text = norm.text
        if forward:
            far = min(len(text), edge + ELISION_MAX_GAP + len(part.key))
            src_edge = norm.index[edge] if edge < len(text) else len(view.source)
            para = norm.from_source(view.paragraph_end(src_edge))
            windows = [(edge, min(far, para)), (edge, far)] if para < far else [(edge, far)]
        else:
            near = max(0, edge - ELISION_MAX_GAP - len(part.key))
            src_edge = norm.index[edge - 1] if edge > 0 else 0
            para = norm.from_source(view.paragraph_start(src_edge))
            windows = [(max(near, para), edge), (near, edge)] if para > near else [(near, edge)]
        for lo, hi in windows:
            pos = text.find(part.key, lo, hi) if forward else text.rfind(part.key, lo, hi)
            if pos >= 0:
                return pos, pos + len(part.key), 100.0
        if not part.meaningful:
            return None
        for lo, hi in windows:
            if part.zh:
                hit = view.fuzzy_chars(part.key, lo, hi)
            else:  # word windows inside the region
                s_lo = norm.index[lo] if lo < len(text) else len(view.source)
                s_hi = norm.index[hi - 1] + 1 if hi > 0 else 0
                last = view.first_word(s_hi)
                hit = view.fuzzy_word_windows(part.target, view.first_word(s_lo), last, last)
                hit = hit and (norm.from_source(hit[0]), norm.from_source(hit[1]), hit[2])
            if hit is not None:
                return hit
        return None

    # ------------------------------------------------------------------ coordinates

    def _views(self) -> list[_View]:
        return [self.raw] if self.text is None else [self.raw, self.text]

    def _source_to_raw(self, view: _View, start: int, end: int) -> tuple[int, int]:
        """Raw span for a source span of ``view`` (no pinyin tail)."""
        if view is not self.raw:
            return self.document.raw_span(start, end)
        return start, end

    def _src_cursor(self, view: _View, cursor: int) -> int:
        """First source offset of ``view`` at or after the raw offset ``cursor``."""
        if not cursor or view is self.raw:
            return cursor
        segs = self.document.offsets.segments
        if self._raw_ends is None:
            self._raw_ends = [r + n for _, r, n in segs]
        i = bisect.bisect_right(self._raw_ends, cursor)  # segments are in raw order
        if i >= len(segs):
            return len(view.source)
        d, r, _ = segs[i]
        return d + max(0, cursor - r)


def _refine(key: str, text: str, start: int, end: int, lo: int = 0, hi: int | None = None, slack: int = 3) -> tuple[int, int, float]:
    """Nudge a partial-ratio window (always ``len(key)`` long) to the span that best fits ``key``."""
    hi = len(text) if hi is None else hi
    best = (start, end, fuzz.ratio(key, text[start:end]))
    for s in range(max(lo, start - slack), start + slack + 1):
        for e in range(max(s + 1, end - slack), min(hi, end + slack) + 1):
            score = fuzz.ratio(key, text[s:e])
            if score > best[2] + 1e-9:
                best = (s, e, score)
    return best
