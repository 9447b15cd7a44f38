"""Append docs/install.md's `# settings.py` and `# urls.py` blocks to a Wagtail
project: `python .ci/install_blocks.py docs/install.md PROJECT_PACKAGE_DIR`.

Fails unless the page has exactly one fenced block of each."""

import re
import sys
from pathlib import Path

doc, package = Path(sys.argv[1]), Path(sys.argv[2])
blocks = re.findall(r"^```python\n(.*?)^```", doc.read_text(), re.M | re.S)
for first_line, target in (
    ("# settings.py", package / "settings" / "base.py"),
    ("# urls.py", package / "urls.py"),
):
    found = [block for block in blocks if block.splitlines()[0] == first_line]
    if len(found) != 1:
        sys.exit(f"{doc} must have one block starting {first_line!r}, not {len(found)}")
    with target.open("a") as file:
        file.write("\n\n" + found[0])
    print(f"appended {first_line} to {target}")
