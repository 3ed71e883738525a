"""The provider client: one answer per article chunk, with targeted re-asks, and follow-ups.

``LLMClient.extract(messages)`` sends the shaped request (``shaping``), reads the answer
leniently and validates it item by item (``answers``). Invalid items are re-asked, not the whole
answer: the re-ask names each failing item, field and rule and asks for corrected items only;
valid fixes are added, items still invalid after ``max_reasks`` rounds are dropped with a warning
that says which field failed and why. A re-ask answered with the very answer that was rejected
(a model at temperature 0 does that) is counted in ``reasks_unchanged`` and ends the re-asking:
paying for the same answer again changes nothing. An answer that is not JSON at all is re-asked
whole, under the same rule.

``LLMClient.followup(...)`` sends one follow-up turn of the first conversation (quote fixes,
gleaning: ``summarizer.followups``) and returns its JSON.

Retries of the HTTP call itself are the transport's (``transport``); the two never mix.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import openai
from pydantic import BaseModel

from ..models import Extraction, GoalDraft, InitiativeDraft, SpeakerDraft, TargetDraft
from ..prompts import PromptSet
from ..redact import protect_loggers
from ..settings import Settings
from .answers import Problem, UnreadableAnswer, answer_json, merge_fixes, read_extraction
from .errors import AnswerError, LLMError
from .shaping import Shaper
from .stats import CallStats
from .transport import RequestObserver, Transport

_log = logging.getLogger("summarizer.llm")


def _quiet_instructor() -> None:
    """instructor logs every failed attempt with the whole answer at WARNING/ERROR; our own
    messages say what failed, so its records go to debug level only."""
    for name in ("instructor",):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


class ItemFixes(BaseModel):
    """The answer to an item re-ask: corrected items only, any groups, optionally the summary.

    The schema (what constrained decoding enforces) is the drafts'; the answer is still read
    leniently and validated item by item (``answers.merge_fixes``)."""

    summary: str | None = None
    speakers: list[SpeakerDraft] = []
    goals: list[GoalDraft] = []
    targets: list[TargetDraft] = []
    initiatives: list[InitiativeDraft] = []


def _fingerprint(text: str | None) -> str:
    return hashlib.sha256(" ".join((text or "").split()).encode("utf-8")).hexdigest()


class LLMClient:
    """One async client per settings; safe to share between concurrent calls."""

    followups = True  # supports follow-up turns (quote fixes, gleaning)

    def __init__(self, settings: Settings, *, observer: RequestObserver | None = None, prompts: PromptSet | None = None) -> None:
        settings.check_provider()
        from ..prompts import load_prompts

        self.settings = settings
        self.prompts = prompts or load_prompts(settings.prompts_dir, variant=settings.prompt_variant)
        self._secret = settings.resolved_api_key()
        protect_loggers(self._secret)
        _quiet_instructor()
        self.profile = settings.profile
        self.model = settings.resolved_model() or ""
        self.base_url = settings.resolved_base_url() or ""
        self.mode_name = settings.resolved_mode()
        self.shaper = Shaper(
            self.mode_name, self.model, settings.temperature, settings.max_tokens,
            compact_schema=settings.prompt_variant == "compact",
        )
        self._client = openai.AsyncOpenAI(
            base_url=self.base_url,
            # Local servers accept any key; the SDK insists on one being set.
            api_key=self._secret or "not-needed",
            max_retries=0,
            timeout=settings.resolved_timeout(),
        )
        self.transport = Transport(
            self._client,
            retries=settings.transport_retries,
            max_retry_wait_s=settings.max_retry_wait_s,
            stream=settings.resolved_stream(),
            retry_timeouts=self.profile.retry_timeouts,
            secret=self._secret,
            observer=observer,
            hint=self.profile.rejection_hint(self.mode_name),
        )

    # the batch engine and the service install their limiter here
    @property
    def observer(self) -> RequestObserver | None:
        return self.transport.observer

    @observer.setter
    def observer(self, value: RequestObserver | None) -> None:
        self.transport.observer = value

    @property
    def label(self) -> str:
        """What the answer cache knows this client by (besides the endpoint and model)."""
        return self.mode_name

    async def close(self) -> None:
        await self._client.close()

    # ------------------------------------------------------------------ the first answer

    async def extract(self, messages: list[dict[str, str]], *, context: Any = None) -> tuple[Extraction, CallStats]:
        """The valid part of the provider's answer to ``messages``, after targeted re-asks.

        ``stats.notes`` says what was dropped and why; ``stats.answer_text`` is the first answer
        as sent (follow-up turns continue from it). ``context`` is unused here (the rules engine
        reads the chunk from it).
        """
        stats = CallStats()
        response = await self.transport.send(self.request_body(messages), stats, "extract")
        return await self.finish(messages, response, stats)

    def request_body(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        """The request a first answer is asked with (the provider Batch API uploads exactly this)."""
        return self.shaper.request(messages, Extraction)

    async def finish(self, messages: list[dict[str, str]], response: Any, stats: CallStats | None = None) -> tuple[Extraction, CallStats]:
        """Validate a first answer that arrived (online, or from a Batch API output file parsed
        into a ``ChatCompletion``) and re-ask about its invalid items online, as ``extract`` does."""
        stats = stats if stats is not None else CallStats()
        text, finish = self.shaper.answer_text(response)
        seen = {_fingerprint(text)}
        data, text = await self._readable(messages, text, finish, seen, stats)
        stats.answer_text = text
        extraction, problems = read_extraction(data)
        if finish == "length":
            stats.notes.append(f"the answer was cut off at max_tokens={self.settings.max_tokens}; complete items were kept")

        invalid = {(p.group, p.index) for p in problems}  # the items (and summary) to get right
        pending, fixed_total, rounds = problems, 0, 0
        earlier: list[tuple[str, str]] = []  # (re-ask, its answer): a second re-ask sees the first
        while pending and rounds < self.settings.max_reasks:
            rounds += 1
            instruction = self.prompts.reask_items([p.describe() for p in pending])
            kwargs = self.shaper.followup(messages, text or "", instruction, Extraction, ItemFixes, earlier=earlier)
            stats.reasks += 1
            try:
                response = await self.transport.send(kwargs, stats, "reask")
            except LLMError as exc:  # the valid items stand; only the fixes are lost
                stats.notes.append(f"a re-ask failed ({exc}); invalid items dropped")
                break
            fix_text, fix_finish = self.shaper.answer_text(response)
            fp = _fingerprint(fix_text)
            if fp in seen:
                stats.reasks_unchanged += 1
                stats.notes.append("a re-ask was answered with an answer already rejected; re-asking stopped")
                break
            seen.add(fp)
            earlier.append((instruction, fix_text or ""))
            try:
                fix_data = answer_json(fix_text, truncated=fix_finish == "length")
            except UnreadableAnswer as exc:
                stats.reasks_unchanged += 1
                stats.notes.append(f"a re-ask's answer was unusable ({exc}); re-asking stopped")
                break
            extraction, fixed, new_problems = merge_fixes(extraction, fix_data)
            if not fixed:
                stats.reasks_unchanged += 1  # a different answer, but nothing usable in it
            fixed_total += fixed
            pending = new_problems or ([] if fixed else pending)
        if problems and fixed_total < len(invalid):
            head = f"{fixed_total} of {len(invalid)} invalid item(s) fixed by re-asks; dropped: " if fixed_total else ""
            stats.notes.extend(head + _dropped(p) for p in problems)
        return extraction, stats

    async def _readable(
        self, messages: list[dict[str, str]], text: str | None, finish: str | None, seen: set[str], stats: CallStats
    ) -> tuple[dict[str, Any], str | None]:
        """The answer's JSON object and the answer text it came from; an unreadable answer is
        re-asked whole (same rules: bounded, stopped when the same answer comes back)."""
        reason = ""
        for attempt in range(self.settings.max_reasks + 1):
            try:
                return answer_json(text, truncated=finish == "length"), text
            except UnreadableAnswer as exc:
                reason = str(exc)
            if attempt == self.settings.max_reasks:
                break
            kwargs = self.shaper.followup(messages, text or "", self.prompts.reask_unreadable(reason), Extraction, Extraction)
            stats.reasks += 1
            response = await self.transport.send(kwargs, stats, "reask")
            text, finish = self.shaper.answer_text(response)
            fp = _fingerprint(text)
            if fp in seen:
                stats.reasks_unchanged += 1
                break
            seen.add(fp)
        raise AnswerError(f"no usable answer after {stats.completions} attempt(s): the answer is {reason}", stats)

    # ------------------------------------------------------------------ follow-up turns

    async def followup(
        self,
        messages: list[dict[str, str]],
        first_answer: str,
        instruction: str,
        response_model: type[BaseModel],
        *,
        step: str,
        stats: CallStats,
    ) -> dict[str, Any] | None:
        """One follow-up turn; its JSON object, or None when the answer is unusable (noted)."""
        kwargs = self.shaper.followup(messages, first_answer, instruction, Extraction, response_model)
        response = await self.transport.send(kwargs, stats, step)
        text, finish = self.shaper.answer_text(response)
        try:
            return answer_json(text, truncated=finish == "length")
        except UnreadableAnswer as exc:
            stats.notes.append(f"{step}: the answer was unusable ({exc})")
            return None


def _dropped(p: Problem) -> str:
    if p.group == "summary":
        return f"no valid summary in the answer: {p.describe()}"
    item = p.item if isinstance(p.item, dict) else {}
    label = next((str(item[k]) for k in ("name", "statement", "metric", "value_text") if item.get(k)), "")
    label = f" ('{label[:40]}')" if label else ""
    return f"dropped {p.where()}{label}: {p.describe().split(': ', 1)[-1]}"
