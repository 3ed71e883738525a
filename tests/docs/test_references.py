"""No file of the project points at a file the repository does not have (a DESIGN.md that was
never committed, a sibling folder of the machine it was built on)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DANGLING = re.compile(r"DESIGN\.md|/work/shared|\.\./shared/|shared/gold/|shared/real-recordings")


def test_no_reference_to_files_outside_the_repository() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    hits = []
    for name in tracked:
        path = ROOT / name
        if path.suffix not in (".py", ".md", ".toml", ".j2", ".txt") or "recordings" in name or name == "tests/docs/test_references.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if DANGLING.search(line):
                hits.append(f"{name}:{n}: {line.strip()[:100]}")
    assert not hits, "\n".join(hits)


def test_every_repo_path_the_readme_names_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:fixtures|benchmarks|schemas|prompts|tests|summarizer|tools)/[\w./-]+)`", readme))
    assert named, "the README names repository paths"
    missing = [p for p in sorted(named) if not (ROOT / p).exists()]
    assert not missing, missing
