"""Loopback provider behaviour: misses fail loudly, recordings hold no secrets, record mode strips them."""

from __future__ import annotations

import json
import re

import pytest

from summarizer import Summarizer
from summarizer.llm import ProviderError
from summarizer.loopback import LoopbackProvider, running
from summarizer.loopback.recordings import SecretInRecording, assert_no_secrets

from ..conftest import RECORDINGS, replay_settings

ANSWER = json.dumps(
    {
        "title": None,
        "summary": "A short authored answer.",
        "speakers": [{"name": "Wang Ming", "title": "Mayor", "quote": "Mayor Wang Ming said"}],
        "targets": [],
        "goals": [],
        "initiatives": [],
    }
)
ARTICLE = "Mayor Wang Ming said the city will build a new park. Template-like text: {{ 7 * 7 }} {% for x in y %} {#c#}"


def test_missing_recording_names_the_request_hash(loopback) -> None:  # noqa: ANN001
    with Summarizer(replay_settings(loopback)) as s, pytest.raises(ProviderError) as err:
        s.summarize("An article nobody recorded an answer for.")
    msg = str(err.value)
    assert "no recording for request" in msg
    assert re.search(r"\b[0-9a-f]{64}\b", msg), msg


@pytest.mark.parametrize("folder", [RECORDINGS, *sorted((RECORDINGS.parent / "recordings-real").glob("*/"))], ids=lambda p: p.name)
def test_fixture_recordings_are_labelled_and_hold_no_secrets(folder) -> None:  # noqa: ANN001
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = sorted(p for p in folder.glob("*.json") if p.name != "manifest.json")
    assert files
    assert manifest["origin"] in ("authored", "recorded") and manifest["model"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert_no_secrets(text, str(path))
        data = json.loads(text)
        assert data["origin"] == manifest["origin"], "a folder holds one origin, as its manifest says"
        if data["origin"] == "authored":
            assert "AUTHORED" in data["note"] and data["model"] is None
        else:
            assert data["model"], "recorded answers name the model that gave them"
        for resp in data["responses"]:
            assert set(resp.get("headers", {})) <= {"content-type"}
        assert "authorization" not in text.lower()


def test_secret_guard_refuses_keys() -> None:
    with pytest.raises(SecretInRecording):
        assert_no_secrets('{"x": "sk-proj-abcdefghijklmnop"}', "here")
    with pytest.raises(SecretInRecording):
        assert_no_secrets('{"Authorization": "Bearer abc"}', "here")


def test_record_mode_strips_secrets_from_request_and_response(tmp_path) -> None:  # noqa: ANN001
    """A proxying recorder in front of an 'upstream' that demands a key and sends secret headers."""
    upstream = LoopbackProvider(None, responder=lambda body: ANSWER, required_key="sk-live-TOPSECRET123456")
    with running(upstream) as up, running(LoopbackProvider(None, upstream=up.base_url, record_to=tmp_path / "rec")) as rec:
        settings = replay_settings(rec, provider="custom", model="gpt-test", api_key="sk-live-TOPSECRET123456")
        with Summarizer(settings) as s:
            result = s.summarize(ARTICLE)
    assert result.speakers[0].name == "Wang Ming"
    files = list((tmp_path / "rec").glob("*.json"))
    assert len(files) == 1
    text = files[0].read_text()
    assert "TOPSECRET" not in text and "Bearer" not in text
    data = json.loads(text)
    assert data["origin"] == "recorded" and data["model"] == "gpt-test"


def test_article_with_template_syntax_is_passed_as_data(tmp_path) -> None:  # noqa: ANN001
    seen: list[dict] = []

    def responder(body: dict) -> str:
        seen.append(body)
        return ANSWER

    with running(LoopbackProvider(None, responder=responder)) as srv, Summarizer(replay_settings(srv)) as s:
        result = s.summarize(ARTICLE)
    user = next(m["content"] for m in seen[0]["messages"] if m["role"] == "user")
    assert "{{ 7 * 7 }}" in user and "{% for x in y %}" in user and "{#c#}" in user
    assert "49" not in user
    assert result.speakers[0].evidence.match == "exact"


def test_authored_answers_quote_the_text_the_model_sees() -> None:
    from summarizer.intake import read_path
    from summarizer.models import Extraction

    from ..conftest import ARTICLES, FIXTURES

    answers = sorted((FIXTURES / "answers").glob("*.json"))
    assert len(answers) == len(list(ARTICLES.glob("*.txt")))
    for path in answers:
        extraction = Extraction.model_validate_json(path.read_text(encoding="utf-8"))
        doc = read_path(ARTICLES / f"{path.stem}.txt")
        seen = doc.model_text(False)
        items = [*extraction.speakers, *extraction.goals, *extraction.targets, *extraction.initiatives]
        assert items
        missing = [i.quote for i in items if i.quote not in seen]
        assert not missing, f"{path.name}: quotes not verbatim in the article: {missing[:3]}"
        for t in extraction.targets:
            assert t.value_text in t.quote, f"{path.name}: target quote lacks its number {t.value_text!r}"
