"""In-process A/B of the native topics calls of two builds of ``_vadercore`` (old .so against new .so).

    PYTHONPATH=<tree> .venv/bin/python benchmarks/bench_topics_native_ab.py OLD.so NEW.so \\
        [--corpus benchmarks/out/reviews_100000_seed8.csv] [--rows 50000] [--reps 10] [--call attempts|tried]

Whole-stage benchmarks (``bench_topics_worker.py``) swing by +-3 CPU us/review between runs of one tree on a
loaded shared machine, more than a sub-microsecond change. This script loads both modules side by side in
one process and records the calls ``find_and_tag_topics`` makes on the first ``--rows`` reviews of the
corpus (``topic_attempts`` with its marks, or ``topic_tried`` with its judge and sink), checks that both
builds return equal results for every call, then replays every call through both, alternately, swapping
which goes first every rep (the second on a call gains from warm caches): per rep the CPU seconds per
review of each, then the minimum and median, and the mean of the even- and odd-rep differences
("order-corrected"), the figure to read.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(path: str):
    spec = importlib.util.spec_from_file_location("reviewtools._vadercore", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old_so")
    ap.add_argument("new_so")
    ap.add_argument("--corpus", type=Path, default=HERE / "out" / "reviews_100000_seed8.csv")
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--call", choices=("attempts", "tried"), default="attempts")
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import read_reviews
    from reviewtools.sentiment import score_sentiment
    from reviewtools.topics import find_and_tag_topics
    from reviewtools.vader import native_module

    print(f"code: {Path(reviewtools.__file__).parent}")
    frame = read_reviews(str(args.corpus)).reviews.iloc[: args.rows]
    rows = len(frame)
    parts = [score_sentiment(frame.iloc[s : s + 25_000]) for s in range(0, rows, 25_000)]
    vc = native_module()
    name = "topic_" + args.call
    orig = getattr(vc, name)
    calls = []

    def record(*a):
        a = list(a)
        saved = None
        if args.call == "tried" and len(a) > 9 and a[9] is not None:
            sink = a[9]
            saved = (sink[0], sink[2].copy(), sink[3].copy(), sink[4])
        calls.append((a, saved))
        return orig(*a)

    setattr(vc, name, record)
    try:
        for p in parts:
            find_and_tag_topics(p)
    finally:
        setattr(vc, name, orig)
    A, B = _load(args.old_so), _load(args.new_so)
    fa, fb = getattr(A, name), getattr(B, name)
    assert fa is not fb

    def run(f, a, saved):
        b = list(a)
        if saved is not None:
            b[9] = (saved[0], [[] for _ in range(len(a[9][1]))], saved[1].copy(), saved[2].copy(), saved[3])
        t = time.process_time()
        got = f(*b)
        return time.process_time() - t, got, b

    for a, saved in calls:
        _, ga, ba = run(fa, a, saved)
        _, gb, bb = run(fb, a, saved)
        assert ga == gb, "the two builds differ"
        if saved is not None:
            assert ba[9][1] == bb[9][1] and (ba[9][2] == bb[9][2]).all() and (ba[9][3] == bb[9][3]).all()
    print(f"{len(calls)} {name} calls on {rows:,} reviews; results equal")
    ta, tb, diffs = [], [], [[], []]
    for r in range(args.reps):
        sa = sb = 0.0
        for a, saved in calls:
            if r % 2:
                sb += run(fb, a, saved)[0]
                sa += run(fa, a, saved)[0]
            else:
                sa += run(fa, a, saved)[0]
                sb += run(fb, a, saved)[0]
        ta.append(sa * 1e6 / rows)
        tb.append(sb * 1e6 / rows)
        diffs[r % 2].append(tb[-1] - ta[-1])
        print(f"  rep {r}: old {ta[-1]:.3f}  new {tb[-1]:.3f} CPU us/review")
    ta.sort()
    tb.sort()
    even = sum(diffs[0]) / max(1, len(diffs[0]))
    odd = sum(diffs[1]) / max(1, len(diffs[1]))
    print(f"old min {ta[0]:.3f} median {ta[len(ta) // 2]:.3f}; new min {tb[0]:.3f} median {tb[len(tb) // 2]:.3f} "
          f"CPU us/review; new - old: old first {even:+.3f}, new first {odd:+.3f}, "
          f"order-corrected {(even + odd) / 2:+.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
