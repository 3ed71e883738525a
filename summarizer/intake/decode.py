"""Bytes to text: BOMs, UTF-8, the Chinese legacy encodings, and refusing binary input.

charset-normalizer alone misreads short Chinese inputs (four GBK characters come back as
Big5 or Johab), so for CJK candidates we add a cheap tiebreak: decode strictly with each
candidate and prefer the one whose Han characters are *common* characters (GB2312 level 1 or
Big5 frequently-used). Mis-decoded bytes land on rare characters, kana or Cyrillic.

UTF-8 with a few damaged bytes is still UTF-8: when the invalid sequences are a small share
of the input (``_mostly_utf8``) and no Chinese legacy encoding reads the bytes as common
characters, the text is decoded as UTF-8 with U+FFFD for each bad sequence and a warning
naming the first byte offsets. Otherwise a detector would pick some single-byte code page
(cp775, say) for an English text with two stray bytes, silently, and garble nothing visible
but every quote offset. charset-normalizer still decides for real legacy-encoded input.
"""

from __future__ import annotations

import codecs
import unicodedata

from .errors import IntakeError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or docx/xlsx)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"RIFF", "RIFF media file"),
]

_CJK_CANDIDATES = ("gb18030", "big5")


def check_size(data: bytes, name: str | None, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise IntakeError(name, f"input is {len(data)} bytes, over the {max_bytes}-byte limit")


def decode_bytes(data: bytes, name: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise ``IntakeError`` for oversize, binary or undecodable input."""
    text, enc, _ = decode_text(data, name, max_bytes=max_bytes)
    return text, enc


def decode_text(data: bytes, name: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str, list[str]]:
    """Return ``(text, encoding, warnings)``; warnings name repairs made while decoding."""
    check_size(data, name, max_bytes)
    if not data.strip():
        raise IntakeError(name, "empty input")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), name), enc, []
            except UnicodeDecodeError as exc:
                raise IntakeError(name, f"has a {enc} byte-order mark but does not decode ({exc.reason})") from exc
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise IntakeError(name, f"binary data ({kind}), not text")
    if b"\x00" in data:
        raise IntakeError(name, f"binary data (NUL byte at offset {data.index(0)}), not text")
    try:
        return _checked(data.decode("utf-8"), name), "utf-8", []
    except UnicodeDecodeError:
        pass
    spans = invalid_utf8(data)
    if _mostly_utf8(data, spans) or (_few_stray_bytes(data, spans) and not _reads_as_chinese_legacy(data)):
        return _checked(data.decode("utf-8", "replace"), name), "utf-8", [_repair_note(spans)]
    text, enc = _guess_legacy(data, name, spans)
    return _checked(text, name), enc, []


# ---------------------------------------------------------------- damaged UTF-8

_SPAN_LIMIT = 64  # counting stops here: past it the input is not "UTF-8 with a few bad bytes"
_WINDOW = 1 << 16
_HIGH_BYTES = bytes(range(0x80, 0x100))


def invalid_utf8(data: bytes, limit: int = _SPAN_LIMIT) -> list[tuple[int, int]]:
    """Byte ranges of the invalid UTF-8 sequences in ``data`` (the first ``limit`` + 1 at most).

    Decodes in windows so a large file with many errors costs O(n), not O(n * errors)."""
    spans: list[tuple[int, int]] = []
    pos, n = 0, len(data)
    while pos < n and len(spans) <= limit:
        end = min(pos + _WINDOW, n)
        window = data[pos:end]
        try:
            window.decode("utf-8")
            pos = end
            continue
        except UnicodeDecodeError as exc:
            if end < n and exc.end == len(window) and exc.start > 0 and exc.reason == "unexpected end of data":
                pos += exc.start  # a character cut by the window edge: decode it with the next window
                continue
            spans.append((pos + exc.start, pos + exc.end))
            pos += exc.end
    return spans


def _bad_bytes(spans: list[tuple[int, int]]) -> int:
    return sum(b - a for a, b in spans)


def _mostly_utf8(data: bytes, spans: list[tuple[int, int]]) -> bool:
    """Valid multi-byte UTF-8 throughout, with a few bad sequences (e.g. Chinese UTF-8, one bad byte).

    Legacy CJK encodings are almost never valid UTF-8, so there nearly every non-ASCII byte is
    in a bad span; here at most 2% of them are."""
    if len(spans) > _SPAN_LIMIT:
        return False
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    bad = _bad_bytes(spans)
    return non_ascii - bad >= 6 and bad <= 0.02 * non_ascii


def _few_stray_bytes(data: bytes, spans: list[tuple[int, int]]) -> bool:
    """Text in ASCII/UTF-8 with a few stray bytes (at most 16 sequences and 1% of the input)."""
    return len(spans) <= 16 and _bad_bytes(spans) <= 0.01 * len(data)


def _reads_as_chinese_legacy(data: bytes) -> bool:
    """GBK/Big5 text in mostly-ASCII input: a strict decode yields mostly common Han characters."""
    for enc in _CJK_CANDIDATES:
        try:
            score = _commonness(data.decode(enc))
        except UnicodeDecodeError:
            continue
        if score is not None and score >= 0.5:
            return True
    return False


def _offsets(spans: list[tuple[int, int]], shown: int = 5) -> str:
    listed = ", ".join(str(a) for a, _ in spans[:shown])
    return listed + (", ..." if len(spans) > shown else "")


def _repair_note(spans: list[tuple[int, int]]) -> str:
    return (
        f"decoded as UTF-8 with {len(spans)} invalid byte sequence(s) replaced by U+FFFD "
        f"(byte offset(s) {_offsets(spans)}); check the file's encoding if the text looks wrong"
    )


def decode_utf8_line(data: bytes, where: str) -> tuple[str, list[str]]:
    """One JSONL line (UTF-8 by definition): a few damaged bytes are replaced with a warning;
    otherwise ``IntakeError`` naming the first bad byte's offset in the line."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    spans = invalid_utf8(data)
    if _mostly_utf8(data, spans) or _few_stray_bytes(data, spans):
        return data.decode("utf-8", "replace"), [_repair_note(spans)]
    raise IntakeError(
        where, f"JSONL line is not UTF-8 (invalid byte at offset {spans[0][0]} of the line; JSONL files must be UTF-8)"
    )


def _guess_legacy(data: bytes, name: str | None, spans: list[tuple[int, int]] | None = None) -> tuple[str, str]:
    candidates: dict[str, str] = {}
    for enc in _CJK_CANDIDATES:
        try:
            candidates[enc] = data.decode(enc)
        except UnicodeDecodeError:
            continue
    best_cn = None
    try:
        from charset_normalizer import from_bytes

        best_cn = from_bytes(data).best()
    except Exception:  # detector trouble is not the user's problem; fall back to candidates
        best_cn = None
    if best_cn is not None:
        enc = _canonical(best_cn.encoding)
        candidates.setdefault(enc, str(best_cn))
    if not candidates:
        first = (spans or invalid_utf8(data, 1) or [(0, 0)])[0][0]
        raise IntakeError(
            name,
            f"cannot decode as text: not UTF-8 (first invalid byte at offset {first}), "
            "and not GB18030, Big5 or any detected encoding",
        )
    scored = {enc: _commonness(text) for enc, text in candidates.items()}
    han_any = any(s is not None for s in scored.values())
    if han_any:
        enc = max(scored, key=lambda e: (scored[e] if scored[e] is not None else -2.0, e in _CJK_CANDIDATES))
        return candidates[enc], enc
    if best_cn is not None:
        enc = _canonical(best_cn.encoding)
        return candidates[enc], enc
    enc = next(iter(candidates))
    return candidates[enc], enc


def _canonical(enc: str) -> str:
    enc = codecs.lookup(enc).name
    return {"gbk": "gb18030", "gb2312": "gb18030"}.get(enc, enc)


def _is_common_han(ch: str) -> bool:
    try:
        b = ch.encode("gb2312")
        if 0xB0 <= b[0] <= 0xD7:  # GB2312 level 1: the 3755 most frequent simplified characters
            return True
    except UnicodeEncodeError:
        pass
    try:
        b = ch.encode("big5")
        return 0xA440 <= int.from_bytes(b, "big") <= 0xC67E  # Big5 frequently-used characters
    except UnicodeEncodeError:
        return False


def _commonness(text: str) -> float | None:
    """Mean score over letters: common Han +1, rare Han 0, kana/Hangul/Cyrillic/Greek -1.

    ``None`` when the text has no Han characters (the tiebreak does not apply).
    """
    score = 0
    n = 0
    han = 0
    for ch in text[:20000]:
        if ch.isascii() or not ch.isalpha():
            continue
        n += 1
        if "\u4e00" <= ch <= "\u9fff":
            han += 1
            score += 1 if _is_common_han(ch) else 0
        else:
            cat = unicodedata.name(ch, "")
            if cat.startswith(("HIRAGANA", "KATAKANA", "HANGUL", "CYRILLIC", "GREEK")):
                score -= 1
    if not han:
        return None
    return score / n


def _checked(text: str, name: str | None) -> str:
    """Reject text that decoded but is really binary (many control characters)."""
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
    if "\x00" in sample or (sample and controls / len(sample) > 0.01):
        raise IntakeError(name, "binary data (control characters), not text")
    return text
