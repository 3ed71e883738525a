"""Character offsets for the browser: Python code points -> JavaScript UTF-16 code units.

Evidence offsets are Python ``str`` indices (Unicode code points). JavaScript strings index
UTF-16 code units, where a character outside the Basic Multilingual Plane (emoji, CJK
Extension B such as 𠀀) takes two. The report converts once, here, so the browser slices with
its own indices and a span after an astral character still covers the right text.
"""

from __future__ import annotations

import bisect
import re

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Offsets:
    """Maps code-point offsets of one text to UTF-16 offsets (O(log n) per lookup)."""

    def __init__(self, text: str) -> None:
        # code-point positions of the astral characters, sorted; empty for most texts
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]

    def __call__(self, index: int) -> int:
        if not self._astral:
            return index
        return index + bisect.bisect_left(self._astral, index)
