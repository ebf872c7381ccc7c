"""The work the decision loop's per-block memos (``pipeline._Norms``, the single complaint's primary topic) take
away, alone: the normal forms of every draft the old loop normalised (recorded per block from ``_decide_rows`` and
``_unique_variant`` over a saved slice, as bench_decide_rows_ab.py sets it up) and the primary topic of every
complaint list it read, worked out per call (old) and through the block's memos (new), interleaved; results
asserted equal. Prints CPU seconds per round, min and median, and in how many rounds the new way was lower.

    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide15_memo_ab.py --ref /tmp/lint_work/ref150s --reps 15
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
from reviewtools import respond
from reviewtools.schema import coerce


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True, type=Path)
    ap.add_argument("--reps", type=int, default=15)
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
    state = P._decision_state(P.ReplySettings(), P._encode(hits), P._encode(matches), True, (), existing)
    n = len(recs)
    size = min(-(-n // (2 * P.CHUNKS_PER_PROCESS)), P.DECISION_MAX_BLOCK)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    state = dataclasses.replace(state, blocks=P._block_index(recs, state, bounds))
    drafts: list[list[str]] = []  # per block: every text the loop normalises
    comps: list[list[list]] = []  # per block: every complaint list with entries
    real_norm, real_rows, real_prim = P._normalise, P._decide_rows, P.primary_topic

    def rows(*a):
        drafts.append([])
        comps.append([])
        return real_rows(*a)

    class Seen(P._Norms):  # every look-up, as the old loop's _normalise calls
        __slots__ = ()

        def __getitem__(self, t):
            drafts[-1].append(t)
            return super().__getitem__(t)

    norms_cls = P._Norms
    P._decide_rows, P._Norms = rows, Seen
    for b in bounds:
        P._decide_block(recs.iloc[b[0] : b[1]], state, whole=False, start=b[0], packed=True)
    P._decide_rows, P._Norms = real_rows, norms_cls
    # the complaint lists of the slow rows: from each block's groups
    for b in bounds:
        _, _, complaints = P._block_groups(recs.iloc[b[0] : b[1]], state, False, b[0], by_row=True)
        comps.append(list(complaints.values()))
    comps = [c for c in comps if c]
    total_d = sum(map(len, drafts))
    print(f"{len(drafts)} blocks: {total_d:,} texts the loop normalises (new: {sum(len(set(d)) for d in drafts):,} "
          f"distinct per block); {sum(map(len, comps)):,} complaint lists")

    def old():
        a = [[real_norm(t) for t in d] for d in drafts]
        b = []
        for block in comps:
            got = []
            for comp in block:
                topic = real_prim(t for t, _ in comp)
                got.append((topic, next((e for t, e in comp if t == topic), None)))
            b.append(got)
        return a, b

    def new():
        a = []
        for d in drafts:
            norms = P._Norms()
            a.append([norms[t] for t in d])
        b = []
        for block in comps:
            primaries: dict = {}
            got = []
            for comp in block:
                if len(comp) == 1:
                    t, e = comp[0]
                    topic = primaries[t] if t in primaries else primaries.setdefault(t, real_prim((t,)))
                    got.append((topic, e if topic == t else None))
                else:
                    topic = real_prim(t for t, _ in comp)
                    got.append((topic, next((e for t, e in comp if t == topic), None)))
            b.append(got)
        return a, b

    assert old() == new(), "results differ"
    res: dict[str, list[float]] = {"old": [], "new": []}
    gc.collect()
    gc.freeze()
    for r in range(args.reps):
        for name, f in ((("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old))):
            t = time.process_time()
            f()
            res[name].append(time.process_time() - t)
    for name, v in res.items():
        print(f"{name}: min {min(v):.4f} median {np.median(v):.4f} CPU s")
    print("new lower in", sum(y < x for x, y in zip(res["old"], res["new"])), "of", args.reps)
    respond  # noqa: B018


if __name__ == "__main__":
    main()
