"""Intake: bytes or text in, a ``Document`` out (decoded, cleaned, with an offset map to raw).

Public surface used by the rest of the package:
``from_text``, ``from_bytes``, ``read_path``, ``iter_sources``, ``Document``, ``IntakeError``.
"""

from __future__ import annotations

from .document import Document, OffsetMap
from .errors import IntakeError
from .sources import Source, from_bytes, from_text, iter_sources, read_path

__all__ = [
    "Document",
    "IntakeError",
    "OffsetMap",
    "Source",
    "from_bytes",
    "from_text",
    "iter_sources",
    "read_path",
]
