"""One policy for characters that are not text, applied on every input path.

Files, JSONL lines, stdin, the Python API and the HTTP service all build an ``Article``, and
``Article`` runs these checks, so an input is treated the same way wherever it comes from:

* lone surrogates (``"\\ud800"`` is legal JSON but not encodable text) are **repaired**: each
  becomes U+FFFD, one code point for one, so offsets into the text are unchanged; a warning
  says how many;
* NUL, or control characters in more than 1% of the text (and more than a handful), are
  **refused**: that is binary data;
* a few other control characters (ESC, BEL, C1 codes ...) are **repaired**: each becomes a space
  (offsets unchanged), with a warning;
* metadata fields (id, title, url, date, source) get the same repairs, never a refusal.
"""

from __future__ import annotations

import re

from .errors import IntakeError

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# C0 and C1 controls except the layout ones text legitimately carries.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
MAX_CONTROL_SHARE = 0.01
MIN_CONTROLS_FOR_BINARY = 4  # a short text with one stray ESC is text with a typo, not binary


# Unicode category Cc except the layout characters text legitimately carries (\t \n \v \f \r).
_CC_NOT_LAYOUT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _controls(text: str) -> int:
    return len(_CC_NOT_LAYOUT.findall(text))


def check_text(text: str, name: str | None) -> tuple[str, list[str]]:
    """The article text with repairs applied, and warnings; ``IntakeError`` for binary content."""
    warnings: list[str] = []
    surrogates = len(_SURROGATE.findall(text))
    if surrogates:
        text = _SURROGATE.sub(REPLACEMENT, text)
        warnings.append(f"{surrogates} lone surrogate code point(s) replaced with U+FFFD")
    if "\x00" in text:
        raise IntakeError(name, f"binary data (NUL character at offset {text.index(chr(0))}), not text")
    sample = text[:20000]
    n = _controls(sample) if sample else 0
    if n >= MIN_CONTROLS_FOR_BINARY and n / len(sample) > MAX_CONTROL_SHARE:
        raise IntakeError(name, "binary data (control characters), not text")
    controls = len(_CONTROL.findall(text))
    if controls:
        text = _CONTROL.sub(" ", text)
        warnings.append(f"{controls} control character(s) replaced with spaces")
    return text, warnings


def clean_field(value: str | None) -> str | None:
    """A metadata string made safe to store and print (surrogates and controls replaced)."""
    if value is None:
        return None
    value = _SURROGATE.sub(REPLACEMENT, value)
    return _CONTROL.sub(REPLACEMENT, value)
