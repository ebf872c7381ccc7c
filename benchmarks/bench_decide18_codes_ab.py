"""A/B of the decision workers' per-block grouping (``_block_groups``, as ``_decide_task`` asks for it) with an old
tree's ``pipeline._taken_codes`` against this tree's, on 1M-scale stage outputs held as run_triage holds them.

    PYTHONPATH=$TREE python benchmarks/bench_decide18_codes_ab.py --ref REF --old OLD/reviewtools/pipeline.py \\
        --step 6 --reps 9

``REF`` holds ``tagged.pkl``, ``matches.pkl``, ``hits.pkl`` (``bench_decisions.py --capture``); the frames are cut
into ``--partitions`` row slices concatenated again (Arrow columns of that many chunks, as the pool returns them),
the long frames dictionary-encoded (``pipeline._encode``), the decision state and block index made as ``recommend``
makes them before its pool forks. Then every ``--step``-th block of the cut is grouped with the old function and
with the new one in turn (interleaved, new first in odd rounds), CPU seconds (``time.process_time``) per pass, the
results asserted equal (hit dicts, not-run rows, complaints). Prints min/median per side, the rounds where new is
lower, the load average, and the estimate for all blocks (x blocks / blocks timed).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import pickle
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd


def _load(ref: Path, name: str, parts: int) -> pd.DataFrame:
    with (ref / f"{name}.pkl").open("rb") as fh:
        frame = pickle.load(fh)
    size = -(-len(frame) // parts)
    return pd.concat([frame.iloc[i : i + size] for i in range(0, len(frame), size)], ignore_index=True)


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    (h1, n1, c1), (h2, n2, c2) = a, b
    assert h1 == h2 and c1 == c2
    if isinstance(n1, dict):
        assert n1 == n2
    else:
        assert np.array_equal(n1.codes, n2.codes) and n1.lists == n2.lists and np.array_equal(n1.special, n2.special)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", type=Path, required=True)
    ap.add_argument("--old", type=Path, required=True, help="the old tree's reviewtools/pipeline.py")
    ap.add_argument("--partitions", type=int, default=40)
    ap.add_argument("--step", type=int, default=6)
    ap.add_argument("--reps", type=int, default=9)
    args = ap.parse_args()

    import reviewtools.pipeline as P
    from reviewtools.respond import ReplySettings, _normalise

    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)  # type: ignore[union-attr]
    funcs = {"old": old._taken_codes, "new": P._taken_codes}

    tagged = _load(args.ref, "tagged", args.partitions)
    hits = P._encode(_load(args.ref, "hits", args.partitions))
    matches = P._encode(_load(args.ref, "matches", args.partitions))
    out = P.coerce(tagged)
    n = len(out)
    existing = frozenset(_normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
    recs = out[[c for c in P.DECISION_COLUMNS if c in out.columns]]
    state = P._decision_state(ReplySettings(), hits, matches, True, (), existing)
    size = min(-(-n // (2 * P.CHUNKS_PER_PROCESS)), P.DECISION_MAX_BLOCK)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    index = P._block_index(recs, state, bounds)
    assert index is not None
    state = replace(state, blocks=index)
    sel = bounds[:: args.step]
    gc.collect()
    gc.freeze()

    def one(which: str) -> tuple[float, list]:  # type: ignore[type-arg]
        P._taken_codes = funcs[which]
        got = []
        gc.disable()
        c = time.process_time()
        for a, b in sel:
            got.append(P._block_groups(recs.iloc[a:b], state, False, a, by_row=True))
        t = time.process_time() - c
        gc.enable()
        return t, got

    one("old"), one("new")  # warm
    times: dict[str, list[float]] = {"old": [], "new": []}
    load0 = Path("/proc/loadavg").read_text().split()[:3]
    for r in range(args.reps):
        order = ("new", "old") if r % 2 == 0 else ("old", "new")
        res = {}
        for w in order:
            t, res[w] = one(w)
            times[w].append(t)
        for x, y in zip(res["old"], res["new"]):
            _same(x, y)
        del res
    P._taken_codes = funcs["new"]
    lower = sum(b < a for a, b in zip(times["old"], times["new"]))
    scale = len(bounds) / len(sel)
    print(f"{P.__file__}: {n:,} reviews, {len(bounds)} blocks, {len(sel)} timed, {args.reps} rounds; load {load0} -> "
          f"{Path('/proc/loadavg').read_text().split()[:3]}")
    for w in ("old", "new"):
        print(f"  {w}: min {min(times[w]):.4f} median {statistics.median(times[w]):.4f} CPU s "
              f"(all blocks ~{min(times[w]) * scale:.2f} / {statistics.median(times[w]) * scale:.2f})")
    print(f"  new lower in {lower}/{args.reps} rounds; outputs equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
