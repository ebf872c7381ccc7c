"""CPU of the language identifier as a fresh pipeline worker sees it: ``rules._classify_many`` with the memo cold.

    .venv/bin/python benchmarks/bench_langid.py --corpus benchmarks/out/reviews_100000_seed8.csv \\
        --old-tree /tmp/lang8_old --rounds 3 [--new-tree /tmp/lang8_new]

Each run is a fresh process (``PYTHONPATH`` = the tree measured) that loads py3langid's model (not timed, as the
pipeline's parent does before it forks its workers), then scores the corpus in blocks of 25,000 with
``sentiment.score_sentiment`` as a worker does; the CPU seconds (``time.process_time``) spent inside
``rules._classify_many`` (the texts that fail the function-word pre-pass, memo cold) and in the whole of
``score_sentiment`` are printed per review, with the number of texts classified and a digest of the memo's items
in order. With ``--old-tree`` the old and the current tree alternate, ``--rounds`` times each, and the digests
must agree. The load average is printed with each figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _worker(corpus: Path, block: int) -> dict[str, object]:
    from reviewtools import rules
    from reviewtools.ingest import read_reviews
    from reviewtools.sentiment import score_sentiment

    rules._language_identifier()  # loaded before the workers fork, in the pipeline
    frame = read_reviews(corpus).reviews
    spent = [0.0, 0]
    inner = rules._classify_many

    def timed(heads):  # type: ignore[no-untyped-def]
        heads = list(heads)
        t = time.process_time()
        try:
            return inner(heads)
        finally:
            spent[0] += time.process_time() - t
            spent[1] += len(heads)

    rules._classify_many = timed
    n = len(frame)
    t = time.process_time()
    for lo in range(0, n, block):
        score_sentiment(frame.iloc[lo : lo + block])
    whole = time.process_time() - t
    digest = hashlib.sha256(repr(list(rules._CLASSIFIED.items())).encode()).hexdigest()[:16]
    return {"tree": str(Path(rules.__file__).parent.parent), "reviews": n, "texts": spent[1],
            "classify_us": 1e6 * spent[0] / n, "per_text_us": 1e6 * spent[0] / max(spent[1], 1),
            "sentiment_us": 1e6 * whole / n, "memo": digest, "load": _loadavg()}


def _run(tree: Path, corpus: Path, block: int) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, __file__, "--corpus", str(corpus), "--block", str(block), "--worker"],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--block", type=int, default=25_000)
    ap.add_argument("--old-tree", type=Path, help="alternate with this tree (a git archive of an older commit)")
    ap.add_argument("--new-tree", type=Path, default=ROOT, help="the tree measured as new (default: this one)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.corpus, args.block)), flush=True)
        return 0
    trees = [args.old_tree, args.new_tree] if args.old_tree else [args.new_tree]
    results: dict[str, list[dict[str, object]]] = {str(t): [] for t in trees}
    for _ in range(args.rounds):
        for tree in trees:
            r = _run(tree, args.corpus.resolve(), args.block)
            results[str(tree)].append(r)
            print(f"{tree}: _classify_many {r['classify_us']:.2f} CPU us/review ({r['per_text_us']:.1f} us/text, "
                  f"{r['texts']:,} texts of {r['reviews']:,} reviews), score_sentiment {r['sentiment_us']:.1f}; "
                  f"memo {r['memo']}; load {r['load']}", flush=True)
    digests = {r["memo"] for rs in results.values() for r in rs}
    for tree, rs in results.items():
        print(f"min {tree}: _classify_many {min(float(r['classify_us']) for r in rs):.2f} CPU us/review, "
              f"score_sentiment {min(float(r['sentiment_us']) for r in rs):.1f}")
    if len(digests) != 1:
        print(f"MEMO DIFFERS: {sorted(digests)}")
        return 1
    print("memo identical" + (" across trees" if args.old_tree else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
