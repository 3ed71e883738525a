"""Provider client: openai SDK + instructor, with two retry layers kept apart.

* Transport (this module, tenacity): one HTTP call retried on 429 (honouring Retry-After),
  5xx, timeouts and connection resets. The SDK's own retries are switched off
  (``max_retries=0``) so there is exactly one transport retry policy.
* Validation (instructor ``max_retries``): an answer that fails the pydantic model is re-asked
  with the validation error, at most ``max_reasks`` times.

Every HTTP attempt is counted, and tokens are summed over every completion received,
including the ones whose answers were rejected.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, AsyncContextManager, Protocol

import instructor
import openai
from instructor.core.exceptions import InstructorRetryException
from pydantic import BaseModel
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_base, wait_exponential_jitter

from .models import Extraction, Usage
from .redact import protect_loggers, redact
from .settings import Settings


class LLMError(RuntimeError):
    """A failed extraction; the message is safe to log (no headers, no keys)."""

    def __init__(self, message: str, stats: "CallStats | None" = None) -> None:
        super().__init__(message)
        self.stats = stats


class ProviderError(LLMError):
    """The provider could not be reached or kept failing."""


class AnswerError(LLMError):
    """The provider answered, but never with a valid answer within the re-ask budget."""


_RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APIConnectionError, openai.APITimeoutError)):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code in _RETRYABLE_STATUS


def _retry_after_seconds(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            from email.utils import parsedate_to_datetime

            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                return None
    return None


class _wait_retry_after(wait_base):
    """Wait what the server asked for (capped), else exponential backoff with jitter."""

    def __init__(self, cap_s: float) -> None:
        self.cap_s = cap_s
        self.fallback = wait_exponential_jitter(multiplier=0.5, max=min(cap_s, 20.0))

    def __call__(self, retry_state: Any) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        asked = _retry_after_seconds(exc) if exc else None
        return min(asked, self.cap_s) if asked is not None else self.fallback(retry_state)


@dataclass
class CallStats:
    """What one extraction cost, over all transport retries and re-asks."""

    requests: int = 0
    completions: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    transport_retries: int = 0
    errors: list[str] = field(default_factory=list)

    def usage(self) -> Usage:
        return Usage(
            requests=self.requests,
            reasks=max(0, self.completions - 1),
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
        )


def _describe(exc: BaseException, secret: str | None = None) -> str:
    """A one-line reason without request headers or keys."""
    if isinstance(exc, openai.APIStatusError):
        text = f"HTTP {exc.status_code}: {getattr(exc, 'message', str(exc))}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return redact(text, [secret])[:400]


class RequestTicket(Protocol):
    def completed(self, prompt_tokens: int, completion_tokens: int) -> None: ...
    def rejected(self, status: int | None, retry_after_s: float | None) -> None: ...


class RequestObserver(Protocol):
    """Told about every HTTP attempt (e.g. ``summarizer.limits.Limiter``): it may delay the
    attempt (rate limits, concurrency window) and learns of 429s and successes."""

    def request(self, messages: list[dict[str, Any]]) -> AsyncContextManager[RequestTicket]: ...


class LLMClient:
    """One async client per settings; safe to share between concurrent calls."""

    def __init__(self, settings: Settings, *, observer: RequestObserver | None = None) -> None:
        settings.check_provider()
        self.settings = settings
        self.observer = observer
        self._secret = settings.resolved_api_key()
        protect_loggers(self._secret)
        self.profile = settings.profile
        self.model = settings.resolved_model() or ""
        self.base_url = settings.resolved_base_url() or ""
        self._client = openai.AsyncOpenAI(
            base_url=self.base_url,
            # Local servers accept any key; the SDK insists on one being set.
            api_key=self._secret or "not-needed",
            max_retries=0,
            timeout=settings.timeout_s,
        )

    async def close(self) -> None:
        await self._client.close()

    async def _observed(self, create: Any, *args: Any, **kwargs: Any) -> Any:
        """One HTTP attempt through the observer (pacing, 429 feedback), when there is one."""
        if self.observer is None:
            return await create(*args, **kwargs)
        async with self.observer.request(kwargs.get("messages") or []) as ticket:
            try:
                response = await create(*args, **kwargs)
            except openai.APIStatusError as exc:
                ticket.rejected(exc.status_code, _retry_after_seconds(exc))
                raise
            usage = getattr(response, "usage", None)
            ticket.completed(getattr(usage, "prompt_tokens", 0) or 0, getattr(usage, "completion_tokens", 0) or 0)
            return response

    async def extract(self, messages: list[dict[str, str]], response_model: type[BaseModel] = Extraction) -> tuple[Any, CallStats]:
        stats = CallStats()
        raw_create = self._client.chat.completions.create
        s = self.settings

        async def transport_create(*args: Any, **kwargs: Any) -> Any:
            retrying = AsyncRetrying(
                retry=retry_if_exception(_is_transient),
                stop=stop_after_attempt(s.transport_retries + 1),
                wait=_wait_retry_after(s.max_retry_wait_s),
                reraise=True,
            )
            async for attempt in retrying:
                with attempt:
                    stats.requests += 1
                    if attempt.retry_state.attempt_number > 1:
                        stats.transport_retries += 1
                    try:
                        response = await self._observed(raw_create, *args, **kwargs)
                    except Exception as exc:
                        stats.errors.append(_describe(exc, self._secret))
                        raise
                    stats.completions += 1
                    usage = getattr(response, "usage", None)
                    if usage is not None:
                        stats.prompt_tokens += usage.prompt_tokens or 0
                        stats.completion_tokens += usage.completion_tokens or 0
                    return response
            raise AssertionError("unreachable: tenacity reraises")

        create = instructor.patch(create=transport_create, mode=self.profile.mode)
        try:
            result = await create(
                response_model=response_model,
                max_retries=s.max_reasks,
                messages=messages,
                model=self.model,
                temperature=s.temperature,
                max_tokens=s.max_tokens,
            )
        except InstructorRetryException as exc:
            cause = exc.__cause__ or exc
            if _is_transient(cause) or isinstance(cause, openai.APIError):
                raise ProviderError(_describe(cause, self._secret), stats) from None
            raise AnswerError(
                f"no valid answer after {stats.completions} attempt(s): "
                + redact(str(cause).splitlines()[0], [self._secret])[:300],
                stats,
            ) from None
        except openai.APIError as exc:
            raise ProviderError(_describe(exc, self._secret), stats) from None
        return result, stats
