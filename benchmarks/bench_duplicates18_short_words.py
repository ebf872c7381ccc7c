"""A/B of the native shingling and token table (``_dupcore.tokens``) of two builds of ``reviewtools/_dupcore.c``
on the inputs the check hands it at N reviews (session 18: short words looked up in a table of 16-byte entries).

    git -C /work/main show <old>:reviewtools/_dupcore.c > /tmp/old_dupcore.c   # and build it as a .so
    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates18_short_words.py --reviews 1000000 \\
        --against /tmp/old_dupcore.so --rounds 7

Runs ``find_duplicates`` once on the benchmark corpus (``bench_duplicates``' cached frame) with ``_dupcore.tokens``
wrapped to keep its arguments, then calls ``tokens`` of the earlier module (``--against``, a built ``.so``) and of
this tree's, alternately, ``--rounds`` times on those inputs: CPU seconds (``time.process_time``) per call, each
with a fresh ``slot_of`` whose pages are written beforehand (the work, not the page faults), results (hashes,
frequencies, ``slot_of``, sizes, private counts) asserted equal. Prints min / median per build, the rounds the
current one was lower in, and the load average.
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
    """The arguments of the check's one tokens() call on the corpus of n reviews (its chunks' buffers kept)."""
    frame = _frame(n, None)
    core, kept = dup._dupcore, []

    class Wrapped:
        def __getattr__(self, name: str) -> Any:
            return getattr(core, name)

        def tokens(self, chunks, rows, k, mult, wh, counts, *out):  # type: ignore[no-untyped-def]
            kept.append((list(chunks), np.array(rows), k, mult, wh, np.array(counts)))
            return core.tokens(chunks, rows, k, mult, wh, counts, *out)

    dup._dupcore = Wrapped()
    try:
        with ingest._huge_pages_off():
            dup.find_duplicates(frame)
    finally:
        dup._dupcore = core
    return kept[0]


def _run(mod: Any, args: tuple[Any, ...]) -> tuple[float, tuple[Any, ...]]:
    chunks, rows, k, mult, wh, counts = args
    slot_of = np.zeros(int(counts.sum()), dtype=np.int32)  # (pages written: not timed)
    size, private = np.zeros(len(rows), dtype=np.int64), np.zeros(len(rows), dtype=np.int64)
    t = time.process_time()
    got = mod.tokens(chunks, rows, k, mult, wh, counts, slot_of, size, private)
    return time.process_time() - t, (got, slot_of, size, private)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--against", required=True, help="an earlier _dupcore build (.so)")
    ap.add_argument("--rounds", type=int, default=7)
    a = ap.parse_args()
    args = _inputs(a.reviews)
    old, new = _module(a.against), dup._dupcore
    print(f"{len(args[1]):,} texts, {int(args[5].sum()):,} shingle occurrences")
    times: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(a.rounds):
        got = {}
        for name, mod in (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old)):
            dt, got[name] = _run(mod, args)
            times[name].append(dt)
        o, n_ = got["old"], got["new"]
        assert o[0] == n_[0] and all(np.array_equal(x, y) for x, y in zip(o[1:], n_[1:])), "outputs differ"
        print(f"round {r}: old {times['old'][-1]:.3f}  new {times['new'][-1]:.3f}  load {os.getloadavg()[0]:.1f}",
              flush=True)
    for name in ("old", "new"):
        print(f"{name}: min {min(times[name]):.3f}  median {statistics.median(times[name]):.3f} CPU s")
    lower = sum(n_ < o for o, n_ in zip(times["old"], times["new"]))
    print(f"new lower in {lower}/{a.rounds} rounds; load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
