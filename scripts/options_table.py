"""Write the option table of README.md from the declarations of the options.

The table (between the markers :data:`wijkkracht.cli.OPTIONS_TABLE_MARKERS`) is made by
:func:`wijkkracht.cli.options_table` from :data:`wijkkracht.core.options.OPTIONS`; run this after
changing a declaration. ``--check``: change nothing, exit 1 when the README's table is out of
date (``tests/test_options.py`` checks the same).
"""

from __future__ import annotations

import sys
from pathlib import Path

from wijkkracht.cli import readme_with_options_table

README = Path(__file__).resolve().parents[1] / "README.md"


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new = readme_with_options_table(text)
    if "--check" in argv:
        if new != text:
            print(f"{README}: the option table is out of date; run {Path(__file__).name}",
                  file=sys.stderr)
            return 1
        return 0
    if new != text:
        README.write_text(new, encoding="utf-8")
        print(f"{README}: option table written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
