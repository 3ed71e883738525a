"""Provider profiles: where each server lives, how to ask it for JSON, and what to expect of it.

Servers differ in how they constrain answers: OpenAI does tool calls; DeepSeek and Qwen only do
``json_object``; vLLM, Ollama and the C++ ``llama-server`` enforce a JSON schema given as a
``json_schema`` response format; llama-cpp-python's server refuses that format (HTTP 500,
``literal_error``) but takes ``{"type": "json_object", "schema": ...}`` and turns it into a
grammar. Local servers on a CPU take minutes per answer, so their profiles wait longer, stream
(closing the stream stops the generation when we give up) and do not retry a timeout (the retry
would queue behind the abandoned generation on a server that does not notice).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    base_url: str | None
    mode: str  # a key of summarizer.llm.shaping.MODES
    api_key_env: str | None  # environment variable read for the key; keys never come from files
    default_model: str | None = None
    needs_key: bool = True
    local: bool = False  # a server on the user's machine (CPU speeds, no per-token price)
    timeout_s: float = 120.0
    stream: bool = False
    retry_timeouts: bool = True
    in_process: bool = False  # no HTTP at all (the rules engine)
    alternatives: tuple[str, ...] = ()  # profiles to suggest when the server refuses this one's requests

    def rejection_hint(self, mode: str) -> str:
        if not self.alternatives:
            return "try another --mode (json, json_schema, json_object_schema, tools, md_json)"
        return (
            f"the server refused profile {self.name!r} (mode {mode}); try "
            + " or ".join(f"--provider {a}" for a in self.alternatives)
            + ", or --mode json"
        )


_LOCAL = dict(needs_key=False, local=True, timeout_s=900.0, stream=True, retry_timeouts=False)

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("openai", "https://api.openai.com/v1", "tools", "OPENAI_API_KEY", "gpt-4o-mini"),
        Profile("deepseek", "https://api.deepseek.com/v1", "json", "DEEPSEEK_API_KEY", "deepseek-chat"),
        Profile("qwen", "https://dashscope.aliyuncs.com/compatible-mode/v1", "json", "DASHSCOPE_API_KEY", "qwen-plus"),
        Profile("ollama", "http://localhost:11434/v1", "json_schema", None, "qwen2.5:7b", **_LOCAL,
                alternatives=("custom",)),
        # vLLM usually runs on a GPU: answers in seconds, aborts requests whose client went away
        Profile("vllm", "http://localhost:8000/v1", "json_schema", None, None, needs_key=False, local=True,
                timeout_s=300.0, alternatives=("custom",)),
        # the C++ llama.cpp server (llama-server)
        Profile("llamacpp", "http://localhost:8080/v1", "json_schema", None, None, **_LOCAL,
                alternatives=("llama-cpp-python",)),
        # the Python server of llama-cpp-python (python -m llama_cpp.server)
        Profile("llama-cpp-python", "http://localhost:8000/v1", "json_object_schema", None, None, **_LOCAL,
                alternatives=("llamacpp",)),
        Profile("custom", None, "json", None, None, needs_key=False),
        # The project's own loopback server replaying recordings (tests, demos, benchmarks).
        Profile("replay", None, "json", None, "authored", needs_key=False),
        # The deterministic extractor (summarizer.rules): in-process, no key, no network.
        Profile("rules", None, "rules", None, "rules", needs_key=False, local=True, in_process=True),
    )
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(PROFILES), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown provider {name!r}{hint}; choose one of: {', '.join(PROFILES)}") from None
