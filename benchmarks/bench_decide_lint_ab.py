"""In-process A/B of the decision workers' draft lints: every ``_draft_lint`` call that the decision tasks of a saved
slice make (as ``recommend`` cuts it for ``--processes 2``, the block index made first), recorded per block, then
replayed old way (``_draft_lint`` per call) and new way (``_lint_key`` + the triage's ``lints`` dict, one fresh
dict per worker and round, blocks dealt to ``--processes`` workers in turn as ``imap(chunksize=1)`` mostly
does), interleaved; the results asserted equal first. Prints CPU seconds (``time.process_time``) per round, min and
median, and in how many rounds the new way was lower.

    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide_lint_ab.py --ref /tmp/lint_work/ref150s --reps 9

``--ref``: a folder of ``bench_stages.py save`` (``tagged.pkl``, ``matches.pkl``, ``hits.pkl``).
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
    ap.add_argument("--processes", type=int, default=2, help="the cut recommend makes for this many processes")
    args = ap.parse_args()
    print(f"code: {Path(P.__file__).parent}")

    def load(name: str):
        with (args.ref / f"{name}.pkl").open("rb") as fh:
            return pickle.load(fh)

    tagged, matches, hits = load("tagged"), load("matches"), load("hits")
    P._warm_worker()
    P.recommend(tagged.iloc[:50], hits.iloc[:0], matches.iloc[:0], processes=1)
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

    calls: list[list[tuple]] = []
    lint = P._draft_lint

    def recording(draft, rec, on_page, settings):
        calls[-1].append((draft, dict(rec), on_page, settings))
        return lint(draft, rec, on_page, settings)

    class Forgetful(dict):  # remembers nothing: every lint of the loop reaches _draft_lint
        def get(self, key, default=None):
            return default

        def __setitem__(self, key, value):
            pass

    P._FORKED["decisions"] = (recs, dataclasses.replace(state, lints=Forgetful()), P._FORKED["decisions"][2])
    P._draft_lint = recording
    try:
        for b in bounds:
            calls.append([])
            P._decide_task(b)
    finally:
        P._draft_lint = lint
    print(f"{len(bounds)} blocks, {sum(map(len, calls)):,} lints")

    def old() -> list[tuple[str, bool]]:
        return [lint(*c) for blk in calls for c in blk]

    def new() -> list[tuple[str, bool]]:
        got = []
        memos: list[dict] = [{} for _ in range(args.processes)]
        key, limit = P._lint_key, P._LINTS_SIZE
        for k, blk in enumerate(calls):
            lints = memos[k % args.processes]
            for draft, rec, on_page, settings in blk:
                lkey = key(draft, rec, on_page, settings)
                r = lints.get(lkey) if lkey is not None else None
                if r is None:
                    r = lint(draft, rec, on_page, settings)
                    if lkey is not None and len(lints) < limit:
                        lints[lkey] = r
                got.append(r)
        return got

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
