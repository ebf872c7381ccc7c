"""In-process A/B of the decision step's block index (``_block_index``: serial in the parent before its pool
forks), on a saved slice (``--copies K`` of it with the ids suffixed, its reviews' columns then in K chunks;
``--chunks C`` cuts them into C chunks instead, as run_triage's frame holds them from ingest), the long frames
``_encode``d as run_triage holds them, with an old ``pipeline.py`` loaded as a second module and this tree's,
interleaved; the indexes asserted equal first. Prints CPU seconds (``time.process_time``) per round, min and
median, and in how many rounds the tree's was lower.

    git -C /work/main show 15030d7:reviewtools/pipeline.py > /tmp/pipeline_old.py
    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide_index_ab.py --ref /tmp/lint_work/ref150s \\
        --old /tmp/pipeline_old.py --copies 7 --reps 9
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

import reviewtools.pipeline as NEW


def _copies(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    if k == 1:
        return frame
    parts = []
    for i in range(k):
        part = frame.copy()
        part["review_id"] = part["review_id"].astype("string") + f"~{i}"
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True, type=Path)
    ap.add_argument("--old", required=True, help="another pipeline.py")
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--chunks", type=int, default=0)
    ap.add_argument("--reps", type=int, default=9)
    args = ap.parse_args()
    print(f"code: {Path(NEW.__file__).parent}")
    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)

    def load(name: str):
        with (args.ref / f"{name}.pkl").open("rb") as fh:
            return _copies(pickle.load(fh), args.copies)

    tagged, matches, hits = load("tagged"), load("matches"), load("hits")
    if args.chunks:
        size = -(-len(tagged) // args.chunks)
        tagged = pd.concat([tagged.iloc[i : i + size] for i in range(0, len(tagged), size)], ignore_index=True)
    mods = {"old": old, "new": NEW}
    setup = {}
    for name, mod in mods.items():
        out = mod.coerce(tagged)
        recs = out[[c for c in mod.DECISION_COLUMNS if c in out.columns]]
        state = mod._decision_state(mod.ReplySettings(), mod._encode(hits), mod._encode(matches), True, (),
                                    frozenset())
        n = len(recs)
        size = min(-(-n // (2 * mod.CHUNKS_PER_PROCESS)), mod.DECISION_MAX_BLOCK)
        setup[name] = (recs, state, [(i, min(n, i + size)) for i in range(0, n, size)])

    def run(name: str):
        recs, state, bounds = setup[name]
        t = time.process_time()
        got = mods[name]._block_index(recs, state, bounds)
        return time.process_time() - t, got

    _, a = run("old")
    _, b = run("new")
    assert a is not None and b is not None
    assert a.block_of == b.block_of
    for (ao, as_), (bo, bs) in zip(a.kinds, b.kinds, strict=True):
        assert np.array_equal(ao, bo) and ao.dtype == bo.dtype and np.array_equal(as_, bs)
    for x, y in zip(a.owners, b.owners, strict=True):
        assert np.array_equal(x, y) and x.dtype == y.dtype
    chunks = getattr(pa.array(setup["new"][0]["review_id"].array), "num_chunks", 1)
    print(f"{len(tagged):,} reviews ({chunks} chunks), {len(setup['new'][2])} blocks: indexes equal")
    del a, b
    res: dict[str, list[float]] = {"old": [], "new": []}
    gc.collect()
    gc.freeze()
    for r in range(args.reps):
        for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
            t, got = run(name)
            del got
            res[name].append(t)
    for name, v in res.items():
        print(f"{name}: min {min(v):.4f} median {np.median(v):.4f} CPU s  " + " ".join(f"{x:.4f}" for x in v))
    print("new lower in", sum(y < x for x, y in zip(res["old"], res["new"])), "of", args.reps)


if __name__ == "__main__":
    main()
