"""In-process A/B of the decision loop's not-run tails: for every ``_decide_rows`` call that the decision tasks of a
saved slice make with the checks per row (``_BlockRows``; as ``recommend`` cuts the slice for ``--processes 2``,
the block index made first), each row's reason tail and ``checks_not_run`` text made per row from its list (old:
``per_row()``, a join and an f-string per row) vs once per distinct list and each row's by its code (new, as
``_decide_rows`` does now), interleaved; results asserted equal first. Prints CPU seconds (``time.process_time``)
per round, min and median, and in how many rounds the new way was lower.

    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide_tails_ab.py --ref /tmp/lint_work/ref150s --reps 9
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import pickle
import time
from pathlib import Path

import numpy as np

import reviewtools.pipeline as P
from reviewtools.schema import coerce


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True, type=Path)
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--processes", type=int, default=2)
    args = ap.parse_args()
    print(f"code: {Path(P.__file__).parent}")

    def load(name: str):
        with (args.ref / f"{name}.pkl").open("rb") as fh:
            return pickle.load(fh)

    tagged, matches, hits = load("tagged"), load("matches"), load("hits")
    P._warm_worker()
    out = coerce(tagged)
    recs = out[[c for c in P.DECISION_COLUMNS if c in out.columns]]
    existing = frozenset(P._normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
    state = P._decision_state(P.ReplySettings(), P._encode(hits), P._encode(matches),
                              "sentiment_label" in out.columns, (), existing)
    n = len(recs)
    size = min(-(-n // (args.processes * P.CHUNKS_PER_PROCESS)), P.DECISION_MAX_BLOCK)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    state = dataclasses.replace(state, blocks=P._block_index(recs, state, bounds))
    P._FORKED["decisions"] = (recs, state, P._priority_inputs(out, None))
    P._FORKED["shared"] = None
    got: list = []
    loop = P._decide_rows

    def recording(recs, state, by_hit, not_run, complaints):
        if isinstance(not_run, P._BlockRows):
            got.append((not_run, P._tail0(state)))
        return loop(recs, state, by_hit, not_run, complaints)

    P._decide_rows = recording
    try:
        for b in bounds:
            P._decide_task(b)
    finally:
        P._decide_rows = loop
    print(f"{len(got)} calls, {sum(len(r.codes) for r, _ in got):,} rows")

    def old() -> list:
        res = []
        for rows, tail0 in got:
            row_nr = rows.per_row()
            for j in range(len(row_nr)):
                tail = tail0
                nr = row_nr[j]
                if nr:
                    tail += f" Checks that could not run: {', '.join(nr)}."
                res.append((tail, "|".join(nr)))
        return res

    def new() -> list:
        res = []
        for rows, tail0 in got:
            tails = [(tail0 + f" Checks that could not run: {', '.join(nr)}." if nr else tail0, "|".join(nr))
                     for nr in rows.lists]
            tails.append((tail0, ""))
            row_tails = [tails[c] for c in rows.codes.tolist()]
            for j in range(len(row_tails)):
                tail, text = row_tails[j]
                res.append((tail, text))
        return res

    assert old() == new()
    res: dict[str, list[float]] = {"old": [], "new": []}
    gc.collect()
    gc.freeze()
    for r in range(args.reps):
        for name, fn in ((("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old))):
            t = time.process_time()
            fn()
            res[name].append(time.process_time() - t)
    for name, v in res.items():
        print(f"{name}: min {min(v):.4f} median {np.median(v):.4f} CPU s  " + " ".join(f"{x:.4f}" for x in v))
    print("new lower in", sum(y < x for x, y in zip(res["old"], res["new"])), "of", args.reps)


if __name__ == "__main__":
    main()
