"""The sentiment stage with Python's cyclic collector paused (``sentiment._PAUSE_COLLECTOR``) or not, in forked
pipeline workers, interleaved.

    cd /tmp/sentiment17_new && PYTHONPATH=/tmp/sentiment17_new /work/main/.venv/bin/python \\
        benchmarks/bench_sentiment17_gc.py --corpus benchmarks/out/reviews_1000000_seed8.csv --rows 200000 --rounds 7

As ``pipeline._run_stages`` runs the stage: the parent reads the corpus (its first ``--rows``), warms itself with
``pipeline._warm_worker`` and freezes its objects (``gc.freeze``); each round forks a child that scores every
block (``--block`` rows, 50,000 as ``pipeline.MAX_PARTITION_ROWS``) twice, once with the pause and once without
(the order flipped every block and round), the language identifier's memo emptied before each call (at 1M texts
rarely repeat, so a worker's memo is cold for a new partition), after one untimed call per block that fills the
per-process maps both share. The two outputs are asserted equal (``DataFrame.equals`` and the dtypes). Prints
CPU (``time.process_time``) per review of each, min and median over the rounds, in how many (block, round) pairs
the pause was lower, and the load average.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--block", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import pipeline, rules, sentiment
    from reviewtools.ingest import read_reviews

    print("code:", Path(reviewtools.__file__).parent, flush=True)
    frame = read_reviews(args.corpus).reviews.iloc[: args.rows]
    n = len(frame)
    blocks = [frame.iloc[lo : lo + args.block] for lo in range(0, n, args.block)]
    pipeline._warm_worker()
    gc.freeze()
    old_t: list[float] = []
    new_t: list[float] = []
    lower = pairs = 0
    for rnd in range(args.rounds):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            os.close(r)
            tot = {False: 0.0, True: 0.0}
            low = 0
            for b, block in enumerate(blocks):
                rules._CLASSIFIED.clear()
                sentiment.score_sentiment(block)  # the per-process maps, as a worker's first partition fills them
                got = {}
                cpu = {}
                for pause in ((False, True) if (b + rnd) % 2 == 0 else (True, False)):
                    sentiment._PAUSE_COLLECTOR = pause
                    rules._CLASSIFIED.clear()
                    t = time.process_time()
                    got[pause] = sentiment.score_sentiment(block)
                    cpu[pause] = time.process_time() - t
                    tot[pause] += cpu[pause]
                assert got[False].equals(got[True]) and list(got[False].dtypes) == list(got[True].dtypes)
                low += cpu[True] < cpu[False]
                del got
            os.write(w, f"{tot[False]} {tot[True]} {low} {len(blocks)}".encode())
            os._exit(0)
        os.close(w)
        with os.fdopen(r) as f:
            msg = f.read().split()
        os.waitpid(pid, 0)
        if len(msg) != 4:
            print("child failed", file=sys.stderr)
            return 1
        old_t.append(1e6 * float(msg[0]) / n)
        new_t.append(1e6 * float(msg[1]) / n)
        lower += int(msg[2])
        pairs += int(msg[3])
        print(f"  round {rnd}: collector on {old_t[-1]:.3f}, paused {new_t[-1]:.3f} CPU us/review; load {_loadavg()}",
              flush=True)
    print(f"collector on: min {min(old_t):.3f} median {statistics.median(old_t):.3f}; paused: min {min(new_t):.3f} "
          f"median {statistics.median(new_t):.3f} CPU us/review; paused lower in {lower}/{pairs} (block, round) pairs, "
          f"{sum(b < a for a, b in zip(old_t, new_t))}/{len(old_t)} rounds; {n:,} reviews in blocks of {args.block:,}; "
          f"load {_loadavg()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
