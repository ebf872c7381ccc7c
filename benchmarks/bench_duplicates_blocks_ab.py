"""The duplicate check's output tail (``_Duplicates._exact`` with its hit block, the near duplicates' hit block, the
short texts' block and ``_frame``) of this tree's ``reviewtools/duplicates.py`` against an earlier one, interleaved
in one process on the same inputs.

    git show ac143ff:reviewtools/duplicates.py > /tmp/dup_before.py
    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates_blocks_ab.py --reviews 1000000 \\
        --against /tmp/dup_before.py --rounds 7

One ``find_duplicates`` run with this tree's module records the inputs (``_exact``'s groups, the arguments of the
near duplicates' ``_hit_block`` and of ``_not_run_block``); then each round runs the tail with either module (the
earlier one on a copy of the same check state) and asserts the hit frames equal. CPU seconds per round, min and
median; the order of the two is swapped every round.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_duplicates as bd  # noqa: E402

import reviewtools.duplicates as d  # noqa: E402


def _module(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("reviewtools._duplicates_blocks_before", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--against", type=Path, required=True, help="an earlier reviewtools/duplicates.py")
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    print("code:", d.__file__, "against:", a.against)
    old = _module(a.against)
    frame = bd._frame(a.reviews, None)
    rec: dict[str, Any] = {"near": None, "short": None}
    cls = d._Duplicates
    orig_exact, orig_hit, orig_short = cls._exact, cls._hit_block, cls._not_run_block

    def exact(self, multi, in_exact):
        rec["state"], rec["multi"], rec["in_exact"] = self, multi.copy(), in_exact.copy()
        rec["in_exact"] = in_exact.copy()
        rec["exact_busy"] = True
        try:
            return orig_exact(self, multi, in_exact)
        finally:
            rec["exact_busy"] = False

    def hit(self, *args):
        if not rec.get("exact_busy"):
            rec["near"] = [x.copy() if isinstance(x, np.ndarray) else x for x in args]
        return orig_hit(self, *args)

    def short(self, *args):
        rec["short"] = [x.copy() for x in args]
        return orig_short(self, *args)

    cls._exact, cls._hit_block, cls._not_run_block = exact, hit, short
    d.find_duplicates(frame)
    cls._exact, cls._hit_block, cls._not_run_block = orig_exact, orig_hit, orig_short
    state = rec["state"]
    twin = object.__new__(old._Duplicates)
    twin.__dict__.update(state.__dict__)
    print("exact groups:", len(rec["multi"]), "near rows:", 0 if rec["near"] is None else len(rec["near"][0]),
          "short rows:", 0 if rec["short"] is None else len(rec["short"][0]))

    def tail(inst: Any) -> pd.DataFrame:
        blocks = []
        if rec["short"] is not None:
            blocks.append(inst._not_run_block(*rec["short"]))
        blocks.append(inst._exact(rec["multi"], rec["in_exact"].copy()))
        if rec["near"] is not None:
            blocks.append(inst._hit_block(*rec["near"]))
        return inst._frame(blocks)

    times: dict[str, list[float]] = {"old": [], "new": []}
    for k in range(a.rounds):
        outs = {}
        for name in (("old", "new") if k % 2 == 0 else ("new", "old")):
            inst = twin if name == "old" else state
            d._release()
            t = time.process_time()
            outs[name] = tail(inst)
            times[name].append(time.process_time() - t)
        pd.testing.assert_frame_equal(outs["old"], outs["new"], check_exact=True)
        print(f"round {k + 1}: old {times['old'][-1]:.3f} new {times['new'][-1]:.3f} ({len(outs['new'])} rows)",
              flush=True)
    for name, v in times.items():
        s = sorted(v)
        print(f"{name}: min {s[0]:.3f} median {s[len(s) // 2]:.3f}  " + " ".join(f"{x:.3f}" for x in v))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
