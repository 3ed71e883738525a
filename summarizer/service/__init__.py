"""The service module: ``SummarizerService`` (importable async service) and ``create_app``
(HTTP API). Neither imports the CLI; the core pipeline never imports this package."""

from __future__ import annotations

from typing import Any

from .core import ArticleIn, Outcome, SummarizerService

__all__ = ["ArticleIn", "Outcome", "SummarizerService", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":  # FastAPI is imported only by those who serve HTTP
        from .http import create_app

        return create_app
    raise AttributeError(name)
