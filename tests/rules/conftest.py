"""Shared by the rules tests: the articles the invariants run over (seeds and the dev set)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED_ARTICLES = sorted((ROOT / "fixtures" / "articles").glob("*.txt"))
DEVSET = ROOT / "fixtures" / "devset"
DEV_ARTICLES = sorted(p for p in DEVSET.glob("*") if p.suffix in (".txt", ".html")) if DEVSET.is_dir() else []
