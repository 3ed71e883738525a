"""Bytes to text: BOMs, UTF-8, the Chinese legacy encodings, and refusing binary input.

charset-normalizer alone misreads short Chinese inputs (four GBK characters come back as
Big5 or Johab), so for CJK candidates we add a cheap tiebreak: decode strictly with each
candidate and prefer the one whose Han characters are *common* characters (GB2312 level 1 or
Big5 frequently-used). Mis-decoded bytes land on rare characters, kana or Cyrillic.
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
    check_size(data, name, max_bytes)
    if not data.strip():
        raise IntakeError(name, "empty input")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), name), enc
            except UnicodeDecodeError as exc:
                raise IntakeError(name, f"has a {enc} byte-order mark but does not decode ({exc.reason})") from exc
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise IntakeError(name, f"binary data ({kind}), not text")
    if b"\x00" in data:
        raise IntakeError(name, f"binary data (NUL byte at offset {data.index(0)}), not text")
    try:
        return _checked(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError:
        pass
    text, enc = _guess_legacy(data, name)
    return _checked(text, name), enc


def _guess_legacy(data: bytes, name: str | None) -> tuple[str, str]:
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
        raise IntakeError(name, "cannot decode as text (not UTF-8, GB18030, Big5 or any detected encoding)")
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
