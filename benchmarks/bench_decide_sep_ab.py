"""A/B of the block index's separator test (``_block_index``: whether a review id or platform holds ``_KEY_SEP``;
serial in the decision parent before its pool forks) on a saved slice's reviews (``--copies K`` of it, ids
suffixed): ``pc.any(pc.match_substring(...))`` per array (1f3693d's way) against ``pipeline._holds_byte``,
interleaved, answers asserted equal. Prints CPU seconds (``time.process_time``) min and median of both arrays' tests
and in how many rounds the tree's was lower.

    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide_sep_ab.py --ref /tmp/lint_work/ref150s \\
        --copies 7 --reps 9
"""

from __future__ import annotations

import argparse
import pickle
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

import reviewtools.pipeline as P


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True, type=Path)
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--reps", type=int, default=9)
    args = ap.parse_args()
    print(f"code: {Path(P.__file__).parent}")
    with (args.ref / "tagged.pkl").open("rb") as fh:
        tagged = pickle.load(fh)
    if args.copies > 1:
        parts = []
        for i in range(args.copies):
            part = tagged.copy()
            part["review_id"] = part["review_id"].astype("string") + f"~{i}"
            parts.append(part)
        tagged = pd.concat(parts, ignore_index=True)
    recs = P.coerce(tagged)
    # the two arrays as _block_index makes them
    rid = pa.array(recs["review_id"].array).cast(pa.string())
    plat = pa.array(recs["platform"].array).cast(pa.string())
    plat = pc.if_else(pc.or_kleene(pc.is_null(plat), pc.equal(plat, "")), "other", plat)

    def old() -> bool:
        return any(pc.any(pc.match_substring(a, P._KEY_SEP)).as_py() for a in (rid, plat))

    def new() -> bool:
        return P._holds_byte(rid, P._KEY_SEP) or P._holds_byte(plat, P._KEY_SEP)

    assert old() == new()
    print(f"{len(recs):,} reviews: answers equal ({new()})")
    res: dict[str, list[float]] = {"old": [], "new": []}
    fns = {"old": old, "new": new}
    for r in range(args.reps):
        for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
            t = time.process_time()
            fns[name]()
            res[name].append(time.process_time() - t)
    for name, v in res.items():
        print(f"{name}: min {min(v):.4f} median {np.median(v):.4f} CPU s  " + " ".join(f"{x:.4f}" for x in v))
    print("new lower in", sum(y < x for x, y in zip(res["old"], res["new"])), "of", args.reps)


if __name__ == "__main__":
    main()
