"""The cross-review process's output step: ``_encode(_Duplicates._frame(blocks))`` (strings per row, then
factorised; as 4d7a25f's ``_cross_review_task``) against ``_frame(blocks, encoded)`` + ``_encode`` of the rest (the
rule columns and platform made ``category`` from their codes; ``pipeline._cross_review_encoded``), interleaved in
one process on the same blocks.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates_encoded16_ab.py --reviews 1000000 --rounds 7

The check runs once on the corpus and records the state and the blocks ``_frame`` got; each round runs both
tails (their order swapped every round) and asserts the decoded frames equal. CPU seconds (user + system) per
round, min and median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_duplicates as bd  # noqa: E402

import reviewtools.duplicates as d  # noqa: E402
from reviewtools import pipeline  # noqa: E402


def _capture(frame: pd.DataFrame) -> tuple[Any, list[dict[str, Any]]]:
    got: list[Any] = []
    frame_fn = d._Duplicates._frame

    def spy(self: Any, blocks: list[dict[str, Any]], encoded: Any = None) -> Any:
        got.append((self, list(blocks)))
        return frame_fn(self, blocks, encoded)

    d._Duplicates._frame = spy  # type: ignore[method-assign]
    try:
        d.find_duplicates(frame)
    finally:
        d._Duplicates._frame = frame_fn  # type: ignore[method-assign]
    return got[-1]


def _old(state: Any, blocks: list[dict[str, Any]]) -> pipeline._Encoded:
    return pipeline._encode(d._Duplicates._frame(state, blocks))


def _new(state: Any, blocks: list[dict[str, Any]]) -> pipeline._Encoded:
    encoded: dict[str, pd.Series] = {}
    out = d._Duplicates._frame(state, blocks, encoded)
    enc = pipeline._encode(out)
    string = pd.api.types.pandas_dtype("string")
    return pipeline._Encoded(enc.frame, {**{c: string for c in encoded}, **enc.dtypes})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    print(f"code: {Path(d.__file__).resolve().parent}")
    frame = bd._frame(args.reviews, Path(f"/work/main/benchmarks/out/reviews_{args.reviews}_seed8.csv"))
    state, blocks = _capture(frame)
    times: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(args.rounds):
        outs = {}
        for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
            fn = _old if name == "old" else _new
            t = time.process_time()
            outs[name] = fn(state, blocks)
            times[name].append(time.process_time() - t)
        pd.testing.assert_frame_equal(outs["old"].decode(), outs["new"].decode())
        print(f"round {r}: old {times['old'][-1]:.3f}  new {times['new'][-1]:.3f} CPU s  rows {len(outs['old'].frame)}"
              f"  load {bd._load_avg()}", flush=True)
    for name, v in times.items():
        print(f"{name}: min {min(v):.3f}  median {statistics.median(v):.3f} CPU s")


if __name__ == "__main__":
    main()
