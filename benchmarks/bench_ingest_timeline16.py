"""Timeline of one ``read_reviews`` call: per phase, wall, process CPU (all threads), the calling thread's CPU and
the cores used (CPU / wall), so the phases that leave the second core idle show (issue 8: ingest runs before the
triage's pool, so its serial time is wall time).

    cd $TREE && PYTHONPATH=$TREE .venv/bin/python benchmarks/bench_ingest_timeline16.py \
        benchmarks/out/reviews_1000000_seed8.csv --rounds 5

Each round is a fresh process (the file's pages and Arrow's allocator as ``read_reviews`` meets them); prints the
median (and min) of each figure over the rounds. Phases nest: the indented ones are parts of the one above them
(and of other callers: ``_take_rows`` also runs inside ``_map_file``; ``_read_csv`` is the parse, ``_csv_halfway``
the record scan inside it, ``_encoding`` the UTF-8 check before it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

_CHILD = r'''
import functools, json, sys, time
import reviewtools, reviewtools.ingest as ing, reviewtools.schema as schema
rec = {}
def wrap(mod, name, label):
    f = getattr(mod, name)
    @functools.wraps(f)
    def g(*a, **k):
        w, c, t = time.perf_counter(), time.process_time(), time.thread_time()
        try:
            return f(*a, **k)
        finally:
            x = rec.setdefault(label, [0, 0.0, 0.0, 0.0])
            x[0] += 1; x[1] += time.perf_counter() - w; x[2] += time.process_time() - c; x[3] += time.thread_time() - t
    setattr(mod, name, g)
for n in ["_load", "_encoding", "_csv_halfway", "_read_csv", "_map_file", "_parse_rating", "parse_dates",
          "_clean_pieces", "_strip", "_per_distinct", "_constant_strings", "_duplicates", "_take_rows",
          "_release_arrow_memory"]:
    wrap(ing, n, n)
wrap(schema, "coerce", "schema.coerce"); wrap(schema, "validate", "schema.validate")
w, c, t = time.perf_counter(), time.process_time(), time.thread_time()
res = ing.read_reviews(sys.argv[1])
rec["read_reviews"] = [1, time.perf_counter() - w, time.process_time() - c, time.thread_time() - t]
print(json.dumps({"code": reviewtools.__file__, "rows": len(res.reviews), "rec": rec}))
'''

_ORDER = [("read_reviews", 0), ("_load", 1), ("_encoding", 2), ("_read_csv", 2), ("_csv_halfway", 3),
          ("_map_file", 1), ("_parse_rating", 2), ("parse_dates", 2), ("_clean_pieces", 2), ("_strip", 2),
          ("_per_distinct", 2), ("_constant_strings", 2), ("_duplicates", 1), ("_take_rows", 1),
          ("_release_arrow_memory", 1), ("schema.coerce", 1), ("schema.validate", 1)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    runs = []
    for r in range(args.rounds):
        out = subprocess.run([sys.executable, "-c", _CHILD, str(args.file)], capture_output=True, text=True,
                             check=True, env=dict(os.environ))
        got = json.loads(out.stdout.strip().splitlines()[-1])
        if r == 0:
            print(f"code: {Path(got['code']).parent}  rows {got['rows']}")
        runs.append(got["rec"])
        tot = got["rec"]["read_reviews"]
        print(f"round {r}: wall {tot[1]:.3f} cpu {tot[2]:.3f} main {tot[3]:.3f}  load {os.getloadavg()[0]:.1f}",
              flush=True)
    print(f"{'phase':28s} {'calls':>5s} {'wall med(min)':>15s} {'cpu med(min)':>15s} {'main med(min)':>15s} "
          f"{'cores':>6s}")
    for name, depth in _ORDER:
        vals = [run[name] for run in runs if name in run]
        if not vals:
            continue
        cols = [[v[i] for v in vals] for i in (1, 2, 3)]
        med = [statistics.median(c) for c in cols]
        print(f"{'  ' * depth + name:28s} {vals[0][0]:5d} "
              + " ".join(f"{m:7.3f}({min(c):6.3f})" for m, c in zip(med, cols))
              + f" {med[1] / med[0] if med[0] else 0:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
