"""The rules engine: a deterministic, offline extractor that answers with the LLM's ``Extraction``.

``extract(text, language=..., published=..., title=...)`` reads the cleaned article text (what
the model would see) and returns speakers, numeric targets, goals, initiatives and a summary,
each item with a quote cut from ``text`` by offsets: verbatim by construction. It needs no
network, no key and no model; it is a provider like any LLM, so the answer cache, grounding,
merge, batch, service and reports treat its answers the same way.

What it is good for: officials named with a title, numbers in clauses that set targets,
named programmes, on Simplified, Traditional and English policy news. What it is not: it does
not paraphrase (statements and the summary are the article's own words), it does not reason
(a target stated without a cue word, or across sentences, is missed), and recall is lower on
narrative text than on the list-like prose of work reports.

``RULES_VERSION`` names the rules like a model name in the cache key: it carries a hash of the
rule modules and of the shared scanner and cue lexicon they build on, so any change to them
invalidates cached answers.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .extract import extract

RULES_REVISION = "1"


def rule_files() -> list[Path]:
    """The sources whose change changes the answers: the rule modules and the shared scanner,
    cue lexicon and normalizer they build on."""
    here = Path(__file__).resolve().parent
    grounding = here.parent / "grounding"
    return [*sorted(here.glob("*.py")), grounding / "numbers.py", grounding / "cues.py", grounding / "normalize.py"]


def fingerprint(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:  # a zipped install: the revision alone names the rules
            continue
        h.update(path.name.encode())
        h.update(data)
    return h.hexdigest()[:10]


RULES_VERSION = f"rules-{RULES_REVISION}+{fingerprint(rule_files())}"

__all__ = ["RULES_VERSION", "extract"]
