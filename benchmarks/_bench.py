"""Shared by the batch benchmarks: generated articles, a generic loopback responder, helpers.

The responder answers any request with a valid Extraction quoting the article in the request,
so the benchmarks need no recordings and no network (the provider is on 127.0.0.1).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.loopback.responders import echo_responder  # noqa: E402
from summarizer.settings import Settings  # noqa: E402


def article(i: int) -> str:
    """Article ``i``: unique text, English or Simplified Chinese (alternating), ~0.5-1 kB."""
    if i % 2:
        return (
            f"第{i}号通知：市政府召开经济工作会议，部署第{i}期重点项目建设。\n"
            f"市长张{i % 97}在会上指出，今年全市地区生产总值力争增长{i % 7 + 3}%以上，"
            f"新增高新技术企业不少于{i % 80 + 20}家。\n"
            f"会议要求加快建设第{i}号产业园，推动科技创新和产业升级，确保各项目标任务顺利完成。\n"
            "去年全市固定资产投资达到120亿元，同比增长8%。\n"
        )
    return (
        f"Notice {i}: The city government held its economic work conference and set out the key projects of phase {i}.\n"
        f"Mayor Zhang {i % 97} said the city will strive to grow its GDP by more than {i % 7 + 3}% this year "
        f"and add at least {i % 80 + 20} new high-tech enterprises.\n"
        f"The meeting called for faster construction of Industrial Park No. {i} and for more innovation.\n"
        "Last year fixed-asset investment reached 12 billion yuan, up 8% year on year.\n"
    )


def write_jsonl(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"a{i}", "text": article(i), "date": "2024-02-01"}, ensure_ascii=False) + "\n")
    return path


responder = echo_responder


def settings(base_url: str, cache_dir: Path | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(
        provider="replay", base_url=base_url, endpoint_label="replay:bench",
        cache_enabled=cache_dir is not None, cache_dir=cache_dir or Path("/nonexistent"),
        transport_retries=5, max_retry_wait_s=10.0, timeout_s=30.0,
    )
    values.update(overrides)
    return Settings(**values)


def rss_mb() -> float:
    """Current resident set size (Linux /proc), MB."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def iter_lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        yield from fh
