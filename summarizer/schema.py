"""JSON Schema export of the public output model (schemas/article_summary.schema.json)."""

from __future__ import annotations

import json

from .models import SCHEMA_VERSION, ArticleSummary

SCHEMA_FILE = "article_summary.schema.json"


def schema_dict() -> dict:
    schema = ArticleSummary.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://summarizer.local/schemas/article_summary/{SCHEMA_VERSION}"
    schema["x-schema-version"] = SCHEMA_VERSION
    return schema


def schema_json() -> str:
    return json.dumps(schema_dict(), ensure_ascii=False, indent=2, sort_keys=False)
