"""The native VADER call of the sentiment stage (``Core.joined_spans_into``) of two ``_vadercore`` builds, finely
interleaved: the corpus's 25k blocks cut into slices of ``--slice`` reviews, each slice scored by old and new in
turn (order alternated) ``--reps`` times, so that the machine's drift (frequency, other processes) hits both
builds alike. Outputs (review rows, span compounds bit for bit, declined positions) asserted equal first.

    cd $NEW && PYTHONPATH=$NEW /work/main/.venv/bin/python benchmarks/bench_vader_fine_ab.py \\
        --corpus /work/main/benchmarks/out/reviews_100000_seed8.csv \\
        --old /tmp/so_head15/_vadercore.cpython-311-x86_64-linux-gnu.so \\
        --new $NEW/reviewtools/_vadercore.cpython-311-x86_64-linux-gnu.so --reps 15

Prints, per build, CPU µs per review (``time.process_time``): the sum over slices of each slice's minimum, and
the median over repetitions of the whole pass; and in how many (slice, repetition) pairs new was lower.
"""

from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np


def _load(path: str):  # type: ignore[no-untyped-def]
    loader = importlib.machinery.ExtensionFileLoader("_vadercore", path)
    spec = importlib.util.spec_from_file_location("_vadercore", path, loader=loader)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    loader.exec_module(mod)
    return mod


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--slice", type=int, default=5_000)
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import sentiment as S
    from reviewtools import vader as V
    from reviewtools.ingest import read_reviews
    from reviewtools.vader import get_analyzer

    print(f"code: {Path(reviewtools.__file__).parent}")
    fv = get_analyzer()
    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    texts, titles = S._text_list(frame["text"]), S._text_list(frame["title"])
    slices = []
    for lo in range(0, n, args.slice):
        ti, tx = titles[lo: lo + args.slice], texts[lo: lo + args.slice]
        s = S._Sentences.of(ti, tx)
        slices.append((ti, tx, s.pool, np.ascontiguousarray(s.owner, np.int64),
                       np.ascontiguousarray(s.start, np.int64), np.ascontiguousarray(s.end, np.int64)))
    epq = (tuple(float(V._amplify_ep("!" * k)) for k in range(V._PUNCT_TABLE_LEN)),
           tuple(float(V._amplify_qm("?" * k)) for k in range(V._PUNCT_TABLE_LEN)))
    sum_py = fv._native.sum_via_python
    cores = {tag: fv._new_core(_load(p), epq[0], epq[1], sum_py) for tag, p in (("old", args.old), ("new", args.new))}
    sep = S.TITLE_TEXT_SEPARATOR

    def one(core, sl):  # type: ignore[no-untyped-def]
        ti, tx, pool, o, a, b = sl
        rows = np.empty((len(ti), 4))
        out = np.empty(o.size)
        d = core.joined_spans_into(ti, tx, sep, rows, pool, o, a, b, out)
        return rows, out, d

    for sl in slices:
        (r1, o1, d1), (r2, o2, d2) = one(cores["old"], sl), one(cores["new"], sl)
        assert r1.tobytes() == r2.tobytes() and o1.tobytes() == o2.tobytes() and d1 == d2
    t = {tag: np.zeros((args.reps, len(slices))) for tag in cores}
    for r in range(args.reps):
        for k, sl in enumerate(slices):
            for tag in (("old", "new") if (r + k) % 2 == 0 else ("new", "old")):
                c = time.process_time()
                one(cores[tag], sl)
                t[tag][r, k] = time.process_time() - c
    for tag in ("old", "new"):
        print(f"{tag}: sum of slice minima {t[tag].min(axis=0).sum() * 1e6 / n:.3f}, median pass "
              f"{statistics.median(t[tag].sum(axis=1).tolist()) * 1e6 / n:.3f} CPU us/review")
    wins = int((t["new"] < t["old"]).sum())
    print(f"new lower in {wins}/{t['new'].size} pairs; outputs equal; {n:,} reviews, {len(slices)} slices x "
          f"{args.reps}; load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
