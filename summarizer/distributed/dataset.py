"""``summarize_dataset(ds, settings) -> ray.data.Dataset``: the pipeline over a Ray Dataset.

Built on ``Dataset.map_batches`` with a pool of actors, each holding one ``Pipeline``
(``worker.SummarizeBatch``), not on ``ray.data.llm``'s processors. Those send one HTTP
request per row (``HttpRequestProcessorConfig``, with a per-worker ``qps``) or run a model on
GPUs (vLLM, SGLang): they fit a single stateless prompt per row. An article here is a
conversation that depends on its own answers (item re-asks, quote fixes and gleaning decided
by grounding the first answer against the source), reads and fills a shared answer cache with
claims, and ends in grounding and merge: that is the ``Pipeline``, so each actor runs it
whole, and the provider's limits are enforced across actors by one ``budget.RateBudget``.

The answer cache is ``settings.cache_dir`` (or ``cache_dir``): put it on a filesystem every
node mounts at the same path and the actors share answers and finished summaries; the
cache's claims (holder host and pid, a TTL for holders on other hosts) keep two actors from
paying for the same chunk, and let an actor that replaces a killed one take over at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr

from ..settings import Settings
from .cluster import require_ray
from .worker import SummarizeBatch


def worker_settings(settings: Settings, cache_dir: str | Path | None = None) -> Settings:
    """Settings as the actors get them: the key resolved here (nodes may not have the variable)."""
    update: dict[str, Any] = {}
    if cache_dir is not None:
        update["cache_dir"] = Path(cache_dir)
    key = settings.resolved_api_key()
    if key and settings.api_key is None:
        update["api_key"] = SecretStr(key)
    return settings.model_copy(update=update) if update else settings


def make_budget(settings: Settings, *, actors: int, concurrency: int | None = None, rpm: float | None = None,
                tpm: float | None = None) -> Any:
    """The shared ``RateBudget`` actor, or None when no requests/min or tokens/min limit is set."""
    rpm = rpm if rpm is not None else settings.rpm_limit
    tpm = tpm if tpm is not None else settings.tpm_limit
    if not rpm and not tpm:
        return None
    from .budget import RateBudget

    per_actor = concurrency or settings.concurrency
    lease = min(3600.0, settings.resolved_timeout() * (settings.transport_retries + 1) + 60)
    return RateBudget.remote(per_actor * actors, rpm, tpm, min(settings.max_tokens, 1024), lease_s=lease)


def summarize_dataset(
    ds: Any,
    settings: Settings,
    *,
    actors: int = 2,
    concurrency: int | None = None,
    batch_size: int = 8,
    rpm: float | None = None,
    tpm: float | None = None,
    cache_dir: str | Path | None = None,
    budget: Any = None,
    num_cpus: float = 0.5,
) -> Any:
    """One output row per input row: ``input_name``, ``id``, ``ok``, ``record`` (the
    ArticleSummary JSON) or ``error`` (why it failed), and its usage.

    Input rows are articles in the JSONL input format (``id``, ``text`` or ``html``,
    ``title``, ``date``, ``source``, ``url``). ``actors`` actors each keep up to
    ``concurrency`` articles in flight; ``rpm``/``tpm`` (default: the settings') are the
    provider's limits for the whole job, shared through one ``RateBudget`` actor (pass your
    own ``budget`` to read its counters). Actors that die are restarted and their batch is
    retried; answers already paid for come from the shared cache.
    """
    ray = require_ray()
    s = worker_settings(settings, cache_dir)
    if budget is None:
        budget = make_budget(s, actors=actors, concurrency=concurrency, rpm=rpm, tpm=tpm)
    return ds.map_batches(
        SummarizeBatch,
        fn_constructor_kwargs={"settings": s, "budget": budget, "concurrency": concurrency},
        batch_size=batch_size,
        compute=ray.data.ActorPoolStrategy(size=actors),  # Ray Data restarts dead actors and retries their batch
        num_cpus=num_cpus,
    )
