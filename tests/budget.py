"""How hard the property tests look: the same examples on every CI run, more on request.

CI runs ``EXAMPLES`` (300) examples per property from a fixed seed, so a
failure there fails again on the next run. ``SYMDIFF_HYPOTHESIS_EXAMPLES=5000``
runs that many from a fresh random seed instead (Hypothesis prints how to
reproduce anything it finds; ``pytest --hypothesis-seed=N`` repeats a run).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_ASKED = os.environ.get("SYMDIFF_HYPOTHESIS_EXAMPLES", "").strip()
EXAMPLES = int(_ASKED) if _ASKED else 300


def budget(share: float = 1.0, **overrides) -> settings:
    """Settings for a property run on ``share`` of the example budget."""
    return settings(
        overrides.pop("parent", None),
        max_examples=max(1, int(EXAMPLES * share)),
        derandomize=not _ASKED,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        **overrides,
    )
