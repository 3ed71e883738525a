"""Alignment oracle: quotes planted in generated text, perturbed, must come back at the planted span."""

from __future__ import annotations

import opencc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.grounding.align import FUZZY_THRESHOLD, Aligner
from summarizer.intake import from_text
from summarizer.intake.document import Document, OffsetMap

T2S = opencc.OpenCC("t2s")
S2T = opencc.OpenCC("s2t")

# Filler and planted text use disjoint alphabets (also after t2s), so the planted quote can only
# be found where it was planted and the expected span is known exactly.
_FILLER_HAN = [c for c in "的是在了有和人这中大为上国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定" if T2S.convert(c) == c]
_PLANT_HAN = [
    c for c in "东莞学习会议书记强调发展战略产业经济质量现实规划设计资讯协调导师难点报纸讲话"
    if T2S.convert(c) == c and S2T.convert(c) != c and c not in _FILLER_HAN
]
_FILLER_WORDS = ["the", "of", "and", "city", "will", "build", "new", "area", "to", "in", "more", "with"]
_PLANT_WORDS = ["Dongguan", "Songshan", "Lake", "Corridor", "innovation", "Pengjiang", "yuan", "target"]
_PUNCT_HALF_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}
_PUNCT_FULL_HALF = {v: k for k, v in _PUNCT_HALF_FULL.items()}
_QUOTE_SWAP = {"“": '"', "”": '"', "‘": "'", "’": "'"}


def _filler_zh(draw, n):
    return "".join(draw(st.lists(st.sampled_from(_FILLER_HAN), min_size=0, max_size=n)))


def _filler_en(draw, n):
    return " ".join(draw(st.lists(st.sampled_from(_FILLER_WORDS), min_size=0, max_size=n)))


@st.composite
def planted_zh(draw):
    parts = draw(st.lists(st.text(alphabet=_PLANT_HAN, min_size=1, max_size=6), min_size=1, max_size=4))
    seps = draw(st.lists(st.sampled_from(["，", "、", "：", "“", "”", " ", "（", "）"]), min_size=len(parts) - 1, max_size=len(parts) - 1))
    return "".join(p + s for p, s in zip(parts, seps + [""]))


@st.composite
def planted_en(draw):
    words = draw(st.lists(st.sampled_from(_PLANT_WORDS), min_size=2, max_size=6))
    seps = draw(st.lists(st.sampled_from([" ", ", ", ": ", " “", "” ", "; "]), min_size=len(words) - 1, max_size=len(words) - 1))
    return "".join(w + s for w, s in zip(words, seps + [""]))


@st.composite
def document_with_plant(draw, lang):
    plant = draw(planted_zh() if lang == "zh" else planted_en() if lang == "en" else st.one_of(planted_zh(), planted_en()))
    if lang == "mixed":
        before = _filler_zh(draw, 30) + " " + _filler_en(draw, 8) + " "
        after = " " + _filler_en(draw, 8) + _filler_zh(draw, 30)
    elif lang == "zh":
        before, after = _filler_zh(draw, 40) + "。", "。" + _filler_zh(draw, 40)
    else:
        before, after = _filler_en(draw, 12) + ". ", ". " + _filler_en(draw, 12)
    script = draw(st.sampled_from(["simplified", "traditional"]))
    if script == "traditional":  # the raw page is in Traditional script; the model quotes Simplified
        plant = S2T.convert(plant)
    return before + plant + after, len(before), plant


@st.composite
def perturbation(draw, text):
    """Width, spacing, quote-style and script changes a model makes when 'copying' a quote."""
    out = text
    if draw(st.booleans()):
        out = "".join(_PUNCT_HALF_FULL.get(c, _PUNCT_FULL_HALF.get(c, c)) for c in out)
    if draw(st.booleans()):
        out = "".join(_QUOTE_SWAP.get(c, c) for c in out)
    if draw(st.booleans()):
        out = T2S.convert(out) if draw(st.booleans()) else S2T.convert(out)
    spacing = draw(st.sampled_from(["keep", "drop", "double", "insert"]))
    if spacing == "drop":
        out = out.replace(" ", "")
    elif spacing == "double":
        out = out.replace(" ", "  ")
    elif spacing == "insert" and len(out) > 2:
        i = draw(st.integers(1, len(out) - 1))
        out = out[:i] + " " + out[i:]
    return out if out.strip() else text


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_oracle(data, lang):
    raw, start, plant = data.draw(document_with_plant(lang))
    quote = data.draw(perturbation(plant))
    ev = Aligner(from_text(raw, name="gen")).align(quote)
    assert ev.match in ("exact", "normalized"), (raw, quote, ev)
    assert (ev.start, ev.end) == (start, start + len(plant)), (raw, quote, ev)
    assert raw[ev.start : ev.end] == plant
    if ev.match == "exact":
        assert raw[ev.start : ev.end] == quote


