"""Prompt tokens per seed article before and after intake cleaning.

``count_tokens`` on the raw file text vs on ``Document.text`` (cleaned, pinyin repaired).
The dirty seeds are the ones with page furniture: 001, 003, 004 (002's saving is pinyin
repair, 000 is nearly clean). Tokenizer: tiktoken if its encoding file is cached locally,
else the documented estimate (see summarizer/intake/chunking.py); printed as ``tokenizer=``.

Run: python benchmarks/prompt_tokens.py   (name=value lines, the headline last)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.intake import read_path  # noqa: E402
from summarizer.intake.chunking import count_tokens, tokenizer_name  # noqa: E402

DIRTY = ("001", "003", "004")


def main() -> None:
    print(f"tokenizer={tokenizer_name()}")
    raw_dirty = clean_dirty = raw_all = clean_all = 0
    for path in sorted((ROOT / "fixtures" / "articles").glob("*.txt")):
        doc = read_path(path)
        raw, clean = count_tokens(doc.raw), count_tokens(doc.text)
        seed = path.stem.split("_")[0]
        print(f"seed_{seed}_raw_tokens={raw}")
        print(f"seed_{seed}_clean_tokens={clean}")
        print(f"seed_{seed}_reduction={1 - clean / raw:.4f}")
        raw_all += raw
        clean_all += clean
        if seed in DIRTY:
            raw_dirty += raw
            clean_dirty += clean
    print(f"all_seeds_reduction={1 - clean_all / raw_all:.4f}")
    print(f"dirty_seeds_reduction={1 - clean_dirty / raw_dirty:.4f}")


if __name__ == "__main__":
    main()
