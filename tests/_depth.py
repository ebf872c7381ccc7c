"""How deep the property tests search: every ``@settings(max_examples=examples(N))`` runs ``N * depth`` examples.

The budgets ``N`` are what ``make test`` (and CI, which calls it) runs: each property test's budget was set so that the
slow equivalence tests (an optimised path against its earlier, slower definition) take about a second and a half each
on a two-core machine, never fewer than 50 examples where they had more. ``REVIEWTOOLS_TEST_DEPTH`` (default 1)
multiplies every budget, Hypothesis's default of 100 for tests without one included: ``make test-deep`` runs with 4
(run it before changing a native or vectorised path). The budgets were cut by at most 8.4x (500 -> 60; 22 of the 199
cut budgets by more than 4x), so ``REVIEWTOOLS_TEST_DEPTH=9`` searches at least as deep as the suite did before them
everywhere.
"""

from __future__ import annotations

import os


def _depth() -> float:
    raw = os.environ.get("REVIEWTOOLS_TEST_DEPTH", "").strip()
    if not raw:
        return 1.0
    try:
        depth = float(raw)
    except ValueError:
        raise ValueError(f"REVIEWTOOLS_TEST_DEPTH={raw!r}: expected a positive number such as 1 or 4") from None
    if not depth > 0:
        raise ValueError(f"REVIEWTOOLS_TEST_DEPTH={raw!r}: expected a positive number such as 1 or 4")
    return depth


DEPTH = _depth()


def examples(n: int) -> int:
    """``n`` examples scaled by ``REVIEWTOOLS_TEST_DEPTH`` (at least one)."""
    return max(1, round(n * DEPTH))
