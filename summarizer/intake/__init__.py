"""Intake: bytes or text in, a ``Document`` out (decoded, cleaned, with an offset map to raw).

Public surface used by the rest of the package:
``from_text``, ``from_bytes``, ``read_path``, ``read_stdin``, ``iter_sources``, ``Document``,
``IntakeError``; ``chunking.count_tokens`` / ``chunking.split``; ``inspect.inspect_document``.
"""

from __future__ import annotations

from .chunking import Chunk, count_tokens, split
from .document import Document, OffsetMap, Removed, Repair
from .errors import IntakeError
from .sources import Article, Source, decode_article, from_bytes, from_text, iter_sources, read_article, read_path, read_stdin

__all__ = [
    "Article",
    "Chunk",
    "Document",
    "IntakeError",
    "OffsetMap",
    "Removed",
    "Repair",
    "Source",
    "count_tokens",
    "decode_article",
    "from_bytes",
    "from_text",
    "iter_sources",
    "read_article",
    "read_path",
    "read_stdin",
    "split",
]
