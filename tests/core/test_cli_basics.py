"""Small promises of the CLI: a version, no library log noise, an idempotent authoring tool."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from summarizer import __version__
from summarizer.cli import app
from summarizer.loopback import Fault, LoopbackProvider, running

from ..conftest import ARTICLES, RECORDINGS, SEEDS

ROOT = Path(__file__).resolve().parents[2]


def test_version() -> None:
    out = CliRunner().invoke(app, ["--version"])
    assert out.exit_code == 0 and out.stdout.strip() == f"summarizer {__version__}"


def test_no_library_retry_logs_reach_stderr(tmp_path: Path) -> None:
    """instructor printed "API call failed on attempt 1 ..." with the whole answer to stderr."""
    provider = LoopbackProvider(RECORDINGS)
    provider.faults.add(Fault("invalid", times=3))
    with running(provider) as srv:
        proc = subprocess.run(
            [sys.executable, "-m", "summarizer", "batch", str(ARTICLES / f"{SEEDS[3]}.txt"), "-o",
             str(tmp_path / "r.jsonl"), "--base-url", srv.base_url, "--provider", "replay", "--model", "authored",
             "--no-cache", "--no-progress"],
            capture_output=True, text=True, cwd=ROOT, timeout=120,
        )
    assert provider.stats.faults >= 1, "the invalid answer was served"
    assert "API call failed" not in proc.stderr and "Traceback" not in proc.stderr
    assert proc.returncode == 0, proc.stderr  # the invalid answers are re-asked, then dropped with a warning


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.json"))}


def test_authoring_twice_changes_nothing(tmp_path: Path) -> None:
    """Re-authoring the committed recordings changes no byte (so they are current, and the tool
    no longer appends duplicate responses when nothing changed)."""
    import shutil

    out = tmp_path / "rec"
    shutil.copytree(RECORDINGS, out)
    args = [sys.executable, "-m", "summarizer.loopback.author", "--out", str(out),
            "--articles", str(ROOT / "fixtures" / "articles"), "--answers", str(ROOT / "fixtures" / "answers")]
    for _ in range(2):
        subprocess.run(args, check=True, capture_output=True, cwd=ROOT, timeout=300)
        assert _digest(out) == _digest(RECORDINGS)
