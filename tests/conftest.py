"""Shared fixtures: the project's loopback provider on 127.0.0.1 replaying fixtures/recordings."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.loopback import LoopbackProvider, running
from summarizer.loopback.server import RunningProvider
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ARTICLES = FIXTURES / "articles"
RECORDINGS = FIXTURES / "recordings"
SEEDS = sorted(p.stem for p in ARTICLES.glob("*.txt"))


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may only connect to loopback addresses."""
    real = socket.socket.connect

    def guarded(self: socket.socket, address, *a, **kw):  # noqa: ANN001
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")) and self.family != socket.AF_UNIX:
            raise OSError(f"test tried to reach the network: {address!r}")
        return real(self, address, *a, **kw)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    for var in ("OPENAI_API_KEY", "DEEPSEEK_API_KEY", "DASHSCOPE_API_KEY", "SUMMARIZER_API_KEY", "SUMMARIZER_CONFIG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def provider() -> LoopbackProvider:
    return LoopbackProvider(RECORDINGS)


@pytest.fixture
def loopback(provider: LoopbackProvider) -> Iterator[RunningProvider]:
    with running(provider) as srv:
        yield srv


def replay_settings(srv: RunningProvider | str, tmp_path: Path | None = None, **overrides) -> Settings:  # noqa: ANN003
    """Settings pointed at the loopback provider (or a base URL); the cache only when tmp_path is given."""
    values = dict(
        provider="replay",
        base_url=srv if isinstance(srv, str) else srv.base_url,
        endpoint_label="replay:fixtures",
        cache_enabled=tmp_path is not None,
        cache_dir=(tmp_path or Path("/nonexistent")) / "cache",
        transport_retries=3,
        max_retry_wait_s=2.0,
        timeout_s=10.0,
    )
    values.update(overrides)
    return Settings(**values)
