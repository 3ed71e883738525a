"""Connecting to a Ray cluster, or starting a local one bound to 127.0.0.1.

Imports nothing from Ray at module level: ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` must be set
before Ray is first imported for a local instance to bind every service (GCS, raylet, agents)
to the loopback address only; Ray reads it at import time. A cluster given by address (or
``RAY_ADDRESS``) is joined as it is.
"""

from __future__ import annotations

import os
import sys
from typing import Any

INSTALL_HINT = "Ray is not installed: pip install 'policy-summarizer[ray]'"


def require_ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    return ray


def connect(address: str | None = None, *, num_cpus: int | None = None) -> str:
    """Join the cluster at ``address`` (else ``RAY_ADDRESS``), or start a local one; returns
    where the job runs. Does nothing when Ray is already initialised in this process."""
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address is None and "ray" not in sys.modules:
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # local services on 127.0.0.1 only
    ray = require_ray()
    if not ray.is_initialized():
        kwargs: dict[str, Any] = dict(include_dashboard=False, log_to_driver=False, configure_logging=False)
        if address is None:
            ray.init(num_cpus=num_cpus, _node_ip_address="127.0.0.1", **kwargs)
        else:
            ray.init(address=address, **kwargs)
    ctx = ray.get_runtime_context()
    return address or f"local ({ctx.gcs_address})"
