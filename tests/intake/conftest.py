"""Paths and helpers for the intake tests (all offline; the root conftest blocks the network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.intake import chunking

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "fixtures" / "articles"
INTAKE = ROOT / "fixtures" / "intake"
SEED_PATHS = sorted(ARTICLES.glob("*.txt"))


def seed(prefix: str) -> Path:
    return next(p for p in SEED_PATHS if p.name.startswith(prefix))


@pytest.fixture(autouse=True)
def _fresh_tokenizer():
    """The tokenizer choice is cached per process; tests that fake the cache must not leak."""
    chunking._tiktoken_encoder.cache_clear()
    yield
    chunking._tiktoken_encoder.cache_clear()
