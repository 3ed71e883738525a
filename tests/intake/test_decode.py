from __future__ import annotations

import codecs

import pytest

from summarizer.intake import IntakeError, from_bytes, read_path
from summarizer.intake.decode import decode_bytes

ZH_HANS = "东莞市委书记肖亚非表示,要坚持制造业立市不动摇,加快建设现代化产业体系。"
ZH_HANT = "東莞市委理論學習中心組召開專題學習會,深入學習貫徹習近平總書記關於發展新質生產力的重要論述精神。"


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        (ZH_HANS, "utf-8", {"utf-8"}),
        (ZH_HANS, "utf-8-sig", {"utf-8-sig"}),
        (ZH_HANS, "gbk", {"gb18030"}),
        (ZH_HANS, "gb18030", {"gb18030"}),
        (ZH_HANT, "big5", {"big5"}),
        (ZH_HANT, "utf-16", {"utf-16"}),  # Python writes a BOM
        (ZH_HANS, "utf-16-le", None),  # BOM added by hand below
        (ZH_HANS, "utf-16-be", None),
        ("会议强调", "gbk", {"gb18030"}),  # short inputs are where detectors guess wrong
        ("會議強調", "big5", {"big5"}),
    ],
)
def test_encodings_round_trip(text: str, codec: str, expected: set[str] | None) -> None:
    data = text.encode(codec)
    if codec == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    elif codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    decoded, enc = decode_bytes(data, "x.txt")
    assert decoded == text
    assert enc in (expected or {"utf-16"})


def test_document_records_encoding() -> None:
    doc = from_bytes(ZH_HANT.encode("big5"), name="big5.txt")
    assert doc.encoding == "big5"
    assert doc.raw == ZH_HANT
    assert doc.language == "zh-Hant"
    doc = from_bytes(codecs.BOM_UTF8 + ZH_HANS.encode(), name="bom.txt")
    assert doc.raw == ZH_HANS  # the BOM is not part of the text evidence offsets point into
    assert doc.encoding == "utf-8-sig"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"%PDF-1.7\n...", "PDF"),
        ("东莞".encode() + b"\x00\x01\x02binary", "NUL"),
        (bytes(range(1, 32)) * 10, "control characters"),
    ],
)
def test_binary_input_is_an_error_naming_file_and_problem(data: bytes, problem: str) -> None:
    with pytest.raises(IntakeError) as exc:
        from_bytes(data, name="photo.txt")
    assert "photo.txt" in str(exc.value)
    assert problem in str(exc.value)


def test_size_cap_from_bytes_and_read_path(tmp_path) -> None:
    data = ("东莞发展。" * 100).encode()
    with pytest.raises(IntakeError, match="over the 100-byte limit") as exc:
        from_bytes(data, name="big.txt", max_bytes=100)
    assert exc.value.name == "big.txt"
    p = tmp_path / "big.txt"
    p.write_bytes(data)
    with pytest.raises(IntakeError, match="limit"):
        read_path(p, max_bytes=100)
    assert read_path(p).text.startswith("东莞发展。")  # default cap is 5 MB


def test_empty_and_undecodable() -> None:
    with pytest.raises(IntakeError, match="empty"):
        from_bytes(b"  \n ", name="e.txt")
    with pytest.raises(IntakeError, match="utf-16"):
        from_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8", name="bad16.txt")  # lone surrogate
