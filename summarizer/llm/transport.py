"""One chat-completions call over HTTP: pacing, transport retries, streaming, classification.

Retries (tenacity) are for faults that can pass: 429 (waiting what Retry-After says), 5xx
without a request-validation body, timeouts and connection resets. A 4xx, or a 500 whose body
says the request itself is malformed (llama-cpp-python answers an unsupported
``response_format`` that way), fails at once with the provider's reason: sending the same
request again cannot succeed. The openai SDK's own retries are off (``max_retries=0``) so there
is exactly one retry policy.

Streaming (profiles of local servers): a request that times out is abandoned by closing the
stream, which llama.cpp's servers notice and stop generating; a non-streamed request would keep
the server busy and every retry would queue behind it. The streamed chunks are folded into one
``ChatCompletion`` by the SDK's own ``ChatCompletionStreamState``; when the server reports no
usage in the stream, tokens are estimated (``estimated_usage`` is set).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, AsyncContextManager, Protocol

import openai
from openai.lib.streaming.chat import ChatCompletionStreamState
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_base, wait_exponential_jitter

from ..limits import estimate_tokens
from ..redact import redact
from .errors import ProviderError, RequestRejected
from .stats import CallStats

_RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}
# Words a server uses when it refuses the request's shape (pydantic/FastAPI validation bodies,
# llama.cpp grammar errors), as opposed to a server-side fault that may pass.
_MALFORMED_MARKERS = (
    "validation error", "literal_error", "input should be", "extra inputs are not permitted",
    "field required", "unsupported", "not supported", "invalid request", "invalid_request",
    "failed to parse grammar", "json_schema", "response_format",
)


class MalformedResponse(Exception):
    """A 200 whose body is not a chat completion (a proxy's error page, a cut connection)."""


@dataclass
class Completion:
    """What the client needs of a chat completion: the answer text (content or the first tool
    call's arguments), why it ended, and the usage. Built from the response JSON directly: an
    SDK model object per answer costs more CPU than everything else the client does."""

    text: str | None
    finish_reason: str | None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated_usage: bool = False
    body: dict[str, Any] | None = None

    @classmethod
    def of(cls, obj: Any) -> "Completion":
        """From a response body (dict), an openai ``ChatCompletion``, or a ``Completion``."""
        if isinstance(obj, Completion):
            return obj
        if isinstance(obj, dict):
            return cls._from_body(obj)
        if hasattr(obj, "model_dump"):
            return cls._from_body(obj.model_dump(mode="json"), estimated=bool(getattr(obj, "_estimated_usage", False)))
        raise MalformedResponse(f"not a chat completion: {type(obj).__name__}")

    @classmethod
    def _from_body(cls, body: dict[str, Any], estimated: bool = False) -> "Completion":
        choices = body.get("choices") or []
        if not isinstance(choices, list):
            raise MalformedResponse("the answer has no choices")
        text = finish = None
        if choices and isinstance(choices[0], dict):
            message = choices[0].get("message") or {}
            finish = choices[0].get("finish_reason")
            calls = message.get("tool_calls") or []
            if calls and isinstance(calls[0], dict) and isinstance(calls[0].get("function"), dict):
                text = calls[0]["function"].get("arguments")
            else:
                text = message.get("content")
        usage = body.get("usage") or {}
        return cls(text, finish, int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0), estimated, body)


class RequestTicket(Protocol):
    def completed(self, prompt_tokens: int, completion_tokens: int) -> None: ...
    def rejected(self, status: int | None, retry_after_s: float | None) -> None: ...


class RequestObserver(Protocol):
    """Told about every HTTP attempt (e.g. ``summarizer.limits.Limiter``): it may delay the
    attempt (rate limits, concurrency window) and learns of 429s and successes."""

    def request(self, messages: list[dict[str, Any]]) -> AsyncContextManager[RequestTicket]: ...


def error_body(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    if body is None:
        return str(getattr(exc, "message", "") or exc)
    return body if isinstance(body, str) else repr(body)


def is_malformed_request(exc: BaseException) -> bool:
    """A 500 whose body says the request is wrong (not a passing server fault)."""
    if not isinstance(exc, openai.APIStatusError) or exc.status_code != 500:
        return False
    text = error_body(exc).lower()
    return any(m in text for m in _MALFORMED_MARKERS)


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APIConnectionError, openai.APITimeoutError, MalformedResponse)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRYABLE_STATUS and not is_malformed_request(exc)
    return False


def retry_after_seconds(exc: BaseException) -> float | None:
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
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                return None
    return None


class _WaitRetryAfter(wait_base):
    """Wait what the server asked for (capped), else exponential backoff with jitter."""

    def __init__(self, cap_s: float) -> None:
        self.cap_s = cap_s
        self.fallback = wait_exponential_jitter(multiplier=0.5, max=min(cap_s, 20.0))

    def __call__(self, retry_state: Any) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        asked = retry_after_seconds(exc) if exc else None
        return min(asked, self.cap_s) if asked is not None else self.fallback(retry_state)


