"""Answer from a folder of recordings instead of a provider: ``--replay DIR`` and ``Settings(replay=DIR)``.

The folder is served by the project's loopback provider on 127.0.0.1, and the settings are
pointed at it in the shape the recordings were made with — model, mode, temperature,
max_tokens, prompt variant — taken from the folder's ``manifest.json`` or, without one, read off
the recorded requests. So authored recordings (model ``authored``) and real ones (a real model's
name, its mode) replay with the same one command. A request the folder does not hold fails with
its hash and a hint, never silently.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .settings import ConfigError, Settings

SHAPE_SETTINGS = ("model", "mode", "temperature", "max_tokens", "prompt_variant")


def _mode_of(request: dict[str, Any]) -> str:
    if request.get("tools"):
        return "tools"
    fmt = request.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return "json_schema"
    if fmt.get("type") == "json_object":
        return "json_object_schema" if "schema" in fmt else "json"
    return "md_json"


def recorded_shape(folder: str | Path) -> dict[str, Any]:
    """How the folder's requests were made: its manifest, else the most common request shape."""
    from .loopback.recordings import RecordingStore, read_manifest

    path = Path(folder)
    try:
        manifest = read_manifest(path) or {}
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    shape: dict[str, Any] = {k: manifest[k] for k in ("model", "mode") if manifest.get(k)}
    shape.update({k: v for k, v in (manifest.get("settings") or {}).items() if k in SHAPE_SETTINGS})
    store = RecordingStore(path)
    firsts = [r.request for r in store.recordings() if not any(m.get("role") == "assistant" for m in r.request.get("messages", []))]
    if firsts:
        common = Counter((r.get("model"), _mode_of(r), r.get("temperature"), r.get("max_tokens")) for r in firsts).most_common(1)[0][0]
        for name, value in zip(("model", "mode", "temperature", "max_tokens"), common):
            if value is not None:
                shape.setdefault(name, value)
    shape["_count"] = len(store)
    shape["_origin"] = manifest.get("origin") or ", ".join(sorted({r.origin for r in store.recordings()}))
    return shape


@contextlib.contextmanager
def replaying(settings: Settings, folder: str | Path) -> Iterator[Settings]:
    """Serve ``folder`` on 127.0.0.1 and yield ``settings`` pointed at it, in the recordings' shape."""
    from .loopback import LoopbackProvider, running

    path = Path(folder)
    if not path.is_dir():
        raise ConfigError(f"--replay {path}: not a folder of recordings")
    shape = recorded_shape(path)
    if not shape["_count"]:
        raise ConfigError(f"--replay {path}: no recordings found (*.json files with key/request/responses)")
    provider = LoopbackProvider(path)
    with running(provider) as srv:
        update = {k: v for k, v in shape.items() if not k.startswith("_")}
        update.update(
            provider="replay",
            base_url=srv.base_url,
            endpoint_label=f"replay:{path.resolve()}",
            replay=None,
            stream=False,
        )
        yield settings.model_copy(update=update)


class ReplayServer:
    """``replaying`` for callers that cannot hold a ``with`` block (``Summarizer(Settings(replay=...))``)."""

    def __init__(self, settings: Settings, folder: str | Path) -> None:
        self._stack = contextlib.ExitStack()
        self.settings = self._stack.enter_context(replaying(settings, folder))

    def close(self) -> None:
        self._stack.close()
