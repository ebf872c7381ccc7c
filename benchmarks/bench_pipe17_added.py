"""The per-review task's added columns sent back encoded or as they are (issue 8, seventeenth session, ``pipe``).

    cd <tree> && PYTHONPATH=<tree> /work/main/.venv/bin/python benchmarks/bench_pipe17_added.py \\
        --corpus benchmarks/out/reviews_100000_seed8.csv [--rows 50000] [--rounds 9]

``pipeline._partition_task`` returns the columns the stages add (sentiment, topics) to the parent of the pool.
With ``ENCODE_ADDED_COLUMNS`` they were dictionary-encoded in the worker (``_encode``) and decoded in the parent
(``_Encoded.decode`` in ``_run_stages``); now they travel as the stages made them. This runs the stages once on
each ``--rows`` partition of the corpus (the process warmed as ``run_triage``'s parent is), then per round, the
two ways alternated on the same partitions: the worker's side (encode or not, ``pickle.dumps`` as the pool
sends a result) and the parent's side (``pickle.loads``, then ``pd.concat`` of the decoded parts, as
``_run_stages`` makes ``added``). The concatenated frames are asserted equal (``DataFrame.equals`` and
``assert_frame_equal``) before any timing. CPU seconds (``time.process_time``) per side and round, summed over
the partitions; then min/median and the rounds where the new way was lower, scaled to 1,000,000 reviews.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import time

import pandas as pd
from pandas.testing import assert_frame_equal

from reviewtools import ingest, pipeline


def _send(added: list[pd.DataFrame], encode: bool) -> tuple[list[bytes], float]:
    t = time.process_time()
    out = [pickle.dumps(pipeline._encode(a) if encode else pipeline._Encoded(a, {}), protocol=pickle.HIGHEST_PROTOCOL)
           for a in added]
    return out, time.process_time() - t


def _receive(sent: list[bytes]) -> tuple[pd.DataFrame, float]:
    t = time.process_time()
    parts = [[pickle.loads(b)] for b in sent]
    frame = pd.concat(pipeline._decoded(parts, 0))
    return frame, time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="benchmarks/out/reviews_100000_seed8.csv")
    ap.add_argument("--rows", type=int, default=50_000, help="rows per partition (pipeline.MAX_PARTITION_ROWS)")
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    print("code:", os.path.dirname(pipeline.__file__))
    frame = pipeline.coerce(ingest.read_reviews(args.corpus).reviews)
    pipeline._warm_worker()
    added = []
    for i in range(0, len(frame), args.rows):
        part = frame.iloc[i : i + args.rows]
        scored = pipeline.triage_partition(part)[0]
        added.append(scored.drop(columns=list(part.columns)))
    n = len(frame)
    old_frame = _receive(_send(added, True)[0])[0]
    new_frame = _receive(_send(added, False)[0])[0]
    assert old_frame.equals(new_frame)
    assert_frame_equal(old_frame, new_frame)
    print(f"{n:,} reviews in {len(added)} partitions; frames equal; {len(old_frame.columns)} added columns")
    res: dict[str, dict[str, list[float]]] = {k: {"worker": [], "parent": []} for k in ("old", "new")}
    for r in range(args.rounds):
        for name, encode in (("old", True), ("new", False)) if r % 2 == 0 else (("new", False), ("old", True)):
            sent, w = _send(added, encode)
            _, p = _receive(sent)
            res[name]["worker"].append(w)
            res[name]["parent"].append(p)
            del sent
        print(f"round {r + 1}: worker old {res['old']['worker'][-1] * 1000:.1f} new {res['new']['worker'][-1] * 1000:.1f}"
              f" ms; parent old {res['old']['parent'][-1] * 1000:.1f} new {res['new']['parent'][-1] * 1000:.1f} ms")
    scale = 1_000_000 / n
    for side in ("worker", "parent"):
        o, w = res["old"][side], res["new"][side]
        lower = sum(b < a for a, b in zip(o, w))
        print(f"{side}: CPU ms per {n:,} min/median {min(o) * 1000:.1f}/{statistics.median(o) * 1000:.1f} -> "
              f"{min(w) * 1000:.1f}/{statistics.median(w) * 1000:.1f} ({lower}/{len(o)} lower); at 1M ~"
              f"{(statistics.median(o) - statistics.median(w)) * scale:.2f} CPU s less")
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
