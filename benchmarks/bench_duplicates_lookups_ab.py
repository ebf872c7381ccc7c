"""Two lookups of the duplicate check, the ce9c51f way against this tree's, interleaved in one process on the 1M
corpus's inputs:

- **authors**: which distinct authors are not blank (``_Duplicates.__init__``, native core): ce9c51f's
  ``_not_blank(_take_rows(chunks, first))`` (a take from each chunk, a concat and a take into order, then the
  byte test and Python for the odd ones) against ``_evidence(chunks, first)[2] > 0`` (one copy, stripped in C);
- **clash**: whether a near pair's partner text has a row by the source's author (``_Duplicates._near``):
  ``np.searchsorted`` of the keys in their given order against ``_has_keys`` (the keys searched sorted).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates_lookups_ab.py --reviews 1000000 --rounds 9

The clash inputs are recorded from one ``find_duplicates`` run. Answers asserted equal; CPU seconds per round,
min and median; the order of the two swapped every round; transparent huge pages off as the check runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_duplicates as bd  # noqa: E402

import reviewtools.duplicates as d  # noqa: E402
from reviewtools.ingest import _huge_pages_off  # noqa: E402


def _clash_before(table: np.ndarray, keys: np.ndarray) -> np.ndarray:
    at = np.minimum(np.searchsorted(table, keys), len(table) - 1)
    return table[at] == keys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    print("code:", d.__file__)
    frame = bd._frame(a.reviews, None)
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    has_keys = d._has_keys

    def spy(table: np.ndarray, keys: np.ndarray) -> np.ndarray:
        seen.append((table.copy(), keys.copy()))
        return has_keys(table, keys)

    d._has_keys = spy  # type: ignore[assignment]
    try:
        with _huge_pages_off():
            d.find_duplicates(frame)
    finally:
        d._has_keys = has_keys  # type: ignore[assignment]
    table, keys = seen[0]
    chunks = d._text_chunks(frame["author"])
    n = len(frame)
    _, _, k, first = d._native_groups(pa.chunked_array(chunks, type=d._LS), np.arange(n, dtype=np.int64), False)
    print(f"distinct authors {k:,}; clash keys {len(keys):,} in {len(table):,}")
    ways: dict[str, dict[str, Any]] = {
        "authors": {"before": lambda: d._not_blank(d._take_rows(chunks, first)),
                    "now": lambda: d._evidence(chunks, first)[2] > 0},
        "clash": {"before": lambda: _clash_before(table, keys), "now": lambda: d._has_keys(table, keys)},
    }
    with _huge_pages_off():
        for what, fns in ways.items():
            times: dict[str, list[float]] = {"before": [], "now": []}
            for r in range(a.rounds):
                got = {}
                for name in (("before", "now") if r % 2 == 0 else ("now", "before")):
                    t = time.process_time()
                    got[name] = fns[name]()
                    times[name].append(time.process_time() - t)
                assert np.array_equal(got["before"], got["now"])
            lower = sum(x < y for x, y in zip(times["now"], times["before"]))
            print(f"{what}: " + "  ".join(f"{name} min {min(v):.4f} median {statistics.median(v):.4f}"
                                          for name, v in times.items()) + f"  (now lower {lower}/{a.rounds})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
