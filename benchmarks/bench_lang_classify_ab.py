"""CPU of ``rules._classify_many`` (the identifier's batch: encoding, native scores, ranking, the memo) on the heads a
corpus's sentiment stage hands it, this tree's way against the way before ``rules._encoded`` and
``rules._remember_all`` (each head through ``ident._encode`` and ``_remember`` one at a time), interleaved in one
process, the memo emptied before each run, results (the memo's items in order) asserted equal.

    cd $NEW && PYTHONPATH=$NEW /work/main/.venv/bin/python benchmarks/bench_lang_classify_ab.py \\
        --corpus /work/main/benchmarks/out/reviews_100000_seed8.csv --rounds 11

Prints the minimum and median CPU µs per review of the corpus (``time.process_time``), rounds lower, load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=11)
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import rules, sentiment
    from reviewtools.ingest import read_reviews

    texts = sentiment._columns(read_reviews(args.corpus).reviews)[1]
    calls: list[list[str]] = []
    many = rules._classify_many

    def capture(heads):  # type: ignore[no-untyped-def]
        heads = list(heads)
        calls.append(heads)
        return many(heads)

    rules._classify_many = capture
    rules._CLASSIFIED.clear()
    for lo in range(0, len(texts), 25_000):
        sentiment._languages(texts[lo : lo + 25_000])
    rules._classify_many = many
    new_encoded, new_remember_all = rules._encoded, rules._remember_all

    def old_encoded(ident, heads):  # type: ignore[no-untyped-def]
        return [ident._encode(h) for h in heads]

    def old_remember_all(heads, results):  # type: ignore[no-untyped-def]
        for h, r in zip(heads, results):
            rules._remember(h, r)

    def run(way):  # type: ignore[no-untyped-def]
        rules._encoded, rules._remember_all = way
        rules._CLASSIFIED.clear()
        t = time.process_time()
        for heads in calls:
            rules._classify_many(heads)
        dt = time.process_time() - t
        rules._encoded, rules._remember_all = new_encoded, new_remember_all
        return dt, list(rules._CLASSIFIED.items())

    ways = {"old": (old_encoded, old_remember_all), "new": (new_encoded, new_remember_all)}
    assert run(ways["old"])[1] == run(ways["new"])[1]
    res: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for name, way in ways.items():
            res[name].append(1e6 * run(way)[0] / len(texts))
    lower = sum(b < a for a, b in zip(res["old"], res["new"]))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"code: {Path(reviewtools.__file__).parent}; _classify_many of {sum(map(len, calls)):,} heads "
          f"({len(texts):,} texts), {args.rounds} rounds: "
          + ", ".join(f"{k} min {min(v):.3f} median {statistics.median(v):.3f}" for k, v in res.items())
          + f" CPU us/review; new lower {lower}/{args.rounds}; load {load}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
