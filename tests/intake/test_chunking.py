from __future__ import annotations

import base64
import hashlib
import sys
from pathlib import Path

import pytest

from summarizer.intake import chunking
from summarizer.intake.chunking import count_tokens, estimate_tokens, sentences, split

from .conftest import seed

ZH = "".join(f"第{i}项工作要加快推进,确保今年完成{i}0亿元投资目标。" for i in range(1, 60))
EN = " ".join(f"Sentence number {i} talks about the growth target of the city." for i in range(1, 80))


@pytest.fixture
def no_tiktoken(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """tiktoken unimportable and no cache: the estimate must be used, offline."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("DATA_GYM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(chunking.tempfile, "gettempdir", lambda: str(tmp_path))
    monkeypatch.setitem(sys.modules, "tiktoken", None)
    chunking._tiktoken_encoder.cache_clear()


def test_count_tokens_offline_without_tiktoken(no_tiktoken) -> None:
    assert chunking.tokenizer_name() == "estimate"
    assert count_tokens("制造业是立国之本。") == 9  # 8 Han + 1 punctuation
    assert count_tokens("Dongguan city") == 2 + 1  # ceil(8/4) + ceil(4/4)
    assert count_tokens("1730亩") == 2 + 1
    assert count_tokens("a\n\nb") == 3


def test_corrupt_cache_falls_back_to_estimate(no_tiktoken, tmp_path: Path) -> None:
    key = hashlib.sha1(chunking._BLOBS["o200k_base"].encode()).hexdigest()
    (tmp_path / key).write_bytes(b"not a bpe file")
    assert count_tokens("学习") == 2 and chunking.tokenizer_name() == "estimate"


def test_cached_encoding_is_used_without_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A BPE file in the local cache is parsed directly; tiktoken's downloader is never called."""
    pytest.importorskip("tiktoken")
    ranks = b"".join(base64.b64encode(bytes([i])) + b" " + str(i).encode() + b"\n" for i in range(256))
    key = hashlib.sha1(chunking._BLOBS["o200k_base"].encode()).hexdigest()
    (tmp_path / key).write_bytes(ranks)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    import tiktoken.load

    def boom(*a, **k):
        raise AssertionError("tiktoken tried to fetch a file")

    monkeypatch.setattr(tiktoken.load, "read_file", boom)
    chunking._tiktoken_encoder.cache_clear()
    assert chunking.tokenizer_name() == "tiktoken"
    assert count_tokens("学习 ab") == len("学习 ab".encode())  # byte-level ranks, no merges


def test_short_text_is_one_chunk() -> None:
    text = "制造业是立国之本。坚持发展是第一要务。"
    chunks = split(text, 1000)
    assert len(chunks) == 1 and (chunks[0].start, chunks[0].end) == (0, len(text)) and chunks[0].text == text


@pytest.mark.parametrize("text", [ZH, EN, "\n".join([ZH[:300], EN[:500], ZH[300:900]])])
@pytest.mark.parametrize(("budget", "overlap"), [(60, 10), (150, 30), (400, 0)])
def test_split_budget_coverage_overlap_boundaries(text: str, budget: int, overlap: int) -> None:
    chunks = split(text, budget, overlap_tokens=overlap)
    assert len(chunks) > 1
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    ends = {b for _, b in sentences(text)}
    for prev, cur in zip(chunks, chunks[1:]):
        assert cur.start <= prev.end  # no gap
        assert cur.start > prev.start  # progress
        if overlap:
            assert cur.start < prev.end  # a small overlap...
            assert count_tokens(text[cur.start : prev.end]) <= max(overlap, budget // 4)  # ...and small
        else:
            assert cur.start == prev.end
    for c in chunks:
        assert c.text == text[c.start : c.end]
        assert count_tokens(c.text) <= budget
        assert c.end in ends  # cut at a sentence end (these texts have no over-long sentence)


def test_sentences_split_on_cjk_punctuation_and_newlines() -> None:
    text = "第一句。第二句!第三句?第四句;第五\n第六句\"引号。”Done. Next!"
    parts = [text[a:b] for a, b in sentences(text)]
    assert "".join(parts) == text
    assert parts[:5] == ["第一句。", "第二句!", "第三句?", "第四句;", "第五\n"]
    assert parts[-2:] == ["Done. ", "Next!"]


def test_over_long_sentence_is_cut_at_clauses_then_characters() -> None:
    long = "、".join(["新一代信息技术"] * 40) + "。" + "无标点" * 200
    chunks = split(long, 50, overlap_tokens=5)
    assert all(count_tokens(c.text) <= 50 for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(long)
    for prev, cur in zip(chunks, chunks[1:]):
        assert prev.start < cur.start <= prev.end


def test_seed_chunks_use_document_text_offsets() -> None:
    from summarizer.intake import read_path

    doc = read_path(seed("001"))
    chunks = doc.chunks(500, overlap_tokens=40)
    assert len(chunks) > 1
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert c.tokens <= 500


def test_bad_budget() -> None:
    with pytest.raises(ValueError):
        split("x", 0)


def test_estimate_is_monotone_in_length() -> None:
    assert estimate_tokens(ZH[:100]) < estimate_tokens(ZH[:200])
