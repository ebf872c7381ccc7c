"""The checks' native kernels of two builds on the arguments real partitions give them (issue 8, sixteenth
session, helper ``checks_a``; .work/notes16/checks_a.md).

    cd NEW && PYTHONPATH=NEW .venv/bin/python benchmarks/bench_rules16_kernels_ab.py OLD_TREE \\
        --input benchmarks/out/reviews_100000_seed8.csv --kernel ws_literal_rows --rounds 9

Records every call ``check_each_review`` makes to ``_checkcore.<kernel>`` on the corpus's first two 50,000-row
partitions (after a warm call), then calls OLD_TREE's and this tree's built module on those arguments, old then
new per round: the outputs must be equal; CPU seconds (user+sys) of all the calls, min and median of the rounds."""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import numpy as np


#: Per kernel, the arguments it writes its result into (sentence_counts' last argument is the joint flag).
_OUTPUTS = {"literal_rows": (7,), "ws_literal_rows": (10,), "sentence_counts": (5, 6)}


def _module(tree: Path):
    path = next((tree / "reviewtools").glob("_checkcore.*.so"))
    spec = importlib.util.spec_from_file_location("_checkcore", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old_tree")
    ap.add_argument("--input", required=True)
    ap.add_argument("--kernel", default="ws_literal_rows")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--rows", type=int, default=50_000)
    args = ap.parse_args()
    from reviewtools import rules as R
    from reviewtools.ingest import read_reviews

    print("code:", R.__file__)
    frame = read_reviews(args.input).reviews
    core = R._literal_core()
    calls = []

    class Recorder:
        def __getattr__(self, name):
            fn = getattr(core, name)
            if name != args.kernel:
                return fn

            def rec(*a):
                calls.append([np.array(x, copy=True) if isinstance(x, np.ndarray) else x for x in a])
                return fn(*a)
            return rec

    R.check_each_review(frame.iloc[args.rows: 2 * args.rows].reset_index(drop=True))
    saved = R._literal_core
    R._literal_core = lambda: Recorder()
    try:
        for a in (0, args.rows):
            R.check_each_review(frame.iloc[a: a + args.rows].reset_index(drop=True))
    finally:
        R._literal_core = saved
    mods = {"old": _module(Path(args.old_tree)), "new": _module(Path(__file__).resolve().parents[1])}
    secs: dict[str, list[float]] = {"old": [], "new": []}
    outs: dict[str, list[np.ndarray]] = {}
    for r in range(args.rounds):
        for name, mod in mods.items():
            total, got = 0.0, []
            for a in calls:
                a = list(a)
                outputs = _OUTPUTS.get(args.kernel, (len(a) - 1,))
                for i in outputs:  # the output buffers, fresh each call
                    a[i] = np.zeros_like(a[i])
                c = time.process_time()
                getattr(mod, args.kernel)(*a)
                total += time.process_time() - c
                got.extend(a[i] for i in outputs)
            secs[name].append(total)
            outs.setdefault(name, got)
    if not all(np.array_equal(x, y) for x, y in zip(outs["old"], outs["new"])):
        print("OUTPUTS DIFFER")
        return 1
    ratios = [n / o for o, n in zip(secs["old"], secs["new"])]
    print(f"{args.kernel}: {len(calls)} calls, outputs equal; CPU ms of all calls over {args.rounds} rounds")
    for name in mods:
        print(f"  {name}: min {min(secs[name]) * 1e3:.1f}, median {statistics.median(secs[name]) * 1e3:.1f}")
    print(f"  new/old per round: median {statistics.median(ratios):.3f}, new lower in {sum(x < 1 for x in ratios)} "
          f"of {len(ratios)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
