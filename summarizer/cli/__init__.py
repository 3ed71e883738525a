"""The ``summarizer`` command line: a thin shell over the Python API and the batch engine."""

from __future__ import annotations

from .app import app, main

__all__ = ["app", "main"]
