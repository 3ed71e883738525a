"""Grounding: tie every extracted item to offsets in the raw input; check numbers.

Public surface: ``ground(extraction, document) -> Grounded``.
"""

from __future__ import annotations

from .ground import Grounded, ground

__all__ = ["Grounded", "ground"]
