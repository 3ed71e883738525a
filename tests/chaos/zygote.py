"""A fork server for CLI runs: the package is imported once, each run is a forked child.

Every CLI run in a fresh interpreter pays ~2 s importing the OpenAI client; the chaos suite
makes about twenty runs. This server (started once, single-threaded) imports ``summarizer.cli``
and then, per request, forks a child that sets up the environment, working folder, file-size
limit and standard streams, and calls the real ``main()``. The child is a separate process like
any subprocess (own exit status, stderr, signal dispositions, rlimits, file locks); only the
import happened before the fork.

Protocol: one JSON object per line on stdin, one JSON answer per line on stdout.
``{"op": "spawn", "argv": [...], "env": {...}, "cwd": ..., "stdout": path, "stderr": path,
"fsize": int|null}`` -> ``{"pid": n}``; ``{"op": "wait", "pid": n, "timeout": s}`` ->
``{"rc": code}`` (negative: killed by that signal; ``null``: timed out, child killed).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import threading
import time


def _child(req: dict) -> None:
    code = 1
    try:
        os.environ.clear()
        os.environ.update(req["env"])
        os.chdir(req["cwd"])
        for fd, path, mode in ((0, os.devnull, os.O_RDONLY), (1, req["stdout"], os.O_WRONLY), (2, req["stderr"], os.O_WRONLY)):
            target = os.open(path, mode | (os.O_CREAT | os.O_TRUNC if fd else 0), 0o644)
            os.dup2(target, fd)
            os.close(target)
        # CPython ignores SIGXFSZ at start-up; an embedding host or a library may not: start from
        # the kernel default (kill) so only the CLI's own handling can save a run over RLIMIT_FSIZE
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        if req.get("fsize") is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (req["fsize"], req["fsize"]))
        sys.argv = ["summarizer", *req["argv"]]
        from summarizer.cli import main

        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - report like an interpreter would, then exit non-zero
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _wait(pid: int, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.01)


def serve() -> None:
    import summarizer.cli  # noqa: F401 - the point: import once, before any fork

    assert threading.active_count() == 1, "the fork server must be single-threaded"
    out = sys.stdout
    for line in sys.stdin:
        req = json.loads(line)
        if req["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                _child(req)
            answer: dict = {"pid": pid}
        else:
            answer = {"rc": _wait(req["pid"], req["timeout"])}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    serve()
