"""Shared helpers for the chaos suite: run the CLI as a user does and check what they would see.

* ``run_cli`` / ``spawn_cli``: the ``summarizer`` command in its own process (real exit status,
  real stderr, its own signal dispositions, rlimits and file locks), forked from a server that
  imported the package once (``zygote.py``: saves ~2 s of imports per run);
* ``echo_provider``: the loopback provider answering any article with a valid extraction;
* ``assert_no_crash``: stderr shows no traceback, no asyncio "never retrieved", no internal error;
* ``tmpfs``: a small RAM file system to fill up (skips, saying why, where mounting is not allowed);
* ``records``: the lines of a JSONL file, failing on a torn (unterminated or unparsable) line.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer.loopback import LoopbackProvider, running
from summarizer.loopback.server import RunningProvider

from ..batch.support import responder

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from summarizer.cli import main; main()"]  # for a plain subprocess.Popen
CRASH_SIGNS = ("Traceback (most recent call last)", "Task exception was never retrieved", "internal error", "Exception ignored")


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env.update(PYTHONPATH=str(ROOT), COLUMNS="200", NO_COLOR="1", TERM="dumb", PYTHONIOENCODING="utf-8", **extra)
    return env


class _ForkServer:
    """The ``zygote`` process, started on first use and ended with the test session."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def request(self, req: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = subprocess.Popen(
                    [sys.executable, str(Path(__file__).with_name("zygote.py"))], env=cli_env(), cwd=ROOT,
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
                )
                atexit.register(self._proc.kill)
            assert self._proc.stdin is not None and self._proc.stdout is not None
            self._proc.stdin.write(json.dumps(req) + "\n")
            self._proc.stdin.flush()
            answer = self._proc.stdout.readline()
            assert answer, "the CLI fork server died"
            return json.loads(answer)


_SERVER = _ForkServer()


class CliRun:
    """One CLI process: its own exit status, stdout and stderr (read from files once it ends)."""

    def __init__(self, args: list[str], env: dict[str, str], fsize: int | None) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="cli-run-"))
        self.args = args
        req = {"op": "spawn", "argv": args, "env": env, "cwd": str(ROOT), "fsize": fsize,
               "stdout": str(self._dir / "out"), "stderr": str(self._dir / "err")}
        self.pid: int = _SERVER.request(req)["pid"]

    def alive(self) -> bool:
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state != "Z"  # a zombie has ended; the fork server has not reaped it yet

    def wait(self, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        rc = _SERVER.request({"op": "wait", "pid": self.pid, "timeout": timeout})["rc"]
        out, err = ((self._dir / n).read_bytes().decode("utf-8", "replace") for n in ("out", "err"))
        shutil.rmtree(self._dir, ignore_errors=True)
        if rc is None:
            raise subprocess.TimeoutExpired(self.args, timeout, out, err)
        return subprocess.CompletedProcess(self.args, rc, out, err)


def spawn_cli(*args: str | Path, fsize: int | None = None, **env: str) -> CliRun:
    """Start ``summarizer ARGS`` in its own process; ``fsize``: RLIMIT_FSIZE in bytes."""
    return CliRun([str(a) for a in args], cli_env(**env), fsize)


def run_cli(*args: str | Path, timeout: float = 60, fsize: int | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return spawn_cli(*args, fsize=fsize, **env).wait(timeout)


def provider_args(base_url: str) -> list[str]:
    """A real (non --replay) provider: the loopback server over HTTP, so the start-up probe runs."""
    return ["--provider", "replay", "--base-url", base_url]


def batch_args(inputs: list[str | Path], out: Path, base_url: str, *extra: str | Path, cache: Path | None = None) -> list[str]:
    cache_args = ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    return ["batch", *map(str, inputs), "-o", str(out), *provider_args(base_url), *cache_args, "--no-progress", *map(str, extra)]


@contextlib.contextmanager
def echo_provider(**kwargs: Any) -> Iterator[RunningProvider]:
    with running(LoopbackProvider(None, responder=responder, **kwargs)) as srv:
        yield srv


def assert_no_crash(proc: subprocess.CompletedProcess[str]) -> None:
    for sign in CRASH_SIGNS:
        assert sign not in proc.stderr, f"{sign!r} on stderr:\n{proc.stderr}"


def records(path: Path) -> list[dict[str, Any]]:
    """Parsed lines of a JSONL file; fails on a torn line (no final newline, or not JSON)."""
    if not path.exists():
        return []
    raw = path.read_bytes()
    assert not raw or raw.endswith(b"\n"), f"{path}: torn last line {raw[-80:]!r}"
    return [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]


def names(path: Path) -> list[str]:
    """Input names of the records in a results file."""
    return [r["article"]["input_name"] for r in records(path)]


def write_articles(path: Path, ids: list[str], text: Callable[[int], str]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i, ident in enumerate(ids):
            fh.write(json.dumps({"id": ident, "text": text(i)}, ensure_ascii=False) + "\n")


def _mount(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["mount", *args], capture_output=True, timeout=20)


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A RAM file system of ``size`` mounted at ``where`` (needs root or CAP_SYS_ADMIN)."""
    where.mkdir(parents=True, exist_ok=True)
    try:
        done = _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where))
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot run mount ({exc}); a tmpfs is needed to fill a disk")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()}); needs root / CAP_SYS_ADMIN")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=20)


def remount(where: Path, options: str) -> None:
    done = _mount("-o", f"remount,{options}", str(where))
    assert done.returncode == 0, done.stderr.decode()
