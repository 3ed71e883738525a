"""Provider profiles: where each OpenAI-compatible server lives and how to ask it for JSON.

The instructor mode is per profile because servers differ: OpenAI does tool calls and
structured outputs; DeepSeek's reasoner and many local servers only do ``json_object``;
vLLM and llama.cpp enforce a JSON schema natively.
"""

from __future__ import annotations

from dataclasses import dataclass

import instructor


@dataclass(frozen=True)
class Profile:
    name: str
    base_url: str | None
    mode: instructor.Mode
    api_key_env: str | None  # environment variable read for the key; keys never come from files
    default_model: str | None = None
    needs_key: bool = True


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("openai", "https://api.openai.com/v1", instructor.Mode.TOOLS, "OPENAI_API_KEY", "gpt-4o-mini"),
        Profile("deepseek", "https://api.deepseek.com/v1", instructor.Mode.JSON, "DEEPSEEK_API_KEY", "deepseek-chat"),
        Profile(
            "qwen",
            "https://dashscope.aliyuncs.com/compatible-mode/v1",
            instructor.Mode.JSON,
            "DASHSCOPE_API_KEY",
            "qwen-plus",
        ),
        Profile("ollama", "http://localhost:11434/v1", instructor.Mode.JSON, None, "qwen2.5:7b", needs_key=False),
        Profile("vllm", "http://localhost:8000/v1", instructor.Mode.JSON_SCHEMA, None, None, needs_key=False),
        Profile("llamacpp", "http://localhost:8080/v1", instructor.Mode.JSON_SCHEMA, None, None, needs_key=False),
        Profile("custom", None, instructor.Mode.JSON, None, None, needs_key=False),
        # The project's own loopback server replaying recordings (tests, demos, benchmarks).
        Profile("replay", None, instructor.Mode.JSON, None, "authored", needs_key=False),
    )
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown provider profile {name!r}; choose one of: {', '.join(PROFILES)}") from None
