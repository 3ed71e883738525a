"""Turning chat messages into a provider request for one answer schema, and reading it back.

instructor knows how each server wants to be asked for JSON (tool calls, ``json_object`` with
the schema in the system prompt, ``json_schema`` response formats ...). Its patched client does
this work again on every call — rebuilding the JSON schema each time (two thirds of the client's
CPU in a profile of 1,000 requests) — so here instructor's own mode handler shapes a template
request once per (mode, response model), with placeholder messages, and each real request is
that template with the messages put in. Reading the answer back is plain: the text of the
message (or the tool call's arguments); validation is ``summarizer.llm.answers``' job.

Follow-up turns (a re-ask, a quote fix, gleaning) continue the first conversation: system and
article unchanged, the first answer as the assistant's turn, the follow-up as the next user (or
tool) turn. A local server then reuses its cached prompt prefix instead of reading the article
again. The follow-up's own answer shape goes into the request's structured-output constraint
(``json_schema``, grammar, tool) where the mode has one, and is spelled out in the follow-up's
text for the modes that have none.
"""

from __future__ import annotations

import copy
import functools
import json
import uuid
from dataclasses import dataclass
from typing import Any

import instructor
from instructor.v2.core.response import handle_response_model
from pydantic import BaseModel

_SYS = "\x00SUMMARIZER-SYSTEM\x00"
_USER = "\x00SUMMARIZER-USER\x00"

# User-facing mode names -> (instructor mode, also put the schema into response_format).
MODES: dict[str, tuple[instructor.Mode, bool]] = {
    "tools": (instructor.Mode.TOOLS, False),
    "json": (instructor.Mode.JSON, False),
    "json_schema": (instructor.Mode.JSON_SCHEMA, False),
    "md_json": (instructor.Mode.MD_JSON, False),
    # llama-cpp-python's server: {"type": "json_object", "schema": ...} turns on grammar-constrained
    # decoding; its json_schema response format is refused with HTTP 500 (literal_error).
    "json_object_schema": (instructor.Mode.JSON, True),
}


def compact_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema without titles and descriptions (fewer prompt tokens for small models)."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ("title", "description", "examples")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return strip(model.model_json_schema())


@functools.lru_cache(maxsize=64)
def _schema_model(model: type[BaseModel], compact: bool) -> type[BaseModel]:
    if not compact:
        return model
    schema = compact_schema(model)

    class Compact(model):  # type: ignore[valid-type, misc]
        @classmethod
        def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
            return copy.deepcopy(schema)

    Compact.__name__ = model.__name__
    return Compact


@functools.lru_cache(maxsize=64)
def _template(mode_name: str, model: type[BaseModel], compact: bool) -> dict[str, Any]:
    mode, schema_in_format = MODES[mode_name]
    shaped = _schema_model(model, compact)
    _, kwargs = handle_response_model(
        shaped, mode=mode, messages=[{"role": "system", "content": _SYS}, {"role": "user", "content": _USER}]
    )
    if compact:  # instructor pretty-prints the schema into the system text: re-dump it on one line
        pretty = json.dumps(shaped.model_json_schema(), indent=2, ensure_ascii=False)
        flat = json.dumps(shaped.model_json_schema(), ensure_ascii=False, separators=(",", ":"))
        for m in kwargs.get("messages", []):
            if isinstance(m.get("content"), str):
                m["content"] = m["content"].replace(pretty, flat)
    if schema_in_format:
        fmt = dict(kwargs.get("response_format") or {"type": "json_object"})
        fmt["schema"] = shaped.model_json_schema()
        kwargs["response_format"] = fmt
    return kwargs


def _fill(content: Any, system: str, user: str) -> Any:
    if isinstance(content, str):
        return content.replace(_SYS, system).replace(_USER, user)
    return content


