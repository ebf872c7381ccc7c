"""A worker's first partition of the checks, after the parent's warm-up, in two trees (issue 8, fifteenth session).

    cd NEW_TREE && PYTHONPATH=NEW_TREE .venv/bin/python benchmarks/bench_rules_warm15_ab.py OLD_TREE \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 5 [--workers 4] [--chunk 12500]

As ``run_triage`` does with 2+ processes: the parent runs ``pipeline._warm_worker()`` (timed: its CPU seconds
are the ``warm`` column), freezes the collector and forks; each forked child scores its partition's sentiment
(untimed: it fills the language memo, as in ``triage_partition``) and then runs ``check_each_review`` on it,
whose CPU seconds are summed over ``--workers`` children (each on its own ``--chunk`` rows: the ``first``
column, what a worker's first partition costs). Then, in the last child, a second partition (``second``: the
steady state). Each tree runs in its own process (``PYTHONPATH``), OLD and NEW interleaved per round; the hit
frames' hashes must agree between the trees. Prints min and median per column and side.
"""

from __future__ import annotations

import argparse
import gc
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
    t0 = time.process_time()
    pipeline._warm_worker()
    warm = time.process_time() - t0
    gc.freeze()
    firsts, hashes, second = [], [], 0.0
    for w in range(args.workers):
        r, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            out = []
            for k in range(2 if w == args.workers - 1 else 1):
                a = (w + k * args.workers) * args.chunk
                part = frame.iloc[a: a + args.chunk]
                score_sentiment(part)
                c0 = time.process_time()
                hits = check_each_review(part)
                out.append((time.process_time() - c0, int(pd.util.hash_pandas_object(hits, index=False).sum())))
            os.write(wfd, json.dumps(out).encode())
            os._exit(0)
        os.close(wfd)
        with os.fdopen(r) as f:
            got = json.loads(f.read())
        os.waitpid(pid, 0)
        firsts.append(got[0][0])
        hashes.append(got[0][1])
        if len(got) > 1:
            second = got[1][0]
            hashes.append(got[1][1])
    print(json.dumps({"code": reviewtools.__file__, "warm": warm, "first": sum(firsts), "second": second,
                      "hashes": hashes}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old_tree", type=Path)
    ap.add_argument("--input", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--chunk", type=int, default=12500)
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
                   "--workers", str(args.workers), "--chunk", str(args.chunk)]
            got = json.loads(subprocess.run(cmd, env=env, cwd=sides[side], check=True, capture_output=True,
                                            text=True).stdout.strip().splitlines()[-1])
            assert got["code"].startswith(str(sides[side])), got["code"]
            res[side].append(got)
        assert res["old"][-1]["hashes"] == res["new"][-1]["hashes"], "hit frames differ"
        print(f"round {rnd}: " + "  ".join(f"{s} warm {res[s][-1]['warm']:.3f} first {res[s][-1]['first']:.3f} "
                                          f"second {res[s][-1]['second']:.3f}" for s in ("old", "new")), flush=True)
    for col in ("warm", "first", "second"):
        print(col + ": " + "  ".join(f"{s} min/median {min(r[col] for r in res[s]):.3f}/"
                                     f"{statistics.median(r[col] for r in res[s]):.3f}" for s in ("old", "new")))
    lower = sum(n["first"] < o["first"] for o, n in zip(res["old"], res["new"]))
    print(f"first: new lower in {lower}/{args.rounds}; load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
