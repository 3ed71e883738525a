"""Knobs of the provider Batch API path, from arguments or ``SUMMARIZER_BATCH_API_*`` variables.

Kept apart from ``Settings``: they change how answers are fetched, never what is asked, so
they are no part of any cache key. The defaults are OpenAI's limits (50,000 requests and
200 MB per batch input file; the size default stays a little under it).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class BatchApiOptions(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SUMMARIZER_BATCH_API_", extra="ignore")

    max_requests_per_batch: int = Field(default=50_000, ge=1, description="Requests in one batch input file.")
    max_bytes_per_batch: int = Field(default=190 * 1024 * 1024, ge=1024, description="Size of one batch input file.")
    completion_window: str = Field(default="24h", description="The completion window asked for (OpenAI accepts 24h).")
    poll_initial_s: float = Field(default=5.0, gt=0, description="First wait between two status checks.")
    poll_max_s: float = Field(default=60.0, gt=0, description="Longest wait between two status checks (backoff cap).")
    poll_factor: float = Field(default=1.5, ge=1, description="Backoff factor between status checks.")
    failed: Literal["resubmit", "errors"] = Field(
        default="resubmit",
        description="Requests a batch did not answer (expired, failed, cancelled, per-request errors): "
        "resubmit them in a follow-up batch, or end their articles in the errors file.",
    )
    resubmit_rounds: int = Field(default=1, ge=0, description="Follow-up batches before the rest end as errors.")
