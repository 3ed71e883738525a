"""Long articles: split under the token budget, one request per chunk, results merged and deduplicated."""

from __future__ import annotations

import json
import re

from summarizer import Summarizer
from summarizer.loopback import LoopbackProvider, running
from summarizer.loopback.responders import article_of

from ..conftest import replay_settings

PARA = "市长王明表示,今年全市地区生产总值力争增长6%以上。会议要求加快建设湖东科创走廊,推动产业转型升级和科技创新,持续优化营商环境。"
FILLER = "各部门要压实责任,狠抓落实,确保各项工作任务按期完成,推动经济社会高质量发展取得新成效。"


def _article(paragraphs: int = 12) -> str:
    """Numbered paragraphs, so an answer can say which part of the article its chunk was."""
    return "\n".join(f"第{i + 1}段。" + PARA + "".join(f"({i + 1}.{k})" + FILLER for k in range(3)) for i in range(paragraphs))


def _responder(chunks_seen: list[str]):  # noqa: ANN202
    def answer(body: dict) -> str:
        text = article_of(body)
        chunks_seen.append(text)
        first = re.search(r"\((\d+)\.\d\)|第(\d+)段", text)
        # chunks are answered concurrently: the part is named by where the chunk starts, not by
        # the order the requests arrived in
        return json.dumps(
            {
                "summary": f"第{(first.group(1) or first.group(2)) if first else 0}段起:王明提出增长目标。",
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
    sentences = [x + "。" for x in re.split("。", article.replace("\n", "")) if x]
    assert all(any(sentence in chunk for chunk in seen) for sentence in sentences)
    # the same speaker and initiative from every chunk are kept once
    assert [sp.name for sp in result.speakers] == ["王明"]
    assert [i.name for i in result.initiatives] == ["湖东科创走廊"]
    assert all(item.evidence.match == "exact" for item in [*result.speakers, *result.initiatives])
    # chunk summaries are joined in the article's order, whatever order the answers came back in
    starts = [int(n) for n in re.findall(r"第(\d+)段起", result.summary)]
    assert len(starts) == len(seen) and starts[0] == 1 and starts == sorted(starts)


def test_short_article_is_one_request() -> None:
    seen: list[str] = []
    with running(LoopbackProvider(None, responder=_responder(seen))) as srv:
        with Summarizer(replay_settings(srv)) as s:
            result = s.summarize(_article(1))
    assert result.meta.chunks == 1 and len(seen) == 1
