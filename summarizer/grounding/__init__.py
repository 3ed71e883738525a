"""Grounding: tie every extracted item to offsets in the raw input; check numbers.

Public surface: ``ground(extraction, document) -> Grounded``; the building blocks are
``Aligner`` (quote -> raw offsets), ``scan`` (number mentions), ``TargetChecker`` (target
normalization and verification) and ``find_candidates`` (recall hints).
"""

from __future__ import annotations

from .align import FUZZY_THRESHOLD, Aligner
from .ground import Grounded, ground
from .normalize import Normalized, match_key, normalize
from .numbers import NumberMention, scan
from .recall import find_candidates
from .targets import TargetChecker

__all__ = [
    "FUZZY_THRESHOLD",
    "Aligner",
    "Grounded",
    "Normalized",
    "NumberMention",
    "TargetChecker",
    "find_candidates",
    "ground",
    "match_key",
    "normalize",
    "scan",
]
