"""A/B of the decision workers' blocks for the twentieth session's one-hit rows (``grouped_block(..., split=True)``,
``_one_hit_columns``, ``respond._removal_one_drafts``): the rows owning one removal-basis hit read from the hit
frame's Arrow columns, not from a hit dict per row, and their removal requests' bodies joined by Arrow.

    PYTHONPATH=$TREE python benchmarks/bench_decide20_onehits_ab.py --ref REF --old OLD/reviewtools/pipeline.py \\
        --step 6 --reps 9 [--sample new]

The same measurement as ``bench_decide19_removal_ab.py`` (see there: 1M-scale stage outputs, every ``--step``-th
block decided by the old module and this tree's in turn, CPU seconds per pass, the packed columns and redo rows
asserted equal); the old module shares this tree's ``respond`` (it calls none of the new functions).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def main() -> int:
    path = Path(__file__).with_name("bench_decide19_removal_ab.py")
    spec = importlib.util.spec_from_file_location("bench_decide19_removal_ab", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)  # type: ignore[union-attr]
    return bench.main()


if __name__ == "__main__":
    sys.exit(main())
