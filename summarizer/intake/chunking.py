"""Token counting (offline) and sentence-aware splitting of long articles.

``count_tokens`` uses tiktoken only when an encoding file (o200k_base, else cl100k_base) is
already in tiktoken's local cache (``TIKTOKEN_CACHE_DIR``, ``DATA_GYM_CACHE_DIR`` or
``$TMP/data-gym-cache``); the file is read and parsed here, so tiktoken can never start a
download. Without a cached file it falls back to an estimate that errs slightly high, as a
budget should: 1 token per Han/kana/Hangul character, 1 per 4 Latin letters of a word
(rounded up), 1 per 3 digits, 1 per other symbol, 1 per line break or run of 2+ spaces
(BPE tokenizers spend tokens on layout too); a single space between words is free.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import math
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

_BLOBS = {
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
}
_PAT = {
    "o200k_base": "|".join(
        [
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""\p{N}{1,3}""",
            r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
            r"""\s*[\r\n]+""",
            r"""\s+(?!\S)""",
            r"""\s+""",
        ]
    ),
    "cl100k_base": r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",
}


def _cache_dirs() -> list[str]:
    dirs = [os.environ.get("TIKTOKEN_CACHE_DIR"), os.environ.get("DATA_GYM_CACHE_DIR")]
    dirs.append(os.path.join(tempfile.gettempdir(), "data-gym-cache"))
    return [d for d in dirs if d]


def cached_encoding_path(name: str) -> str | None:
    """Where tiktoken would have cached ``name``'s BPE file, if it is there."""
    key = hashlib.sha1(_BLOBS[name].encode()).hexdigest()
    for d in _cache_dirs():
        p = os.path.join(d, key)
        if os.path.isfile(p):
            return p
    return None


@lru_cache(maxsize=1)
def _tiktoken_encoder() -> Callable[[str], int] | None:
    for name in ("o200k_base", "cl100k_base"):
        path = cached_encoding_path(name)
        if not path:
            continue
        try:
            import tiktoken

            ranks: dict[bytes, int] = {}
            with open(path, "rb") as fh:
                for line in fh:
                    if line.strip():
                        tok, rank = line.split()
                        ranks[base64.b64decode(tok)] = int(rank)
            enc: Any = tiktoken.Encoding(name=name, pat_str=_PAT[name], mergeable_ranks=ranks, special_tokens={})
            return lambda s: len(enc.encode_ordinary(s))
        except Exception:  # a corrupt cache file must not break intake: estimate instead
            continue
    return None


def tokenizer_name() -> str:
    """"tiktoken" when a cached encoding is used, else "estimate"."""
    return "tiktoken" if _tiktoken_encoder() is not None else "estimate"


_EST = re.compile(r"\s*\n\s*|\s{2,}|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|[A-Za-z\u00c0-\u024f]+|\d+|\S")


def estimate_tokens(text: str) -> int:
    n = 0
    for m in _EST.finditer(text):
        s = m.group(0)
        if s[0].isspace():
            n += 1
        elif s[0].isascii() and s[0].isalpha() or "\u00c0" <= s[0] <= "\u024f":
            n += math.ceil(len(s) / 4)
        elif s[0].isdigit():
            n += math.ceil(len(s) / 3)
        else:
            n += 1
    return n


def count_tokens(text: str) -> int:
    enc = _tiktoken_encoder()
    return enc(text) if enc is not None else estimate_tokens(text)


@dataclass(frozen=True)
class Chunk:
    start: int  # offsets into the cleaned text (Document.text)
    end: int
    text: str
    tokens: int = 0


# A sentence ends after CJK/ASCII terminal punctuation (plus closing quotes), after ". " in
# Latin text, or at a newline.
_SENT_END = re.compile(r"[。！？；!?;…]+[”’」』\"')）]*\s*|\.[”’\"')]*(?:\s+|$)|\n+")
_CLAUSE_END = re.compile(r"[，,、：:]\s*|\s+")


