"""Old against new ``check_each_review`` on 50,000-row partitions as a triage worker runs them (issue 8,
sixteenth session, helper ``checks_a``; .work/notes16/checks_a.md).

    cd NEW && PYTHONPATH=NEW .venv/bin/python benchmarks/bench_rules16_ab.py OLD_TREE \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 6

Each round runs one process per tree, old then new (alternating). A process reads the corpus, checks the second
partition (rows 50,000 on: the warm-up a worker's first partition gives), freezes what it holds out of the
collector's reach (``gc.freeze``, as the pipeline's parent does before forking), fills the language memo for the
first partition (as sentiment does before the checks), then times ``check_each_review`` of the first partition
``--calls`` times (CPU seconds, user+sys, of each call; the sum is reported) and hashes the hit frame. The two
trees' hashes must agree. Minimum and median over the rounds, old and new, and per-round new/old ratios.

``--parts`` instead times, in this process and tree, the two parts of the change on the first partition, interleaved
(``--rounds``): ``_Batch.case_changed`` against ``_case_changed_reference`` (the two lower-cased views' lengths
counted; both given a batch whose lower-cased views and field lengths are built, as the checks build them anyway),
the detectors' rows' review ids with the hit frame (``_Hits.frame`` of row positions, the ids taken at once, against
looking up each id as an Arrow scalar and the frame of those: the rows of one check of the partition), and the CPU seconds spent inside the cyclic collector (``gc.callbacks``) over ``check_each_review`` calls with
``rules._PAUSE_COLLECTOR`` off and on (collections between the calls counted too), after ``gc.freeze`` as above."""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import gc, hashlib, json, sys, time
import pandas as pd
from reviewtools.ingest import read_reviews
from reviewtools import rules as R
frame = read_reviews(sys.argv[1]).reviews
rows = int(sys.argv[3])
A = frame.iloc[:rows].reset_index(drop=True)
B = frame.iloc[rows:2 * rows].reset_index(drop=True)
R.check_each_review(B)
gc.collect()
gc.freeze()
R.detect_languages(A["text"].tolist())
secs = []
for _ in range(int(sys.argv[2])):
    c = time.process_time()
    out = R.check_each_review(A)
    secs.append(time.process_time() - c)
