"""The parent's patches of re-phrased drafts (``pipeline._patched`` in ``_assemble``: the draft, lint and reason
columns of each decided block), every masked row replaced by Arrow's ``replace_with_mask`` (``PATCH_CHANGED_ONLY =
False``, the old way) against only the rows whose value changes, the array as it is when none does (``True``),
interleaved in one process; the patched arrays asserted equal (issue 8, nineteenth session, helper ``drafts``).

    PYTHONPATH=$T .venv/bin/python benchmarks/bench_drafts19_patched_ab.py --ref REF --capture /tmp/patched1m.pkl
    PYTHONPATH=$T .venv/bin/python benchmarks/bench_drafts19_patched_ab.py --cap /tmp/patched1m.pkl --rounds 11

``--capture OUT`` (with ``--ref``: ``bench_decisions.py --capture``'s stage outputs): decides every block of a
2-process triage's cut in this process (``_decide_task``, after ``_warm_worker``, the decision state, the block
index and ``_warm_drafting``), runs ``_assemble`` over them and pickles each ``_patched`` call's arguments (the
1M corpus: 375 calls, ~0.5 GB). Without it: the A/B. Each round patches every call once each way, ``--slices``
slices of the calls at a time, the two ways taking turns per slice (alternating which goes first); CPU seconds
(``time.process_time``) per round, min and median per way, the rounds where the new way is lower, the load average.
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


def _capture(ref: Path, out: Path) -> int:
    import pandas as pd

    import reviewtools.pipeline as P
    from reviewtools.schema import coerce

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_drafts import _rechunked

    t, h, m = (_rechunked(pickle.load(open(ref / f"{n}.pkl", "rb")), 4) for n in ("tagged", "hits", "matches"))
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
    blocks = [P._decide_task(b) for b in bounds]
    calls: list[tuple[Any, Any, list[str]]] = []
    real = P._patched

    def record(values: Any, mask: Any, new: list[str]) -> Any:
        calls.append((pd.arrays.ArrowStringArray(pd.array(values, dtype="string")._pa_array), mask.copy(),
                       list(new)))
        return real(values, mask, new)

    P._patched = record
    try:
        P._assemble(iter(blocks), recs, settings, existing, {})
    finally:
        P._patched = real
    with open(out, "wb") as f:
        pickle.dump(calls, f, protocol=5)
    print(f"{len(bounds)} blocks, {len(calls)} _patched calls, {sum(len(c[2]) for c in calls):,} rows patched")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cap", type=Path)
    ap.add_argument("--ref", type=Path)
    ap.add_argument("--capture", type=Path, metavar="OUT")
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--slices", type=int, default=25, help="the two ways take turns a slice of the calls at a time")
    a = ap.parse_args(argv)
    if a.capture:
        return _capture(a.ref, a.capture)
    import pyarrow as pa

    import reviewtools.pipeline as P

    print("code:", P.__file__)
    calls = pickle.load(open(a.cap, "rb"))

    def run(way: str, part: list[Any]) -> tuple[float, list[Any]]:
        P.PATCH_CHANGED_ONLY = way == "new"
        c = time.process_time()
        out = [P._patched(v, m, new) for v, m, new in part]
        return time.process_time() - c, out

    base = [pa.array(x) for x in run("old", calls)[1]]
    if [pa.array(x) for x in run("new", calls)[1]] != base:
        print("patched arrays DIFFER")
        return 1
    times: dict[str, list[float]] = {"old": [], "new": []}
    cut = max(1, len(calls) // a.slices)
    slices = [calls[i : i + cut] for i in range(0, len(calls), cut)]
    for r in range(a.rounds):
        got = {"old": 0.0, "new": 0.0}
        outs: dict[str, list[Any]] = {"old": [], "new": []}
        gc.collect()
        for k, part in enumerate(slices):
            for way in ("old", "new") if (r + k) % 2 == 0 else ("new", "old"):
                t, out = run(way, part)
                got[way] += t
                outs[way].extend(pa.array(x) for x in out)
        for way in ("old", "new"):
            times[way].append(got[way])
            if outs[way] != base:
                print(f"round {r}: {way}'s arrays DIFFER")
                return 1
        del outs
    P.PATCH_CHANGED_ONLY = True
    for way in ("old", "new"):
        ts = sorted(times[way])
        print(f"{way}: min {ts[0]:.4f} median {ts[len(ts) // 2]:.4f} CPU s ({len(calls)} calls, "
              f"{sum(len(c[2]) for c in calls):,} rows patched)")
    lower = sum(x < y for x, y in zip(times["new"], times["old"]))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"new lower in {lower}/{a.rounds} rounds; load {load}; patched arrays equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