def _spans(text: str, start: int, end: int, pat: re.Pattern[str]) -> list[tuple[int, int]]:
    out = []
    pos = start
    for m in pat.finditer(text, start, end):
        if m.end() > pos:
            out.append((pos, m.end()))
            pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """Contiguous sentence spans covering all of ``text``."""
    return _spans(text, 0, len(text), _SENT_END)


def _units(text: str, budget: int) -> list[tuple[int, int]]:
    """Sentences, with over-budget sentences cut at clauses, then at characters."""
    out: list[tuple[int, int]] = []
    for a, b in sentences(text):
        if count_tokens(text[a:b]) <= budget:
            out.append((a, b))
            continue
        for c, d in _spans(text, a, b, _CLAUSE_END):
            if count_tokens(text[c:d]) <= budget:
                out.append((c, d))
                continue
            pos = c
            while pos < d:  # hard cut: grow while it fits (at least one character)
                hi = pos + 1
                step = max(1, budget // 2)
                while hi < d and count_tokens(text[pos : min(d, hi + step)]) <= budget:
                    hi = min(d, hi + step)
                while hi < d and count_tokens(text[pos : hi + 1]) <= budget:
                    hi += 1
                out.append((pos, hi))
                pos = hi
    return out


def split(text: str, budget_tokens: int, overlap_tokens: int = 64) -> list[Chunk]:
    """Split ``text`` into chunks of at most ``budget_tokens`` tokens, ending at sentence ends.

    Each chunk after the first starts up to ``overlap_tokens`` (capped at a quarter of the
    budget) before the previous one ended, at a sentence or clause boundary (or a character
    boundary outside Latin words when the last clause alone is longer), so an item
    straddling a cut is seen whole once. Chunks cover the text with no gaps; a text within
    budget is one chunk. Over-long sentences are cut at clauses, then at characters.
    """
    if budget_tokens < 1:
        raise ValueError("budget_tokens must be at least 1")
    total = count_tokens(text)
    if total <= budget_tokens:
        return [Chunk(0, len(text), text, total)]
    overlap = max(0, min(overlap_tokens, budget_tokens // 4))
    units = _units(text, budget_tokens)
    ends = [b for _, b in units]
    cost = [count_tokens(text[a:b]) for a, b in units]
    # where a chunk may *start*: unit starts and clause starts (finer, for the overlap)
    starts = sorted({a for a, _ in units} | {a for a, _ in _spans(text, 0, len(text), _CLAUSE_END)})
    chunks: list[Chunk] = []
    pos = 0
    while pos < len(text):
        i = bisect.bisect_right(ends, pos)  # first unit ending after pos
        j = i
        used = count_tokens(text[pos : ends[i]])
        while j + 1 < len(units) and used + cost[j + 1] <= budget_tokens:
            j += 1
            used += cost[j]
        # unit counts can differ from the joined count (BPE merges): shrink if needed
        while j > i and count_tokens(text[pos : ends[j]]) > budget_tokens:
            j -= 1
        end = ends[j]
        chunks.append(Chunk(pos, end, text[pos:end], count_tokens(text[pos:end])))
        if end >= len(text):
            break
        nxt = end
        if overlap:  # walk back from the end: the suffix only grows, stop once it is too big
            k = bisect.bisect_left(starts, end) - 1
            while k >= 0 and starts[k] > pos and count_tokens(text[starts[k] : end]) <= overlap:
                nxt = starts[k]
                k -= 1
            if nxt == end:  # the last clause alone is over the overlap: back off by characters
                p = end
                while p - 1 > pos and count_tokens(text[p - 1 : end]) <= overlap:
                    p -= 1
                while pos < p < end and text[p - 1].isalnum() and text[p].isascii() and text[p].isalnum():
                    p += 1  # never start inside a Latin word or number
                nxt = p
        pos = nxt
    return chunks
