"""``summarizer inspect FILE``: what intake saw, without calling any provider."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..intake import IntakeError, read_path
from ..intake.inspect import inspect_document, render_text
from .common import ConfigOpt, die, load_settings


def inspect(
    file: Annotated[Path, typer.Argument(help="Article file (.txt, .md, .html).")],
    as_json: Annotated[bool, typer.Option("--json", help="Everything intake found, as JSON.")] = False,
    text_only: Annotated[bool, typer.Option("--text", help="Only the cleaned text the model would see.")] = False,
    budget: Annotated[int | None, typer.Option("--budget", help="Chunk budget in tokens (default: settings).")] = None,
    config: ConfigOpt = None,
) -> None:
    """Show encoding, language, title/date/source, repairs, removed junk and chunk boundaries."""
    if as_json and text_only:
        die("choose one of --json and --text")
    settings = load_settings(config)
    try:
        doc = read_path(file, max_bytes=settings.max_input_bytes)
    except IntakeError as exc:
        die(str(exc))
    if text_only:
        sys.stdout.write(doc.model_text(settings.simplify_chinese).rstrip("\n") + "\n")
        return
    info = inspect_document(doc, budget_tokens=budget or settings.chunk_budget_tokens)
    if as_json:
        sys.stdout.write(json.dumps(info, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(info) + "\n")
