"""``ground()`` end to end on small articles: warnings, verification, dropping, recall hints."""

from __future__ import annotations

from summarizer.grounding import ground
from summarizer.intake import from_text
from summarizer.models import Extraction, GoalDraft, InitiativeDraft, SpeakerDraft, TargetDraft

ZH = (
    "松山湖党工委副书记、管委会主任欧阳南江日前接受记者专访时表示,要把科学城的创新能级进一步提升。\n"
    "目前,松山湖拥有各类市场主体超1.4万家。\n"
    "2023年,松山湖将瞄准龙头企业、开展境外招商,力争完成全年220亿元的招商总目标。\n"
    "计划前往德国、新加坡等十余个国家和地区“登门招商”。\n"
    "力争新增高新技术企业300家,实施高质量产业招商三年行动计划。\n"
)
EN = (
    "Lao Maochang emphasized that the district must promote industrial investment this year to complete "
    "the target of no less than 13 billion yuan, a year-on-year increase of 30%.\n"
)


def _extraction(**items) -> Extraction:
    return Extraction(summary="s", **items)


def test_hallucinated_quote_gets_none_and_a_warning():
    ex = _extraction(initiatives=[InitiativeDraft(name="X", quote="建设世界一流的量子计算中心和人工智能产业园区")])
    out = ground(ex, from_text(ZH))
    ev = out.initiatives[0].evidence
    assert ev.match == "none" and ev.start is None and ev.end is None and ev.score == 0.0
    assert any("1 item(s) could not be aligned" in w for w in out.warnings)
    assert any("initiative 'X'" in w for w in out.warnings)


def test_require_grounding_drops_unaligned_items():
    ex = _extraction(
        goals=[GoalDraft(statement="invented", quote="建设世界一流的量子计算中心和人工智能产业园区")],
        initiatives=[InitiativeDraft(name="登门招商", quote="“登门招商”")],
    )
    out = ground(ex, from_text(ZH), require_grounding=True)
    assert out.goals == [] and len(out.initiatives) == 1
    assert any("dropped 1" in w for w in out.warnings)
    kept = ground(ex, from_text(ZH))
    assert len(kept.goals) == 1 and kept.goals[0].evidence.match == "none"


def test_invented_number_is_flagged_unverified():
    ex = _extraction(
        targets=[TargetDraft(metric="招商总额", value_text="500亿元", value=5e10, quote="力争完成全年220亿元的招商总目标")]
    )
    out = ground(ex, from_text(ZH, published="2023-01-27"))
    t = out.targets[0]
    assert t.evidence.match == "exact"  # the quote is real ...
    assert t.verified is False  # ... the number is not
    assert t.verification == "not_in_article"
    assert any("'500亿元' occurs nowhere in the article (likely invented)" in w for w in out.warnings)


def test_right_number_under_a_wrong_quote_is_misplaced_and_regrounded():
    """Seen on a real 1.5B model: several targets sharing one generic quote. The number is in the
    article, so this is not an invention: the evidence moves to the sentence holding it."""
    generic = ZH.split("。")[0]
    ex = _extraction(targets=[TargetDraft(metric="招商总额", value_text="220亿元", value=2.2e10, quote=generic)])
    doc = from_text(ZH, published="2023-01-27")
    out = ground(ex, doc)
    t = out.targets[0]
    assert t.verification == "misplaced" and t.verified is False
    assert "220亿元" in t.evidence.quote and doc.raw[t.evidence.start : t.evidence.end] == t.evidence.quote
    assert t.evidence.model_quote == generic
    assert t.value == 22_000_000_000 and t.target_year == 2023


def test_target_without_a_number_becomes_a_goal():
    ex = _extraction(
        targets=[TargetDraft(metric="产业", value_text="strategic emerging industries", quote="力争完成全年220亿元的招商总目标")]
    )
    out = ground(ex, from_text(ZH, published="2023-01-27"))
    assert out.targets == [] and len(out.goals) == 1
    assert "strategic emerging industries" in out.goals[0].statement
    assert any("has no number" in w for w in out.warnings)


def test_publishing_account_is_not_a_speaker():
    ex = _extraction(speakers=[SpeakerDraft(name="东莞发布", quote="力争完成全年220亿元的招商总目标")])
    out = ground(ex, from_text(ZH, published="2023-01-27"))
    assert out.speakers == [] and any("publishing account" in w for w in out.warnings)


def test_real_number_verifies_and_scanner_value_wins():
    ex = _extraction(
        targets=[TargetDraft(metric="招商总额", value_text="220亿元", value=2.2e9, quote="力争完成全年220亿元的招商总目标")]
    )
    out = ground(ex, from_text(ZH, published="2023-01-27"))
    t = out.targets[0]
    assert t.verified is True
    assert t.value == 22_000_000_000  # model said 2.2e9
    assert (t.unit, t.scale, t.currency, t.strength, t.target_year) == ("元", "亿", "CNY", "strive", 2023)
    assert any("differs from the source" in w for w in out.warnings)


