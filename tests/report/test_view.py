"""What the report draws for one record: checked spans, UTF-16 offsets, raw-text sources, old records."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from summarizer.models import ArticleSummary
from summarizer.report import record as R
from summarizer.report.offsets import Utf16Offsets
from summarizer.report.rawtext import NO_TEXT_NOTE, RawText, RawTextResolver, content_id
from summarizer.report.view import build

from .support import make_record


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60), st.data())
def test_utf16_offsets_match_javascript_indexing(text: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(text)))
    # JavaScript's index of code point i is the number of UTF-16 units before it
    assert Utf16Offsets(text)(i) == len(text[:i].encode("utf-16-le")) // 2


def test_exact_spans_are_checked_against_the_text() -> None:
    text = "The mayor said output will grow 5% in 2025."
    rec = make_record(text, targets=[{"metric": "output", "value_text": "5%", "quote": "grow 5% in 2025"}],
                      goals=[("grow", "output will grow")])
    rec["goals"][0]["evidence"]["start"] += 1  # shifted: the slice is no longer the quote
    rec["targets"].append(dict(rec["targets"][0], evidence={"quote": "x", "start": 40, "end": 400, "match": "fuzzy"}))
    _, payload = build(0, rec, RawText(text, "results"))
    assert [s[2] for s in payload["spans"]] == ["t0"]
    shown = {it["id"]: it["shown"] for it in payload["items"]}
    assert shown == {"g0": False, "t0": True, "t1": False}
    assert any(n.startswith("goal “grow”:") and "not its exact quote" in n for n in payload["notes"])
    assert any("outside the text" in n for n in payload["notes"])


def test_old_records_without_the_newer_fields_still_report() -> None:
    text = "Officials aim for 3% growth and 200 new firms."
    rec = make_record(text, targets=[
        {"metric": "growth", "value_text": "3%", "quote": "3% growth", "verified": True},
        {"metric": "firms", "value_text": "200", "quote": "200 new firms", "verified": False},
        {"metric": "jobs", "value_text": "9", "quote": "aim for", "verified": None},
    ], keep_text=False)
    for t in rec["targets"]:
        t.pop("verification", None)
    assert "grounding" not in rec["meta"] and "cross_check" not in rec["meta"]
    row, payload = build(0, rec, RawText(None, "missing", NO_TEXT_NOTE))
    assert [it["status"] for it in payload["items"]] == ["verified", "unverified", "unchecked"]
    assert (row["nt"], row["nv"], row["nu"]) == (3, 1, 1)
    assert payload["spans"] == [] and payload["notes"] == [NO_TEXT_NOTE]


def test_verification_state_wins_over_the_boolean() -> None:
    assert R.target_status({"verified": False, "verification": "misplaced"}) == "misplaced"
    assert R.target_status({"verified": True, "verification": "bogus"}) == "verified"
    rec = make_record("Build 5 parks.", targets=[
        {"metric": "parks", "value_text": "5", "quote": "5 parks", "verified": False, "verification": "not_in_article"}])
    assert R.counts(rec)["unverified"] == 1


def test_recall_hints_are_located_in_the_raw_text() -> None:
    text = "The plan says exports should\n reach 40% of output by 2030. Other news."
    rec = make_record(text, candidates=["40% in: …exports should reach 40% of output…", "7 in: …not in this text…"])
    _, payload = build(0, rec, RawText(text, "results"))
    assert [c["shown"] for c in payload["candidates"]] == [True, False]
    (span,) = [s for s in payload["spans"] if s[2] == "c0"]
    assert text[span[0]:span[1]] == "exports should\n reach 40% of output"


def test_raw_text_comes_from_the_inputs_by_content_id(seed_results: Path, seed_inputs: Path) -> None:
    records = [json.loads(x) for x in seed_results.read_text(encoding="utf-8").splitlines()]
    ids = {r["article"]["id"] for r in records}
    resolver = RawTextResolver([str(seed_inputs)], ids)
    for rec in records:
        raw = resolver.resolve(rec["article"])
        assert raw.origin == "inputs" and content_id(raw.text) == rec["article"]["id"]
        _, payload = build(0, rec, raw)
        assert payload["notes"] == []  # every exact span matched its quote


def test_an_edited_input_is_reported_as_changed_not_highlighted(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Original text: build 10 schools by 2026.", encoding="utf-8")
    rec = make_record(path.read_text(encoding="utf-8"), keep_text=False, input_name=str(path),
                      targets=[{"metric": "schools", "value_text": "10", "quote": "10 schools by 2026"}])
    path.write_text("Edited text: build 12 schools by 2026.", encoding="utf-8")
    raw = RawTextResolver([str(tmp_path)], {rec["article"]["id"]}).resolve(rec["article"])
    assert raw.text is None and raw.origin == "changed" and str(path) in raw.note
    missing = RawTextResolver([], {rec["article"]["id"]}).resolve(rec["article"])
    assert missing.origin == "missing" and missing.note == NO_TEXT_NOTE


def test_jsonl_inputs_give_the_text_too(tmp_path: Path) -> None:
    text = "区长表示，力争今年GDP增长6%。"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x1", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    rec = make_record(text, keep_text=False, input_name="x1")
    raw = RawTextResolver([str(src)], {rec["article"]["id"]}).resolve(rec["article"])
    assert raw.text == text and raw.origin == "inputs"


# The names the report and exports read (summarizer.report.record / view, summarizer.export.tables):
# a rename in the public models must fail here, not silently blank a column.
FIELDS_READ = {
    "ArticleInfo": {"id", "title", "published", "language", "input_name", "source", "url", "raw_text"},
    "Meta": {"warnings", "candidates", "provider", "model", "grounding", "cross_check"},
    "Evidence": {"quote", "start", "end", "match", "score", "model_quote"},
    "Speaker": {"name", "title", "organization", "evidence", "name_evidence"},
    "Goal": {"statement", "horizon", "set_by", "evidence"},
    "Initiative": {"name", "description", "owner", "evidence"},
    "NumericTarget": {"metric", "value_text", "value", "value_high", "unit", "scale", "currency", "comparator", "kind",
                      "period", "target_year", "baseline", "strength", "status", "verified", "verification", "evidence"},
    "GroundingSummary": {"items_total", "items_grounded", "targets_total", "targets_verified", "low_confidence", "reasons"},
    "CrossCheck": {"rules_only", "read_differently"},
}


def test_every_field_the_readers_use_is_in_the_public_schema() -> None:
    defs = ArticleSummary.model_json_schema()["$defs"]
    top = set(ArticleSummary.model_json_schema()["properties"])
    assert {"article", "summary", "speakers", "goals", "targets", "initiatives", "meta"} <= top
    for name, fields in FIELDS_READ.items():
        assert name in defs, name
        assert fields <= set(defs[name]["properties"]), (name, fields - set(defs[name]["properties"]))


def test_html_input_is_shown_as_its_source_text() -> None:
    text = "<html><body><h1>Plan</h1><p>Build 4 bridges by 2027.</p></body></html>"
    rec = make_record(text, targets=[{"metric": "bridges", "value_text": "4", "quote": "Build 4 bridges by 2027"}])
    _, payload = build(0, rec, RawText(text, "results"))
    assert payload["html_source"] is True and payload["text"] == text
    (span,) = payload["spans"]
    assert text[span[0]:span[1]] == "Build 4 bridges by 2027"
