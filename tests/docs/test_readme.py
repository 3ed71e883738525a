"""Every command and code block of the README runs, exactly as written (the two set-up commands
are run by .ci/run itself). Blocks run in README order in one sandbox folder, so a block may use
what an earlier one wrote (out/...); hosted and local providers are stood in for by the project's
loopback provider (SUMMARIZER_BASE_URL, and a server on the port a block names)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.loopback import LoopbackProvider
from summarizer.loopback.responders import echo_responder
from summarizer.loopback.server import RunningProvider
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
sys.path.insert(0, str(ROOT / ".ci"))
from readme_commands import setup_commands  # noqa: E402

_FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
_PORT = re.compile(r"http://127\.0\.0\.1:(\d+)/v1")


def _blocks() -> list[tuple[str, str]]:
    setup = README.index("## Set up")
    after_setup = README.index("\n## ", setup + 1)
    return [(m.group(1), m.group(2)) for m in _FENCE.finditer(README) if not (setup < m.start() < after_setup)]


BLOCKS = _blocks()


def test_readme_has_exactly_two_setup_commands() -> None:
    cmds = setup_commands(README)
    assert len(cmds) == 2
    assert cmds[0].endswith("summarizer batch fixtures/articles --replay fixtures/recordings -o out/results.jsonl")
    assert cmds[1].endswith("pip install '.[test]' && pytest -q")


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    root = tmp_path_factory.mktemp("readme")
    (root / "fixtures").symlink_to(ROOT / "fixtures")
    hosted = RunningProvider(LoopbackProvider(None, responder=echo_responder)).start()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(root / "home"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "SUMMARIZER_BASE_URL": hosted.base_url,  # --provider openai/deepseek talk to the loopback
        "PYTHONUTF8": "1",
    }
    env.pop("SUMMARIZER_CONFIG", None)
    for name in [n for n in env if n.startswith("RAY_")]:
        # ray.init() elsewhere in this test process switched on token auth through the environment
        # (RAY_AUTH_MODE=token); a reader's shell has none of that
        env.pop(name)
    # what the first set-up command leaves behind, for the blocks that read it
    first = subprocess.run(
        ["summarizer", "batch", "fixtures/articles", "--replay", "fixtures/recordings", "-o", "out/results.jsonl", "--no-progress"],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )
    assert first.returncode == 0, first.stderr
    try:
        yield root, env
    finally:
        hosted.stop()


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=[f"{i}-{kind}" for i, (kind, _) in enumerate(BLOCKS)])
def test_readme_block_runs_as_written(index: int, sandbox: tuple[Path, dict[str, str]]) -> None:
    root, env = sandbox
    kind, code = BLOCKS[index]
    if kind == "toml":
        cfg = root / f"block{index}.toml"
        cfg.write_text(code, encoding="utf-8")
        settings = Settings.load(cfg)  # unknown keys would be an error
        assert settings.provider and settings.prices
        return
    if kind == "python":
        proc = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr
        return
    assert kind == "bash", f"README block {index}: unknown kind {kind}"
    served = set(re.findall(r"--port (\d+)", code))  # a server the block starts itself
    servers = [RunningProvider(LoopbackProvider(None, responder=echo_responder), port=int(p)).start()
               for p in sorted(set(_PORT.findall(code)) - served)]  # a local model the block names
    try:
        proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", code], cwd=root, env=env, capture_output=True,
                              text=True, timeout=600)
    finally:
        for srv in servers:
            srv.stop()
    assert proc.returncode == 0, f"README block {index} failed:\n{code}\n--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr


def test_readme_outputs_are_what_it_says(sandbox: tuple[Path, dict[str, str]]) -> None:
    """Runs after the blocks (file order): the files they claim to write exist and hold records."""
    root, _ = sandbox
    for name in ("003.json", "a1.json", "openai.json"):
        record = json.loads((root / "out" / name).read_text(encoding="utf-8"))
        assert record["article"]["id"] and "meta" in record
    assert (root / "out" / "report.html").stat().st_size > 1000
    assert (root / "out" / "targets.csv").read_bytes().startswith(b"\xef\xbb\xbf")