@_SETTINGS
@given(st.data())
def test_oracle_chinese(data):
    _check_oracle(data, "zh")


@_SETTINGS
@given(st.data())
def test_oracle_english(data):
    _check_oracle(data, "en")


@_SETTINGS
@given(st.data())
def test_oracle_mixed(data):
    _check_oracle(data, "mixed")


# --------------------------------------------------------------------------- examples


def test_exact_offsets_hold():
    raw = "前言。力争完成全年220亿元的招商总目标。"
    ev = Aligner(from_text(raw)).align("力争完成全年220亿元的招商总目标")
    assert ev.match == "exact" and ev.score == 1.0
    assert raw[ev.start : ev.end] == ev.quote


def test_pinyin_corruption_aligns_over_the_corrupted_run():
    raw = "11月28日上午,東莞市委理論學(xué)習(xí)中心組召開(kāi)專題學(xué)習(xí)會(huì),深入學(xué)習(xí)。"
    ev = Aligner(from_text(raw)).align("東莞市委理論學習中心組召開專題學習會")
    assert ev.match == "normalized"
    assert raw[ev.start : ev.end] == "東莞市委理論學(xué)習(xí)中心組召開(kāi)專題學(xué)習(xí)會(huì)"
    simplified = Aligner(from_text(raw)).align("理论学习")  # the model answered in Simplified
    assert raw[simplified.start : simplified.end] == "理論學(xué)習(xí)"


def test_cleaned_text_hit_maps_back_to_raw():
    """Junk inside a sentence that intake removed: only the cleaned text has the quote."""
    raw = "力争完成全年<广告 点击这里>220亿元的招商总目标。"
    cut_start, cut_end = raw.index("<"), raw.index(">") + 1
    text = raw[:cut_start] + raw[cut_end:]
    offsets = OffsetMap([(0, 0, cut_start), (cut_start, cut_end, len(raw) - cut_end)])
    doc = Document(raw=raw, text=text, offsets=offsets)
    ev = Aligner(doc).align("力争完成全年220亿元的招商总目标")
    assert ev.match == "normalized"
    assert (ev.start, ev.end) == (0, len(raw) - 1)


def test_repeated_quote_takes_occurrences_in_order():
    q = "加快建设七大战略性新兴产业基地"
    raw = f"一是{q}。二是别的。三是{q}。"
    first, second = raw.find(q), raw.rfind(q)
    aligner = Aligner(from_text(raw))
    got = [aligner.align(q, group="initiative").start for _ in range(3)]
    assert got == [first, second, first]  # a third item reuses the first occurrence
    # another kind of item quoting the same sentence is not pushed to a later occurrence
    assert aligner.align(q, group="target").start == first


def test_repeated_normalized_quote_takes_occurrences_in_order():
    raw = "東莞學(xué)習(xí)會議。其他。東莞學(xué)習(xí)會議。"
    aligner = Aligner(from_text(raw))
    a, b = aligner.align("东莞学习会议"), aligner.align("东莞学习会议")
    assert a.match == b.match == "normalized"
    assert a.start == 0 and b.start == raw.rindex("東莞")


def test_fuzzy_chinese_one_character_off():
    raw = "前言。2023年,松山湖将瞄准龙头企业,力争完成全年220亿元的招商总目标。其他内容。"
    ev = Aligner(from_text(raw)).align("力争完成全年220亿元招商总目标")  # dropped 的
    assert ev.match == "fuzzy"
    assert FUZZY_THRESHOLD / 100 <= ev.score < 1
    assert raw[ev.start : ev.end] == "力争完成全年220亿元的招商总目标"


def test_fuzzy_english_is_word_aligned():
    raw = "Intro. District Party Secretary Lao Maochang attended the meeting and delivered a speech. Then more."
    ev = Aligner(from_text(raw)).align("Lao Maochang attended the meeting and delivered speech")
    assert ev.match == "fuzzy"
    assert raw[ev.start : ev.end] == "Lao Maochang attended the meeting and delivered a speech"


def test_paraphrase_is_not_aligned():
    raw = "The district will build four industrial platforms this year."
    ev = Aligner(from_text(raw)).align("The city government promised to double the number of parks")
    assert ev.match == "none" and ev.start is None and ev.score == 0.0
