"""Fixtures for the report tests: the seed results (replayed batch) and a real headless Chromium.

The browser is Debian's chromium (/usr/bin/chromium, installed by .ci/run), driven by Playwright
through ``executable_path``: Playwright's own browser download does not work offline. The flags
keep Chromium from opening any connection of its own (the network is closed).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

from ..conftest import ARTICLES, RECORDINGS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the report in headless Chromium (Debian's /usr/bin/chromium)")


@pytest.fixture(scope="session")
def seed_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """results.jsonl of the five seed articles, summarized from the recordings (no network)."""
    out = tmp_path_factory.mktemp("seeds")
    results = out / "results.jsonl"
    args = ["batch", str(ARTICLES), "-o", str(results), "--replay", str(RECORDINGS), "--no-cache", "--no-progress"]
    # in a thread of its own: Playwright's sync API keeps an event loop running in this one,
    # and the batch calls asyncio.run
    with ThreadPoolExecutor(1) as pool:
        res = pool.submit(CliRunner().invoke, app, args).result()
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in results.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(lines) == 5
    return results


# module scope, not session: Playwright's sync API keeps an asyncio loop running in this thread
# while it is open, which would break every later test that calls asyncio.run
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need playwright (pip install -e '.[test]')")
    with sync_playwright() as p:
        # launch() gives every run a fresh temporary profile (user-data dir)
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageProbe:
    """A page plus what it did: requests made, dialogs opened, script errors."""

    def __init__(self, page) -> None:  # noqa: ANN001
        self.page = page
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_dialog(d) -> None:  # noqa: ANN001
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)

    def open(self, path: Path, fragment: str = "") -> None:
        self.page.goto(path.resolve().as_uri() + fragment)
        self.page.wait_for_selector("body[data-ready]")

    def open_article(self, k: int) -> None:
        self.page.evaluate("k => { location.hash = '#a/' + k; }", k)
        self.page.wait_for_selector("#article h2", state="attached")


@pytest.fixture
def probe(chromium) -> Iterator[PageProbe]:  # noqa: ANN001
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    try:
        yield PageProbe(context.new_page())
    finally:
        context.close()


@pytest.fixture
def seed_inputs(tmp_path: Path) -> Path:
    """A private copy of the seed articles (tests may edit it)."""
    dest = tmp_path / "articles"
    shutil.copytree(ARTICLES, dest)
    return dest
