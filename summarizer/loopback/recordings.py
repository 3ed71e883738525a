"""Recordings: one request (its hash) and the provider's answers, with no secrets.

A recording holds a list of responses: the n-th is served to a request carrying n assistant
turns, so a validation re-ask (which appends the rejected answer and the error) replays the
provider's next answer. The key therefore hashes the conversation up to its first assistant
turn.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

# Headers worth keeping; everything else (authorization, cookies, org/project ids, request
# ids tied to an account) is dropped on both requests and responses.
SAFE_HEADERS = {"content-type"}
_SECRET_PATTERNS = [
    re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._\-]{8,}"),
    re.compile(r"(?i)\"(authorization|api[-_]?key|x-api-key|openai-organization|openai-project|cookie|set-cookie)\""),
]


class SecretInRecording(ValueError):
    pass


def _initial_conversation(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for i, m in enumerate(messages):
        if m.get("role") == "assistant":
            return messages[:i]
    return messages


def request_key(body: dict[str, Any]) -> str:
    """Stable hash of a chat-completions request: every field, messages up to the first answer."""
    canon = {k: v for k, v in body.items() if k not in ("messages", "stream_options", "user")}
    canon["messages"] = _initial_conversation(body.get("messages", []))
    blob = json.dumps(canon, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def answer_index(body: dict[str, Any]) -> int:
    return sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")


def safe_headers(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in dict(headers or {}).items() if k.lower() in SAFE_HEADERS}


def assert_no_secrets(text: str, where: str) -> None:
    for pat in _SECRET_PATTERNS:
        if pat.search(text):
            raise SecretInRecording(f"{where}: refusing to write a recording containing a secret-like value ({pat.pattern})")


@dataclass
class Recording:
    key: str
    origin: Literal["recorded", "authored"]
    request: dict[str, Any]
    responses: list[dict[str, Any]]  # each {"status": int, "headers": {...}, "body": {...}}
    model: str | None = None  # the model that answered (recorded) or None (authored)
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "key": self.key,
            "origin": self.origin,
            "model": self.model,
            "note": self.note,
            **self.extra,
            "request": self.request,
            "responses": self.responses,
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Recording":
        known = {"key", "origin", "model", "note", "request", "responses"}
        return cls(
            key=data["key"],
            origin=data["origin"],
            request=data["request"],
            responses=data["responses"],
            model=data.get("model"),
            note=data.get("note", ""),
            extra={k: v for k, v in data.items() if k not in known},
        )


class RecordingStore:
    """Recordings in a folder, one ``<name>.json`` file each, indexed by request key."""

    def __init__(self, directory: str | Path | None) -> None:
        self.directory = Path(directory) if directory else None
        self._by_key: dict[str, Recording] = {}
        if self.directory and self.directory.is_dir():
            for path in sorted(self.directory.glob("*.json")):
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and "key" in data and "responses" in data:
                    rec = Recording.from_json(data)
                    self._by_key[rec.key] = rec

    def __len__(self) -> int:
        return len(self._by_key)

    def get(self, key: str) -> Recording | None:
        return self._by_key.get(key)

    def put(self, rec: Recording, name: str | None = None) -> Path | None:
        """Keep ``rec`` (appending responses to an existing key) and write it if the store has a folder."""
        existing = self._by_key.get(rec.key)
        if existing is not None:
            existing.responses.extend(rec.responses)
            rec = existing
        self._by_key[rec.key] = rec
        if self.directory is None:
            return None
        text = rec.to_json()
        assert_no_secrets(text, str(self.directory))
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{name or rec.key[:16]}.json"
        path.write_text(text, encoding="utf-8")
        return path
