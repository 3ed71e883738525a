"""Writing a summarized dataset: results and errors in one pass, resumable.

``SummaryDatasink`` is a Ray Data ``Datasink`` (``Dataset.write_datasink``): each block becomes
one results file and one errors file, written under a temporary name and renamed, so a file
is either whole or absent whatever is killed when. Results are JSONL whose lines are exactly
the local engine's (the record JSON as the pipeline serialised it), or Parquet with the record
JSON in a ``record`` column beside ``input_name`` and ``id``; errors are the local errors
file's lines (``{"input", "error"}``).

Why not ``Dataset.write_json``/``write_parquet`` on the records: those go through pandas/Arrow
type inference, which turns an integer column holding a null into floats and reorders keys,
so the lines would no longer be the local engine's records; and results and errors would need
two passes over the dataset (two runs of the pipeline, or holding every record in memory).

``done_keys`` reads what an earlier run wrote (the resume set, keyed like the local engine's
``--resume``: input name and content hash) and removes leftovers of a killed run.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ray.data.block import Block, BlockAccessor
from ray.data.datasource import Datasink

from ..batch import done_key, scan_results

SUMS = ("ok", "failed", "cached", "requests", "reasks", "prompt_tokens", "completion_tokens")


def results_format(path: Path) -> str:
    return "parquet" if path.suffix.lower() == ".parquet" else "jsonl"


def _replace(tmp: Path, final: Path) -> None:
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)


class SummaryDatasink(Datasink[dict[str, Any]]):
    def __init__(self, results: Path, errors: Path) -> None:
        self.results = Path(results)
        self.errors = Path(errors)
        self.format = results_format(self.results)
        self.totals: dict[str, Any] = {k: 0 for k in SUMS} | {"cost_usd": 0.0, "priced": True}

    def on_write_start(self, schema: Any = None) -> None:
        self.results.mkdir(parents=True, exist_ok=True)
        self.errors.mkdir(parents=True, exist_ok=True)

    def write(self, blocks: Iterable[Block], ctx: Any) -> dict[str, Any]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        ok_rows: list[dict[str, Any]] = []
        err_lines: list[bytes] = []
        sums: dict[str, Any] = {k: 0 for k in SUMS} | {"cost_usd": 0.0, "priced": True}
        for block in blocks:
            for row in BlockAccessor.for_block(block).iter_rows(public_row_format=False):
                r = dict(row)
                for k in ("requests", "reasks", "prompt_tokens", "completion_tokens"):
                    sums[k] += int(r.get(k) or 0)
                if r["ok"]:
                    ok_rows.append(r)
                    sums["ok"] += 1
                    sums["cached"] += int(bool(r.get("cached")))
                    if r.get("cost_usd") is None:
                        sums["priced"] = False
                    else:
                        sums["cost_usd"] += float(r["cost_usd"])
                else:
                    sums["failed"] += 1
                    err_lines.append(json.dumps({"input": r["input_name"], "error": r["error"]}, ensure_ascii=False)
                                     .encode("utf-8", "backslashreplace") + b"\n")
        name = f"{uuid.uuid4().hex}"
        if ok_rows:
            final = self.results / f"{name}.{self.format}"
            tmp = final.with_name(f".{final.name}.tmp")
            if self.format == "parquet":
                table = pa.table({"input_name": [r["input_name"] for r in ok_rows], "id": [r["id"] for r in ok_rows],
                                  "record": [r["record"] for r in ok_rows]})
                pq.write_table(table, tmp)
            else:
                with open(tmp, "wb") as fh:
                    fh.write(b"".join(r["record"].encode("utf-8") + b"\n" for r in ok_rows))
            _replace(tmp, final)
        if err_lines:
            final = self.errors / f"{name}.jsonl"
            tmp = final.with_name(f".{final.name}.tmp")
            with open(tmp, "wb") as fh:
                fh.write(b"".join(err_lines))
            _replace(tmp, final)
        return sums

    def on_write_complete(self, write_result: Any) -> None:
        for part in getattr(write_result, "write_returns", None) or []:
            for k in SUMS:
                self.totals[k] += part.get(k, 0)
            self.totals["cost_usd"] += part.get("cost_usd", 0.0)
            self.totals["priced"] = self.totals["priced"] and part.get("priced", True)


def _leftovers(folder: Path) -> None:
    for tmp in folder.glob(".*.tmp"):
        tmp.unlink()


def done_keys(results: Path) -> set[int]:
    """``done_key``s of the records already in ``results`` (a folder of JSONL or Parquet files)."""
    done: set[int] = set()
    if not results.is_dir():
        return done
    _leftovers(results)
    if results_format(results) == "parquet":
        import pyarrow.parquet as pq

        for f in sorted(results.glob("*.parquet")):
            try:
                t = pq.read_table(f, columns=["input_name", "id"])
            except Exception:  # noqa: BLE001 - an unreadable file holds nothing we can trust: redo its articles
                f.unlink()
                continue
            done.update(done_key(n, i) for n, i in zip(t.column("input_name").to_pylist(), t.column("id").to_pylist()))
        return done
    for f in sorted(results.glob("*.jsonl")):
        done |= scan_results(f)
    return done


def clear(folder: Path, suffix: str) -> None:
    """Remove the files an earlier run wrote into ``folder`` (a fresh run, or old errors on resume)."""
    if not folder.is_dir():
        return
    _leftovers(folder)
    for f in folder.glob(f"*{suffix}"):
        f.unlink()


def read_records(results: Path) -> list[dict[str, Any]]:
    """Every record in a results folder (tests, small outputs)."""
    out = []
    if results_format(results) == "parquet":
        import pyarrow.parquet as pq

        for f in sorted(results.glob("*.parquet")):
            out += [json.loads(r) for r in pq.read_table(f, columns=["record"]).column("record").to_pylist()]
        return out
    for f in sorted(results.glob("*.jsonl")):
        out += [json.loads(line) for line in f.read_bytes().splitlines() if line.strip()]
    return out
