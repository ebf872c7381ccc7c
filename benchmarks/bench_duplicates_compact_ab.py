"""``duplicates._compact`` (each exact-duplicate row's first five partners among its group's first six rows) the
ce9c51f way (a stable argsort of every row's drop flags and a gather) against this tree's (column by column),
interleaved in one process on the inputs ``find_duplicates`` hands it (recorded in one run first).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates_compact_ab.py --reviews 1000000 --rounds 9

Answers asserted equal; CPU seconds per round, min and median; the order of the two swapped every round.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_duplicates as bd  # noqa: E402

import reviewtools.duplicates as d  # noqa: E402


def _before(cand: np.ndarray, drop: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(drop, axis=1, kind="stable")
    out = np.take_along_axis(cand, order, axis=1)[:, :k].copy()
    n = (~drop).sum(axis=1)
    out[np.arange(k)[None, :] >= n[:, None]] = -1
    return out, n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    print("code:", d.__file__)
    seen: list[tuple[np.ndarray, np.ndarray, int]] = []
    compact = d._compact

    def spy(cand: np.ndarray, drop: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        seen.append((cand.copy(), drop.copy(), k))
        return compact(cand, drop, k)

    d._compact = spy  # type: ignore[assignment]
    try:
        d.find_duplicates(bd._frame(a.reviews, None))
    finally:
        d._compact = compact  # type: ignore[assignment]
    cand, drop, k = seen[0]
    print(f"rows {cand.shape[0]:,} x {cand.shape[1]}, dropped {drop.mean():.1%}")
    times: dict[str, list[float]] = {"before": [], "now": []}
    for r in range(a.rounds):
        got = {}
        for name in (("before", "now") if r % 2 == 0 else ("now", "before")):
            fn = _before if name == "before" else d._compact
            t = time.process_time()
            got[name] = fn(cand, drop, k)
            times[name].append(time.process_time() - t)
        assert all(np.array_equal(x, y) for x, y in zip(got["before"], got["now"]))
    for name, v in times.items():
        print(f"{name}: min {min(v):.4f} median {statistics.median(v):.4f}  " + " ".join(f"{x:.4f}" for x in v))
    print(f"now lower in {sum(x < y for x, y in zip(times['now'], times['before']))}/{a.rounds} rounds; equal")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