digest = hashlib.sha256(pd.util.hash_pandas_object(out, index=True).values.tobytes()).hexdigest()
print(json.dumps({"code": R.__file__, "secs": secs, "hash": digest, "rows": len(A)}))
"""


def run(tree: Path, corpus: str, calls: int, rows: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, "-c", CHILD, corpus, str(calls), str(rows)], env=env, cwd=str(tree),
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def parts(corpus: str, rounds: int, rows: int) -> int:
    import gc
    import time

    import numpy as np

    from reviewtools import rules as R
    from reviewtools.ingest import read_reviews

    print("code:", R.__file__)
    frame = read_reviews(corpus).reviews
    a = frame.iloc[:rows].reset_index(drop=True)
    R.check_each_review(frame.iloc[rows: 2 * rows].reset_index(drop=True))
    gc.collect()
    gc.freeze()
    R.detect_languages(a["text"].tolist())

    def batch():
        b = R._Batch(R._str_column(a, "title"), R._str_column(a, "text"), [None] * len(a), [None] * len(a),
                     arrays={f: R._arrow_str_column(a, f) for f in R.FIELDS})
        b.array("joined_low")
        for f in R.FIELDS:
            b.lengths(f)
        return b

    secs: dict[str, list[float]] = {"reference": [], "new": []}
    for _ in range(rounds):
        for name in secs:
            b = batch()
            c = time.process_time()
            got = b.case_changed() if name == "new" else b._case_changed_reference()
            secs[name].append(time.process_time() - c)
        assert np.array_equal(got, batch()._case_changed_reference())
    print(f"case_changed on {rows:,} rows, CPU ms over {rounds} rounds:")
    for name, v in secs.items():
        print(f"  {name}: min {min(v) * 1e3:.2f}, median {statistics.median(v) * 1e3:.2f}")
    spent = [0.0]
    started = [0.0]

    def on_gc(phase, info):
        if phase == "start":
            started[0] = time.process_time()
        else:
            spent[0] += time.process_time() - started[0]

    # the review ids of the detectors' rows: one Arrow scalar per row (before) or one take in _Hits.frame (now)
    kept = {}
    frame_of = R._Hits.frame

    def keep(self, *a, **k):
        kept["hits"] = self
        return frame_of(self, *a, **k)

    R._Hits.frame = keep
    try:
        R.check_each_review(a)
    finally:
        R._Hits.frame = frame_of
    hits = kept["hits"]
    ids = hits.ids
    ids_secs: dict[str, list[float]] = {"per row": [], "at once": []}
    for _ in range(rounds):
        for name in ids_secs:
            c = time.process_time()
            if name == "per row":
                per_row = R._Hits()
                per_row.keyed = [(key, [(ids[r[0]],) + r[1:] for r in rs]) for key, rs in hits.keyed]
                per_row.constant = hits.constant
                out = per_row.frame()
            else:
                got = hits.frame()
            ids_secs[name].append(time.process_time() - c)
    pd_equal = out.equals(got)
    print(f"the {sum(len(rs) for _, rs in hits.keyed):,} detector rows' ids and the hit frame, CPU ms over {rounds} "
          f"rounds (frames equal: {pd_equal}):")
    for name, v in ids_secs.items():
        print(f"  {name}: min {min(v) * 1e3:.2f}, median {statistics.median(v) * 1e3:.2f}")
    gc.callbacks.append(on_gc)
    saved = R._PAUSE_COLLECTOR
    coll: dict[bool, list[float]] = {False: [], True: []}
    calls: dict[bool, list[float]] = {False: [], True: []}
    try:
        for _ in range(rounds):
            for pause in (False, True):
                R._PAUSE_COLLECTOR = pause
                spent[0] = 0.0
                c = time.process_time()
                R.check_each_review(a)
                calls[pause].append(time.process_time() - c)
                _ = [[i] for i in range(2000)]  # allocations after the call: a pending collection runs here
                coll[pause].append(spent[0])
    finally:
        R._PAUSE_COLLECTOR = saved
        gc.callbacks.remove(on_gc)
    print(f"check_each_review on {rows:,} rows, CPU ms inside the collector per call (and right after it):")
    for pause in (False, True):
        print(f"  pause {pause}: collector min {min(coll[pause]) * 1e3:.1f}, median "
              f"{statistics.median(coll[pause]) * 1e3:.1f}; whole call min {min(calls[pause]):.3f}, median "
              f"{statistics.median(calls[pause]):.3f} s")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old_tree")
    ap.add_argument("--input", required=True)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--calls", type=int, default=2, help="timed calls per process (summed)")
    ap.add_argument("--rows", type=int, default=50_000, help="partition rows")
    ap.add_argument("--parts", action="store_true", help="time the change's parts in this process (see above)")
    args = ap.parse_args()
    if args.parts:
        return parts(args.input, args.rounds, args.rows)
    new_tree = Path(__file__).resolve().parents[1]
    trees = {"old": Path(args.old_tree).resolve(), "new": new_tree}
    secs: dict[str, list[float]] = {"old": [], "new": []}
    hashes: dict[str, set] = {"old": set(), "new": set()}
    for r in range(args.rounds):
        for name, tree in trees.items():
            got = run(tree, args.input, args.calls, args.rows)
            if r == 0:
                print(f"{name}: code: {got['code']}")
            secs[name].append(sum(got["secs"]))
            hashes[name].add(got["hash"])
        print(f"round {r + 1}: old {secs['old'][-1]:.3f} s, new {secs['new'][-1]:.3f} s "
              f"(new/old {secs['new'][-1] / secs['old'][-1]:.3f}); load {os.getloadavg()[0]:.1f}", flush=True)
    if hashes["old"] != hashes["new"] or len(hashes["new"]) != 1:
        print("HIT FRAMES DIFFER", hashes)
        return 1
    ratios = [n / o for o, n in zip(secs["old"], secs["new"])]
    print(f"hit frames equal; {args.calls} calls of {args.rows:,} rows per process, CPU s (user+sys):")
    for name in trees:
        print(f"  {name}: min {min(secs[name]):.3f}, median {statistics.median(secs[name]):.3f}")
    print(f"  new/old per round: median {statistics.median(ratios):.3f}, new lower in "
          f"{sum(x < 1 for x in ratios)} of {len(ratios)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
