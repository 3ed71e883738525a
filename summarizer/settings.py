"""Settings from flags, ``SUMMARIZER_*`` environment variables and an optional TOML file.

Precedence (highest first): explicit arguments, environment, TOML file, defaults. The API key
is read from the environment only (``SUMMARIZER_API_KEY`` or the profile's own variable such
as ``OPENAI_API_KEY``); a key found in a TOML file is refused so it cannot end up committed.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .profiles import Profile, get_profile


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summarizer"


class ConfigError(ValueError):
    """Settings that cannot work (no provider, bad TOML, a key in a file)."""


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
    timeout_s: float = 120.0
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
            file_values = file_values.get("summarizer", file_values)
            if "api_key" in file_values:
                raise ConfigError(f"{path}: api_key must not be stored in a file; set SUMMARIZER_API_KEY instead")
        env_keys = {k.lower().removeprefix("summarizer_") for k in os.environ if k.upper().startswith("SUMMARIZER_")}
        merged = {k: v for k, v in file_values.items() if k not in env_keys}
        merged.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**merged)

    # ------------------------------------------------------------------ resolved views

    @property
    def profile(self) -> Profile:
        return get_profile(self.provider)

    def resolved_base_url(self) -> str | None:
        return self.base_url or self.profile.base_url

    def resolved_model(self) -> str | None:
        return self.model or self.profile.default_model

    def resolved_api_key(self) -> str | None:
        if self.api_key is not None:
            return self.api_key.get_secret_value()
        env = self.profile.api_key_env
        return os.environ.get(env) if env else None

    def check_provider(self) -> None:
        """Raise ``ConfigError`` explaining how to configure a provider when none is usable."""
        how = (
            "configure a provider: e.g. `--provider openai` with OPENAI_API_KEY set, "
            "`--provider ollama`, or `--base-url http://host:port/v1 --model NAME` "
            "(or SUMMARIZER_BASE_URL / SUMMARIZER_MODEL / SUMMARIZER_API_KEY, or a TOML file via --config); "
            "to run offline against recorded answers use `--replay fixtures/recordings`"
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
