"""The report files: layout by size, stale data files, inert JSON, no network references."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from summarizer.report import ReportError, write_report
from summarizer.report import writer as W

from .support import make_record, write_jsonl


def _records(n: int, size: int = 200) -> list[dict]:
    return [make_record(f"Article {i}: " + "growth of 5% is planned. " * (size // 25), title=f"T{i}",
                        targets=[{"metric": "growth", "value_text": "5%", "quote": "growth of 5%"}]) for i in range(n)]


@pytest.mark.parametrize("value", ["</script><script>alert(1)</script>", "<!-- x -->", "a & b > c", "line\u2028sep\u2029"])
def test_safe_json_is_inert_in_html_and_round_trips(value: str) -> None:
    encoded = W.safe_json({"v": value})
    assert not set("<>&\u2028\u2029") & set(encoded)
    assert json.loads(encoded) == {"v": value}


def test_small_results_make_one_self_contained_file(tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    write_jsonl(results, _records(3))
    res = write_report(results, tmp_path / "report.html")
    assert not res.split and res.data_files == [] and not (tmp_path / "report_files").exists()
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count('type="application/json" id="chunk-') == 1
    # nothing is fetched from anywhere: no URL with a scheme or protocol-relative host in the page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", html)
    assert "@import" not in html and "url(" not in html


def test_the_page_script_is_allowed_by_its_hash_only(tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    write_jsonl(results, _records(1))
    html = write_report(results, tmp_path / "report.html").path.read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "connect-src 'none'" in csp


def test_large_results_split_and_stale_data_files_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(W, "SINGLE_FILE_MAX_BYTES", 20_000)
    results = tmp_path / "r.jsonl"
    write_jsonl(results, _records(130, size=400))
    out = tmp_path / "report.html"
    res = write_report(results, out)
    assert res.split and [p.name for p in res.data_files] == ["chunk-0000.js", "chunk-0001.js", "chunk-0002.js"]
    index = json.loads(re.search(r'id="report-index">(.*?)</script>', out.read_text(encoding="utf-8"), re.S).group(1))
    assert index["mode"] == "split" and index["files"] == ["chunk-0000.js", "chunk-0001.js", "chunk-0002.js"]
    assert [r["c"] for r in index["rows"]][::50] == [0, 1, 2]
    body = res.data_files[2].read_text(encoding="utf-8")
    assert body.startswith("window.REPORT_CHUNK(2,") and json.loads(body[len("window.REPORT_CHUNK(2,"):-3])[0]["k"] == 100
    assert res.total_bytes == out.stat().st_size + sum(p.stat().st_size for p in res.data_files)

    # a smaller report in the same place leaves no old data file behind
    (tmp_path / "report_files" / "notes.txt").write_text("mine", encoding="utf-8")
    write_jsonl(results, _records(60, size=400))
    res = write_report(results, out)
    assert sorted(p.name for p in (tmp_path / "report_files").iterdir()) == ["chunk-0000.js", "chunk-0001.js", "notes.txt"]
    write_report(results, out, split=False)
    assert sorted(p.name for p in (tmp_path / "report_files").iterdir()) == ["notes.txt"]


def test_a_huge_article_gets_a_data_file_of_its_own(tmp_path: Path) -> None:
    records = _records(3)
    records[1] = make_record("x" * (W.CHUNK_BYTES + 10), title="huge")
    results = tmp_path / "r.jsonl"
    write_jsonl(results, records)
    res = write_report(results, tmp_path / "report.html", split=True)
    assert len(res.data_files) == 3


def test_output_problems_are_report_errors(tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    write_jsonl(results, _records(1))
    (tmp_path / "dir.html").mkdir()
    with pytest.raises(ReportError, match="is a folder"):
        write_report(results, tmp_path / "dir.html")
    with pytest.raises(ReportError, match="no records"):
        write_report([], tmp_path / "x.html")


def test_python_api_takes_models_and_inputs(seed_results: Path, seed_inputs: Path, tmp_path: Path) -> None:
    from summarizer.models import ArticleSummary

    models = [ArticleSummary.model_validate_json(x) for x in seed_results.read_text(encoding="utf-8").splitlines()]
    res = write_report(models, tmp_path / "r.html", inputs=[seed_inputs])
    assert res.articles == 5 and res.without_text == 0 and res.skipped == 0
    res = write_report(models, tmp_path / "r.html")
    assert res.without_text == 5
