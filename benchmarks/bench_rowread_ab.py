"""In-process A/B of the decision loop's row read: ``_row_values`` of a saved slice's decision columns with rating,
sentiment_label and sentiment_score normalised per row (before: ``None if _na(v) else int/str/float(v)`` on each row's
values) and per column (after: ``_normal_values``, zipped beside the rows), interleaved; the (rating, label, score)
triples asserted equal (types included) first. CPU seconds (``time.process_time``). ``_decide_rows`` reads only the
slow rows (~55k of the 150k slice's 149,245), this reads every row.

    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_rowread_ab.py --ref /tmp/lint_work/ref150s --reps 9
"""

from __future__ import annotations

import argparse
import gc
import pickle
import statistics
import time
from pathlib import Path

import reviewtools.pipeline as P
from reviewtools.schema import coerce


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", required=True, type=Path)
    ap.add_argument("--reps", type=int, default=9)
    args = ap.parse_args()
    print(f"code: {Path(P.__file__).parent}")
    with (args.ref / "tagged.pkl").open("rb") as fh:
        out = coerce(pickle.load(fh))
    recs = out[[c for c in P.DECISION_COLUMNS if c in out.columns]]
    names = list(recs.columns)
    ir, il, isc = (names.index(c) for c in ("rating", "sentiment_label", "sentiment_score"))
    print(f"{len(recs):,} rows")
    na = P._na

    def before() -> list:
        got = []
        for values in P._row_values(recs, ("created_at",)):
            rating = values[ir]
            rating = None if na(rating) else int(rating)
            label = values[il]
            label = None if na(label) else str(label)
            score = values[isc]
            score = None if na(score) else float(score)
            got.append((rating, label, score))
        return got

    def after() -> list:
        got = []
        cols = (P._normal_values(recs.iloc[:, i], conv) for i, conv in ((ir, int), (il, str), (isc, float)))
        for _values, rating, label, score in zip(P._row_values(recs, ("created_at",)), *cols):
            got.append((rating, label, score))
        return got

    a, b = before(), after()
    assert a == b and [tuple(map(type, x)) for x in a] == [tuple(map(type, x)) for x in b], "values differ"
    del a, b
    times: dict[str, list[float]] = {"before": [], "after": []}
    for i in range(args.reps):
        order = (("before", before), ("after", after))
        for name, f in (order if i % 2 == 0 else order[::-1]):
            gc.collect()
            t = time.process_time()
            f()
            times[name].append(time.process_time() - t)
    for name, ts in times.items():
        print(f"{name}: min {min(ts):.4f} median {statistics.median(ts):.4f} CPU s  " + " ".join(f"{x:.4f}" for x in ts))
    print(f"after lower in {sum(x < y for x, y in zip(times['after'], times['before']))} of {args.reps}")


if __name__ == "__main__":
    main()
