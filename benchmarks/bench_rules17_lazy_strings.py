"""The checks' field strings read lazily from Arrow against a Python string per row (issue 8, seventeenth
session, helper ``checks_p``), in one forked process as a pipeline worker runs the checks.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_rules17_lazy_strings.py \\
        --input benchmarks/out/reviews_100000_seed8.csv --rounds 9 [--rows 50000]

The parent reads the corpus, cuts it into ``--rows`` partitions (``pipeline.MAX_PARTITION_ROWS``), runs
``pipeline._warm_worker()`` with the collector frozen around it as ``_run_stages`` does, then forks one child.
The child scores each partition's sentiment and topics (untimed: as ``triage_partition`` does before the checks;
it fills the language memo) and checks it once untimed (a worker's first partition), then per round and partition
times ``check_each_review`` (CPU seconds, ``time.process_time``) with the titles and texts as
:class:`rules._LazyStrings` (``new``, this tree) and as ``rules._str_column``'s lists (``old``: the code before),
alternating which goes first; the hit frames of both must be equal. Prints per side the per-round sums over the
partitions (min, median), how many rounds ``new`` was lower, and the load average.

The whole call swings by more than the change on a shared machine, so the strings part is also timed alone
(``strings``): each partition's row reads during one ``check_each_review`` are recorded (which rows of the titles
and of the texts, in order), then replayed: the old side makes both ``_str_column`` lists and reads those rows,
the new side makes both lazy sequences and reads the same rows (the strings compared equal once first), alternating.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--partitions", type=int, default=0, help="at most this many partitions (0: all)")
    args = ap.parse_args()

    import pandas as pd

    import reviewtools
    from reviewtools import pipeline, rules
    from reviewtools.ingest import read_reviews

    print("code:", reviewtools.__file__, flush=True)
    frame = read_reviews(args.input).reviews
    bounds = [(a, min(a + args.rows, len(frame))) for a in range(0, len(frame), args.rows)]
    if args.partitions:
        bounds = bounds[: args.partitions]
    gc.freeze()
    pipeline._warm_worker()
    gc.freeze()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        os.close(read_fd)
        try:
            from reviewtools.sentiment import score_sentiment
            from reviewtools.topics import find_and_tag_topics

            parts = [frame.iloc[a:b] for a, b in bounds]
            for part in parts:
                find_and_tag_topics(score_sentiment(part))
            new_fn = rules._field_strings

            def old_fn(f: pd.DataFrame, column: str, arr: object) -> object:
                return rules._str_column(f, column)

            rules.check_each_review(parts[0])
            replays = []  # per partition: the rows read of the titles and the texts during one check
            for part in parts:
                reads: dict[str, list[int]] = {"title": [], "text": []}

                class Recorded(rules._LazyStrings):
                    __slots__ = ("name",)

                    def __getitem__(self, i: object) -> object:
                        got = super().__getitem__(i)
                        if isinstance(i, slice):
                            out = Recorded(got._arr)
                            out.name = self.name
                            return out
                        reads[self.name].append(i)
                        return got

                def recorded(f: pd.DataFrame, column: str, arr: object) -> object:
                    out = Recorded(arr)
                    out.name = column
                    return out

                rules._field_strings = recorded
                rules.check_each_review(part)
                rules._field_strings = new_fn
                arrows = {c: rules._arrow_str_column(part, c) for c in ("title", "text")}
                for c in ("title", "text"):
                    old_s, new_s = rules._str_column(part, c)[0:len(part)], new_fn(part, c, arrows[c])[0:len(part)]
                    assert [old_s[i] for i in reads[c]] == [new_s[i] for i in reads[c]]
                replays.append((part, arrows, reads))

            def strings(side: str) -> float:
                t = time.process_time()
                for part, arrows, reads in replays:
                    for c in ("title", "text"):
                        got = (rules._str_column(part, c) if side == "old" else new_fn(part, c, arrows[c]))[0:len(part)]
                        for i in reads[c]:
                            got[i]
                return time.process_time() - t

            sums: dict[str, list[float]] = {"old": [], "new": [], "strings_old": [], "strings_new": []}
            for r in range(args.rounds):
                order = ("old", "new") if r % 2 == 0 else ("new", "old")
                spent = dict.fromkeys(order, 0.0)
                for part in parts:
                    frames = {}
                    for side in order:
                        rules._field_strings = new_fn if side == "new" else old_fn
                        t = time.process_time()
                        frames[side] = rules.check_each_review(part)
                        spent[side] += time.process_time() - t
                    pd.testing.assert_frame_equal(frames["old"], frames["new"])
                rules._field_strings = new_fn
                for side in order:
                    sums[side].append(spent[side])
                for side in order:
                    gc.collect()
                    sums["strings_" + side].append(strings(side))
            os.write(write_fd, json.dumps(sums).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as f:
        raw = f.read()
    os.waitpid(pid, 0)
    sums = json.loads(raw)
    rows = bounds[-1][1] - bounds[0][0]
    for what in ("", "strings_"):
        for side in ("old", "new"):
            v = sums[what + side]
            print(f"{what or 'checks_'}{side}: CPU s per round ({len(bounds)} partitions, {rows:,} rows) min {min(v):.4f} "
                  f"median {statistics.median(v):.4f}  [{', '.join(f'{x:.3f}' for x in v)}]")
        lower = sum(n < o for n, o in zip(sums[what + "new"], sums[what + "old"]))
        print(f"{what or 'checks_'}new lower in {lower}/{len(sums[what + 'new'])} rounds")
    print(f"load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
