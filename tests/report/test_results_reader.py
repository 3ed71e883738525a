"""Reading results files: good records pass, bad lines are skipped by line number, bad files are errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.models import ArticleSummary
from summarizer.report.results import ResultsError, read_records

from .support import make_record, write_jsonl


def _records(n: int) -> list[dict]:
    return [make_record(f"Article number {i} sets a 5% target.", title=f"A{i}") for i in range(n)]


def test_bad_lines_are_skipped_with_their_line_numbers(tmp_path: Path) -> None:
    good = _records(3)
    path = tmp_path / "results.jsonl"
    lines = [json.dumps(good[0]), "{not json", "", json.dumps({"error": "timeout"}), "[1, 2]", json.dumps(good[1]),
             json.dumps(good[2])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    warnings: list[str] = []
    got = read_records(path, warnings.append)
    assert [r["article"]["title"] for r in got] == ["A0", "A1", "A2"]
    assert [w.split(":")[0] for w in warnings] == [f"{path} line 2", f"{path} line 4", f"{path} line 5"]
    assert "not JSON" in warnings[0] and "no article.id" in warnings[1] and "list" in warnings[2]


def test_bad_lines_before_the_first_record_are_reported_too(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text("garbage\n" + json.dumps(_records(1)[0]) + "\n", encoding="utf-8")
    warnings: list[str] = []
    assert len(read_records(path, warnings.append)) == 1
    assert warnings == [f"{path} line 1: not JSON (Expecting value); skipped"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "no such file"),
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a results JSONL file"),
        (b"id,title\n1,x\n", "not a results JSONL file"),
        (b'{"name": "a.txt", "error": "timeout"}\n', "not a results JSONL file"),
    ],
)
def test_unreadable_files_raise_one_clear_error(tmp_path: Path, content: bytes | None, problem: str) -> None:
    path = tmp_path / "results.jsonl"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ResultsError) as err:
        read_records(path)
    assert problem in str(err.value) and str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_a_folder_is_not_a_results_file(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="is a folder"):
        read_records(tmp_path)


def test_pretty_printed_summary_and_json_array_are_accepted(tmp_path: Path) -> None:
    recs = _records(2)
    one = tmp_path / "one.json"
    one.write_text(json.dumps(recs[0], indent=2), encoding="utf-8")
    assert [r["article"]["id"] for r in read_records(one)] == [recs[0]["article"]["id"]]
    many = tmp_path / "many.json"
    many.write_text(json.dumps(recs, indent=1), encoding="utf-8")
    assert len(read_records(many)) == 2


def test_a_bom_written_by_an_editor_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    write_jsonl(path, _records(2))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(read_records(path)) == 2


def test_models_and_dicts_are_accepted_as_records(seed_results: Path) -> None:
    raw = [json.loads(x) for x in seed_results.read_text(encoding="utf-8").splitlines()]
    models = [ArticleSummary.model_validate(r) for r in raw]
    got = read_records(models)
    assert [r["article"]["id"] for r in got] == [r["article"]["id"] for r in raw]
    warnings: list[str] = []
    assert read_records([raw[0], "nope", {"x": 1}], warnings.append) == [raw[0]]
    assert [w.split(":")[0] for w in warnings] == ["record 2", "record 3"]
