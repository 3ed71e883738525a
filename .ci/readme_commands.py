"""Print the README's set-up commands, one per line: the ```bash blocks under "## Set up".

Used by .ci/run (and by tests/docs) so CI runs exactly what a newcomer reads.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def setup_commands(readme: str) -> list[str]:
    section = re.search(r"^## Set up\n(.*?)(?=^## )", readme, re.S | re.M)
    if not section:
        return []
    blocks = re.findall(r"```bash\n(.*?)```", section.group(1), re.S)
    return [" ".join(line.strip().rstrip("\\").strip() for line in b.strip().splitlines()) for b in blocks]


if __name__ == "__main__":
    for cmd in setup_commands(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md").read_text(encoding="utf-8")):
        print(cmd)
