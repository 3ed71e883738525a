"""Settings from flags, ``SUMMARIZER_*`` environment variables and an optional TOML file.

Precedence (highest first): explicit arguments, environment, TOML file, defaults. The API key
is read from the environment only (``SUMMARIZER_API_KEY`` or the profile's own variable such
as ``OPENAI_API_KEY``); a key found in a TOML file is refused so it cannot end up committed.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .profiles import PROFILES, Profile, get_profile


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summarizer"


class ConfigError(ValueError):
    """Settings that cannot work (no provider, bad TOML, a key in a file)."""


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _refuse_unknown_keys(path: str | Path, values: dict[str, Any], known: set[str]) -> None:
    """A misspelt key (``concurency = 3``) would otherwise be ignored without a word."""
    unknown = sorted(k for k in values if k not in known)
    if not unknown:
        return
    hints = ", ".join(f"{k!r}{_did_you_mean(k, known)}" for k in unknown)
    valid = ", ".join(sorted(known - {"api_key"}))
    raise ConfigError(f"{path}: unknown setting(s) {hints}; valid settings: {valid}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SUMMARIZER_", extra="ignore", validate_default=True)

    provider: str = Field(default="custom", description="Profile: openai, deepseek, qwen, ollama, vllm, llamacpp, custom, replay.")
    base_url: str | None = None
    endpoint_label: str | None = Field(
        default=None, description="Names the endpoint in cache keys instead of base_url (e.g. replay:<dir>, whose port changes)."
    )
    model: str | None = None
    api_key: SecretStr | None = Field(default=None, exclude=True, repr=False)
    temperature: float = 0.0
    max_tokens: int = 4096
    timeout_s: float | None = Field(
        default=None, gt=0, description="Seconds to wait for one answer (default: the profile's, 900 for local servers on CPU)."
    )
    mode: str | None = Field(
        default=None, description="How to ask for JSON (default: the profile's): json, json_schema, json_object_schema, tools, md_json."
    )
    stream: bool | None = Field(default=None, description="Stream answers (default: the profile's; local servers stream).")
    prompts_dir: Path | None = Field(default=None, description="Folder of one's own prompt templates (summarizer prompts export).")
    prompt_variant: str = Field(default="full", description="full (rules + worked example) or compact (small models).")
    glean: bool = Field(default=True, description="Ask once more about target-like sentences no target covers.")
    ground_reask: bool = Field(default=True, description="Ask once for exact quotes when quotes are not in the article.")
    max_followup_items: int = Field(default=12, ge=1, description="Items or sentences one follow-up request asks about.")
    min_grounded_share: float = Field(
        default=0.5, ge=0, le=1, description="Below this share of grounded items (or verified targets) a record is low-confidence."
    )
    max_chunks_per_article: int = Field(default=40, ge=1, description="Refuse articles needing more chunks (cost cap).")
    max_prompt_tokens_per_article: int = Field(default=400_000, ge=1000, description="Refuse articles over this prompt size (cost cap).")
    keep_text: bool = Field(default=False, description="Put the raw input text into each record (article.raw_text), for reports.")
    cross_check: bool = Field(default=False, description="Run the rules engine beside the LLM and record the differences in meta.")
    replay: Path | None = Field(
        default=None, description="Answer from this folder of recordings (served on 127.0.0.1); no network, no key."
    )
    transport_retries: int = Field(default=5, ge=0, description="Retries of one HTTP call on 429/5xx/timeouts/resets.")
    max_retry_wait_s: float = Field(default=60.0, gt=0, description="Cap on a single Retry-After wait.")
    max_reasks: int = Field(default=2, ge=0, description="Re-asks after an answer that fails validation.")
    output_language: str | None = Field(default=None, description="Answer language; default: the article's.")
    simplify_chinese: bool = Field(default=False, description="Show the model Simplified Chinese (offsets stay raw).")
    chunk_budget_tokens: int = Field(default=6000, gt=200)
    require_grounding: bool = False
    max_input_bytes: int = 5 * 1024 * 1024
    cache_dir: Path = Field(default_factory=default_cache_dir)
    cache_enabled: bool = True
    concurrency: int = Field(default=4, ge=1)
    rpm_limit: int | None = Field(default=None, ge=1, description="Provider requests per minute (token bucket).")
    tpm_limit: int | None = Field(default=None, ge=1, description="Provider tokens per minute (token bucket).")
    # USD per million tokens, (prompt, completion), by model name; used for cost estimates.
    prices: dict[str, tuple[float, float]] = Field(default_factory=dict)
    # The provider Batch API's prices, same shape; a model missing here is billed at
    # batch_discount x its online price (OpenAI and others charge half for batches).
    batch_prices: dict[str, tuple[float, float]] = Field(default_factory=dict)
    batch_discount: float = Field(default=0.5, gt=0, le=1, description="Batch API price / online price when batch_prices has no entry.")

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, v: str | None) -> str | None:
        from .llm.shaping import MODES

        if v is not None and v not in MODES:
            raise ValueError(f"unknown mode {v!r}; choose one of: {', '.join(MODES)}")
        return v

    @field_validator("prompt_variant")
    @classmethod
    def _known_variant(cls, v: str) -> str:
        from .prompts import VARIANTS

        if v not in VARIANTS:
            raise ValueError(f"unknown prompt variant {v!r}; choose one of: {', '.join(VARIANTS)}")
        return v

    @field_validator("provider")
    @classmethod
    def _known_profile(cls, v: str) -> str:
        get_profile(v)
        return v

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings)

    @classmethod
    def load(cls, config_file: str | Path | None = None, **overrides: Any) -> "Settings":
        """Build settings: ``overrides`` (flags) > environment > TOML ``config_file`` > defaults."""
        file_values: dict[str, Any] = {}
        path = config_file or os.environ.get("SUMMARIZER_CONFIG")
        if path:
            try:
                file_values = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise ConfigError(f"{path}: config file not found") from None
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{path}: invalid TOML ({exc})") from None
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path}: cannot read config file ({getattr(exc, 'strerror', None) or exc})") from None
            file_values = file_values.get("summarizer", file_values)
            if "api_key" in file_values:
                raise ConfigError(f"{path}: api_key must not be stored in a file; set SUMMARIZER_API_KEY instead")
            _refuse_unknown_keys(path, file_values, set(cls.model_fields))
        env_keys = {k.lower().removeprefix("summarizer_") for k in os.environ if k.upper().startswith("SUMMARIZER_")}
        merged = {k: v for k, v in file_values.items() if k not in env_keys}
        flags = {k: v for k, v in overrides.items() if v is not None}
        merged.update(flags)

        def origin(key: str) -> str:
            if key in flags:
                return f"--{key.replace('_', '-')}"
            if key in env_keys:
                return f"SUMMARIZER_{key.upper()}"
            return str(path) if key in file_values else "default"

        env_provider = next((v for k, v in os.environ.items() if k.upper() == "SUMMARIZER_PROVIDER"), None)
        provider = flags.get("provider") or env_provider or file_values.get("provider")
        if provider is not None and str(provider) not in PROFILES:
            raise ConfigError(f"{origin('provider')}: unknown provider {str(provider)!r}{_did_you_mean(str(provider), PROFILES)}; "
                              f"choose one of: {', '.join(PROFILES)}")
        try:
            return cls(**merged)
        except ValidationError as exc:
            problems = []
            for e in exc.errors():
                key = str(e["loc"][0]) if e.get("loc") else "?"
                msg = str(e.get("msg", "")).removeprefix("Value error, ")
                problems.append(f"{key} = {e.get('input')!r} (from {origin(key)}): {msg}")
            raise ConfigError("invalid settings: " + "; ".join(problems)) from None

    # ------------------------------------------------------------------ resolved views

    @property
    def profile(self) -> Profile:
        return get_profile(self.provider)

    def resolved_base_url(self) -> str | None:
        return self.base_url or self.profile.base_url

    def resolved_model(self) -> str | None:
        return self.model or self.profile.default_model

    def resolved_timeout(self) -> float:
        return self.timeout_s if self.timeout_s is not None else self.profile.timeout_s

    def resolved_mode(self) -> str:
        return self.mode or self.profile.mode

    def resolved_stream(self) -> bool:
        return self.profile.stream if self.stream is None else self.stream

    def resolved_api_key(self) -> str | None:
        if self.api_key is not None:
            return self.api_key.get_secret_value()
        env = self.profile.api_key_env
        return os.environ.get(env) if env else None

    def check_provider(self) -> None:
        """Raise ``ConfigError`` explaining how to configure a provider when none is usable."""
        if self.profile.in_process:
            return
        how = (
            "configure a provider: e.g. `--provider openai` with OPENAI_API_KEY set, "
            "`--provider ollama`, or `--base-url http://host:port/v1 --model NAME` "
            "(or SUMMARIZER_BASE_URL / SUMMARIZER_MODEL / SUMMARIZER_API_KEY, or a TOML file via --config); "
            "to try it on your own articles with no key and no network use `--provider rules` (a deterministic "
            "extractor: no paraphrase, lower recall than a model); to replay recorded answers use "
            "`--replay fixtures/recordings`"
        )
        if not self.resolved_base_url():
            raise ConfigError(f"no provider endpoint configured; {how}")
        if not self.resolved_model():
            raise ConfigError(f"no model configured for provider {self.provider!r}; {how}")
        if self.profile.needs_key and not self.resolved_api_key():
            env = self.profile.api_key_env
            raise ConfigError(f"provider {self.provider!r} needs an API key: set {env} or SUMMARIZER_API_KEY")

    def cost_usd(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        price = self.prices.get(self.resolved_model() or "")
        if price is None:
            return None
        return round((prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000, 6)

    def batch_cost_usd(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        """Cost of tokens answered through the provider Batch API (``--via batch-api``)."""
        price = self.batch_prices.get(self.resolved_model() or "")
        if price is not None:
            return round((prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000, 6)
        online = self.cost_usd(prompt_tokens, completion_tokens)
        return None if online is None else round(online * self.batch_discount, 6)
