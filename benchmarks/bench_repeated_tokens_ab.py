"""The word-run prefilter's three-equal-tokens pass alone: ``_vadercore.repeated_tokens`` of OLD_TREE against this
tree's ``_checkcore.repeated_tokens`` (SSE2 separator masks), on the calls ``check_each_review`` makes for the corpus
(arguments captured first), interleaved, order swapped each round, outputs asserted equal; CPU ms per round.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_repeated_tokens_ab.py \\
        --input benchmarks/out/reviews_100000_seed8.csv --old /tmp/checks3_old --rounds 11
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

import numpy as np

from reviewtools import rules as R
from reviewtools.ingest import read_reviews
from reviewtools.rules import check_each_review, load_rules


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--old", required=True, help="a tree whose reviewtools/ holds the old _vadercore build")
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args(argv)
    print("code:", R.__file__)
    new = R._literal_core()
    if new is None or not hasattr(new, "repeated_tokens"):
        print("this tree's _checkcore has no repeated_tokens")
        return 1
    old = _load(next((Path(args.old) / "reviewtools").glob("_vadercore*.so")), "reviewtools._vadercore")
    frame = read_reviews(Path(args.input)).reviews.head(args.reviews)
    load_rules()
    captured = []

    class Capture:
        def __getattr__(self, name):
            fn = getattr(new, name)
            if name != "repeated_tokens":
                return fn

            def call(*a):
                captured.append([np.array(x, copy=True) for x in a])
                return fn(*a)
            return call

    literal_core = R._literal_core
    R._literal_core = Capture
    try:
        check_each_review(frame)
    finally:
        R._literal_core = literal_core
    cores = {"old (_vadercore)": old, "new (_checkcore)": new}
    times: dict[str, list[float]] = {k: [] for k in cores}
    for r in range(args.rounds):
        outs = {}
        for name in (list(cores) if r % 2 == 0 else list(cores)[::-1]):
            total, got = 0.0, []
            for a in captured:
                out = np.zeros_like(a[3])
                t = time.process_time()
                cores[name].repeated_tokens(a[0], a[1], a[2], out)
                total += time.process_time() - t
                got.append(out)
            times[name].append(total)
            outs[name] = got
        if not all(np.array_equal(x, y) for x, y in zip(*outs.values())):
            print("outputs differ")
            return 1
    rows = sum(len(a[1]) - 1 for a in captured)
    for name, ts in times.items():
        ts = sorted(ts)
        print(f"{name}: min {ts[0] * 1e3:.1f} ms, median {ts[len(ts) // 2] * 1e3:.1f} ms "
              f"({ts[0] / rows * 1e6:.3f} CPU us/review at the min)")
    print(f"outputs equal; {len(captured)} calls, {rows:,} rows; load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
