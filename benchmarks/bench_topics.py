"""CPU per review of complaint-topic tagging, the word-presence prefilter against the reference path, interleaved.

    .venv/bin/python benchmarks/bench_topics.py --reviews 20000 [--rounds 3] [--discover 8]
    .venv/bin/python benchmarks/bench_topics.py --corpus benchmarks/out/reviews_100000_seed8.csv --rounds 2

Reads ``benchmarks/out/reviews_<N>_seed8.csv`` (made by ``benchmarks/generate.py`` from the real review texts
in ../shared/datasets; generated here when missing) or ``--corpus``. Each round runs
``find_and_tag_topics(frame, prefilter=False)`` (the reference: every phrase tried at every word start its
first word can begin, as before the prefilter) and then ``find_and_tag_topics(frame)`` in this process, timed
in CPU seconds (``time.process_time``: other people's load on a shared machine inflates both alike; the load
average is printed beside the figures), and prints the minimum over the rounds per review. The two outputs are
compared first (exact, ``assert_frame_equal``): a speed-up that changes a result is not measured.
``--discover N`` also times one ``ThemeDiscovery(N).fit``.

``--old-tree DIR`` (a ``git archive`` of an older commit, e.g. ``git archive a20a14e | tar -x -C /tmp/old``)
also times that tree's ``find_and_tag_topics`` (imported as package ``rtold`` from a temporary copy) against
this one's, interleaved in the same rounds, after checking that both give exactly the same frames::

    .venv/bin/python benchmarks/bench_topics.py --corpus benchmarks/out/reviews_100000_seed8.csv --rounds 3 \\
        --old-tree /tmp/old
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=20_000)
    parser.add_argument("--corpus", type=Path, help="a canonical CSV export (default: the --reviews corpus)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--discover", type=int, default=0, metavar="N", help="also time ThemeDiscovery(N)")
    parser.add_argument("--old-tree", type=Path, help="a checkout holding an older reviewtools/ to time against")
    args = parser.parse_args(argv)
    corpus = args.corpus or HERE / "out" / f"reviews_{args.reviews}_seed8.csv"
    if not corpus.is_file():
        done = subprocess.run([sys.executable, str(HERE / "generate.py"), "--reviews", str(args.reviews),
                               "--out", str(corpus), "--seed", "8"])
        if done.returncode or not corpus.is_file():
            print(f"bench_topics: could not generate {corpus} (is ../shared/datasets present?); skipped")
            return 0

    from pandas.testing import assert_frame_equal

    from reviewtools.ingest import read_reviews
    from reviewtools.topics import ThemeDiscovery, find_and_tag_topics

    frame = read_reviews(corpus).reviews
    n = len(frame)
    runs = {"reference": lambda: find_and_tag_topics(frame, prefilter=False),
            "prefilter": lambda: find_and_tag_topics(frame)}
    if args.old_tree is not None:
        tmp = Path(tempfile.mkdtemp(prefix="bench_topics_old_"))
        shutil.copytree(args.old_tree / "reviewtools", tmp / "rtold")
        sys.path.insert(0, str(tmp))
        old_topics = importlib.import_module("rtold.topics")
        runs = {"old tree": lambda: old_topics.find_and_tag_topics(frame), **runs}
    find_and_tag_topics(frame.head(1000))  # compile the rules and build the phrase indexes once
    find_and_tag_topics(frame.head(1000), prefilter=False)
    if args.old_tree is not None:
        old_topics.find_and_tag_topics(frame.head(1000))
    print(f"{n:,} reviews from {corpus}; load average at start {_loadavg()}", flush=True)
    tagged, matches = find_and_tag_topics(frame)
    for name, run in runs.items():
        if name != "prefilter":
            other_tagged, other_matches = run()
            assert_frame_equal(tagged, other_tagged)
            assert_frame_equal(matches, other_matches)
    print(f"identical ({', '.join(runs)}): {len(matches):,} topic matches, "
          f"{int((tagged['topics'] != '').sum()):,} reviews with a complaint topic", flush=True)
    best = dict.fromkeys(runs, float("inf"))
    for r in range(args.rounds):
        for name, run in runs.items():
            t = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - t)
        print(f"round {r + 1}: load average {_loadavg()}", flush=True)
    for name, secs in best.items():
        print(f"{name:>10}: {secs:7.2f} CPU s  {1e6 * secs / max(n, 1):7.1f} CPU us/review (min of {args.rounds})")
    print(f"speedup: {best['reference'] / best['prefilter']:.2f}x over the reference"
          + (f", {best['old tree'] / best['prefilter']:.2f}x over the old tree" if args.old_tree else "")
          + f"; load average at end {_loadavg()}")
    if args.discover:
        t = time.perf_counter()
        model = ThemeDiscovery(n_themes=args.discover).fit(frame)
        print(f"ThemeDiscovery({args.discover}).fit: {time.perf_counter() - t:.2f} s; "
              f"largest theme: {model.themes_.sort_values('size').iloc[-1]['top_terms']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
