"""A/B of how the cross-review process encodes the duplicate check's string columns (review_id, strength,
field, evidence, outcome, note): before, ``pipeline._encode`` of the hits (pandas' ``factorize`` per column,
Arrow's dictionary encoding); now ``duplicates._string_category`` per column (the native core's hash table,
``_dupcore.group``), as ``_Duplicates._frame`` calls it when ``pipeline._cross_review_encoded`` passes
``ENCODE_MAX_DISTINCT_SHARE``. In one process, alternately, on the hits of the same corpus:

    cd <tree> && PYTHONPATH=<tree> /work/main/.venv/bin/python benchmarks/bench_duplicates17_encode.py \\
        --reviews 1000000 --rounds 9

The hits are made once (``_find_duplicates_encoded`` without ``share``: the rule columns and platform already
``category``, the rest strings, as the old pipeline got them); each round times both ways (the order alternating)
on its string columns, CPU seconds (``time.process_time``) and minor page faults, and the two encoded frames must
be equal (``assert_frame_equal``, categories and their order included; exit status 1 if not).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reviewtools  # noqa: E402
import reviewtools.duplicates as dup  # noqa: E402
import reviewtools.pipeline as pl  # noqa: E402
from bench_duplicates import _frame  # noqa: E402


def _old(found: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    enc = pl._encode(found)
    return enc.frame, enc.dtypes


def _new(found: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    out = found.copy(deep=False)
    dtypes: dict[str, Any] = {}
    for c in found.columns:
        s = found[c]
        if not isinstance(s.dtype, pd.StringDtype):
            continue
        cat = dup._string_category(pa.chunked_array(s.array._pa_array), pl.ENCODE_MAX_DISTINCT_SHARE)
        if cat is not None:
            out[c] = cat
            dtypes[c] = s.dtype
    return out, dtypes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args(argv)
    print("code:", reviewtools.__file__)
    frame = _frame(args.reviews, None).head(args.reviews)
    found, _ = dup._find_duplicates_encoded(frame)
    strings = [c for c in found.columns if isinstance(found[c].dtype, pd.StringDtype)]
    print(f"{len(frame):,} reviews, {len(found):,} hit rows; string columns: {', '.join(strings)}")
    a, b = _old(found), _new(found)
    try:
        pd.testing.assert_frame_equal(a[0], b[0], check_exact=True)
        assert a[1] == b[1], (a[1], b[1])
    except AssertionError as e:
        print("encoded frames DIFFER:", e)
        return 1
    print(f"encoded frames equal; encoded: {', '.join(sorted(a[1]))}")
    del a, b
    res: dict[str, list[tuple[float, int]]] = {"old": [], "new": []}
    for r in range(args.rounds):
        order = (("old", _old), ("new", _new)) if r % 2 == 0 else (("new", _new), ("old", _old))
        for name, fn in order:
            f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            t = time.process_time()
            out = fn(found)
            t = time.process_time() - t
            f = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
            del out
            res[name].append((t, f))
            print(f"round {r + 1} {name}: cpu {t:.3f} s  minflt {f:,}", flush=True)
    old, new = [t for t, _ in res["old"]], [t for t, _ in res["new"]]
    lower = sum(n < o for o, n in zip(old, new))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"CPU min/median old {min(old):.3f}/{statistics.median(old):.3f} -> new {min(new):.3f}/"
          f"{statistics.median(new):.3f} s ({lower}/{len(new)} rounds lower); minflt median "
          f"{statistics.median([f for _, f in res['old']]):,.0f} -> "
          f"{statistics.median([f for _, f in res['new']]):,.0f};"
          f" load {load}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
