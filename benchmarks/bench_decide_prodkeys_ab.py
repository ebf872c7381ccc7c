"""In-process A/B of priority's whole-frame part (``_priority_inputs``: serial in the decision parent before its
pool forks) on a saved slice's frame (``--copies K`` of it, ids suffixed), an old ``pipeline.py`` loaded as a
second module against this tree's, interleaved; its parsed columns, product means and counts (and which rows'
product is unknown) asserted equal first. Prints CPU seconds (``time.process_time``) min and median and in how
many rounds the tree's was lower.

    git -C /work/main show 1f3693d:reviewtools/pipeline.py > /tmp/pipeline_old.py
    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide_prodkeys_ab.py --ref /tmp/lint_work/ref150s \\
        --old /tmp/pipeline_old.py --copies 7 --reps 9
"""

from __future__ import annotations

import argparse
import importlib.util
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import reviewtools.pipeline as NEW


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True, type=Path)
    ap.add_argument("--old", required=True, help="another pipeline.py")
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--reps", type=int, default=9)
    args = ap.parse_args()
    print(f"code: {Path(NEW.__file__).parent}")
    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)
    with (args.ref / "tagged.pkl").open("rb") as fh:
        tagged = pickle.load(fh)
    if args.copies > 1:
        parts = []
        for i in range(args.copies):
            part = tagged.copy()
            part["review_id"] = part["review_id"].astype("string") + f"~{i}"
            parts.append(part)
        tagged = pd.concat(parts, ignore_index=True)
    out = NEW.coerce(tagged)
    mods = {"old": old, "new": NEW}
    a, b = old._priority_inputs(out, None), NEW._priority_inputs(out, None)
    for f in ("rating", "created", "votes", "mean", "count"):
        pd.testing.assert_series_equal(getattr(a, f), getattr(b, f), check_exact=True)
    assert np.array_equal(a.key.isna().to_numpy(), b.key.isna().to_numpy()) and a.ref == b.ref
    print(f"{len(out):,} reviews: inputs equal")
    res: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(args.reps):
        for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
            t = time.process_time()
            mods[name]._priority_inputs(out, None)
            res[name].append(time.process_time() - t)
    for name, v in res.items():
        print(f"{name}: min {min(v):.4f} median {np.median(v):.4f} CPU s  " + " ".join(f"{x:.4f}" for x in v))
    print("new lower in", sum(y < x for x, y in zip(res["old"], res["new"])), "of", args.reps)


if __name__ == "__main__":
    main()
