"""The checks' steady state per partition, in two trees: pyarrow's per-call RE2 compile against the patterns
google-re2 keeps (issue 8, fifteenth session, helper ``re2``).

    cd NEW_TREE && PYTHONPATH=NEW_TREE .venv/bin/python benchmarks/bench_rules_re2_15_ab.py OLD_TREE \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 5 [--chunk 25000]

Each tree runs in its own process (``PYTHONPATH``), OLD and NEW interleaved per round (the order alternates).
A process runs ``pipeline._warm_worker()``, scores the sentiment of every ``--chunk``-row partition (untimed: it
fills the language memo, as ``triage_partition`` does), checks the first partition (untimed: a worker's first
call builds its state), then times ``check_each_review`` on each later partition (CPU seconds, summed: the
``steady`` column, what a worker's partitions after its first cost; ``refine``: the part of it inside
``_Batch.refine``, timed by the same wrapper in both trees). The hit frames' hashes must agree between
the trees. Also prints the process's resident memory after the checks (``rss`` MB, from /proc). Prints min and
median per column and side.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def child(args: argparse.Namespace) -> None:
    import pandas as pd

    import reviewtools
    from reviewtools import pipeline
    from reviewtools.ingest import read_reviews
    from reviewtools.rules import check_each_review
    from reviewtools.sentiment import score_sentiment

    frame = read_reviews(args.input).reviews
    pipeline._warm_worker()
    parts = [frame.iloc[a: a + args.chunk] for a in range(0, len(frame), args.chunk)]
    for part in parts:
        score_sentiment(part)
    from reviewtools import rules

    spent = [0.0]
    refine = rules._Batch.refine

    def timed(self, *a, **k):  # the same wrapper in both trees: CPU seconds inside _Batch.refine
        t0 = time.process_time()
        try:
            return refine(self, *a, **k)
        finally:
            spent[0] += time.process_time() - t0

    rules._Batch.refine = timed
    hashes = []
    hits = check_each_review(parts[0])
    spent[0] = 0.0
    hashes.append(int(pd.util.hash_pandas_object(hits, index=False).sum()))
    steady = 0.0
    for part in parts[1:]:
        c0 = time.process_time()
        hits = check_each_review(part)
        steady += time.process_time() - c0
        hashes.append(int(pd.util.hash_pandas_object(hits, index=False).sum()))
    with open("/proc/self/statm") as f:
        rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    print(json.dumps({"code": reviewtools.__file__, "steady": steady, "refine": spent[0], "rss": rss, "hashes": hashes}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old_tree", type=Path)
    ap.add_argument("--input", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--chunk", type=int, default=25000)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return 0
    new_tree = Path(__file__).resolve().parents[1]
    sides = {"old": args.old_tree.resolve(), "new": new_tree}
    res: dict[str, list[dict]] = {"old": [], "new": []}
    for rnd in range(args.rounds):
        for side in (("old", "new") if rnd % 2 == 0 else ("new", "old")):
            env = dict(os.environ, PYTHONPATH=str(sides[side]))
            cmd = [sys.executable, str(Path(__file__).resolve()), str(args.old_tree), "--input", args.input, "--child",
                   "--chunk", str(args.chunk)]
            got = json.loads(subprocess.run(cmd, env=env, cwd=sides[side], check=True, capture_output=True,
                                            text=True).stdout.strip().splitlines()[-1])
            assert got["code"].startswith(str(sides[side])), got["code"]
            res[side].append(got)
        assert res["old"][-1]["hashes"] == res["new"][-1]["hashes"], "hit frames differ"
        print(f"round {rnd}: " + "  ".join(f"{s} steady {res[s][-1]['steady']:.3f} refine {res[s][-1]['refine']:.3f} rss {res[s][-1]['rss']:.0f}"
                                          for s in ("old", "new")), flush=True)
    for col in ("steady", "refine", "rss"):
        print(col + ": " + "  ".join(f"{s} min/median {min(r[col] for r in res[s]):.3f}/"
                                     f"{statistics.median(r[col] for r in res[s]):.3f}" for s in ("old", "new")))
    for col in ("steady", "refine"):
        lower = sum(n[col] < o[col] for o, n in zip(res["old"], res["new"]))
        print(f"{col}: new lower in {lower}/{args.rounds}; load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
