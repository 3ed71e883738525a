"""The vectorised ``normalize`` against a plain per-character reference implementation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.grounding.normalize import PINYIN_RE, _fold_char, cjk_ratio, normalize

# Letters, Han (Traditional and Simplified), pinyin runs, every kind of whitespace and the
# compatibility characters that expand under NFKC (…, ①, ㎡, ﬁ, ¨ -> " ̈", ß under casefold).
_ALPHABET = list("abcAB 學習东莞(xué)（）\n\t\u3000，。“”‘’ß…①㎡ﬁ¨12３％\u00a0")


def reference(text: str, fold: bool, spaces: str) -> tuple[str, list[int]]:
    """One character at a time, the obvious way (what ``normalize`` did before it was vectorised)."""
    skip = set()
    for m in PINYIN_RE.finditer(text):
        skip.update(range(m.start(), m.end()))
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if i in skip:
            continue
        if ch.isspace() and spaces != "keep":
            if spaces == "collapse" and chars and chars[-1] != " ":
                chars.append(" ")
                index.append(i)
            continue
        for c in _fold_char(ch, fold):
            if c.isspace() and spaces != "keep":
                continue
            chars.append(c)
            index.append(i)
    if spaces == "collapse" and chars and chars[-1] == " ":
        chars.pop()
        index.pop()
    return "".join(chars), index


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40), st.booleans(), st.sampled_from(["drop", "collapse", "keep"]))
def test_matches_the_per_character_reference(text: str, fold: bool, spaces: str) -> None:
    got = normalize(text, fold=fold, spaces=spaces)
    want_text, want_index = reference(text, fold, spaces)
    assert got.text == want_text
    assert list(got.index) == want_index


def test_untouched_text_keeps_an_identity_index() -> None:
    got = normalize("abc", fold=False, spaces="keep")
    assert got.text == "abc" and list(got.index) == [0, 1, 2]
    assert got.to_source(1, 3) == (1, 3) and got.from_source(2) == 2


def test_collapse_keeps_one_space_per_run_and_none_at_the_ends() -> None:
    got = normalize("  Growth\u3000 of\n\n6 %  ", spaces="collapse")
    assert got.text == "growth of 6 %"
    assert [got.index[i] for i, c in enumerate(got.text) if c == " "] == [8, 12, 15]


def test_unknown_spaces_mode_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="spaces must be"):
        normalize("x", spaces="squash")


def test_cjk_ratio_ignores_whitespace() -> None:
    assert cjk_ratio("东莞 ab") == 0.5
    assert cjk_ratio("  ") == 0.0
