"""The counting rules: tp/fp/fn per field and the extra counts, on small built records and gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.evaluation import GoldError, ResultsError, evaluate

from .records import gold, gold_article, record, target


def fields(report) -> dict:  # noqa: ANN001
    return report.as_dict()["fields"]


def counts(f: dict) -> tuple[int, int, int]:
    return f["tp"], f["fp"], f["fn"]


def test_speakers_script_insensitive_one_to_one_and_non_speakers() -> None:
    g = gold(gold_article(
        "a", speakers=[{"name": "韋皓"}, {"name": "Li Hua"}, {"name": "张三"}], not_speakers=["王五", "李四"],
    ))
    r = record("dir/a.txt", speakers=["韦皓", "韦皓", "Hua Li", "王五", "赵六"])
    f = fields(evaluate([r], g))["speakers"]
    # 韦皓 and Hua Li match; the second 韦皓 has no gold left; 王五 is a listed non-speaker
    assert counts(f) == (2, 3, 1)
    assert f["non_speakers_returned"] == 1
    assert f["precision"] == pytest.approx(2 / 5) and f["recall"] == pytest.approx(2 / 3)
    assert f["f1"] == pytest.approx(2 * 2 / (2 * 2 + 3 + 1))
    art = evaluate([r], g).as_dict()["per_article"][0]
    assert art["speakers"]["missed"] == ["张三"]
    assert sorted(art["speakers"]["spurious"]) == ["王五", "赵六", "韦皓"]


def test_targets_units_values_and_non_targets() -> None:
    g = gold(gold_article(
        "a",
        targets=[
            {"value": 22e9, "unit": "元", "comparator": "exact", "period": "2023"},
            {"value": 10, "unit": "个国家和地区", "comparator": "at_least"},
            {"value": 6, "unit": "%", "period": "this year"},  # no comparator, period not a year
            {"value": 85, "unit": "companies", "comparator": "at_least"},
        ],
        non_target_numbers=["1.4万家", {"text": "178家", "value": 178}],
    ))
    r = record("a", targets=[
        target(22e9, "亿元", comparator="at_least", target_year=2023),  # match; comparator wrong
        target(10, "个", comparator="at_least", target_year=2024),  # match; period not scored
        target(0.06, "%"),  # wrong base unit: not a match
        target(85, None, comparator="at_least"),  # a missing unit is fine for a count
        target(14000, "家"),  # a non-target number returned as a target
        target(178, "家", status="achieved"),  # the model says achieved: not scored
        target(7, "个"),  # plainly spurious
    ])
    rep = evaluate([r], g)
    f = fields(rep)["targets"]
    assert counts(f) == (3, 3, 1)
    assert f["non_targets_returned"] == 1
    assert f["not_scored_status"] == 1
    assert f["comparator"] == {"correct": 2, "compared": 3, "accuracy": pytest.approx(2 / 3)}
    assert f["period"] == {"correct": 1, "compared": 1, "accuracy": 1.0}
    assert rep.as_dict()["per_article"][0]["targets"]["missed"] == ["6 %"]


def test_currency_and_percent_do_not_cross() -> None:
    g = gold(gold_article("a", targets=[{"value": 100, "unit": "元"}, {"value": 5, "unit": "%"}]))
    r = record("a", targets=[target(100, "美元"), target(5, "个百分点")])
    assert counts(fields(evaluate([r], g))["targets"]) == (0, 2, 2)


def test_range_targets() -> None:
    g = gold(gold_article("a", targets=[{"value": 5, "value_high": 10, "unit": "个", "comparator": "range"}]))
    assert counts(fields(evaluate([record("a", targets=[target(5, "个", value_high=10, comparator="range")])], g))["targets"]) == (1, 0, 0)
    assert counts(fields(evaluate([record("a", targets=[target(5, "个")])], g))["targets"]) == (0, 1, 1)
    assert counts(fields(evaluate([record("a", targets=[target(5, "个", value_high=12)])], g))["targets"]) == (0, 1, 1)


def test_targets_one_to_one_with_a_maximum_matching() -> None:
    # "平方公里" fits both gold units (suffix "公里", prefix "平方"), "公里" only the first.
    # Taking the first fitting gold for each prediction would leave gold "平方" unmatched.
    g = gold(gold_article("a", targets=[{"value": 7, "unit": "公里"}, {"value": 7, "unit": "平方"}]))
    r = record("a", targets=[target(7, "平方公里"), target(7, "公里")])
    assert counts(fields(evaluate([r], g))["targets"]) == (2, 0, 0)
    # a duplicate prediction cannot take the same gold target twice
    g1 = gold(gold_article("a", targets=[{"value": 7, "unit": "个"}]))
    assert counts(fields(evaluate([record("a", targets=[target(7, "个"), target(7, "个")])], g1))["targets"]) == (1, 1, 0)


def test_targets_prefer_the_partner_that_agrees_on_comparator_and_period() -> None:
    g = gold(gold_article("a", targets=[
        {"value": 7, "unit": "个", "comparator": "at_least", "period": "2024"},
        {"value": 7, "unit": "个", "comparator": "exact", "period": "2025"},
    ]))
    r = record("a", targets=[
        target(7, "个", comparator="exact", target_year=2025), target(7, "个", comparator="at_least", target_year=2024),
    ])
    f = fields(evaluate([r], g))["targets"]
    assert counts(f) == (2, 0, 0)
    assert f["comparator"]["correct"] == f["period"]["correct"] == 2


def test_initiatives_threshold_and_one_to_one() -> None:
    g = gold(gold_article("a", initiatives=["“百千万工程”", "通湖礼廊二期", "散裂中子源二期"]))
    r = record("a", initiatives=["百千万工程", "百千万工程", "通湖礼廊", "先进阿秒激光"])
    rep = evaluate([r], g)
    f = fields(rep)["initiatives"]
    assert counts(f) == (2, 2, 1)  # the duplicate cannot take a second gold item
    assert f["threshold"] == 0.5
    art = rep.as_dict()["per_article"][0]["initiatives"]
    assert art["missed"] == ["散裂中子源二期"]
    assert sorted(art["spurious"]) == ["先进阿秒激光", "百千万工程"]


def test_initiatives_greedy_by_best_score() -> None:
    # the prediction is closer to the second gold name; it must go there, not to the first
    g = gold(gold_article("a", initiatives=["Pengjiang Service", "Pengjiang Service brand"]))
    r = record("a", initiatives=["“Pengjiang Service” brand"])
    art = evaluate([r], g).as_dict()["per_article"][0]["initiatives"]
    assert (art["tp"], art["missed"]) == (1, ["Pengjiang Service"])


def test_failed_missing_and_unmatched_articles() -> None:
    g = gold(
        gold_article("a", speakers=[{"name": "甲"}]),
        gold_article("b", speakers=[{"name": "乙"}], targets=[{"value": 1, "unit": "个"}], initiatives=["x计划"]),
        gold_article("c", speakers=[{"name": "丙"}]),
    )
    results = [record("in/a.txt", speakers=["甲"]), record("other.txt", speakers=["丁"]), record(None)]
    errors = [{"input": "in/b.txt", "error": "provider timed out"}]
    d = evaluate(results, g, errors=errors).as_dict()
    assert d["articles"] == {"gold": 3, "scored": 1, "failed": 1, "missing": 1, "failed_total": 2, "failed_share": pytest.approx(2 / 3)}
    # the failed and missing articles' gold items are all false negatives
    assert counts(d["fields"]["speakers"]) == (1, 0, 2)
    assert counts(d["fields"]["targets"]) == (0, 0, 1)
    assert counts(d["fields"]["initiatives"]) == (0, 0, 1)
    assert d["results"]["records"] == 3 and d["results"]["without_gold"] == 2
    status = {a["name"]: (a["status"], a["error"]) for a in d["per_article"]}
    assert status == {"a": ("ok", None), "b": ("failed", "provider timed out"), "c": ("missing", None)}


def test_a_result_wins_over_an_error_and_the_last_duplicate_is_scored() -> None:
    g = gold(gold_article("a", speakers=[{"name": "甲"}]))
    results = [record("a.txt", speakers=["乙"]), record("x/a.txt", speakers=["甲"])]
    d = evaluate(results, g, errors=[{"input": "a.txt", "error": "earlier failure"}]).as_dict()
    assert d["articles"]["failed_total"] == 0
    assert counts(d["fields"]["speakers"]) == (1, 0, 0)
    assert d["results"]["duplicates"] == ["a"]


def test_grounding_and_verification_shares() -> None:
    g = gold(gold_article("a"))
    r = record("a", speakers=["甲", "乙"], ungrounded=1, goals=2, initiatives=["x"], targets=[
        target(1, "个", verified=True, verification="verified"),
        target(2, "个", verified=False, verification="misplaced"),  # in the article: not invented
        target(3, "个", verified=False, verification="not_in_article", match="none"),
        target(4, "个", verification="unchecked"),
    ])
    d = evaluate([r], g).as_dict()
    # items: 2 speakers + 2 goals + 4 targets + 1 initiative; one speaker and one target ungrounded
    assert d["grounding"] == {"items": 9, "grounded": 7, "share": pytest.approx(7 / 9)}
    assert d["verification"] == {"targets": 4, "verified": 1, "share": 0.25, "invented_flagged": 1}


def test_records_from_before_verification_use_verified(tmp_path: Path) -> None:
    r = record("a", targets=[target(1, "个", verified=True), target(2, "个", verified=False), target(3, "个")])
    line = r.model_dump(mode="json")
    for t in line["targets"]:
        del t["verification"]  # as an old results file has them
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n")
    d = evaluate(path, gold(gold_article("a"))).as_dict()
    assert d["verification"] == {"targets": 3, "verified": 1, "share": pytest.approx(1 / 3), "invented_flagged": 1}


def test_errors_file_beside_the_results_is_used(tmp_path: Path) -> None:
    results = tmp_path / "run.jsonl"
    results.write_text(record("a").model_dump_json() + "\n")
    (tmp_path / "run.errors.jsonl").write_text(json.dumps({"input": "b.txt", "error": "boom"}) + "\n")
    d = evaluate(results, gold(gold_article("a"), gold_article("b"))).as_dict()
    assert (d["articles"]["failed"], d["articles"]["missing"]) == (1, 0)
    assert d["results"]["errors_source"] == str(tmp_path / "run.errors.jsonl")


def test_gold_folder_merges_and_rejects_duplicates(tmp_path: Path) -> None:
    (tmp_path / "one.gold.json").write_text(json.dumps(gold(gold_article("a", speakers=["甲"]))))
    (tmp_path / "two.gold.json").write_text(json.dumps(gold(gold_article("b", speakers=["乙"]))))
    (tmp_path / "notes.json").write_text("not gold, not read")
    d = evaluate([record("a", speakers=["甲"]), record("b", speakers=["乙"])], tmp_path).as_dict()
    assert d["gold"]["articles"] == 2 and counts(d["fields"]["speakers"]) == (2, 0, 0)
    (tmp_path / "three.gold.json").write_text(json.dumps(gold(gold_article("a"))))
    with pytest.raises(GoldError, match="'a' appears twice"):
        evaluate([], tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"seed": "000"}]', "not a summarizer-gold/1 file"),
        ('{"format": "other/2", "articles": []}', "format is 'other/2'"),
        ('{"format": "summarizer-gold/1", "articles": [{"speakers": []}]}', "articles.0.name"),
        ("{oops", "not JSON"),
    ],
)
def test_bad_gold_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "g.json"
    path.write_text(content)
    with pytest.raises(GoldError, match=message) as exc:
        evaluate([], path)
    assert str(path) in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "line 1 is not JSON"),
        ('{"article": {}}\n', "line 1: not an ArticleSummary"),
        ("[1, 2]\n", "line 1 is not an ArticleSummary"),
    ],
)
def test_bad_results_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(content)
    with pytest.raises(ResultsError, match=message):
        evaluate(path, gold())
