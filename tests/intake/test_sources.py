from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from summarizer.intake import IntakeError, iter_sources, read_path, read_stdin

from .conftest import ARTICLES, INTAKE, SEED_PATHS

BODY = "东莞市委书记表示,要坚持制造业立市不动摇,加快建设现代化产业体系。"


def test_batch_with_one_bad_file_still_yields_the_rest(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "c.md").write_bytes(BODY.encode("gbk"))
    (tmp_path / "skip.bin").write_bytes(b"ignored: not a text suffix")
    out = list(iter_sources([str(tmp_path), str(tmp_path / "missing.txt")]))
    names = [Path(s.name).name for s in out]
    assert names == ["a.txt", "b.txt", "c.md", "missing.txt"]
    assert out[0].document is not None and out[0].error is None
    assert out[1].document is None and "PNG" in str(out[1].error)
    assert out[2].document is not None and out[2].document.encoding == "gb18030"
    assert out[3].error is not None and "no such file" in str(out[3].error)


def test_globs_and_dirs(tmp_path: Path) -> None:
    for name in ["x1.txt", "x2.txt", "y.txt"]:
        (tmp_path / name).write_text(BODY + name, encoding="utf-8")
    got = [Path(s.name).name for s in iter_sources([str(tmp_path / "x*.txt")])]
    assert got == ["x1.txt", "x2.txt"]
    nothing = list(iter_sources([str(tmp_path / "zz*.txt")]))
    assert len(nothing) == 1 and "no files match" in str(nothing[0].error)
    seeds = list(iter_sources([str(ARTICLES)]))
    assert len(seeds) == len(SEED_PATHS) and all(s.document for s in seeds)


def test_jsonl_one_article_per_line_with_a_bad_line(tmp_path: Path) -> None:
    html = (INTAKE / "no_meta.html").read_text(encoding="utf-8")
    lines = [
        json.dumps({"id": "a1", "text": BODY, "url": "https://e.x/a1", "title": "T1", "date": "2024-01-05"}, ensure_ascii=False),
        "{not json",
        json.dumps({"text": "会议强调,要强化资源要素保障,为新质生产力发展提供有力支撑。"}, ensure_ascii=False),
        "",
        json.dumps({"id": "h", "html": html}),
        json.dumps({"id": "empty", "text": "   "}),
        json.dumps(["not", "an", "object"]),
    ]
    p = tmp_path / "batch.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = list(iter_sources([str(p)]))
    assert [s.name for s in out] == ["a1", f"{p}:2", f"{p}:3", "h", f"{p}:6", f"{p}:7"]
    a1 = out[0].document
    assert a1 is not None and a1.title == "T1" and a1.published == "2024-01-05" and a1.url == "https://e.x/a1"
    assert a1.raw == BODY  # offsets point into the article text, not into the JSON line
    assert "invalid JSON" in str(out[1].error) and f"{p}:2" in str(out[1].error)
    assert out[2].document is not None
    assert out[3].document is not None and out[3].document.format == "html"
    assert "no non-empty 'text' or 'html'" in str(out[4].error)
    assert "not an object" in str(out[5].error)


def test_read_path_refuses_jsonl(tmp_path: Path) -> None:
    p = tmp_path / "b.jsonl"
    p.write_text("{}\n")
    with pytest.raises(IntakeError, match="iter_sources"):
        read_path(p)


def test_read_stdin_and_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = read_stdin(stream=io.BytesIO(BODY.encode("gb18030")))
    assert doc.text == BODY and doc.name == "<stdin>" and doc.encoding == "gb18030"

    class FakeStdin:
        buffer = io.BytesIO(BODY.encode("utf-8"))

    monkeypatch.setattr(sys, "stdin", FakeStdin)
    out = list(iter_sources(["-"]))
    assert len(out) == 1 and out[0].document is not None and out[0].document.text == BODY


def test_stdin_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "\n".join(json.dumps({"id": str(i), "text": BODY + str(i)}, ensure_ascii=False) for i in range(3))

    class FakeStdin:
        buffer = io.BytesIO(data.encode())

    monkeypatch.setattr(sys, "stdin", FakeStdin)
    out = list(iter_sources(["-"]))
    assert [s.name for s in out] == ["0", "1", "2"]
    assert all(s.document is not None for s in out)


def test_stdin_size_cap() -> None:
    with pytest.raises(IntakeError, match="limit"):
        read_stdin(stream=io.BytesIO(b"x" * 101), max_bytes=100)


def test_html_suffix_is_read_as_html() -> None:
    doc = read_path(INTAKE / "zh_news.html")
    assert doc.format == "html"
    assert doc.raw.startswith("<!DOCTYPE html>")
