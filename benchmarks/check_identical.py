"""Save a reference triage of a corpus, or check that the current code gives exactly the same (issue 8).

    .venv/bin/python benchmarks/check_identical.py save  --corpus /tmp/speed2/c20k.csv --ref /tmp/speed2/ref
    .venv/bin/python benchmarks/check_identical.py check --corpus /tmp/speed2/c20k.csv --ref /tmp/speed2/ref

The corpus is any export ``read_reviews`` reads (``benchmarks/generate.py --reviews 20000 --out ...`` makes the
usual one). ``save`` writes ``reviews.parquet``, ``hits.parquet`` and ``topic_matches.parquet`` of
``run_triage(frame, processes=P)`` into ``--ref``; ``check`` runs the triage again and compares every frame
with ``pandas.testing.assert_frame_equal`` (exact: values, dtypes, column order, row order; no tolerance),
printing the first differing column and a few differing rows when they are not equal. Speed-ups must keep
``check`` passing; a behaviour change by another module (rules, topics) needs a new ``save`` after it.
Exit status 0 when identical, 1 when not.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd
from pandas.testing import assert_frame_equal

FRAMES = ("reviews", "hits", "topic_matches")


def triage_frames(corpus: Path, processes: int) -> dict[str, pd.DataFrame]:
    """The three frames of a triage of ``corpus``, attrs dropped (they hold the long frames again)."""
    from reviewtools.ingest import read_reviews
    from reviewtools.pipeline import run_triage

    t0 = time.perf_counter()
    frame = read_reviews(corpus).reviews
    timings: dict[str, float] = {}
    res = run_triage(frame, processes=processes, timings=timings)
    secs = time.perf_counter() - t0
    steps = ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
    print(f"triaged {len(frame):,} reviews in {secs:.1f} s ({steps})", flush=True)
    out = {"reviews": res.reviews.copy(), "hits": res.hits.copy(), "topic_matches": res.topic_matches.copy()}
    for f in out.values():
        f.attrs = {}
    return out


def _roundtrip(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    frame.to_parquet(path, index=False)
    return pd.read_parquet(path)


def _explain(name: str, got: pd.DataFrame, want: pd.DataFrame) -> None:
    if list(got.columns) != list(want.columns):
        print(f"  {name}: columns differ: only new {sorted(set(got) - set(want))}, "
              f"only reference {sorted(set(want) - set(got))}")
        return
    if len(got) != len(want):
        print(f"  {name}: {len(got):,} rows, reference {len(want):,}")
        return
    for c in want.columns:
        a, b = got[c], want[c]
        if str(a.dtype) != str(b.dtype):
            print(f"  {name}.{c}: dtype {a.dtype}, reference {b.dtype}")
        diff = ~((a == b).fillna(False).astype(bool) | (a.isna() & b.isna()))
        if diff.any():
            idx = diff[diff].index[:3]
            print(f"  {name}.{c}: {int(diff.sum()):,} rows differ, e.g. row {list(idx)}")
            for i in idx[:2]:
                print(f"    new: {a[i]!r:.300}\n    ref: {b[i]!r:.300}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=("save", "check"))
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--ref", type=Path, required=True, help="folder of the reference parquet files")
    ap.add_argument("--processes", type=int, default=2)
    args = ap.parse_args(argv)
    import reviewtools  # the installed (editable) package unless PYTHONPATH names another tree: say which

    here = Path(__file__).resolve().parent.parent / "reviewtools"
    got = Path(reviewtools.__file__).resolve().parent
    print(f"code: {got}" + ("" if got == here else f" (NOT this script's tree {here}; set PYTHONPATH)"), flush=True)
    frames = triage_frames(args.corpus, args.processes)
    args.ref.mkdir(parents=True, exist_ok=True)
    if args.mode == "save":
        for name in FRAMES:
            frames[name].to_parquet(args.ref / f"{name}.parquet", index=False)
        print(f"saved reference to {args.ref}")
        return 0
    ok = True
    for name in FRAMES:
        want = pd.read_parquet(args.ref / f"{name}.parquet")
        got = _roundtrip(frames[name], args.ref / f"{name}.new.parquet")  # same parquet dtypes as the reference
        try:
            assert_frame_equal(got, want, check_exact=True)
            print(f"{name}: identical ({len(got):,} rows x {got.shape[1]} columns)")
        except AssertionError as exc:
            ok = False
            print(f"{name}: DIFFERENT: {str(exc).splitlines()[0]}")
            _explain(name, got, want)
    print("IDENTICAL" if ok else "NOT IDENTICAL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
