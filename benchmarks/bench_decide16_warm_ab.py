"""A/B of what :func:`reviewtools.pipeline.recommend`'s drafting warm-up (``_warm_drafting``, run in the parent
before the decision pool forks) saves a decision worker: the parent sets up the decision state and block index of
a saved slice (``--copies K`` of it, the long frames ``_encode``d, warmed as run_triage's parent is), then per round
forks two children that each decide one block as a worker's first task (``_decide_block(..., packed=True)``, the
collector paused) and report its CPU seconds (``time.process_time``): one cold, one that ran ``_warm_drafting``
first (untimed: in ``recommend`` the parent runs it once, in a thread beside the block index, and the workers
inherit it). Alternating order, the block rotating over ``--blocks``. Prints the warm-up's own CPU in the parent
process once too (what it adds there, before the parent's first re-phrasing would have made the same caches).

    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide16_warm_ab.py --ref /tmp/lint_work/ref150s --reps 9
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import statistics
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

import reviewtools.pipeline as P


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True, type=Path)
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--blocks", default="0,3,7,11,15")
    args = ap.parse_args()
    print(f"code: {Path(P.__file__).parent}")
    tagged, matches, hits = (pickle.load((args.ref / f"{n}.pkl").open("rb")) for n in ("tagged", "matches", "hits"))
    P._warm_worker()
    out = P.coerce(tagged)
    recs = out[[c for c in P.DECISION_COLUMNS if c in out.columns]]
    existing = frozenset(P._normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
    settings = P.ReplySettings()
    state = P._decision_state(settings, P._encode(hits), P._encode(matches), True, (), existing)
    n = len(recs)
    size = min(-(-n // (2 * P.CHUNKS_PER_PROCESS)), P.DECISION_MAX_BLOCK)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    state = replace(state, blocks=P._block_index(recs, state, bounds))
    blocks = [int(b) for b in args.blocks.split(",")]
    gc.collect()
    gc.freeze()

    def child(k: int, warm: bool) -> float:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(r)
            try:
                if warm:
                    P._warm_drafting(out, settings)
                a, b = bounds[k]
                with P._no_collection():
                    t = time.process_time()
                    P._decide_block(recs.iloc[a:b], state, whole=False, start=a, packed=True)
                    t = time.process_time() - t
                os.write(w, repr(t).encode())
            finally:
                os._exit(0)
        os.close(w)
        got = b""
        while chunk := os.read(r, 100):
            got += chunk
        os.close(r)
        os.waitpid(pid, 0)
        return float(got)

    res: dict[str, list[float]] = {"cold": [], "warm": []}
    for i in range(args.reps):
        k = blocks[i % len(blocks)]
        for name in (("cold", "warm") if i % 2 == 0 else ("warm", "cold")):
            res[name].append(child(k, name == "warm"))
    for name, v in res.items():
        print(f"{name}: min {min(v):.3f} median {statistics.median(v):.3f} CPU s  " + " ".join(f"{x:.3f}" for x in v))
    print("warm lower in", sum(y < x for x, y in zip(res["cold"], res["warm"])), "of", args.reps,
          "; per-round difference median", f"{statistics.median(x - y for x, y in zip(res['cold'], res['warm'])):.3f}")
    t = time.process_time()
    P._warm_drafting(out, settings)
    print(f"the warm-up in this (parent) process: {time.process_time() - t:.3f} CPU s")


if __name__ == "__main__":
    main()
