"""The native VADER call of the sentiment stage (``Core.joined_spans_into``) on its own: two builds of
``_vadercore`` loaded side by side in one process, interleaved, on the 25k blocks of a corpus.

    cd $NEW && PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_vader_joined_ab.py \\
        --corpus benchmarks/out/reviews_100000_seed8.csv --old OLD/_vadercore...so --new NEW/_vadercore...so

Each round calls old then new (or new then old on odd rounds) over every block; CPU seconds
(``time.process_time``) per review are printed with the min and median of each build, and the outputs (review
rows and span compounds, bit for bit, and the declined positions) are asserted equal first. ``--loop-only``
runs one build (``--new``) in a loop for ``perf record``.
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


def _load(path: str, tag: str):  # type: ignore[no-untyped-def]
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
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--loop-only", type=int, default=0)
    args = ap.parse_args(argv)

    import reviewtools
    from reviewtools import sentiment as S
    from reviewtools.ingest import read_reviews
    from reviewtools.vader import get_analyzer

    print(f"code: {Path(reviewtools.__file__).parent}")
    fv = get_analyzer()
    frame = read_reviews(args.corpus).reviews
    n = len(frame)
    texts, titles = S._text_list(frame["text"]), S._text_list(frame["title"])
    blocks = []
    for lo in range(0, n, 25_000):
        ti, tx = titles[lo: lo + 25_000], texts[lo: lo + 25_000]
        s = S._Sentences.of(ti, tx)
        blocks.append((ti, tx, s.pool, np.ascontiguousarray(s.owner, np.int64),
                       np.ascontiguousarray(s.start, np.int64), np.ascontiguousarray(s.end, np.int64)))
    ep = tuple(float(x) for x in fv._native_ep) if hasattr(fv, "_native_ep") else None
    from reviewtools import vader as V
    epq = (tuple(float(V._amplify_ep("!" * k)) for k in range(V._PUNCT_TABLE_LEN)),
           tuple(float(V._amplify_qm("?" * k)) for k in range(V._PUNCT_TABLE_LEN)))
    sum_py = fv._native.sum_via_python
    cores = {tag: fv._new_core(_load(p, tag), epq[0], epq[1], sum_py) for tag, p in (("old", args.old), ("new", args.new))}
    sep = S.TITLE_TEXT_SEPARATOR

    def run(core, keep=False):  # type: ignore[no-untyped-def]
        res = []
        for ti, tx, pool, o, a, b in blocks:
            rows = np.empty((len(ti), 4))
            out = np.empty(o.size)
            d = core.joined_spans_into(ti, tx, sep, rows, pool, o, a, b, out)
            if keep:
                res.append((rows, out, d))
        return res

    if args.loop_only:
        for _ in range(args.loop_only):
            run(cores["new"])
        return 0
    ro, rn = run(cores["old"], True), run(cores["new"], True)
    for (r1, o1, d1), (r2, o2, d2) in zip(ro, rn):
        assert r1.tobytes() == r2.tobytes() and o1.tobytes() == o2.tobytes() and d1 == d2
    times: dict[str, list[float]] = {"old": [], "new": []}
    for k in range(args.rounds):
        order = ("old", "new") if k % 2 == 0 else ("new", "old")
        for tag in order:
            t = time.process_time()
            run(cores[tag])
            times[tag].append((time.process_time() - t) * 1e6 / n)
    for tag in ("old", "new"):
        v = times[tag]
        print(f"{tag}: min {min(v):.3f} median {statistics.median(v):.3f} CPU us/review  "
              + " ".join(f"{x:.3f}" for x in v))
    print(f"outputs equal; {n:,} reviews; load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
