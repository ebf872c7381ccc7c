"""CPU of ``sentiment._languages`` (the language guess of the stage) of an old ``sentiment.py`` against this tree's,
interleaved in one process, the corpus's texts in 25k blocks, the identifier's memo and ``rules._plainly_english``'s
cache emptied before each run (as in a fresh pipeline worker, where texts rarely repeat).

    cd /tmp/new_tree && PYTHONPATH=/tmp/new_tree /work/main/.venv/bin/python benchmarks/bench_sentiment_lang_ab.py \\
        --corpus /work/main/benchmarks/out/reviews_100000_seed8.csv --old /tmp/old_tree/reviewtools/sentiment.py \\
        --rounds 9 [--only-wide]

The old file is loaded as a second module of this tree's package (``reviewtools._sentiment_old``), running with
this tree's other modules and native ones. The results of every block are compared first (language, foreign rows,
guesses). ``--only-wide`` times the texts that are not all ASCII only (per review of the corpus still). Prints the
minimum and median CPU µs per review (``time.process_time``), how many rounds the new one was lower, and the load.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--old", type=Path, required=True, help="the old reviewtools/sentiment.py")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--block", type=int, default=25_000)
    ap.add_argument("--only-wide", action="store_true", help="time the texts that are not all ASCII only")
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import rules
    from reviewtools import sentiment as new
    from reviewtools.ingest import read_reviews

    spec = importlib.util.spec_from_file_location("reviewtools._sentiment_old", args.old)
    old = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(old)  # type: ignore[union-attr]
    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    texts = new._columns(frame)[1]
    if args.only_wide:
        texts = [t for t in texts if not t.isascii()]
    blocks = [texts[lo : lo + args.block] for lo in range(0, len(texts), args.block)]

    def cold() -> None:
        rules._CLASSIFIED.clear()
        rules._plainly_english.cache_clear()

    for b in blocks:
        cold()
        a = old._languages(b)
        cold()
        c = new._languages(b)
        assert a.language == c.language and (a.foreign == c.foreign).all() and a.guesses == c.guesses

    res: dict[str, list[float]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for name, mod in (("old", old), ("new", new)):
            cold()
            t = time.process_time()
            for b in blocks:
                mod._languages(b)
            res[name].append(1e6 * (time.process_time() - t) / n)
    lower = sum(b < a for a, b in zip(res["old"], res["new"]))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"code: {Path(reviewtools.__file__).parent}; _languages{' (wide texts only)' if args.only_wide else ''}, "
          f"{len(texts):,} texts of {n:,} reviews, {args.rounds} rounds: "
          + ", ".join(f"{k} min {min(v):.3f} median {statistics.median(v):.3f}" for k, v in res.items())
          + f" CPU us/review; new lower {lower}/{args.rounds}; load {load}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
