"""simplify_chinese: the model sees Simplified Chinese; evidence still points into the raw Traditional text."""

from __future__ import annotations

import json
import re

import opencc

from summarizer import Summarizer
from summarizer.intake import read_path
from summarizer.loopback import LoopbackProvider, running
from summarizer.loopback.responders import article_of

from ..conftest import ARTICLES, replay_settings

SEED = ARTICLES / "002_7fb5d263923113ca.txt"
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


def test_model_sees_simplified_and_evidence_lands_on_raw_traditional() -> None:
    seen: list[str] = []

    def responder(body: dict) -> str:
        text = article_of(body)
        seen.append(text)
        return json.dumps(
            {
                "summary": "东莞市委理论学习中心组召开专题学习会。",
                "speakers": [{"name": "韦皓", "title": "市委书记", "quote": "市委书记韦皓主持会议并讲话"}],
                "initiatives": [{"name": "“十百千万百万”人才工程", "quote": "持续深入实施“十百千万百万”人才工程"}],
                "goals": [], "targets": [],
            },
            ensure_ascii=False,
        )

    with running(LoopbackProvider(None, responder=responder)) as srv:
        with Summarizer(replay_settings(srv, simplify_chinese=True)) as s:
            result = s.summarize(read_path(SEED))
    assert "学习" in seen[0] and "學習" not in seen[0] and "(xué)" not in seen[0]
    raw = SEED.read_text(encoding="utf-8")
    to_simplified = opencc.OpenCC("t2s")
    for item in [*result.speakers, *result.initiatives]:
        ev = item.evidence
        assert ev.match == "normalized", (item, ev)
        span = raw[ev.start : ev.end]
        assert span != ev.quote, "the raw span is Traditional and carries pinyin"
        assert to_simplified.convert(PINYIN.sub("", span)) == ev.quote
    assert result.article.language == "zh-Hant"
