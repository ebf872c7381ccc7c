"""In-process A/B of the decision step's serial start in the parent (``_decision_state``: the long frames' rows the
decisions read and their review keys), on a saved slice's long frames ``_encode``d as run_triage holds them, with an
old ``pipeline.py`` loaded as a second module and this tree's, interleaved; the states' rows and keys asserted equal
first. Prints CPU seconds (``time.process_time``) per round, min and median, and in how many rounds the tree's was
lower.

    git -C /work/main show ac143ff:reviewtools/pipeline.py > /tmp/pipeline_old.py
    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide_state_ab.py --ref /tmp/lint_work/ref150s \\
        --old /tmp/pipeline_old.py --reps 11 [--copies 7]
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

import reviewtools.pipeline as NEW


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True, type=Path)
    ap.add_argument("--old", required=True, help="another pipeline.py")
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--copies", type=int, default=1, help="K copies of the long frames, review ids suffixed")
    args = ap.parse_args()
    print(f"code: {Path(NEW.__file__).parent}")
    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)

    def load(name: str):
        with (args.ref / f"{name}.pkl").open("rb") as fh:
            frame = pickle.load(fh)
        if args.copies > 1:
            parts = []
            for i in range(args.copies):
                part = frame.copy()
                part["review_id"] = part["review_id"].astype("string") + f"~{i}"
                parts.append(part)
            frame = pd.concat(parts, ignore_index=True)
        return frame

    matches, hits = load("matches"), load("hits")
    mods = {"old": old, "new": NEW}
    held = {name: (mod._encode(hits), mod._encode(matches)) for name, mod in mods.items()}

    def run(name: str):
        mod = mods[name]
        h, m = held[name]
        t = time.process_time()
        got = mod._decision_state(mod.ReplySettings(), h, m, True, (), frozenset())
        return time.process_time() - t, got

    _, a = run("old")
    _, b = run("new")
    for f in ("hit_rows", "not_run_rows", "match_rows"):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f
    for f in ("hit_keys", "not_run_keys", "match_keys"):
        assert getattr(a, f).type == getattr(b, f).type and getattr(a, f).equals(getattr(b, f)), f
    print(f"{len(hits):,} hit rows, {len(matches):,} match rows; keys {len(a.hit_keys):,} + {len(a.not_run_keys):,} + "
          f"{len(a.match_keys):,}: equal")
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
