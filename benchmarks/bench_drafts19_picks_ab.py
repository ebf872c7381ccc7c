"""The reply drafts' phrasing picks (``respond._DraftContext.text``: four SHA-256 per draft text), by the Python
picker ``respond._picker`` generates (``NATIVE_PICKS = False``, the old way) against ``_storecore.sha_picks``
(``True``), interleaved in one process; the texts asserted equal (issue 8, nineteenth session, helper ``drafts``).

    PYTHONPATH=$T .venv/bin/python benchmarks/bench_drafts19_picks_ab.py --ref REF --stride 8 --rounds 11

``--ref``: ``bench_decisions.py --capture``'s stage outputs. The decision workers' tasks of every ``--stride``-th
block of a 2-process triage's cut are run in this process (after ``_warm_worker``, the decision state, the block
index and ``_warm_drafting``), recording each ``text`` call (its context and variant); then each recorded call is
made again on two copies of its context, one with each picker (the memo entries' composed-text tables are warm, as
in a worker after its first blocks), ``--slices`` slices of the calls at a time, the two ways taking turns per slice
(alternating which goes first): CPU seconds (``time.process_time``) per round, min and median per way, the rounds
where the native picks are lower, the load average, and the calls per block (for an estimate at the whole corpus).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", type=Path, required=True)
    ap.add_argument("--stride", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--slices", type=int, default=40, help="the two ways take turns a slice of the calls at a time")
    a = ap.parse_args(argv)
    import reviewtools.pipeline as P
    import reviewtools.respond as R
    from reviewtools.schema import coerce

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_drafts import _rechunked

    print("code:", R.__file__, "native:", R._native_picks())
    if R._native_picks() is None:
        print("no native picks in this build")
        return 1
    t, h, m = (_rechunked(pickle.load(open(a.ref / f"{n}.pkl", "rb")), 4) for n in ("tagged", "hits", "matches"))
    P._warm_worker()
    o = coerce(t)
    recs = o[[c for c in P.DECISION_COLUMNS if c in o.columns]]
    existing = frozenset(P._normalise(x) for x in o["reply_text"].dropna().astype(str) if x.strip())
    settings = P.ReplySettings()
    state = P._decision_state(settings, P._encode(h), P._encode(m), True, (), existing)
    pri = P._priority_inputs(o, None)
    P._warm_drafting(o, settings)
    n = len(recs)
    size = min(-(-n // (2 * P.CHUNKS_PER_PROCESS)), P.DECISION_MAX_BLOCK)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    state = dataclasses.replace(state, blocks=P._block_index(recs, state, bounds))
    P._FORKED["decisions"] = (recs, state, pri)
    calls: list[tuple[Any, Any]] = []
    real = R._DraftContext.text

    def record(self: Any, variant: int = 0) -> str:
        calls.append((self, variant))
        return real(self, variant)

    R._DraftContext.text = record  # type: ignore[method-assign]
    try:
        chosen = bounds[:: a.stride]
        for b in chosen:
            P._decide_task(b)
    finally:
        R._DraftContext.text = real  # type: ignore[method-assign]
    planned = [(c, v) for c, v in calls if c.plan is not None and c.picker is not None]
    print(f"{len(chosen)} of {len(bounds)} blocks: {len(calls):,} text calls ({len(planned):,} with a picker)")
    makers: dict[str, dict[int, Any]] = {"old": {}, "new": {}}

    def picker(way: str, ctx: Any) -> Any:  # one per plan (as one per memo entry)
        got = makers[way].get(id(ctx.plan))
        if got is None:
            R.NATIVE_PICKS = way == "new"
            got = makers[way][id(ctx.plan)] = (R._picker(ctx.plan), ctx.plan)
            R.NATIVE_PICKS = True
        return got[0]

    pairs = {way: [(dataclasses.replace(c, picker=picker(way, c)), v) for c, v in planned] for way in ("old", "new")}

    def run(way: str, lo: int, hi: int) -> tuple[float, list[str]]:
        part = pairs[way][lo:hi]
        c = time.process_time()
        out = [ctx.text(v) for ctx, v in part]
        return time.process_time() - c, out

    base = run("old", 0, len(planned))[1]
    if run("new", 0, len(planned))[1] != base:
        print("texts DIFFER")
        return 1
    times: dict[str, list[float]] = {"old": [], "new": []}
    cut = max(1, len(planned) // a.slices)
    for r in range(a.rounds):
        got = {"old": 0.0, "new": 0.0}
        outs: dict[str, list[str]] = {"old": [], "new": []}
        gc.collect()
        for k, lo in enumerate(range(0, len(planned), cut)):
            for way in ("old", "new") if (r + k) % 2 == 0 else ("new", "old"):
                dt, out = run(way, lo, lo + cut)
                got[way] += dt
                outs[way].extend(out)
        for way in ("old", "new"):
            times[way].append(got[way])
            if outs[way] != base:
                print(f"round {r}: {way}'s texts DIFFER")
                return 1
    for way in ("old", "new"):
        ts = sorted(times[way])
        print(f"{way}: min {ts[0]:.4f} median {ts[len(ts) // 2]:.4f} CPU s "
              f"({1e6 * ts[0] / len(planned):.2f} / {1e6 * ts[len(ts) // 2] / len(planned):.2f} us a text)")
    lower = sum(x < y for x, y in zip(times["new"], times["old"]))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{len(planned):,} texts of {len(chosen)} blocks ({len(planned) / len(chosen):.0f} a block); new lower in "
          f"{lower}/{a.rounds} rounds; load {load}; texts equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
