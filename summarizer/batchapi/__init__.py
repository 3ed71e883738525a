"""The provider Batch API path: ``summarizer batch INPUTS -o OUT --via batch-api``.

Intake and prompts run locally; the first answer of every chunk the answer cache does not
hold is fetched through the provider's Batch API (half the price, its own limits); the
records are then written by the local batch engine with those answers handed in, so they are
the records the online path writes. ``runner`` says how, ``state`` what survives a crash.
"""

from .answers import BatchRequestFailed
from .options import BatchApiOptions
from .remote import BatchApiError
from .runner import BatchApiReport, PendingBatches, Progress, run_batch_api
from .state import RunState, Workdir

__all__ = [
    "BatchApiError",
    "BatchApiOptions",
    "BatchApiReport",
    "BatchRequestFailed",
    "PendingBatches",
    "Progress",
    "RunState",
    "Workdir",
    "run_batch_api",
]
