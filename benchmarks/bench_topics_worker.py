"""CPU per review of complaint topics where the pipeline runs them: in a forked worker after the warm parent.

    .venv/bin/python benchmarks/bench_topics_worker.py [--corpus benchmarks/out/reviews_100000_seed8.csv]
        [--rows 25000] [--rounds 3] [--check DIR | --save DIR] [--freeze]

The corpus (a canonical CSV export, e.g. made by ``benchmarks/generate.py``) is cut into ``--rows`` slices (the
pipeline's partitions hold at most ``pipeline.MAX_PARTITION_ROWS`` = 25,000), each scored by
``score_sentiment`` as ``triage_partition`` does before topics. The process then warms itself as the pipeline's
parent does (``pipeline._warm_worker``) and, per round, forks a fresh child that runs ``find_and_tag_topics``
on every slice in turn, as a pool worker runs its tasks: CPU seconds per slice (``time.process_time``, so other
people's load inflates it less than wall time; the load average is printed) and how many times Python's cyclic
GC ran. The first slice of a fresh worker also pays for the caches it grows and for its first collections of
the oldest generation, which write to the header of every object inherited from the parent (shared pages become
private copies). ``--freeze`` calls ``gc.freeze()`` before each fork (and ``gc.unfreeze()`` after), as
``run_triage`` does around its decisions pool (not around the per-review pool), to measure what that would save
here (in this benchmark's small parent: ~0.3-0.7 CPU us/review, load 4).

To compare trees, run it once per tree, interleaved, with ``PYTHONPATH`` pointing at a ``git archive`` of the
other commit (``reviewtools/_vadercore*.so`` copied in). ``--save DIR`` pickles each slice's tagged and match
frames; ``--check DIR`` compares them exactly (``assert_frame_equal``) with those saved by another tree.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE / "out" / "reviews_100000_seed8.csv")
    parser.add_argument("--rows", type=int, default=25_000)
    parser.add_argument("--rounds", type=int, default=3)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--save", type=Path, help="pickle each slice's (tagged, matches) here")
    group.add_argument("--check", type=Path, help="compare each slice's frames with those pickled here")
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() in the parent before each fork")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"bench_topics_worker: no corpus at {args.corpus} (make it with benchmarks/generate.py); skipped")
        return 0

    import reviewtools
    from reviewtools import pipeline, read_reviews
    from reviewtools.sentiment import score_sentiment
    from reviewtools.topics import find_and_tag_topics

    frame = read_reviews(str(args.corpus)).reviews
    parts = [score_sentiment(frame.iloc[s : s + args.rows]) for s in range(0, len(frame), args.rows)]
    del frame
    pipeline._warm_worker()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"tree {Path(reviewtools.__file__).parent}; {len(parts)} slices of <= {args.rows:,} rows; load {load}"
          + ("; gc frozen before each fork" if args.freeze else ""))
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    for r in range(args.rounds):
        read_end, write_end = os.pipe()
        if args.freeze:
            gc.freeze()
        pid = os.fork()
        if pid == 0:  # a fresh worker, as the pool forks it from the warm parent
            os.close(read_end)
            lines, total, rows = [], 0.0, 0
            for i, part in enumerate(parts):
                before = sum(s["collections"] for s in gc.get_stats())
                t = time.process_time()
                tagged, matches = find_and_tag_topics(part)
                dt = time.process_time() - t
                runs = sum(s["collections"] for s in gc.get_stats()) - before
                total, rows = total + dt, rows + len(part)
                line = f"  slice {i}: {dt * 1e6 / len(part):6.2f} CPU us/review, gc ran {runs} times"
                if args.save and r == 0:
                    with open(args.save / f"slice_{i}.pkl", "wb") as fh:
                        pickle.dump((tagged, matches), fh, protocol=5)
                if args.check:
                    from pandas.testing import assert_frame_equal

                    with open(args.check / f"slice_{i}.pkl", "rb") as fh:
                        want_tagged, want_matches = pickle.load(fh)
                    assert_frame_equal(tagged, want_tagged, check_exact=True)
                    assert_frame_equal(matches, want_matches, check_exact=True)
                    line += ", identical"
                lines.append(line)
            lines.append(f"round {r}: {total * 1e6 / rows:.2f} CPU us/review over {rows:,} reviews")
            os.write(write_end, ("\n".join(lines) + "\n").encode())
            os._exit(0)
        os.close(write_end)
        if args.freeze:
            gc.unfreeze()
        chunks = []
        while chunk := os.read(read_end, 65536):
            chunks.append(chunk)
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
        sys.stdout.write(b"".join(chunks).decode())
        if status:
            print(f"round {r}: the worker failed (status {status})")
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
