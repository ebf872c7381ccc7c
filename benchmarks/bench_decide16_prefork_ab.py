"""In-process A/B of what :func:`reviewtools.pipeline.recommend` does in the parent before its decision pool forks
(coerce, the existing replies, the decision state, priority's whole-frame part, the block index, the memory trim:
serial, one core idle), this tree's ``pipeline.py`` against an old one loaded as a second module, interleaved.
``recommend`` is stopped where it would make the pool's shared folder (``_shared_folder`` raises). The long frames
are held ``_encode``d as run_triage holds them (each module's own), ``--copies K`` of the saved slice with the ids
suffixed, the reviews' columns in ``--chunks`` chunks as ingest leaves them. Prints wall and CPU seconds
(``time.process_time``: every thread of the process) per round, min and median, and in how many rounds the tree's
was lower.

    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_decide16_prefork_ab.py --ref /tmp/lint_work/ref150s \\
        --old /tmp/old/reviewtools/pipeline.py --copies 7 --reps 7
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


class _Stop(Exception):
    pass


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
    ap.add_argument("--copies", type=int, default=7)
    ap.add_argument("--chunks", type=int, default=20)
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()
    print(f"code: {Path(NEW.__file__).parent}")
    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)

    def load(name: str) -> pd.DataFrame:
        with (args.ref / f"{name}.pkl").open("rb") as fh:
            return _copies(pickle.load(fh), args.copies)

    tagged, matches, hits = load("tagged"), load("matches"), load("hits")
    if args.chunks:
        size = -(-len(tagged) // args.chunks)
        tagged = pd.concat([tagged.iloc[i : i + size] for i in range(0, len(tagged), size)], ignore_index=True)
    mods = {"old": old, "new": NEW}
    held = {name: (mod._encode(hits), mod._encode(matches)) for name, mod in mods.items()}
    del hits, matches

    def stop() -> None:
        raise _Stop

    for mod in mods.values():
        mod._shared_folder = stop

    def run(name: str) -> tuple[float, float]:
        h, m = held[name]
        w, c = time.perf_counter(), time.process_time()
        try:
            mods[name].recommend(tagged, h, m, processes=2)
        except _Stop:
            pass
        else:  # pragma: no cover
            raise AssertionError("recommend did not reach its pool")
        return time.perf_counter() - w, time.process_time() - c

    print(f"{len(tagged):,} reviews")
    run("old"), run("new")  # warm
    res: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
    for r in range(args.reps):
        for name in (("old", "new") if r % 2 == 0 else ("new", "old")):
            gc.collect()
            res[name].append(run(name))
    for name, v in res.items():
        wall = [x for x, _ in v]
        cpu = [y for _, y in v]
        print(f"{name}: wall min {min(wall):.3f} median {np.median(wall):.3f} | CPU min {min(cpu):.3f} median "
              f"{np.median(cpu):.3f}  " + " ".join(f"{x:.3f}/{y:.3f}" for x, y in v))
    for i, what in ((0, "wall"), (1, "CPU")):
        print(f"new {what} lower in", sum(b[i] < a[i] for a, b in zip(res["old"], res["new"])), "of", args.reps)


if __name__ == "__main__":
    main()
