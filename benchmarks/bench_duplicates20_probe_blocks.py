"""A/B of the native near-duplicate join (``_dupcore.join``) of two builds of ``reviewtools/_dupcore.c`` on the
inputs the check hands it at N reviews (session 20: the probe loop works in blocks of texts, in three passes:
the block's probe ranks, every entry's span and list head asked for, then the probes).

    git -C /work/main show <old>:reviewtools/_dupcore.c > /tmp/old_dupcore.c   # and build it as a .so
    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates20_probe_blocks.py --reviews 1000000 \\
        --against /tmp/old_dupcore.so --rounds 9

Runs ``find_duplicates`` on the benchmark corpus (``bench_duplicates``' cached frame) with this tree's
``_dupcore`` (its ``join`` wrapped to keep its arguments) and once with the earlier module's ``join``
(``--against``, a built ``.so``) in its place, and asserts the two frames equal; then calls ``join`` of both
alternately (the first of a round alternating too), ``--rounds`` times on the kept inputs: CPU seconds
(``time.process_time``) per call, the returned triples asserted equal (as bytes: same pairs in the same order,
same overlaps). Prints min / median per build, the rounds the current one was lower in, and the load average.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reviewtools.duplicates as dup  # noqa: E402
from bench_duplicates import _frame  # noqa: E402
from reviewtools import ingest  # noqa: E402


def _module(path: str) -> Any:
    spec = importlib.util.spec_from_file_location("_dupcore", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _inputs(n: int, old: Any) -> tuple[Any, ...]:
    """The arguments of the check's one join() call on the corpus of n reviews (copied), after asserting that
    find_duplicates gives the same frame with the old module's join."""
    frame = _frame(n, None)
    core, kept = dup._dupcore, []

    class Wrapped:
        def __init__(self, join_of: Any, keep: bool) -> None:
            self.join_of, self.keep = join_of, keep

        def __getattr__(self, name: str) -> Any:
            return getattr(core, name)

        def join(self, *args):  # type: ignore[no-untyped-def]
            if self.keep:
                kept.append(tuple(np.array(a) for a in args[:7]) + tuple(args[7:]))
            return self.join_of.join(*args)

    found = {}
    try:
        for name, mod in (("new", core), ("old", old)):
            dup._dupcore = Wrapped(mod, name == "new")
            with ingest._huge_pages_off():
                found[name] = dup.find_duplicates(frame)
    finally:
        dup._dupcore = core
    pd.testing.assert_frame_equal(found["old"], found["new"])
    print(f"find_duplicates: the same frame with both joins ({len(found['new']):,} rows)", flush=True)
    return kept[0]


def _run(mod: Any, args: tuple[Any, ...]) -> tuple[float, bytes]:
    t = time.process_time()
    got = mod.join(*args)
    return time.process_time() - t, got


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--against", required=True, help="an earlier _dupcore build (.so)")
    ap.add_argument("--rounds", type=int, default=9)
    a = ap.parse_args()
    old, new = _module(a.against), dup._dupcore
    args = _inputs(a.reviews, old)
    print(f"{len(args[3]):,} texts, {len(args[0]):,} shared shingle entries, {int(args[2].sum()):,} probe entries")
    times: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(a.rounds):
        got = {}
        for name, mod in (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old)):
            dt, got[name] = _run(mod, args)
            times[name].append(dt)
        assert got["old"] == got["new"], "outputs differ"
        print(f"round {r}: old {times['old'][-1]:.3f}  new {times['new'][-1]:.3f}  load {os.getloadavg()[0]:.1f}",
              flush=True)
    for name in ("old", "new"):
        print(f"{name}: min {min(times[name]):.3f}  median {statistics.median(times[name]):.3f} CPU s")
    lower = sum(n_ < o for o, n_ in zip(times["old"], times["new"]))
    print(f"new lower in {lower}/{a.rounds} rounds; load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