@dataclass(frozen=True)
class Shaper:
    """Requests and follow-ups for one mode; ``model`` names the provider's model."""

    mode_name: str
    model: str
    temperature: float
    max_tokens: int
    compact_schema: bool = False

    @property
    def uses_tools(self) -> bool:
        return MODES[self.mode_name][0] in (instructor.Mode.TOOLS, instructor.Mode.TOOLS_STRICT)

    @property
    def constrained(self) -> bool:
        """Whether the server enforces the answer's shape (so a follow-up's shape must be given as its schema)."""
        mode, in_format = MODES[self.mode_name]
        return in_format or mode in (instructor.Mode.JSON_SCHEMA, instructor.Mode.TOOLS, instructor.Mode.TOOLS_STRICT)

    def request(self, messages: list[dict[str, Any]], response_model: type[BaseModel]) -> dict[str, Any]:
        """The request body (``chat.completions.create`` kwargs) for a system + user conversation."""
        system = next(m["content"] for m in messages if m["role"] == "system")
        user = next(m["content"] for m in messages if m["role"] == "user")
        template = _template(self.mode_name, response_model, self.compact_schema)
        kwargs = {k: v for k, v in template.items() if k != "messages"}
        kwargs["messages"] = [{**m, "content": _fill(m.get("content"), system, user)} for m in template["messages"]]
        kwargs.update(model=self.model, temperature=self.temperature, max_tokens=self.max_tokens)
        return kwargs

    def followup(
        self,
        messages: list[dict[str, Any]],
        first_answer: str,
        instruction: str,
        main_model: type[BaseModel],
        response_model: type[BaseModel],
        *,
        earlier: list[tuple[str, str]] = (),  # type: ignore[assignment]
    ) -> dict[str, Any]:
        """The first conversation, its answer, any ``earlier`` (follow-up, answer) exchanges, and
        ``instruction`` as the next turn; the answer constrained to ``response_model`` where the
        mode constrains answers."""
        kwargs = self.request(messages, main_model)  # same system text: the prompt prefix is reused
        follow = self.request(messages, response_model)
        for key in ("response_format", "tool_choice"):
            if key in follow:
                kwargs[key] = follow[key]
        # (assistant answer, the turn that follows it): the first answer, then each earlier exchange
        answers = [first_answer, *(a for _, a in earlier)]
        prompts = [*(q for q, _ in earlier), instruction]
        turns: list[dict[str, Any]] = []
        if self.uses_tools:
            first_name = kwargs["tools"][0]["function"]["name"]
            name = follow["tools"][0]["function"]["name"]
            if name != first_name:  # the first call stays declared; the follow-up's tool is forced
                kwargs["tools"] = [*kwargs["tools"], *follow["tools"]]
            for i, (answer, prompt) in enumerate(zip(answers, prompts)):
                called = first_name if i == 0 else name
                call_id = "call_" + uuid.uuid5(uuid.NAMESPACE_OID, f"{i}:{answer}").hex[:16]  # stable: requests are cache keys
                turns += [
                    {"role": "assistant", "content": None, "tool_calls": [
                        {"id": call_id, "type": "function", "function": {"name": called, "arguments": answer}}
                    ]},
                    {"role": "tool", "tool_call_id": call_id, "content": prompt + f"\n(Answer by calling {name}.)"},
                ]
        else:
            for answer, prompt in zip(answers, prompts):
                turns += [{"role": "assistant", "content": answer}, {"role": "user", "content": prompt}]
        kwargs["messages"] = [*kwargs["messages"], *turns]
        return kwargs

    def answer_text(self, completion: Any) -> tuple[str | None, str | None]:
        """``(text, finish_reason)`` of a completion: the tool call's arguments or the message content."""
        from .transport import Completion

        c = Completion.of(completion)
        return c.text, c.finish_reason


def answer_schema_json(model: type[BaseModel]) -> str:
    """A compact one-line JSON schema, for follow-up texts in modes without a constraint."""
    return json.dumps(compact_schema(model), ensure_ascii=False, separators=(",", ":"))
