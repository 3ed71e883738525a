"""Prompt templates (files in prompts/) rendered into chat messages.

The article is passed to Jinja as a *value*: its text is substituted, never parsed as a
template, so an article containing ``{{`` or ``{%`` is safe. The rendered messages are handed
to instructor without ``context=``, so instructor's own Jinja pass never sees them either.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .resources import data_dir

TEMPLATE_FILES = ("system.j2", "user.j2", "example_article.txt", "example_answer.json")

LANGUAGE_NAMES = {
    "zh-Hans": "Simplified Chinese",
    "zh-Hant": "Traditional Chinese",
    "en": "English",
}


@dataclass(frozen=True)
class PromptSet:
    directory: Path
    version: str
    _env: jinja2.Environment
    _system: jinja2.Template
    _user: jinja2.Template
    _example_article: str
    _example_answer: str

    def messages(
        self,
        article: str,
        *,
        language: str = "unknown",
        output_language: str | None = None,
        title: str | None = None,
        published: str | None = None,
        part: int | None = None,
        parts: int | None = None,
    ) -> list[dict[str, str]]:
        out_lang = output_language or LANGUAGE_NAMES.get(language, "the article's language")
        system = self._system.render(
            output_language=out_lang, example_article=self._example_article, example_answer=self._example_answer
        )
        user = self._user.render(
            article=article, title=title, published=published, part=part, parts=parts
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _version(directory: Path) -> str:
    h = hashlib.sha256()
    for name in TEMPLATE_FILES:
        h.update(name.encode())
        h.update((directory / name).read_bytes())
    return h.hexdigest()[:12]


def load_prompts(directory: str | None = None) -> PromptSet:
    """Load templates from ``directory`` (default: the shipped prompts/)."""
    path = Path(directory) if directory else data_dir("prompts")
    missing = [n for n in TEMPLATE_FILES if not (path / n).is_file()]
    if missing:
        raise FileNotFoundError(f"{path}: prompt template(s) missing: {', '.join(missing)}")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(path)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    read = lambda name: (path / name).read_text(encoding="utf-8")  # noqa: E731
    return PromptSet(
        directory=path,
        version=_version(path),
        _env=env,
        _system=env.get_template("system.j2"),
        _user=env.get_template("user.j2"),
        _example_article=read("example_article.txt").strip(),
        # compact JSON: the example costs prompt tokens on every request
        _example_answer=json.dumps(json.loads(read("example_answer.json")), ensure_ascii=False),
    )
