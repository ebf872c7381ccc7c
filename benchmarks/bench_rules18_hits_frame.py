"""``rules._Hits.frame`` with the detectors' rows' columns converted by pyarrow with ``from_pandas=True`` (pd.NA
read as null by Arrow) against the list comprehension that replaced pd.NA by None first (issue 8, eighteenth
session, helper ``checks_p``), interleaved in one process on the hits of real partitions.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_rules18_hits_frame.py \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 15

The hits (:class:`rules._Hits`) of ``check_each_review`` of each 50,000-row partition are captured once; then per
round each side builds every partition's frame (order swapped each round), CPU seconds summed; the frames must be
equal. The old side is this module's copy of the method before the change."""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import pandas as pd


def old_frame(self):  # rules._Hits.frame before the change (the list comprehension per column)
    import pyarrow as pa

    from reviewtools.rules import HIT_COLUMNS, _arrow_type

    rows = [r for _, rs in self.keyed for r in rs]
    keys = np.asarray([k for k, rs in self.keyed for _ in rs], dtype=np.int64)
    all_keys = np.concatenate([keys] + [k for k, _, _ in self.constant])
    order = np.argsort(all_keys, kind="stable")
    at = np.concatenate([np.arange(len(rows), dtype=np.int64)]
                        + [np.full(len(ck), len(rows) + t, dtype=np.int64)
                           for t, (ck, _, _) in enumerate(self.constant)])
    by_order, by_entry = pa.array(order), pa.array(at[order])
    cols = list(zip(*rows)) if rows else [() for _ in HIT_COLUMNS]
    data = {}
    for c, ((name, dtype), col) in enumerate(zip(HIT_COLUMNS.items(), cols)):
        atype = _arrow_type(dtype)
        if c == 0 and self.ids is not None:
            parts = [self.ids.at(list(col), atype)]
        else:
            parts = [pa.array([None if v is pd.NA else v for v in col], type=atype)]
        if c == 0:
            for _, rids, _ in self.constant:
                parts.append(rids.cast(atype) if isinstance(rids, pa.Array) else pa.array(rids, type=atype))
        elif self.constant:
            parts.append(pa.array([None if row[c] is None or row[c] is pd.NA else row[c]
                                   for _, _, row in self.constant], type=atype))
        whole = pa.concat_arrays(parts) if len(parts) > 1 else parts[0]
        data[name] = pd.api.types.pandas_dtype(dtype).__from_arrow__(whole.take(by_order if c == 0 else by_entry))
    return pd.DataFrame(data)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--rows", type=int, default=50_000)
    args = ap.parse_args()

    from reviewtools import rules as R
    from reviewtools.ingest import read_reviews

    print("code:", R.__file__)
    frame = read_reviews(args.input).reviews
    parts = [frame.iloc[a: a + args.rows].reset_index(drop=True) for a in range(0, len(frame), args.rows)]
    captured = []
    new_frame = R._Hits.frame

    def capture(self):
        captured.append(self)
        return new_frame(self)

    R._Hits.frame = capture
    try:
        for part in parts:
            R.check_each_review(part)
    finally:
        R._Hits.frame = new_frame
    print("detector rows", [sum(len(rs) for _, rs in h.keyed) for h in captured])
    sides = {"old": old_frame, "new": new_frame}
    times = {"old": [], "new": []}
    for r in range(args.rounds):
        order = ("old", "new") if r % 2 == 0 else ("new", "old")
        got = {}
        for name in order:
            c = time.process_time()
            got[name] = [sides[name](h) for h in captured]
            times[name].append(time.process_time() - c)
        for a, b in zip(got["old"], got["new"]):
            pd.testing.assert_frame_equal(a, b)
    lower = sum(n < o for o, n in zip(times["old"], times["new"]))
    print(f"frames of {len(captured)} partitions, CPU s: old min/median {min(times['old']):.4f}/"
          f"{statistics.median(times['old']):.4f}  new {min(times['new']):.4f}/{statistics.median(times['new']):.4f}"
          f"  new lower {lower}/{args.rounds}  load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
