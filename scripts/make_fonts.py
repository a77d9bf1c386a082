"""Write the Sarabun faces every document embeds: subset once, shipped in the package.

    python scripts/make_fonts.py [--check]

Subsets Sarabun regular and bold (``fontpkg-sarabun``) to ``SUBSET_RANGES`` of
``ita_analysis.present.fonts`` and writes them as WOFF2 into ``ita_analysis/present/woff2/``.
The output depends only on the font and fontTools: rerunning gives the same bytes. With
``--check``, writes nothing and exits 1 if a shipped file differs from what it would write.
Run it after changing the ranges or upgrading the font, and commit the files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run from a source tree without installing the package
    sys.path.insert(0, str(REPO))

from ita_analysis.present.fonts import (  # noqa: E402
    BASE_CODEPOINTS,
    WEIGHTS,
    shipped_file,
    subset_woff2,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the shipped files instead of writing them")
    args = parser.parse_args(argv)
    stale = []
    for weight in WEIGHTS:
        data = subset_woff2(weight, BASE_CODEPOINTS)
        path = shipped_file(weight)
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{path.relative_to(REPO)}: {len(data):,} bytes")
    for path in stale:
        print(f"{path.relative_to(REPO)} differs from a fresh subset: run "
              f"scripts/make_fonts.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
