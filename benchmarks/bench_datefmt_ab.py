"""In-process A/B of the decision loop's created_at read: ``_row_values`` of a saved slice's decision columns with
created_at as Timestamps (before) and as its raw int64 (``raw=("created_at",)``, after), each followed by respond's
``_fmt_date`` of every ``--every``-th row's value (the removal drafts format about one row in three of the loop's
rows; every row by default), interleaved; the dates asserted equal first. CPU seconds (``time.process_time``).

    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_datefmt_ab.py --ref /tmp/lint_work/ref150s --reps 9
"""

from __future__ import annotations

import argparse
import gc
import pickle
import statistics
import time
from pathlib import Path

import reviewtools.pipeline as P
from reviewtools import respond
from reviewtools.schema import coerce


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True, type=Path)
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--every", type=int, default=1)
    args = ap.parse_args()
    print(f"code: {Path(P.__file__).parent}")
    with (args.ref / "tagged.pkl").open("rb") as fh:
        out = coerce(pickle.load(fh))
    recs = out[[c for c in P.DECISION_COLUMNS if c in out.columns]]
    at = list(recs.columns).index("created_at")
    print(f"{len(recs):,} rows, created_at {recs['created_at'].dtype}")
    fmt = respond._fmt_date
    step = args.every

    def run(raw: tuple[str, ...]) -> tuple[float, list[str]]:
        respond._DATES.clear()
        gc.collect()
        t = time.process_time()
        dates = [fmt(v[at]) for j, v in enumerate(P._row_values(recs, raw)) if j % step == 0]
        return time.process_time() - t, dates

    a, b = run(()), run(("created_at",))
    assert a[1] == b[1], "dates differ"
    times: dict[str, list[float]] = {"before": [], "after": []}
    for i in range(args.reps):
        order = (("before", ()), ("after", ("created_at",)))
        for name, raw in (order if i % 2 == 0 else order[::-1]):
            times[name].append(run(raw)[0])
    for name, ts in times.items():
        print(f"{name}: min {min(ts):.4f} median {statistics.median(ts):.4f} CPU s  " + " ".join(f"{x:.4f}" for x in ts))
    print(f"after lower in {sum(x < y for x, y in zip(times['after'], times['before']))} of {args.reps}")


if __name__ == "__main__":
    main()
