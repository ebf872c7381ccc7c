"""The decision workers' removal requests (``respond._removal_draft``), this tree's respond.py against another's
(``--old FILE``, loaded as a second module), interleaved in one process; the (body, channel, to) answers asserted
equal (issue 8, eighteenth session, helper ``drafts``).

    PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_drafts18_removal_ab.py --ref REF --capture /tmp/rem1m.pkl
    PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_drafts18_removal_ab.py --old $OLD/reviewtools/respond.py \\
        --cap /tmp/rem1m.pkl --rounds 15

``--capture OUT`` (with ``--ref``: ``bench_decisions.py --capture``'s stage outputs): runs the decision workers'
tasks over every ``--stride``-th block (2: one of the two workers of a 2-core triage) as a worker does (after
``_warm_worker``, the decision state, the block index and ``_warm_drafting``) and pickles each
``_removal_draft`` call's row record and hit rows (on the 1M corpus: 125,422 calls, ~50 MB). Without it: the A/B.
Each round runs every captured row through each module's ``_removal_draft`` with the record copied per call as
the loop builds it (a dict of the row's values), ``--slices`` slices of the rows at a time, old and new taking
turns per slice (alternating which goes first), so that both see the same load; the modules' removal tables are warm (a first pass each, as in a worker after its first blocks). CPU seconds (``time.process_time``)
per round, min and median per tree, rounds where new is lower, the load average.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib.util
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any


def _load(path: str, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[name] = mod
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _capture(ref: Path, out: Path, stride: int, partitions: int) -> int:
    import pandas as pd

    import reviewtools.pipeline as P
    from reviewtools.schema import coerce

    def rechunked(frame: Any) -> Any:  # Arrow-backed columns in ``partitions`` chunks, as the pool's frames
        size = -(-len(frame) // partitions)
        return pd.concat([frame.iloc[i : i + size] for i in range(0, len(frame), size)], ignore_index=True)

    t, h, m = (rechunked(pickle.load(open(ref / f"{n}.pkl", "rb"))) for n in ("tagged", "hits", "matches"))
    P._warm_worker()
    o = coerce(t)
    recs = o[[c for c in P.DECISION_COLUMNS if c in o.columns]]
    existing = frozenset(P._normalise(x) for x in o["reply_text"].dropna().astype(str) if x.strip())
    state = P._decision_state(P.ReplySettings(), P._encode(h), P._encode(m), True, (), existing)
    pri = P._priority_inputs(o, None)
    P._warm_drafting(o, P.ReplySettings())
    n, size = len(recs), P.DECISION_MAX_BLOCK
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    state = dataclasses.replace(state, blocks=P._block_index(recs, state, bounds))
    P._FORKED["decisions"] = (recs, state, pri)
    calls: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    real = P._removal_draft

    def keep(review: Any, rows: Any, settings: Any) -> Any:
        calls.append((dict(review), [dict(x) for x in rows]))
        return real(review, rows, settings)

    P._removal_draft = keep
    for b in bounds[::stride]:
        P._decide_task(b)
    with out.open("wb") as fh:
        pickle.dump({"removal": calls}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"{len(calls):,} removal rows of {len(bounds[::stride])} blocks saved to {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", type=Path)
    ap.add_argument("--cap", type=Path)
    ap.add_argument("--ref", type=Path)
    ap.add_argument("--capture", type=Path, metavar="OUT")
    ap.add_argument("--stride", type=int, default=2)
    ap.add_argument("--partitions", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--slices", type=int, default=40, help="old and new take turns a slice of the rows at a time")
    a = ap.parse_args(argv)
    if a.capture:
        return _capture(a.ref, a.capture, a.stride, a.partitions)
    import reviewtools.respond as NEW

    OLD = _load(str(a.old), "reviewtools.respond_old")
    print("code:", NEW.__file__, "old:", OLD.__file__)
    rows = pickle.load(open(a.cap, "rb"))["removal"]
    items = [(list(rec), list(rec.values()), hits) for rec, hits in rows]
    mods = {"old": OLD, "new": NEW}
    settings = {"old": OLD.ReplySettings(), "new": NEW.ReplySettings()}

    def run(name: str, part: list[Any]) -> tuple[float, list[Any]]:
        f, s = mods[name]._removal_draft, settings[name]
        c = time.process_time()
        out = [f(dict(zip(names, values)), hits, s) for names, values, hits in part]
        return time.process_time() - c, out

    outs = {name: run(name, items)[1] for name in ("old", "new")}  # warm tables
    if outs["old"] != outs["new"]:
        print("answers DIFFER")
        return 1
    times: dict[str, list[float]] = {"old": [], "new": []}
    cut = max(1, len(items) // a.slices)
    slices = [items[i : i + cut] for i in range(0, len(items), cut)]
    for r in range(a.rounds):
        got = {"old": 0.0, "new": 0.0}
        outs_r: dict[str, list[Any]] = {"old": [], "new": []}
        gc.collect()
        for k, part in enumerate(slices):  # old and new a slice each in turn: both see the same load
            for name in ("old", "new") if (r + k) % 2 == 0 else ("new", "old"):
                t, out = run(name, part)
                got[name] += t
                outs_r[name].extend(out)
        for name in ("old", "new"):
            times[name].append(got[name])
            if outs_r[name] != outs["old"]:
                print(f"round {r}: {name}'s answers DIFFER")
                return 1
    n = len(items)
    for name in ("old", "new"):
        ts = sorted(times[name])
        print(f"{name}: min {ts[0]:.4f} median {ts[len(ts) // 2]:.4f} CPU s "
              f"({1e6 * ts[0] / n:.2f} / {1e6 * ts[len(ts) // 2] / n:.2f} us a row)")
    lower = sum(x < y for x, y in zip(times["new"], times["old"]))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{n:,} rows; new lower in {lower}/{a.rounds} rounds; load {load}; answers identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
