"""``summarizer batch INPUTS -o OUT --ray``: the batch on a Ray cluster (``summarizer.distributed``).

With ``--ray``, ``-o`` and ``--errors`` name folders: Ray writes one file per block of
articles (JSONL, or Parquet when ``-o`` ends in ``.parquet``). The cluster is
``--ray-address``, else ``RAY_ADDRESS``, else a local instance on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

from ..settings import Settings
from .common import ExitCode, die, require_reachable


def batch_via_ray(
    settings: Settings,
    inputs: list[str],
    output: Path,
    errors: Path,
    *,
    address: str | None,
    resume: bool,
    replay: Path | None,
    progress: bool,
    summary_json: Path | None,
    allow_failures: bool,
    rpm: float | None = None,
    tpm: float | None = None,
) -> None:
    """The ``batch`` command's ``--ray`` branch; always ends with ``typer.Exit``."""
    from .batchapi_cmd import _finish_run
    from .common import provider_context

    for label, path in (("-o", output), ("--errors", errors)):
        if path.exists() and not path.is_dir():
            die(f"{label} {path}: is a file; with --ray it names a folder (Ray writes one file per block of articles)")
    try:
        from ..distributed.job import run_job
    except ImportError as exc:
        die(f"--ray: {exc}")
        return
    with provider_context(settings, replay) as s:
        if replay is None:
            require_reachable(s)
        try:
            report = run_job(s, inputs, output, errors, address=address, resume=resume, rpm=rpm, tpm=tpm, progress=progress)
        except ConnectionError as exc:
            die(f"--ray: cannot reach the Ray cluster ({exc})", code=ExitCode.PROVIDER_UNREACHABLE)
            return
    _finish_run(report, report, errors=errors, summary_json=summary_json, allow_failures=allow_failures, line=report.line())
