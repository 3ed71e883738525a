"""Damaged input: UTF-8 with a few bad bytes stays UTF-8 (with a warning naming the offsets),
legacy Chinese encodings are still detected, and what cannot be decoded says where it broke."""

from __future__ import annotations

import json

import pytest

from summarizer.intake import IntakeError, from_bytes, iter_sources
from summarizer.intake.decode import decode_text, invalid_utf8

ENGLISH = "The council met on Monday and approved the plan for the new district. " * 8
CHINESE = "东莞市委书记表示，要坚持制造业立市不动摇，加快建设现代化产业体系。" * 6


def test_english_with_stray_bytes_is_utf8_not_a_code_page() -> None:
    data = ENGLISH.encode()
    data = data[:100] + b"\x92" + data[100:300] + b"\xff" + data[300:]
    text, enc, warnings = decode_text(data, "en.txt")
    assert enc == "utf-8"
    assert text == ENGLISH[:100] + "\ufffd" + ENGLISH[100:300] + "\ufffd" + ENGLISH[300:]
    assert len(warnings) == 1 and "byte offset(s) 100, 301" in warnings[0]


def test_chinese_utf8_with_one_bad_byte_is_kept_with_its_offset() -> None:
    data = CHINESE.encode()
    data = data[:90] + b"\xc0" + data[90:]  # between two characters: only the inserted byte is bad
    text, enc, warnings = decode_text(data, "zh.txt")
    assert enc == "utf-8" and text == CHINESE[:30] + "\ufffd" + CHINESE[30:]
    assert "byte offset(s) 90" in warnings[0]


def test_the_warning_reaches_the_document() -> None:
    doc = from_bytes(ENGLISH.encode()[:50] + b"\xfe" + ENGLISH.encode()[50:], name="en.txt")
    assert any("decoded as UTF-8" in w and "50" in w for w in doc.warnings)


@pytest.mark.parametrize("codec", ["gbk", "big5"])
def test_legacy_chinese_inside_english_is_still_detected(codec: str) -> None:
    words = "北京市政府" if codec == "gbk" else "臺北市政府"
    data = b"The mayor said " + words.encode(codec) + b" will build ten parks this year, and more in the decade to come."
    text, enc, warnings = decode_text(data, "mix.txt")
    assert words in text and enc in ("gb18030", "big5") and warnings == []


def test_undecodable_input_names_the_first_bad_offset() -> None:
    data = b"abc" + bytes(range(0x80, 0x100)) * 2
    with pytest.raises(IntakeError) as exc:
        decode_text(data, "junk.txt")
    assert "junk.txt" in str(exc.value) and "offset 3" in str(exc.value)


def test_invalid_spans_are_found_across_window_edges() -> None:
    # a 3-byte character straddling the 64 KiB window edge is valid, a real error after it is found
    data = b"a" * (65536 - 1) + "东".encode() + b"b" * 10 + b"\xff" + b"c"
    assert invalid_utf8(data) == [(65536 - 1 + 3 + 10, 65536 - 1 + 3 + 11)]


def test_jsonl_line_with_a_bad_byte_is_kept_and_a_gbk_line_is_refused(tmp_path) -> None:  # noqa: ANN001
    good = json.dumps({"id": "a", "text": ENGLISH}).encode()
    damaged = good[:60] + b"\xff" + good[60:]
    gbk = json.dumps({"id": "b", "text": CHINESE}, ensure_ascii=False).encode("gbk")
    path = tmp_path / "in.jsonl"
    path.write_bytes(damaged + b"\n" + gbk + b"\n")
    first, second = list(iter_sources([str(path)]))
    assert first.error is None and any("offset(s) 60" in w for w in first.document.warnings)
    assert second.error is not None and "not UTF-8" in str(second.error) and f"{path}:2" in str(second.error)
