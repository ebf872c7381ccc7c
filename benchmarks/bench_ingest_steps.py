"""In-process A/B of single ``read_reviews`` steps on one big export (steadier than whole runs on a loaded machine:
each step is timed alone, both ways alternately, and the minimum of the rounds is reported).

    .venv/bin/python benchmarks/bench_ingest_steps.py benchmarks/out/reviews_1000000_seed8.csv --rounds 5

Steps (``off`` -> ``on``):
- ``parse``: the CSV parse (``_read_csv``) with pyarrow checking every value's UTF-8 -> trusting the file's check
  (``valid_utf8``);
- ``strip_need``: which values the stripped columns must trim, numpy (``REVIEWTOOLS_PURE_PYTHON=1``) -> C;
- ``duplicates``: ``_duplicates`` on one thread -> the content candidates on a second thread (``DUP_THREAD``);
- ``id_duplicates``: ``_id_duplicates`` with its content compared by ``hash_pandas_object`` of every column's rows
  and ``groupby(...).transform("nunique")`` (up to fee56bc, kept here) -> by exact codes (``_content_codes``,
  ``_group_differs``) of the key and content columns' rows only.

- ``patched_take``: ``_take_rows`` of the rows ``_duplicates`` keeps (the cleaned columns joined) and ``_duplicates``
  itself, their cleaned texts' rows taken by walking the slices ``_clean_pieces`` leaves (``_patched_arrays`` off)
  -> from the source's chunks and the changed values by ``_storecore.patched_take``.

``--steps`` picks some of them (all by default).

Prints process CPU (all threads) and the calling thread's CPU (``time.thread_time``: what a second core cannot
take over) of each.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import sys
import time
from pathlib import Path

import numpy as np

import reviewtools
import reviewtools.ingest as ingest
from reviewtools.formats import detect_format


def _timed(fn) -> tuple[float, float]:
    c, m = time.process_time(), time.thread_time()
    fn()
    return time.process_time() - c, time.thread_time() - m


@contextlib.contextmanager
def _env(name: str, value: str | None):
    old = os.environ.get(name)
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", nargs="+", help="the steps to time (default: all)")
    args = ap.parse_args()
    print(f"code: {Path(reviewtools.__file__).parent}")
    data = args.file.read_bytes()
    raw = ingest._load(args.file.name, data, None)
    fmt = detect_format(raw.frame.columns, raw.container).format
    ok, _rej, akey, _scale = ingest._map_file(raw, fmt, None, None, None, release_source=True, join_cleaned=False)
    frame, keys = ok.assign(_file=0).reset_index(drop=True), akey.reset_index(drop=True)
    strip_cols = [ingest._arrow_chunks(frame[c]) for c in ("marketplace", "product_id", "author", "review_id")]
    sep, quoting = ",", csv.QUOTE_MINIMAL

    def strip_need() -> None:
        for chunks in strip_cols:
            for c in chunks:
                ingest._strip_need(c)

    def dups(threads: bool) -> None:
        old = ingest.DUP_THREAD
        ingest.DUP_THREAD = threads
        try:
            ingest._duplicates(frame, keys)
        finally:
            ingest.DUP_THREAD = old

    keep = ~ingest._duplicates(frame, keys)[0].to_numpy()

    def take() -> None:
        ingest._take_rows(frame.copy(deep=False), keep, joined=ingest.CLEANED)
        ingest._duplicates(frame, keys)

    def unpatched(fn) -> None:
        old = ingest._patched_arrays
        ingest._patched_arrays = lambda *a, **k: None
        try:
            fn()
        finally:
            ingest._patched_arrays = old

    steps = {
        "parse": (lambda: ingest._read_csv(data, "utf-8", sep, quoting),
                  lambda: ingest._read_csv(data, "utf-8", sep, quoting, valid_utf8=True)),
        "strip_need": (lambda: _pure(strip_need), strip_need),
        "duplicates": (lambda: dups(False), lambda: dups(True)),
        "id_duplicates": (lambda: _hashed_id_duplicates(frame), lambda: ingest._id_duplicates(frame)),
        "patched_take": (lambda: unpatched(take), take),
    }
    for name, (off, on) in steps.items():
        if args.steps and name not in args.steps:
            continue
        got: dict[str, list[tuple[float, float]]] = {"off": [], "on": []}
        for i in range(args.rounds):
            for side in ("off", "on") if i % 2 == 0 else ("on", "off"):
                got[side].append(_timed(off if side == "off" else on))
        line = []
        for side in ("off", "on"):
            cpu, main_ = zip(*got[side])
            line.append(f"{side}: cpu min {min(cpu):.3f} median {np.median(cpu):.3f}, "
                        f"calling thread min {min(main_):.3f} median {np.median(main_):.3f}")
        print(f"{name:11s} " + " | ".join(line) + f"  (load {os.getloadavg()[0]:.1f})", flush=True)
    return 0


def _hashed_id_duplicates(frame):
    """``ingest._id_duplicates`` up to fee56bc: every column's rows of the repeated ids, their content hashed."""
    import pandas as pd

    key = ["platform", "review_id"]
    first, multi_np = ingest._id_repeats(frame["platform"], frame["review_id"])
    dup = pd.Series(~first, index=frame.index)
    conflict = pd.Series(False, index=frame.index)
    if not multi_np.any():
        return dup, conflict
    sub = ingest._rows(frame, multi_np)
    cols = [c for c in sub.columns if c not in ingest._NOT_CONTENT]
    content = pd.util.hash_pandas_object(sub[cols], index=False)
    differs = content.groupby([sub["platform"], sub["review_id"]]).transform("nunique").to_numpy() > 1
    if not differs.any():
        return dup, conflict
    g = sub[differs]
    newest = g.sort_values("created_at", kind="stable").duplicated(subset=key, keep="last")
    dup.loc[g.index] = newest.reindex(g.index)
    kept = g.loc[~newest.reindex(g.index)]
    kept_hash = pd.Series(content.loc[kept.index].to_numpy(),
                          index=pd.MultiIndex.from_frame(kept[key].astype(object)))
    mine = pd.MultiIndex.from_frame(g[key].astype(object))
    conflict.loc[g.index] = dup.loc[g.index].to_numpy() & (
        content.loc[g.index].to_numpy() != kept_hash.reindex(mine).to_numpy()
    )
    return dup, conflict


def _pure(fn) -> None:
    with _env("REVIEWTOOLS_PURE_PYTHON", "1"):
        fn()


if __name__ == "__main__":
    sys.exit(main())
