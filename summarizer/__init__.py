"""summarizer: grounded, schema-validated structured summaries of policy news."""

from __future__ import annotations

__version__ = "0.2.0"

from .api import AsyncSummarizer, Summarizer, summarize  # noqa: E402
from .models import ArticleSummary  # noqa: E402
from .settings import Settings  # noqa: E402

__all__ = ["ArticleSummary", "AsyncSummarizer", "Settings", "Summarizer", "summarize", "__version__"]
