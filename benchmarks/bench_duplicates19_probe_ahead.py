"""A/B of the native near-duplicate join (``_dupcore.join``) of two builds of ``reviewtools/_dupcore.c`` on the
inputs the check hands it at N reviews (session 19: the probe loop asks for spans, list heads and rows ahead
across the ends of texts, and for a candidate's record when it is first counted).

    git -C /work/main show <old>:reviewtools/_dupcore.c > /tmp/old_dupcore.c   # and build it as a .so
    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates19_probe_ahead.py --reviews 1000000 \\
        --against /tmp/old_dupcore.so --rounds 9

Runs ``find_duplicates`` once on the benchmark corpus (``bench_duplicates``' cached frame) with ``_dupcore.join``
wrapped to keep its arguments, then calls ``join`` of the earlier module (``--against``, a built ``.so``) and of
this tree's, alternately (the first of a round alternating too), ``--rounds`` times on those inputs: CPU seconds
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reviewtools.duplicates as dup  # noqa: E402
from bench_duplicates import _frame  # noqa: E402
from reviewtools import ingest  # noqa: E402


def _module(path: str) -> Any:
    spec = importlib.util.spec_from_file_location("_dupcore", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _inputs(n: int) -> tuple[Any, ...]:
    """The arguments of the check's one join() call on the corpus of n reviews (copied)."""
    frame = _frame(n, None)
    core, kept = dup._dupcore, []

    class Wrapped:
        def __getattr__(self, name: str) -> Any:
            return getattr(core, name)

        def join(self, *args):  # type: ignore[no-untyped-def]
            kept.append(tuple(np.array(a) for a in args[:7]) + tuple(args[7:]))
            return core.join(*args)

    dup._dupcore = Wrapped()
    try:
        with ingest._huge_pages_off():
            dup.find_duplicates(frame)
    finally:
        dup._dupcore = core
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
    args = _inputs(a.reviews)
    old, new = _module(a.against), dup._dupcore
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
