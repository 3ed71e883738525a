"""Long articles: split under the token budget, one request per chunk, results merged and deduplicated."""

from __future__ import annotations

import json

from summarizer import Summarizer
from summarizer.loopback import LoopbackProvider, running
from summarizer.loopback.responders import article_of

from ..conftest import replay_settings

PARA = "市长王明表示,今年全市地区生产总值力争增长6%以上。会议要求加快建设湖东科创走廊,推动产业转型升级和科技创新,持续优化营商环境。"
FILLER = "各部门要压实责任,狠抓落实,确保各项工作任务按期完成,推动经济社会高质量发展取得新成效。"


def _article(paragraphs: int = 12) -> str:
    return "\n".join(PARA + FILLER * 3 for _ in range(paragraphs))


def _responder(chunks_seen: list[str]):  # noqa: ANN202
    def answer(body: dict) -> str:
        text = article_of(body)
        chunks_seen.append(text)
        return json.dumps(
            {
                "summary": f"第{len(chunks_seen)}部分:王明提出增长目标。",
                "speakers": [{"name": "王明", "title": "市长", "quote": "市长王明表示"}],
                "targets": [{"metric": "地区生产总值增速", "value_text": "6%", "value": 6, "unit": "%", "comparator": "at_least",
                             "kind": "growth_rate", "period": "今年", "quote": "今年全市地区生产总值力争增长6%以上"}],
                "initiatives": [{"name": "湖东科创走廊", "quote": "加快建设湖东科创走廊"}],
                "goals": [],
            },
            ensure_ascii=False,
        )

    return answer


def test_long_article_is_chunked_and_merged() -> None:
    seen: list[str] = []
    article = _article()
    with running(LoopbackProvider(None, responder=_responder(seen))) as srv:
        with Summarizer(replay_settings(srv, chunk_budget_tokens=400)) as s:
            result = s.summarize(article)
    assert result.meta.chunks == len(seen) > 1
    assert result.meta.usage.requests == len(seen)
    # every chunk fits the budget, and together they cover the whole article
    joined = "".join(seen)
    assert all(para in joined for para in article.split("\n"))
    # the same speaker and initiative from every chunk are kept once
    assert [sp.name for sp in result.speakers] == ["王明"]
    assert [i.name for i in result.initiatives] == ["湖东科创走廊"]
    assert all(item.evidence.match == "exact" for item in [*result.speakers, *result.initiatives])
    # chunk summaries are joined in order
    assert result.summary.startswith("第1部分") and f"第{len(seen)}部分" in result.summary


def test_short_article_is_one_request() -> None:
    seen: list[str] = []
    with running(LoopbackProvider(None, responder=_responder(seen))) as srv:
        with Summarizer(replay_settings(srv)) as s:
            result = s.summarize(_article(1))
    assert result.meta.chunks == 1 and len(seen) == 1
