"""A generic responder: answers any request with a valid Extraction quoting its own article.

Used by tests and benchmarks that need a provider for arbitrary generated articles (no
recordings): the goal and initiative quote the article's first sentence, and the first
sentence with a percentage becomes a growth-rate target.
"""

from __future__ import annotations

import json
import re
from typing import Any

_ARTICLE = re.compile(r"<<<ARTICLE\n(.*?)\nARTICLE>>>", re.S)
_SENTENCE = re.compile(r"[^。！？.!?\n]+[。！？.!?]?")
_PERCENT = re.compile(r"\d+(?:\.\d+)?%")


def is_followup(body: dict[str, Any]) -> bool:
    """A follow-up turn (re-ask, quote fix, gleaning): the conversation already holds an answer."""
    return any(m.get("role") == "assistant" for m in body.get("messages", []))


def last_turn(body: dict[str, Any]) -> str:
    """The text of the conversation's last user (or tool) turn: what a follow-up asks."""
    return next((m.get("content") or "" for m in reversed(body.get("messages", [])) if m.get("role") in ("user", "tool")), "")


def followup_answer(body: dict[str, Any]) -> str:
    """A careful model's answer to a follow-up about an answer that was already complete:
    nothing to correct, no quote to change, and none of the hinted numbers is a further target."""
    refs = re.findall(r"^(N\d+)\. ", last_turn(body), flags=re.M)
    return json.dumps({"quotes": [], "numbers": [{"ref": r, "target": False} for r in refs]})


def article_of(body: dict[str, Any]) -> str:
    """The article text inside the user message of a chat-completions request."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    m = _ARTICLE.search(user)
    return m.group(1) if m else user


def echo_answer(text: str) -> str:
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    first = sentences[0] if sentences else text.strip()[:60]
    answer: dict[str, Any] = {
        "title": None,
        "summary": f"Summary: {first[:80]}",
        "speakers": [],
        "goals": [{"statement": "advance the plan", "horizon": None, "set_by": None, "quote": first}],
        "targets": [],
        "initiatives": [{"name": "the programme", "description": None, "owner": None, "quote": first}],
    }
    for s in sentences:
        pct = _PERCENT.search(s)
        if pct:
            answer["targets"].append(
                {"metric": "growth", "value_text": pct.group(0), "value": float(pct.group(0)[:-1]), "unit": "%",
                 "comparator": "exact", "kind": "growth_rate", "period": None, "status": "target", "quote": s}
            )
            break
    return json.dumps(answer, ensure_ascii=False)


def echo_responder(body: dict[str, Any]) -> str:
    return followup_answer(body) if is_followup(body) else echo_answer(article_of(body))
