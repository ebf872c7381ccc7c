"""Drafting and linting in the decision step: real CPU seconds of their parts (issue 8).

    .venv/bin/python benchmarks/bench_drafts.py --ref .work/dec/ref1m --partitions 40
    PYTHONPATH=/tmp/old_tree .venv/bin/python /tmp/bench_drafts.py --ref .work/dec/ref1m --partitions 40
        # the old tree (a git archive with its compiled .so's; run a copy of this script from /tmp so that
        # PYTHONPATH decides which reviewtools is imported)
    .venv/bin/python benchmarks/bench_drafts.py --ref .work/dec/ref1m --partitions 40 --blocks 20 --lints 3
    PYTHONPATH=/tmp/new_tree .venv/bin/python /tmp/new_tree/benchmarks/bench_drafts.py --ref REF --rounds 3

Reads the stage outputs ``tagged.pkl``, ``hits.pkl`` and ``matches.pkl`` of ``--ref`` (``bench_decisions.py
--capture``), prepares the decision state as ``recommend`` does before it forks, then, in this one process, runs
every block as a decision worker's task (``pipeline._decide_task``; ``--blocks N``: N blocks spread over the frame)
and, unless ``--blocks`` is given, the parent's serial pass (``pipeline._assemble``) over the packed blocks with
the caches a forked worker filled cleared first (the parent has its own). The functions drafting calls are wrapped
in CPU timers (``time.process_time``; each wrapper adds ~0.3 us a call): per function, total seconds, calls, us a
call and us a review; a lint is counted as a hit or a miss of ``respond._lint_cached``. ``--lints R``: the distinct
drafts linted in the worker pass linted again without the cache, R rounds (cold: the pieces' cache cleared first,
where the tree has one; warm: a second pass), in us a lint. ``--save PATH`` pickles the parent's ``draft``,
``draft_lint`` and ``action_reason`` columns (compare two trees' with ``--compare OTHER``). ``--rounds R``: no
timers and no parent pass: the workers' tasks R times in this process (respond's caches cleared before each), the
CPU seconds of each round, their min and median (an A/B of two trees: run old, new, old, new, ...). The load average
is printed with each figure: compare interleaved runs of two trees on a shared machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

def _rechunked(frame: Any, k: int) -> Any:
    """``frame`` as ``k`` row slices concatenated again (bench_decisions.py's: Arrow-backed columns in ``k`` chunks)."""
    import pandas as pd

    size = -(-len(frame) // k)
    return pd.concat([frame.iloc[i : i + size] for i in range(0, len(frame), size)], ignore_index=True)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _clear_respond(R: Any) -> None:
    """Empty respond's per-process caches (lru caches of per-text work, the removal drafts' dicts), not the ones
    of data read once (templates, rules, compiled patterns)."""
    for name in ("_lint_cached", "_segment_found", "_normalise", "_reads_as_complaint", "_PROBLEM_LINES",
                 "_REMOVAL_HEADS", "_REMOVAL_TO", "_removal_head", "_REMOVAL_PLANS", "_REMOVAL_ROWS", "_DATES",
                 "_SHARED_ENTRIES",
                 "_NORMS_BOXES", "_SCAN_LAST"):
        c = getattr(R, name, None)
        if hasattr(c, "cache_clear"):
            c.cache_clear()
        elif isinstance(c, dict):
            c.clear()
        elif name == "_SCAN_LAST" and c is not None:
            setattr(R, name, (None, None, None, None))


def _plain(a: argparse.Namespace, P: Any, R: Any, recs: Any, state: Any, pri: Any, bounds: list[tuple[int, int]],
           rows: int) -> int:
    """``--rounds``: the workers' tasks without timers, ``a.rounds`` times (respond's caches cleared before each;
    a decision task's draft memo is per block), CPU seconds of each round, their min and median."""
    P._FORKED["decisions"] = (recs, state, pri)
    times = []
    for _ in range(a.rounds):
        _clear_respond(R)
        gc.collect()
        c = time.process_time()
        for b in bounds:
            P._decide_task(b)
        times.append(time.process_time() - c)
        print(f"  round {len(times)}: {times[-1]:.3f} CPU s, load {_load()}", flush=True)
    s = sorted(times)
    print(f"{R.__file__}: workers' tasks, {rows:,} rows, {a.rounds} rounds: min {s[0]:.3f} median "
          f"{s[len(s) // 2]:.3f} CPU s ({1e6 * s[0] / rows:.2f} us/review at the min)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", type=Path, required=True)
    ap.add_argument("--partitions", type=int, default=40, help="chunk the frames as the per-review pool does")
    ap.add_argument("--blocks", type=int, default=0, help="only this many blocks (no parent pass)")
    ap.add_argument("--lints", type=int, default=0, metavar="ROUNDS")
    ap.add_argument("--save", type=Path)
    ap.add_argument("--compare", type=Path)
    ap.add_argument("--rounds", type=int, default=0,
                    help="no timers: the workers' tasks this many times, respond's caches cleared before each")
    a = ap.parse_args(argv)

    import reviewtools.pipeline as P
    import reviewtools.respond as R
    from reviewtools.schema import coerce

    t, h, m = (_rechunked(pickle.load(open(a.ref / f"{n}.pkl", "rb")), a.partitions)
               for n in ("tagged", "hits", "matches"))
    P._warm_worker()
    P.recommend(t.iloc[:50], h.iloc[:0], m.iloc[:0], processes=1)
    o = coerce(t)
    recs = o[[c for c in P.DECISION_COLUMNS if c in o.columns]]
    existing = frozenset(P._normalise(x) for x in o["reply_text"].dropna().astype(str) if x.strip())
    state = P._decision_state(P.ReplySettings(), P._encode(h), P._encode(m), True, (), existing)
    pri = P._priority_inputs(o, None)
    n, size = len(recs), P.DECISION_MAX_BLOCK
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    state = dataclasses.replace(state, blocks=P._block_index(recs, state, bounds))
    if a.blocks:
        bounds = bounds[:: max(1, len(bounds) // a.blocks)][: a.blocks]
    rows = sum(e - s for s, e in bounds)

    if a.rounds:
        return _plain(a, P, R, recs, state, pri, bounds, rows)

    acc: dict[str, float] = {}
    cnt: dict[str, int] = {}

    def add(k: str, v: float) -> None:
        acc[k] = acc.get(k, 0.0) + v
        cnt[k] = cnt.get(k, 0) + 1

    def timed(owner: Any, name: str, label: str) -> None:
        fn: Callable[..., Any] = getattr(owner, name)

        def w(*args: Any, **kw: Any) -> Any:
            c = time.process_time()
            try:
                return fn(*args, **kw)
            finally:
                add(label, time.process_time() - c)

        setattr(owner, name, w)

    for name in ("_unique_draft", "_draft_context", "lint_draft", "_removal_draft", "summarise_problems"):
        if hasattr(P, name):
            timed(P, name, "P." + name)
    for name in ("display_name", "product_phrase", "problem_quote", "_draft_context"):
        timed(R, name, "R." + name)
    for cls, name in ((R._DraftContext, "text"), (R._DraftContext, "_composed"), (R._PhrasingSpace, "update")):
        timed(cls, name, f"{cls.__name__}.{name}")
    real = R._lint_cached
    keys: list[tuple[Any, ...]] = []

    def lint_cached(*k: Any) -> Any:
        before = real.cache_info().misses
        c = time.process_time()
        try:
            return real(*k)
        finally:
            miss = real.cache_info().misses != before
            add("lint miss" if miss else "lint hit", time.process_time() - c)
            if miss and a.lints:
                keys.append(k)

    R._lint_cached = lint_cached

    def report(title: str, secs: float) -> None:
        print(f"{title}: {rows:,} rows, {secs:.3f} CPU s = {1e6 * secs / rows:.2f} us/review, load {_load()}")
        for k, v in sorted(acc.items(), key=lambda kv: -kv[1]):
            print(f"  {k:28} {v:7.3f} s {cnt[k]:9,d} calls {1e6 * v / cnt[k]:8.2f} us/call "
                  f"{1e6 * v / rows:6.2f} us/review")

    P._FORKED["decisions"] = (recs, state, pri)
    gc.collect()
    acc.clear()
    cnt.clear()
    c = time.process_time()
    packed = [P._decide_task(b) for b in bounds]
    report(f"{P.__file__}: workers' tasks", time.process_time() - c)
    if not a.blocks:
        for cache in (real, R._reads_as_complaint, R._normalise, getattr(R, "_segment_found", None)):
            if cache is not None:
                cache.cache_clear()
        getattr(R, "_SHARED_ENTRIES", {}).clear()  # the memo entries a worker's blocks shared
        getattr(R, "_NORMS_BOXES", {}).clear()  # and their normalised drafts
        acc.clear()
        cnt.clear()
        c = time.process_time()
        out = P._assemble(iter(packed), recs, state.settings, state.existing)
        report("parent's _assemble", time.process_time() - c)
        cols = {k: list(out[k]) for k in ("draft", "draft_lint", "action_reason")}
        if a.save:
            pickle.dump(cols, open(a.save, "wb"))
        if a.compare:
            other = pickle.load(open(a.compare, "rb"))
            same = all(other[k] == cols[k] for k in cols)
            print("parent's columns", "identical to" if same else "DIFFER from", a.compare)
            if not same:
                return 1
    if a.lints:
        R._lint_cached = real
        work = real.__wrapped__
        for _ in range(a.lints):
            seg = getattr(R, "_segment_found", None)
            if seg is not None:
                seg.cache_clear()
            times = []
            for _pass in range(2):
                c = time.process_time()
                for k in keys:
                    work(*k)
                times.append(time.process_time() - c)
            print(f"{len(keys):,} distinct lints: cold {1e6 * times[0] / len(keys):.1f} us, warm "
                  f"{1e6 * times[1] / len(keys):.1f} us a lint, load {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