def describe(exc: BaseException, secret: str | None = None) -> str:
    """A one-line reason without request headers or keys."""
    if isinstance(exc, openai.APIStatusError):
        text = f"HTTP {exc.status_code}: {getattr(exc, 'message', str(exc))}"
    elif isinstance(exc, openai.APITimeoutError):
        text = "timed out waiting for the provider"
    elif isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__
        text = f"cannot connect ({type(cause).__name__ if cause else 'connection error'}: {cause or exc})"
    elif isinstance(exc, MalformedResponse):
        text = f"the provider's answer was not a chat completion ({exc})"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(redact(text, [secret]).split())[:400]


class Transport:
    """Sends one shaped request (kwargs for ``chat.completions.create``) and returns the completion."""

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        *,
        retries: int,
        max_retry_wait_s: float,
        stream: bool,
        retry_timeouts: bool,
        secret: str | None,
        observer: RequestObserver | None = None,
        hint: str = "",
    ) -> None:
        self.client = client
        self.retries = retries
        self.max_retry_wait_s = max_retry_wait_s
        self.stream = stream
        self.retry_timeouts = retry_timeouts
        self.secret = secret
        self.observer = observer
        self.hint = hint  # appended to a rejected request's message (e.g. which profile to use)

    def _retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, openai.APITimeoutError) and not self.retry_timeouts:
            return False
        return is_transient(exc)

    async def send(self, kwargs: dict[str, Any], stats: CallStats, step: str) -> Any:
        retrying = AsyncRetrying(
            retry=retry_if_exception(self._retryable),
            stop=stop_after_attempt(self.retries + 1),
            wait=_WaitRetryAfter(self.max_retry_wait_s),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    stats.requests += 1
                    stats.step(step).requests += 1
                    if attempt.retry_state.attempt_number > 1:
                        stats.transport_retries += 1
                    try:
                        response = await self._observed(kwargs)
                    except Exception as exc:
                        stats.errors.append(describe(exc, self.secret))
                        raise
                    self._count(response, kwargs, stats, step)
                    return response
        except openai.APIStatusError as exc:
            if is_transient(exc):
                raise ProviderError(describe(exc, self.secret), stats) from None
            reason = describe(exc, self.secret)
            if is_malformed_request(exc) and self.hint:
                reason = f"{reason}; {self.hint}"
            raise RequestRejected(f"{reason} (the provider refused the request itself; not retried)", stats) from None
        except (openai.APIError, MalformedResponse) as exc:
            raise ProviderError(describe(exc, self.secret), stats) from None
        raise AssertionError("unreachable: tenacity reraises")

    async def _observed(self, kwargs: dict[str, Any]) -> Any:
        """One HTTP attempt through the observer (pacing, 429 feedback), when there is one."""
        if self.observer is None:
            return await self._create(kwargs)
        async with self.observer.request(kwargs.get("messages") or []) as ticket:
            try:
                response = await self._create(kwargs)
            except openai.APIStatusError as exc:
                ticket.rejected(exc.status_code, retry_after_seconds(exc))
                raise
            except (openai.APIError, MalformedResponse):
                ticket.rejected(None, None)
                raise
            ticket.completed(response.prompt_tokens, response.completion_tokens)
            return response

    async def _create(self, kwargs: dict[str, Any]) -> Completion:
        if not self.stream:
            # The body is plain JSON already: posted as it is (the SDK's params transformation and
            # response models cost more CPU per request than the rest of the client).
            raw = await self.client.post("/chat/completions", body=kwargs, cast_to=bytes)
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as exc:
                raise MalformedResponse(f"not JSON: {str(exc)[:80]}") from None
            if not isinstance(body, dict):
                raise MalformedResponse("not a JSON object")
            return Completion.of(body)
        state: ChatCompletionStreamState[Any] = ChatCompletionStreamState()
        stream = await self.client.chat.completions.create(
            **kwargs, stream=True, stream_options={"include_usage": True}
        )
        try:
            async for chunk in stream:  # the client timeout applies between chunks and overall read
                state.handle_chunk(chunk)
            completion = state.get_final_completion()
        except openai.LengthFinishReasonError as exc:
            # cut off at max_tokens: the SDK's accumulator refuses to finish it; the answer so far
            # is handed on like a non-streamed truncated one (complete items are salvaged)
            completion = exc.completion
        except openai.ContentFilterFinishReasonError:
            return Completion(text=None, finish_reason="content_filter")
        finally:
            await stream.close()  # on timeout or cancel: the server sees the disconnect and stops
        result = Completion.of(completion)
        if completion.usage is None:  # the server reports no usage in streams: estimate it
            result.prompt_tokens = estimate_tokens(kwargs.get("messages") or [])
            result.completion_tokens = estimate_tokens([{"content": result.text or ""}])
            result.estimated_usage = True
        return result

    @staticmethod
    def _count(response: Completion, kwargs: dict[str, Any], stats: CallStats, step: str) -> None:
        stats.completions += 1
        p, c = response.prompt_tokens, response.completion_tokens
        stats.prompt_tokens += p
        stats.completion_tokens += c
        s = stats.step(step)
        s.prompt_tokens += p
        s.completion_tokens += c
