"""In-process A/B of the duplicate check's hashes on one big export: ``_storecore.string_hashes`` and
``_storecore.repeated`` (``on``) against the numpy hashes and sort of ``ingest._string_hashes``/``_multi``
(``off``: the module seen without those two functions, as a build before them, and ``_rows`` as up to 2a2dd3c),
alternately, K rounds.

    .venv/bin/python benchmarks/bench_ingest_hash.py benchmarks/out/reviews_1000000_seed8.csv --rounds 7

Times ``_id_repeats`` (the main thread's id check before its exact step), ``_dated_codes``' ``_multi`` of the
instants, and ``_duplicates`` as ``read_reviews`` calls it (wall, process CPU, calling thread CPU); asserts both
sides give the same rows. Step ``rows``: ``_rows`` of the id check's rows (``off``: each column's ``Series[keep]``,
as up to 2a2dd3c; ``on``: the index and the pyarrow mask once).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from pathlib import Path

import numpy as np

import reviewtools
import reviewtools.ingest as ingest
from reviewtools.formats import detect_format


class _Without:
    """The native module without ``string_hashes`` and ``repeated``."""

    def __init__(self, core) -> None:
        self._core = core

    def __getattr__(self, name):
        if name in ("string_hashes", "repeated"):
            raise AttributeError(name)
        return getattr(self._core, name)


def _old_rows(frame, keep):
    """``ingest._rows`` up to 2a2dd3c."""
    import pandas as pd

    if keep.all():
        return frame
    return pd.DataFrame({c: ingest._masked(frame[c], keep) for c in frame.columns}, index=frame.index[keep])


@contextlib.contextmanager
def _side(on: bool):
    if on:
        yield
        return
    old, old_rows = ingest._store_core, ingest._rows
    core = old()
    ingest._store_core = lambda: None if core is None else _Without(core)
    ingest._rows = _old_rows
    try:
        yield
    finally:
        ingest._store_core, ingest._rows = old, old_rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    print(f"code: {Path(reviewtools.__file__).parent}")
    core = ingest._store_core()
    assert core is not None and hasattr(core, "repeated"), "no _storecore.repeated in this build"
    data = args.file.read_bytes()
    raw = ingest._load(args.file.name, data, None)
    fmt = detect_format(raw.frame.columns, raw.container).format
    ok, _rej, akey, _scale = ingest._map_file(raw, fmt, None, None, None, release_source=True, join_cleaned=False)
    frame, keys = ok.assign(_file=0).reset_index(drop=True), akey.reset_index(drop=True)
    instants = ingest._instants(frame["created_at"])
    first, multi = ingest._id_repeats(frame["platform"], frame["review_id"])
    steps = {
        "id_repeats": lambda: ingest._id_repeats(frame["platform"], frame["review_id"]),
        "multi(dates)": lambda: ingest._multi(instants),
        "duplicates": lambda: ingest._duplicates(frame, keys),
        "rows": lambda: ingest._rows(frame, multi),
    }
    for name, fn in steps.items():
        with _side(False):
            want = fn()
        with _side(True):
            got = fn()
        if name == "rows":
            import pandas as pd

            pd.testing.assert_frame_equal(got, want, check_exact=True)
        else:
            for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
                assert np.array_equal(np.asarray(g), np.asarray(w)), name
        res: dict[bool, list[tuple[float, float, float]]] = {False: [], True: []}
        for i in range(args.rounds):
            for on in (False, True) if i % 2 == 0 else (True, False):
                with _side(on):
                    w, c, m = time.perf_counter(), time.process_time(), time.thread_time()
                    fn()
                    res[on].append((time.perf_counter() - w, time.process_time() - c, time.thread_time() - m))
        parts = []
        for on in (False, True):
            wall, cpu, main_ = (np.array(x) for x in zip(*res[on]))
            parts.append(f"{'on' if on else 'off'}: wall {wall.min():.4f}/{np.median(wall):.4f} cpu "
                         f"{cpu.min():.4f}/{np.median(cpu):.4f} thread {main_.min():.4f}/{np.median(main_):.4f}")
        print(f"{name:13s} (min/median) " + " | ".join(parts) + f"  (load {os.getloadavg()[0]:.1f})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
