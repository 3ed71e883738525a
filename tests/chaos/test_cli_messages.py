"""Clear messages instead of tracebacks, wrong guesses or Python internals.

Issue items: a folder given to ``summarize`` said "no such file"; ``summarize x.jsonl`` told the
user to call ``iter_sources``; English with a few invalid UTF-8 bytes was decoded as cp775
without a word and Chinese UTF-8 with one bad byte was refused whole; a provider down at the
start cost 61 s of retries and the message did not name the URL; a ``concurency`` typo in the
TOML file passed silently; ``--provider opnai`` printed a pydantic dump; ``--config`` help
read "( table or top level)".

Argument and config checks run in-process through typer's runner (they happen before any I/O
worth isolating); what touches the network or files runs the CLI in a subprocess.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

from .harness import assert_no_crash, batch_args, echo_provider, provider_args, run_cli

runner = CliRunner()


def _invoke(*args: str | Path):  # noqa: ANN202
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("kind", ["folder", "jsonl"])
def test_summarize_points_to_batch_for_a_folder_or_jsonl(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "articles"
    if kind == "folder":
        target.mkdir()
    else:
        target = tmp_path / "x.jsonl"
        target.write_text('{"id": "a", "text": "hello"}\n')
    result = _invoke("summarize", target, "--base-url", "http://127.0.0.1:9/v1", "--model", "m")
    assert result.exit_code == 2
    assert str(target) in result.stderr and f"summarizer batch {target} -o" in result.stderr
    assert "no such file" not in result.stderr and "iter_sources" not in result.stderr


def test_typo_in_the_toml_file_is_named_with_a_suggestion(tmp_path: Path) -> None:
    config = tmp_path / "summarizer.toml"
    config.write_text('[summarizer]\nconcurency = 3\nmodel = "m"\n')
    result = _invoke("batch", "in.jsonl", "-o", tmp_path / "o.jsonl", "--config", config)
    assert result.exit_code == 2
    assert str(config) in result.stderr and "'concurency'" in result.stderr
    assert "did you mean 'concurrency'" in result.stderr and "valid settings:" in result.stderr


def test_unknown_provider_lists_the_valid_ones(tmp_path: Path) -> None:
    result = _invoke("summarize", tmp_path / "a.txt", "--provider", "opnai")
    assert result.exit_code == 2
    assert "unknown provider 'opnai'" in result.stderr and "did you mean 'openai'" in result.stderr
    assert "ollama" in result.stderr  # the list of valid ones
    assert "validation error" not in result.stderr and "pydantic" not in result.stderr


def test_config_help_shows_the_table_name() -> None:
    result = _invoke("batch", "--help")
    assert result.exit_code == 0
    # the help sits in a box that wraps: drop the borders and join the lines
    flat = " ".join(w for w in result.output.split() if w not in ("│", "╭", "╰"))
    assert "'summarizer' table" in flat and "( table" not in flat


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again on exit: connecting is refused


def test_provider_down_at_start_fails_fast_naming_the_url(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    (tmp_path / "a.txt").write_text("The council met on Monday. Output should grow by 5% next year.")
    # before: every article retried for about a minute; the timeout is the guard, not a measurement
    proc = run_cli(*batch_args([tmp_path / "a.txt"], tmp_path / "out.jsonl", url), timeout=45)
    assert_no_crash(proc)
    assert proc.returncode == 4, proc.stderr
    assert f"cannot reach the provider at {url}: connection refused" in proc.stderr
    assert "--base-url" in proc.stderr  # what to check
    assert not (tmp_path / "out.jsonl").exists()  # nothing started


def test_damaged_utf8_is_decoded_as_utf8_with_a_warning_naming_offsets(tmp_path: Path) -> None:
    english = "The council met on Monday to approve the plan. Output should grow by 5% next year. " * 4
    chinese = "东莞市委书记表示，要坚持制造业立市不动摇，力争明年工业产值增长5%。" * 4
    en_bytes, zh_bytes = english.encode(), chinese.encode()
    (tmp_path / "en.txt").write_bytes(en_bytes[:40] + b"\xff\xfe" + en_bytes[40:])  # two stray bytes in English
    (tmp_path / "zh.txt").write_bytes(zh_bytes[:30] + b"\x80" + zh_bytes[30:])  # one bad byte in Chinese UTF-8
    with echo_provider() as srv:
        en = run_cli("summarize", tmp_path / "en.txt", *provider_args(srv.base_url), "--no-cache")
        zh = run_cli("summarize", tmp_path / "zh.txt", *provider_args(srv.base_url), "--no-cache")
    for proc in (en, zh):
        assert_no_crash(proc)
        assert proc.returncode == 0, proc.stderr
    # the echo provider quotes the first sentence the model saw: UTF-8 kept, one U+FFFD per bad
    # byte at its place (byte 30 of the Chinese = after ten 3-byte characters), nothing else changed
    en_quote, zh_quote = (json.loads(p.stdout)["goals"][0]["evidence"]["quote"] for p in (en, zh))
    assert en_quote == "The council met on Monday to approve the\ufffd\ufffd plan."
    assert zh_quote == chinese[:10] + "\ufffd" + chinese[10:].split("。")[0] + "。"
    assert "warning: decoded as UTF-8" in en.stderr and "byte offset(s) 40, 41" in en.stderr
    assert "warning: decoded as UTF-8" in zh.stderr and "byte offset(s) 30" in zh.stderr