def test_number_just_outside_the_quote_still_verifies():
    ex = _extraction(targets=[TargetDraft(metric="投资", value_text="13 billion yuan", quote="complete the target of no less than")])
    out = ground(ex, from_text(EN, published="2024-02-20"))
    t = out.targets[0]
    assert t.verified is True and t.comparator == "at_least" and t.target_year == 2024


def test_period_without_article_date_uses_year_in_sentence_or_warns():
    ex = _extraction(targets=[TargetDraft(metric="招商总额", value_text="220亿元", quote="力争完成全年220亿元的招商总目标")])
    assert ground(ex, from_text(ZH)).targets[0].target_year == 2023  # "2023年," opens the sentence
    raw = "会议要求,力争完成全年220亿元的招商总目标。"
    out = ground(ex, from_text(raw))
    assert out.targets[0].target_year is None
    assert any("not resolved" in w for w in out.warnings)


def test_speaker_name_checks():
    ex = _extraction(
        speakers=[
            # the quote does not contain the name; the name appears elsewhere: fine
            SpeakerDraft(name="欧阳南江", quote="要把科学城的创新能级进一步提升"),
            SpeakerDraft(name="张三", quote="要把科学城的创新能级进一步提升"),
        ]
    )
    out = ground(ex, from_text(ZH))
    assert all(s.evidence.match == "exact" for s in out.speakers)
    assert [w for w in out.warnings if "name not found" in w] == ["speaker '张三': name not found in the source"]


def test_candidates_list_uncovered_numbers_in_target_sentences():
    ex = _extraction(targets=[TargetDraft(metric="招商总额", value_text="220亿元", quote="力争完成全年220亿元的招商总目标")])
    out = ground(ex, from_text(ZH, published="2023-01-27"))
    joined = "\n".join(out.candidates)
    assert "十余个 in: …计划前往德国" in joined
    assert any(c.startswith("300家 in: …力争新增高新技术企业300家") for c in out.candidates)
    assert "220亿元" not in joined  # covered by a target
    assert "1.4万家" not in joined  # a fact, not in a target-like sentence
    assert "2023" not in joined and "三年" not in joined  # years and durations are not targets


def test_candidate_format_for_uncovered_target():
    out = ground(_extraction(), from_text(ZH))
    assert "220亿元 in: …力争完成全年220亿元的招商总目标…" in out.candidates


def test_english_candidates_skip_covered():
    ex = _extraction(
        targets=[TargetDraft(metric="investment", value_text="13 billion yuan", quote="no less than 13 billion yuan")]
    )
    out = ground(ex, from_text(EN))
    assert [c.split(" in: ")[0] for c in out.candidates] == ["30%"]


def test_speaker_name_is_aligned_inside_its_quote() -> None:
    from summarizer.intake import from_text
    from summarizer.models import Extraction

    raw = "会议由王明主持。市长王明表示,今年经济增长6%。王明还说要加快建设科创走廊。"
    doc = from_text(raw)
    ex = Extraction.model_validate(
        {"summary": "s", "speakers": [{"name": "王明", "title": "市长", "quote": "王明还说要加快建设科创走廊"}]}
    )
    sp = ground(ex, doc).speakers[0]
    third = raw.rindex("王明")
    assert (sp.name_evidence.start, sp.name_evidence.end) == (third, third + 2)
    assert sp.name_evidence.match == "exact" and raw[sp.name_evidence.start : sp.name_evidence.end] == "王明"


def test_speaker_name_outside_its_quote_takes_the_first_mention() -> None:
    from summarizer.intake import from_text
    from summarizer.models import Extraction

    raw = "Mayor Wang Ming opened the meeting. He said the city will grow by 6% this year."
    doc = from_text(raw)
    ex = Extraction.model_validate(
        {"summary": "s", "speakers": [{"name": "Wang Ming", "quote": "He said the city will grow by 6% this year"}]}
    )
    sp = ground(ex, doc).speakers[0]
    assert raw[sp.name_evidence.start : sp.name_evidence.end] == "Wang Ming"
    missing = ground(Extraction.model_validate({"summary": "s", "speakers": [{"name": "Li Hua", "quote": "He said"}]}), doc)
    assert missing.speakers[0].name_evidence.match == "none"


def test_a_number_is_only_reground_to_a_compatible_mention() -> None:
    """Seen on a real 1.5B model: the worked example's 6% copied into an article whose only 6 is
    六大 (six major ...). Same value, different thing: not misplaced, not in the article."""
    text = "会议要求以六大标准化产业片区为依托,加快建设产业基地。今年新增企业50家。"
    ex = _extraction(targets=[
        TargetDraft(metric="地区生产总值增速", value_text="6%", value=6, quote="今年全区地区生产总值力争增长6%以上"),
        TargetDraft(metric="新增企业", value_text="50亿元", value=5e9, quote="今年新增企业"),
    ])
    out = ground(ex, from_text(text))
    assert [t.verification for t in out.targets] == ["not_in_article", "not_in_article"]
