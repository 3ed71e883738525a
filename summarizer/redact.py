"""Keep secrets out of error messages and logs.

Some providers echo the API key (or part of it) in 401 messages, and instructor logs every
failed attempt with the provider's message. Everything we report goes through ``redact``;
loggers of the libraries we drive get a filter doing the same.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_PATTERNS = [
    re.compile(r"\bsk-[A-Za-z0-9_\-*]{6,}"),
    re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._\-~+/=*]{6,}"),
    re.compile(r"(?i)(api[-_]?key[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9._\-*]{6,}"),
]
MASK = "[redacted]"


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    text = _PATTERNS[0].sub(MASK, text)
    text = _PATTERNS[1].sub(lambda m: f"{m.group(1)} {MASK}", text)
    return _PATTERNS[2].sub(lambda m: f"{m.group(1)}{MASK}", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with secrets masked (the record is then formatted as-is)."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call is not ours to fix
            return True
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        return True


LIBRARY_LOGGERS = ("instructor", "openai", "httpx", "httpcore")


def protect_loggers(secret: str | None, prefixes: Iterable[str] = LIBRARY_LOGGERS) -> None:
    """Give each logger of the libraries we drive one redacting filter, and teach it ``secret``.

    Logger filters do not see records that child loggers (``instructor.v2.retry``) propagate,
    so every existing logger under the prefixes gets one.
    """
    prefixes = tuple(prefixes)
    names = [n for n in list(logging.root.manager.loggerDict) if n.startswith(prefixes)]
    for name in {*names, *prefixes}:
        logger = logging.getLogger(name)
        f = next((f for f in logger.filters if isinstance(f, RedactingFilter)), None)
        if f is None:
            f = RedactingFilter()
            logger.addFilter(f)
        if secret and secret not in f.secrets:
            f.secrets.append(secret)
