"""A/B of ``_dupcore.text_ranks`` of two builds of ``reviewtools/_dupcore.c`` on the inputs the check hands it at N
reviews (session 20: each token is checked against ``rank_of``'s end where it is read, not in a pass over all of
``slot_of`` first).

    git -C /work/main show <old>:reviewtools/_dupcore.c > /tmp/old_dupcore.c   # and build it as a .so
    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates20_text_ranks_bounds.py --reviews 1000000 \\
        --against /tmp/old_dupcore.so --rounds 9

Runs ``find_duplicates`` once on the benchmark corpus (``bench_duplicates``' cached frame) with
``_dupcore.text_ranks`` wrapped to keep copies of its inputs, then calls ``text_ranks`` of the earlier module
(``--against``, a built ``.so``) and of this tree's, alternately (the first of a round alternating too),
``--rounds`` times, each on a fresh copy of ``slot_of`` (the ranks are written in place, as the check does; the
copy is not timed): CPU seconds (``time.process_time``) per call, the written arrays asserted equal. Prints
min / median per build, the rounds the current one was lower in, and the load average.
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
    """Copies of the check's one text_ranks() call's inputs on the corpus of n reviews, and its span's length."""
    frame = _frame(n, None)
    core, kept = dup._dupcore, []

    class Wrapped:
        def __getattr__(self, name: str) -> Any:
            return getattr(core, name)

        def text_ranks(self, slot_of, n_sh, rank_of, off, t_rank, *rest):  # type: ignore[no-untyped-def]
            kept.append((np.array(slot_of), np.array(n_sh), np.array(rank_of), np.array(off), len(t_rank)))
            return core.text_ranks(slot_of, n_sh, rank_of, off, t_rank, *rest)

    dup._dupcore = Wrapped()
    try:
        with ingest._huge_pages_off():
            dup.find_duplicates(frame)
    finally:
        dup._dupcore = core
    return kept[0]


def _run(mod: Any, args: tuple[Any, ...]) -> tuple[float, np.ndarray]:
    slot0, n_sh, rank_of, off, n_ranks = args
    s = slot0.copy()
    t = time.process_time()
    mod.text_ranks(s, n_sh, rank_of, off, s.view(np.uint32)[:n_ranks])
    return time.process_time() - t, s


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--against", required=True, help="an earlier _dupcore build (.so)")
    ap.add_argument("--rounds", type=int, default=9)
    a = ap.parse_args()
    args = _inputs(a.reviews)
    old, new = _module(a.against), dup._dupcore
    print(f"{len(args[1]):,} texts, {len(args[0]):,} shingle occurrences, {args[4]:,} shared entries")
    times: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(a.rounds):
        got = {}
        for name, mod in (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old)):
            dt, got[name] = _run(mod, args)
            times[name].append(dt)
        assert np.array_equal(got["old"], got["new"]), "outputs differ"
        print(f"round {r}: old {times['old'][-1]:.3f}  new {times['new'][-1]:.3f}  load {os.getloadavg()[0]:.1f}",
              flush=True)
    for name in ("old", "new"):
        print(f"{name}: min {min(times[name]):.3f}  median {statistics.median(times[name]):.3f} CPU s")
    lower = sum(n_ < o for o, n_ in zip(times["old"], times["new"]))
    print(f"new lower in {lower}/{a.rounds} rounds; load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
