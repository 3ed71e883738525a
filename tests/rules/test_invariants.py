"""Properties of every answer: quotes verbatim, value_text inside its quote, a valid Extraction,
never an exception; over the seeds, the dev set, generated and odd input."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from summarizer.grounding import cues
from summarizer.intake import read_path
from summarizer.models import Extraction
from summarizer.rules import RULES_VERSION, extract, fingerprint, rule_files
from summarizer.rules.clauses import cue_patterns
from summarizer.rules.text import Hits, View

from .conftest import DEV_ARTICLES, SEED_ARTICLES


def check(text: str, extraction: Extraction) -> None:
    """The contract: every quote is a non-blank substring of ``text``; value_text lies in its quote;
    the answer survives a JSON round trip through the model (what the answer cache stores)."""
    items = [*extraction.speakers, *extraction.goals, *extraction.targets, *extraction.initiatives]
    for item in items:
        assert item.quote.strip(), item
        assert item.quote in text, item.quote
    for t in extraction.targets:
        assert t.value_text and t.value_text in t.quote, t
    for s in extraction.speakers:
        assert s.name and s.name in text
    assert extraction.summary.strip()
    assert Extraction.model_validate(extraction.model_dump(mode="json")) == extraction


ARTICLES = SEED_ARTICLES + DEV_ARTICLES


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_quotes_verbatim_on_every_article(path: Path):
    doc = read_path(path)
    extraction = extract(doc.model_text(), language=doc.language, published=doc.published, title=doc.title)
    check(doc.model_text(), extraction)


def test_the_seeds_give_items_of_every_kind():
    """Not vacuous: across the seeds the rules find speakers, targets, goals and initiatives."""
    found = [extract(read_path(p).text, language=read_path(p).language) for p in SEED_ARTICLES]
    assert all(sum(len(getattr(e, f)) for e in found) > 0 for f in ("speakers", "targets", "goals", "initiatives"))


ODD = [
    "", " ", "\n\n\n", "。", "，，，；；", "一", "1", "2024", "100 200 300", "１２３％", "十百千万亿",
    "6% " * 500, "力争" * 300, "目标" + "1" * 5000, "“" * 100, "《" * 50 + "》" * 50, "市委书记" * 200,
    "Mayor " * 300, "said " * 300, "\x00\x01\x02", "\ud800", "İ" * 20 + "target 5%", "ＡＢＣ　１０％",
    "力争增长6%" + "\n" * 1000 + "确保", "打造(xué)高地(dì)", "By 2025", "by 2025, 50%",
]


@pytest.mark.parametrize("text", ODD, ids=range(len(ODD)))
@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant", "en", "mixed", "unknown"])
def test_odd_input_never_raises(text: str, language: str):
    check(text, extract(text, language=language, published=None))


def test_one_megabyte_of_text():
    para = (
        "区委书记张三在会上指出，今年力争地区生产总值增长6%以上，去年完成投资120亿元。"
        "Mayor Li Hua said the city will strive to add 50 enterprises under the Green Valley Programme.\n"
    )
    text = para * (1_000_000 // len(para.encode("utf-8")) + 1)
    assert len(text.encode("utf-8")) >= 1_000_000
    e = extract(text, language="mixed", published="2024-01-01")
    check(text, e)
    assert e.speakers and e.targets  # the rules still work at that size


_POLICY_WORDS = st.sampled_from(
    ["力争", "确保", "目标", "今年", "去年", "增长", "6%", "220亿元", "不少于", "50家", "市委书记", "张三", "表示", "，", "。",
     "\n", "“", "”", "《", "》", "工程", "打造", "高地", "strive", "target", " ", "Mayor", "Li Hua", "said", "13 billion yuan",
     "no less than", "last year", ",", ".", "By 2025", "記者", "區長", "計劃", "項目", "(xué)", "1+6+3", "第一", "5-10 years"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# found by this test in a CI run: a metric read from the article as "NONE" was taken by the draft
# for "not stated" and failed validation; likewise a name or statement such words
@example("“力争NONE<13 billion yuan", "zh-Hans", None)
@example("Mayor None said the city will strive to reach 13 billion yuan. The N/A Programme starts.", "en", None)
@given(st.lists(st.one_of(_POLICY_WORDS, st.text(max_size=8)), max_size=60).map("".join),
       st.sampled_from(["zh-Hans", "zh-Hant", "en", "mixed", "unknown"]),
       st.one_of(st.none(), st.sampled_from(["2024-02-20", "1999-01-01", "not a date", ""])))
def test_property_never_raises_and_quotes_verbatim(text: str, language: str, published: str | None):
    check(text, extract(text, language=language, published=published))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(list(cues.TARGET_CUES) + ["Target", "TARGETS", "xaim", "的target"]), st.text(max_size=5)),
                max_size=8).map("".join))
def test_compiled_cues_agree_with_has_target_cue(text: str):
    """The rules find cues in one pass (``cue_patterns``); they must agree with the shared lexicon."""
    view = View.of(text)
    hits = Hits(view, *cue_patterns(tuple(cues.TARGET_CUES)))
    assert hits.any(0, len(text)) == cues.has_target_cue(view.folded)


def test_rules_version_names_the_rules_and_follows_their_source(tmp_path: Path):
    assert re.fullmatch(r"rules-\w+\+[0-9a-f]{10}", RULES_VERSION)
    copies = []
    for p in rule_files():
        copy = tmp_path / p.name
        shutil.copyfile(p, copy)
        copies.append(copy)
    before = fingerprint(copies)
    assert before == RULES_VERSION.split("+")[1]
    copies[0].write_text(copies[0].read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert fingerprint(copies) != before
