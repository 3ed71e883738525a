"""Recordings: one request (its hash) and the provider's answer, with no secrets.

A request is keyed on its whole body — every message, re-asks and follow-up turns included —
except the transport's own switches (``stream``, ``stream_options``, ``user``): a re-ask is a
different conversation, so it is forwarded to the real provider and recorded, never answered
with the first answer again. Recording the same key again replaces its answer (re-authoring
a folder whose prompts did not change writes the same files).

A recordings folder may carry a ``manifest.json`` saying how its requests were made (origin,
model, provider profile, mode, settings such as max_tokens and prompt_variant), so
``--replay DIR`` asks in exactly that shape; without one, the shape is read off the recordings.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

MANIFEST = "manifest.json"
# Headers worth keeping; everything else (authorization, cookies, org/project ids, request
# ids tied to an account) is dropped on both requests and responses.
SAFE_HEADERS = {"content-type"}
_SECRET_PATTERNS = [
    re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._\-]{8,}"),
    re.compile(r"(?i)\"(authorization|api[-_]?key|x-api-key|openai-organization|openai-project|cookie|set-cookie)\""),
]
_TRANSPORT_FIELDS = ("stream", "stream_options", "user")


class SecretInRecording(ValueError):
    pass


def request_key(body: dict[str, Any]) -> str:
    """Stable hash of a chat-completions request: every field and every message."""
    canon = {k: v for k, v in body.items() if k not in _TRANSPORT_FIELDS}
    blob = json.dumps(canon, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


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
    responses: list[dict[str, Any]]  # [{"status": int, "headers": {...}, "body": {...}}]; the last one is served
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
        self._paths: dict[str, Path] = {}
        if self.directory and self.directory.is_dir():
            for path in sorted(self.directory.glob("*.json")):
                if path.name == MANIFEST:
                    continue
                try:
                    data = json.loads(path.read_text(encoding="utf-8"))
                except (ValueError, UnicodeDecodeError):
                    continue  # not a recording of ours
                if isinstance(data, dict) and "key" in data and "responses" in data:
                    rec = Recording.from_json(data)
                    # the key is recomputed: a file whose request was edited is found by its content
                    rec.key = request_key(rec.request)
                    self._by_key[rec.key] = rec
                    self._paths[rec.key] = path

    def __len__(self) -> int:
        return len(self._by_key)

    def recordings(self) -> Iterator[Recording]:
        return iter(self._by_key.values())

    def get(self, key: str) -> Recording | None:
        return self._by_key.get(key)

    def path_of(self, key: str) -> Path | None:
        """The file a recording was read from or written to."""
        return self._paths.get(key)

    def put(self, rec: Recording, name: str | None = None) -> Path | None:
        """Keep ``rec`` (its answer replaces any earlier one for the same key) and write it if the
        store has a folder."""
        self._by_key[rec.key] = rec
        if self.directory is None:
            return None
        text = rec.to_json()
        assert_no_secrets(text, str(self.directory))
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{name}.json" if name else self._paths.get(rec.key, self.directory / f"{rec.key[:16]}.json")
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        self._paths[rec.key] = path
        return path

    def manifest(self) -> dict[str, Any] | None:
        return read_manifest(self.directory) if self.directory else None


def read_manifest(directory: str | Path) -> dict[str, Any] | None:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    return data if isinstance(data, dict) else None


def write_manifest(directory: str | Path, manifest: dict[str, Any]) -> Path:
    path = Path(directory) / MANIFEST
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
    assert_no_secrets(text, str(path))
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
