"""Where KaTeX is found, so that the page renders math offline (symdiff serves it; no CDN).

KaTeX is taken from a package, never copied into symdiff: Debian's ``libjs-katex`` (whose fonts are
symlinks into ``fonts-katex``), or the npm package ``katex`` installed in the working tree. Without it the
page shows LaTeX source instead of rendered math.
"""

from __future__ import annotations

import os
from pathlib import Path

PLACES = (Path("/usr/share/javascript/katex"), Path("node_modules/katex/dist"))
"""Where KaTeX is looked for after ``$SYMDIFF_KATEX_DIR``, first found first."""

INSTALL_HINT = (
    "KaTeX not found: the page shows LaTeX source instead of rendered math. "
    "Install it (Debian: apt-get install libjs-katex fonts-katex; or npm install katex), "
    "or set SYMDIFF_KATEX_DIR to a folder holding katex.min.js"
)


def katex_dir() -> Path | None:
    """The first folder holding ``katex.min.js`` and ``katex.min.css``, or None."""
    chosen = os.environ.get("SYMDIFF_KATEX_DIR")
    for place in ([Path(chosen)] if chosen else []) + list(PLACES):
        if (place / "katex.min.js").is_file() and (place / "katex.min.css").is_file():
            return place.resolve()
    return None
