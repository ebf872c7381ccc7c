"""The decision loop's removal rows (``respond._removal_draft`` of a row record and its hits), this tree's respond.py
against another's (``--old FILE``, loaded as a second module), interleaved; the (body, channel, to) answers asserted
equal. CPU seconds (``time.process_time``) per round over every captured row, min and median per tree.

    PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_removal_rows_ab.py --old /tmp/old/reviewtools/respond.py \\
        --cap /tmp/lint_work/cap150s.pkl --rounds 15

``--cap``: a pickle whose ``"removal"`` entry is a list of ``(record, hits)`` of ``_removal_draft`` calls (the
18,478 removal rows of the first 150,000 rows of the 1M corpus). Each row's record is copied per call as the loop
builds it (``dict(zip(names, values))``), its ``created_at`` given as the loop gives it (the int64 of nanoseconds,
unless ``--timestamps``). Respond's removal caches (plans, heads, recipients, dates) are warm: a first pass per
module before the rounds, as in a decision worker after its first block.
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import pickle
import sys
import time
from pathlib import Path


def _load(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", type=Path, required=True)
    ap.add_argument("--cap", type=Path, default=Path("/tmp/lint_work/cap150s.pkl"))
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--timestamps", action="store_true", help="created_at as the captured Timestamps")
    a = ap.parse_args(argv)
    import reviewtools.respond as NEW

    OLD = _load(str(a.old), "reviewtools.respond_old")
    print("code:", NEW.__file__, "old:", OLD.__file__)
    rows = pickle.load(open(a.cap, "rb"))["removal"]
    if not a.timestamps:
        import pandas as pd

        for rec, _ in rows:
            v = rec.get("created_at")
            if isinstance(v, pd.Timestamp):
                rec["created_at"] = int(v.value)
    items = [(list(rec), list(rec.values()), hits) for rec, hits in rows]
    settings = {"old": OLD.ReplySettings(), "new": NEW.ReplySettings()}
    mods = {"old": OLD, "new": NEW}

    def run(name: str) -> tuple[float, list]:
        f, s = mods[name]._removal_draft, settings[name]
        gc.collect()
        c = time.process_time()
        out = [f(dict(zip(names, values)), hits, s) for names, values, hits in items]
        return time.process_time() - c, out

    outs = {name: run(name)[1] for name in ("old", "new")}  # warm
    if outs["old"] != outs["new"]:
        print("answers DIFFER")
        return 1
    times: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(a.rounds):
        for name in ("old", "new") if r % 2 == 0 else ("new", "old"):
            t, out = run(name)
            times[name].append(t)
            outs[name] = out
    same = outs["old"] == outs["new"]
    n = len(items)
    for name in ("old", "new"):
        ts = sorted(times[name])
        print(f"{name}: min {ts[0]:.4f} median {ts[len(ts) // 2]:.4f} CPU s "
              f"({1e6 * ts[0] / n:.2f} / {1e6 * ts[len(ts) // 2] / n:.2f} us a row)")
    lower = sum(x < y for x, y in zip(times["new"], times["old"]))
    print(f"{n:,} rows; new lower in {lower}/{a.rounds} rounds; load {os.getloadavg()[0]:.2f}; answers "
          + ("identical" if same else "DIFFER"))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
