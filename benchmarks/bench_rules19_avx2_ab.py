"""``_checkcore.literal_rows`` and ``ws_literal_rows`` of two builds, and this tree's with its AVX2 paths off, on the
arguments real partitions give them (issue 8, nineteenth session, helper ``checks_k``).

    cd NEW && PYTHONPATH=NEW .venv/bin/python benchmarks/bench_rules19_avx2_ab.py OLD_TREE \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 15

Records every call ``check_each_review`` makes to the two kernels on the corpus's 50,000-row partitions (after a
warm call), then runs them per call on OLD_TREE's built module ("old"), this tree's ("new": the AVX2 paths where
the CPU has AVX2) and this tree's with ``avx2(False)`` ("new_off": the SSE2 paths), in an order that rotates per
round, fresh output buffers each time; every output must equal old's. Prints per kernel the CPU milliseconds
(``time.process_time``) of all its calls per round, min and median over the rounds, the rounds each variant was
lower than old in, and the load average."""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path
import time

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_rules17_kernels_ab import _OUTPUTS, _module  # noqa: E402

KERNELS = ("literal_rows", "ws_literal_rows")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old_tree")
    ap.add_argument("--input", required=True)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--rows", type=int, default=50_000)
    args = ap.parse_args()
    from reviewtools import rules as R
    from reviewtools.ingest import read_reviews

    print("code:", R.__file__)
    frame = read_reviews(args.input).reviews
    core = R._literal_core()
    calls: list[tuple[str, list]] = []

    class Recorder:
        def __getattr__(self, name):
            fn = getattr(core, name)
            if name not in KERNELS:
                return fn

            def rec(*a):
                calls.append((name, [np.array(x, copy=True) if isinstance(x, np.ndarray) else x for x in a]))
                return fn(*a)
            return rec

    R.check_each_review(frame.iloc[: args.rows].reset_index(drop=True))
    saved = R._literal_core
    R._literal_core = lambda: Recorder()
    try:
        for a in range(0, len(frame), args.rows):
            R.check_each_review(frame.iloc[a: a + args.rows].reset_index(drop=True))
    finally:
        R._literal_core = saved
    old, new = _module(Path(args.old_tree)), _module(Path(__file__).resolve().parents[1])
    has_avx2 = new.avx2(True)
    variants = ("old", "new", "new_off")
    secs = {(k, v): [] for k in KERNELS for v in variants}
    want: dict[int, list[np.ndarray]] = {}
    for r in range(args.rounds):
        order = variants[r % 3:] + variants[: r % 3]
        total = dict.fromkeys(secs, 0.0)
        for ci, (kernel, a) in enumerate(calls):
            for v in order:
                new.avx2(v == "new")
                a = list(a)
                for i in _OUTPUTS[kernel]:
                    a[i] = np.zeros_like(a[i])
                c = time.process_time()
                getattr(old if v == "old" else new, kernel)(*a)
                total[kernel, v] += time.process_time() - c
                outs = [a[i] for i in _OUTPUTS[kernel]]
                if ci not in want:
                    want[ci] = outs
                elif not all(np.array_equal(x, y) for x, y in zip(want[ci], outs)):
                    print(f"OUTPUTS DIFFER: {kernel} call {ci}, {v}")
                    return 1
        for key in secs:
            secs[key].append(total[key])
    new.avx2(True)
    print(f"{len(calls)} calls, every output equal; CPU ms of all calls per kernel over {args.rounds} rounds, "
          f"load {os.getloadavg()[0]:.1f}; AVX2 on this CPU: {has_avx2}")
    for k in KERNELS:
        print(f"{k} ({sum(1 for name, _ in calls if name == k)} calls):")
        for v in variants:
            s = secs[k, v]
            lower = sum(x < o for x, o in zip(s, secs[k, "old"]))
            ratio = statistics.median(x / o for x, o in zip(s, secs[k, "old"]))
            print(f"  {v:8s} min {min(s) * 1e3:7.1f}, median {statistics.median(s) * 1e3:7.1f}"
                  + ("" if v == "old" else f", /old median {ratio:.3f}, lower in {lower} of {args.rounds}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
