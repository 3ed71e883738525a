"""Prompt templates (files in prompts/) rendered into chat messages.

The article is passed to Jinja as a *value*: its text is substituted, never parsed as a
template, so an article containing ``{{`` or ``{%`` is safe. The rendered messages are handed
to the provider client as they are (instructor's own Jinja ``context=`` pass is never used).

Two variants of the system prompt: ``full`` (rules and a worked example) and ``compact`` (the
rules only, for small models and small context windows). Follow-up turns have templates of their
own (re-asks, quote fixes, gleaning). A prompt folder of one's own (``Settings.prompts_dir``,
``summarizer prompts export DIR`` writes the shipped ones as a start) is checked when loaded:
every template must exist, render, and use the variables its turn needs — so a broken edit is
a clear error before any request is sent. The prompt version (a hash of the files a variant
uses) goes into the answer cache key.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from .resources import data_dir

LANGUAGE_NAMES = {
    "zh-Hans": "Simplified Chinese",
    "zh-Hant": "Traditional Chinese",
    "en": "English",
}
VARIANTS = ("full", "compact")
SYSTEM_FILES = {"full": "system.j2", "compact": "system_compact.j2"}
# template -> the variables it must use (a template that ignores the article is a broken edit)
REQUIRED_VARIABLES: dict[str, set[str]] = {
    # the system prompt is the same for every article (a provider's prompt cache reuses it); what
    # varies, the answer language included, is in the user turn
    "system.j2": set(),
    "system_compact.j2": set(),
    "user.j2": {"article", "output_language"},
    "reask_items.j2": {"problems"},
    "reask_unreadable.j2": {"reason"},
    "reask_quotes.j2": {"items"},
    "glean.j2": {"numbers"},
}
EXAMPLE_FILES = ("example_article.txt", "example_answer.json")
ALL_FILES = (*REQUIRED_VARIABLES, *EXAMPLE_FILES)


class PromptError(ValueError):
    """A prompt folder that cannot work; the message names the file and the problem."""


@dataclass(frozen=True)
class PromptSet:
    directory: Path
    variant: str
    version: str
    _templates: dict[str, jinja2.Template]
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
        system = self._templates[SYSTEM_FILES[self.variant]].render(
            example_article=self._example_article, example_answer=self._example_answer
        )
        user = self._templates["user.j2"].render(
            article=article, title=title, published=published, part=part, parts=parts, output_language=out_lang
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def reask_items(self, problems: list[str]) -> str:
        return self._templates["reask_items.j2"].render(problems=problems).strip()

    def reask_unreadable(self, reason: str) -> str:
        return self._templates["reask_unreadable.j2"].render(reason=reason).strip()

    def reask_quotes(self, items: list[dict[str, Any]]) -> str:
        return self._templates["reask_quotes.j2"].render(items=items).strip()

    def glean(self, numbers: list[dict[str, Any]]) -> str:
        """``numbers``: ``{"ref", "number", "sentence"}`` per hinted number."""
        return self._templates["glean.j2"].render(numbers=numbers).strip()


def _version(directory: Path, names: list[str], variant: str) -> str:
    h = hashlib.sha256(variant.encode())
    for name in names:
        h.update(name.encode())
        h.update((directory / name).read_bytes())
    return h.hexdigest()[:12]


_SAMPLES: dict[str, Any] = {
    "output_language": "English", "example_article": "A.", "example_answer": "{}", "article": "Text.",
    "title": "T", "published": "2024-01-01", "part": 1, "parts": 2, "problems": ["goals[0]: field 'quote' is missing"],
    "reason": "not valid JSON", "items": [{"ref": "T1", "kind": "target", "label": "GDP", "quote": "q", "reason": ""}],
    "numbers": [{"ref": "N1", "number": "6%", "sentence": "s"}],
}


def load_prompts(directory: str | Path | None = None, *, variant: str = "full") -> PromptSet:
    """Load and check the templates in ``directory`` (default: the shipped prompts/)."""
    if variant not in VARIANTS:
        raise PromptError(f"unknown prompt variant {variant!r}; choose one of: {', '.join(VARIANTS)}")
    path = Path(directory) if directory else data_dir("prompts")
    if not path.is_dir():
        raise PromptError(f"{path}: prompt folder not found (write the shipped ones with `summarizer prompts export {path}`)")
    missing = [n for n in ALL_FILES if not (path / n).is_file()]
    if missing:
        raise PromptError(f"{path}: prompt template(s) missing: {', '.join(missing)} (start from `summarizer prompts export DIR`)")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(path)), undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False
    )
    templates: dict[str, jinja2.Template] = {}
    for name, needed in REQUIRED_VARIABLES.items():
        try:
            source = (path / name).read_text(encoding="utf-8")
            used = meta.find_undeclared_variables(env.parse(source))
            templates[name] = env.get_template(name)
        except UnicodeDecodeError:
            raise PromptError(f"{path / name}: not UTF-8 text") from None
        except jinja2.TemplateSyntaxError as exc:
            raise PromptError(f"{path / name}: template syntax error at line {exc.lineno}: {exc.message}") from None
        lacking = needed - used
        if lacking:
            raise PromptError(f"{path / name}: the template must use {', '.join(sorted('{{ ' + v + ' }}' for v in lacking))}")
        try:
            templates[name].render(**_SAMPLES)
        except jinja2.TemplateError as exc:
            raise PromptError(f"{path / name}: does not render ({exc})") from None
    try:
        example_answer = json.dumps(json.loads((path / "example_answer.json").read_text(encoding="utf-8")), ensure_ascii=False)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PromptError(f"{path / 'example_answer.json'}: not valid JSON ({exc})") from None
    used_files = [SYSTEM_FILES[variant], "user.j2", *EXAMPLE_FILES, *(n for n in REQUIRED_VARIABLES if n.startswith(("reask", "glean")))]
    return PromptSet(
        directory=path,
        variant=variant,
        version=_version(path, used_files, variant),
        _templates=templates,
        _example_article=(path / "example_article.txt").read_text(encoding="utf-8").strip(),
        # compact JSON: the example costs prompt tokens on every request
        _example_answer=example_answer,
    )


def export_prompts(target: str | Path) -> list[Path]:
    """Copy the shipped templates into ``target`` (a starting point for one's own); never overwrites."""
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    source = data_dir("prompts")
    existing = [n for n in ALL_FILES if (out / n).exists()]
    if existing:
        raise PromptError(f"{out}: already holds {', '.join(existing)}; export into an empty folder")
    written = []
    for name in ALL_FILES:
        shutil.copyfile(source / name, out / name)
        written.append(out / name)
    return written
