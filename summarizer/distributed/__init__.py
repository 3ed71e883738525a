"""The pipeline on a Ray cluster: ``summarize_dataset`` and ``summarizer batch ... --ray``.

    pip install 'policy-summarizer[ray]'

* ``dataset.summarize_dataset(ds, settings)``: ``Dataset.map_batches`` over an actor pool,
  one ``Pipeline`` per actor (why not ``ray.data.llm``: see ``dataset``);
* ``budget.RateBudget``: one requests/min + tokens/min budget for every actor of a job;
* ``sink.SummaryDatasink``: results (JSONL or Parquet) and errors in one pass, whole files;
* ``job.run_job``: the CLI's job (read inputs, resume, write, report);
* ``cluster.connect``: join ``RAY_ADDRESS`` or start a local instance on 127.0.0.1.

Names are resolved lazily so that importing this package does not import Ray (``connect``
must configure a local instance before Ray's first import).
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "summarize_dataset": "dataset",
    "make_budget": "dataset",
    "run_job": "job",
    "JobReport": "job",
    "SummaryDatasink": "sink",
    "read_records": "sink",
    "connect": "cluster",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    if module != "cluster":
        from .cluster import require_ray

        require_ray()
    return getattr(import_module(f"{__name__}.{module}"), name)
