"""One of the checks' native kernels (``_checkcore.<kernel>``) of two builds on the arguments real partitions give
it (issue 8, seventeenth session, helper ``checks_k``).

    cd NEW && PYTHONPATH=NEW .venv/bin/python benchmarks/bench_rules17_kernels_ab.py OLD_TREE \\
        --input benchmarks/out/reviews_100000_seed8.csv --kernel sentence_counts --rounds 11

Records every call ``check_each_review`` makes to the kernel on the corpus's 50,000-row partitions (after a warm
call), then runs OLD_TREE's and this tree's built module on those arguments, alternating old and new per call
(which goes first alternates per round), fresh output buffers each time: every output buffer must be equal (all
of them, unlike bench_rules16_kernels_ab.py, which compared only the last argument of some kernels). Prints the
CPU milliseconds (``time.process_time``) of all the calls per round, min and median over the rounds, the rounds
new was lower in, and the load average. (bench_rules17_headwords_ab.py is this for head_word_counts.)"""
from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np


#: Per kernel, the arguments it writes its results into (sentence_counts' last argument, when given, is the joint
#: flag, not an output).
_OUTPUTS = {"literal_rows": (7,), "ws_literal_rows": (10,), "sentence_counts": (5, 6), "head_word_counts": (6, 7, 8),
            "repeated_tokens": (3,), "word_runs": (3,)}


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
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--kernel", default="sentence_counts", choices=sorted(_OUTPUTS))
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

    R.check_each_review(frame.iloc[: args.rows].reset_index(drop=True))
    saved = R._literal_core
    R._literal_core = lambda: Recorder()
    try:
        for a in range(0, len(frame), args.rows):
            R.check_each_review(frame.iloc[a: a + args.rows].reset_index(drop=True))
    finally:
        R._literal_core = saved
    mods = {"old": _module(Path(args.old_tree)), "new": _module(Path(__file__).resolve().parents[1])}
    secs: dict[str, list[float]] = {"old": [], "new": []}
    outs: dict[str, list[np.ndarray]] = {"old": [], "new": []}
    for r in range(args.rounds):
        order = ("old", "new") if r % 2 == 0 else ("new", "old")
        total = {"old": 0.0, "new": 0.0}
        for a in calls:
            for name in order:
                a = list(a)
                for i in _OUTPUTS[args.kernel]:
                    a[i] = np.zeros_like(a[i])
                c = time.process_time()
                getattr(mods[name], args.kernel)(*a)
                total[name] += time.process_time() - c
                if r == 0:
                    outs[name].extend(a[i] for i in _OUTPUTS[args.kernel])
        for name in total:
            secs[name].append(total[name])
    if not all(np.array_equal(x, y) for x, y in zip(outs["old"], outs["new"])):
        print("OUTPUTS DIFFER")
        return 1
    ratios = [n / o for o, n in zip(secs["old"], secs["new"])]
    print(f"{args.kernel}: {len(calls)} calls, every output equal; "
          f"CPU ms of all calls over {args.rounds} rounds, load {os.getloadavg()[0]:.1f}")
    for name in mods:
        print(f"  {name}: min {min(secs[name]) * 1e3:.1f}, median {statistics.median(secs[name]) * 1e3:.1f}")
    print(f"  new/old per round: median {statistics.median(ratios):.3f}, new lower in {sum(x < 1 for x in ratios)} "
          f"of {len(ratios)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
