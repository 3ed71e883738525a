"""``summarizer prompts export DIR`` and ``prompts check DIR``: prompt templates of one's own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..prompts import PromptError, export_prompts, load_prompts
from .common import die, err_console

prompts_app = typer.Typer(help="Prompt templates of your own (use them with --prompts DIR).", no_args_is_help=True)


@prompts_app.command("export")
def export(folder: Annotated[Path, typer.Argument(help="An empty (or new) folder to write the shipped templates into.")]) -> None:
    """Write the shipped templates into FOLDER as a starting point; edit them, then pass --prompts FOLDER."""
    try:
        written = export_prompts(folder)
    except (PromptError, OSError) as exc:
        die(str(exc))
    err_console.print(f"wrote {len(written)} templates to {folder}; use them with --prompts {folder}", highlight=False, markup=False)


@prompts_app.command("check")
def check(
    folder: Annotated[Path, typer.Argument(help="A folder of templates (from prompts export).")],
    variant: Annotated[str, typer.Option("--prompt-variant", help="full or compact.")] = "full",
) -> None:
    """Check that FOLDER's templates load and render (what --prompts does before any request)."""
    try:
        prompts = load_prompts(folder, variant=variant)
    except PromptError as exc:
        die(str(exc))
    err_console.print(f"{folder}: templates ok (prompt version {prompts.version})", highlight=False, markup=False)
