"""A Gradescope autograder bundle: ``autograder.zip`` with ``setup.sh``, ``run_autograder``, symdiff and the worksheet.

Gradescope's specification (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
the zip holds ``setup.sh`` (run once, as root, when the image is built) and
``run_autograder`` (run per submission, in ``/autograder``) at its root; the
bundle is unpacked in ``/autograder/source``, the student's files are in
``/autograder/submission``, and ``run_autograder`` must write
``/autograder/results/results.json``. Here ``setup.sh`` installs Python 3.11
and symdiff's dependencies (the versions this symdiff was installed with)
into a virtual environment, symdiff itself travels in the zip as source, and
``run_autograder`` runs ``symdiff grade --gradescope`` on the first ``.csv``
or ``.jsonl`` file submitted (``question,answer`` rows). A submission that
cannot be read still gets a ``results.json``: score 0 and the error as output.
"""

from __future__ import annotations

import importlib.metadata
import io
import shlex
import zipfile
from pathlib import Path

from ..errors import SymdiffError

PACKAGE = Path(__file__).parent.parent
"""symdiff's source folder, copied into the bundle."""
FIXED_TIME = (2020, 1, 1, 0, 0, 0)
"""Every entry's date in the zip, so the same worksheet gives the same bundle."""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Grades one submission with symdiff: writes /autograder/results/results.json.
set -u
cd /autograder/source
mkdir -p /autograder/results
submission=$(find /autograder/submission -maxdepth 1 -type f \\( -name '*.csv' -o -name '*.jsonl' \\) \\
  | sort | head -n 1)
if [ -z "$submission" ]; then
  echo 'No .csv or .jsonl file was submitted: submit a file with a header question,answer.' > /tmp/symdiff-error
else
  PYTHONPATH=/autograder/source /autograder/venv/bin/python -m symdiff --timeout 0 grade worksheet.toml \\
    "$submission" --gradescope --jobs 1 -o /autograder/results/results.json 2> /tmp/symdiff-error && exit 0
fi
/autograder/venv/bin/python - <<'EOF'
import json
message = open("/tmp/symdiff-error", encoding="utf-8", errors="replace").read()
results = {"score": 0, "output": message.replace("symdiff: error: ", "", 1)}
with open("/autograder/results/results.json", "w", encoding="utf-8") as out:
    json.dump(results, out)
EOF
"""


def setup_script(requirements: list[str]) -> str:
    return (
        "#!/usr/bin/env bash\n"
        "# Installs Python 3.11 and symdiff's dependencies; symdiff itself is in this bundle (symdiff/).\n"
        "set -euo pipefail\n"
        "apt-get update\n"
        "DEBIAN_FRONTEND=noninteractive apt-get install -y python3.11 python3.11-venv\n"
        "python3.11 -m venv /autograder/venv\n"
        "/autograder/venv/bin/pip install " + " ".join(shlex.quote(r) for r in requirements) + "\n"
    )


def requirements() -> list[str]:
    """symdiff's own dependencies as installed here (not the test and lint extras)."""
    try:
        found = importlib.metadata.requires("symdiff") or []
    except importlib.metadata.PackageNotFoundError:
        raise SymdiffError(
            "symdiff is not installed as a package, so its dependencies are not known",
            hint="pip install symdiff (or pip install -e . in its source) and export again",
        ) from None
    return [r for r in found if "extra ==" not in r]


def bundle(worksheet_text: str) -> bytes:
    """The zip's bytes: ``setup.sh``, ``run_autograder``, ``worksheet.toml`` and ``symdiff/``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "setup.sh", setup_script(requirements()).encode(), 0o755)
        _add(archive, "run_autograder", RUN_AUTOGRADER.encode(), 0o755)
        _add(archive, "worksheet.toml", worksheet_text.encode("utf-8"), 0o644)
        for path in sorted(PACKAGE.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".lark") and "__pycache__" not in path.parts:
                _add(archive, "symdiff/" + path.relative_to(PACKAGE).as_posix(), path.read_bytes(), 0o644)
    return out.getvalue()


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int) -> None:
    entry = zipfile.ZipInfo(name, FIXED_TIME)
    entry.external_attr = (0o100000 | mode) << 16
    entry.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(entry, data)
