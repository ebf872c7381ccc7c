"""Interleaved A/B of the duplicate check's per-row setup (``_Duplicates.__init__``: platforms, rules, authors,
the date order) against an earlier ``reviewtools/duplicates.py``, in one process on one frame.

    cd TREE && PYTHONPATH=TREE .venv/bin/python benchmarks/bench_duplicates_init_ab.py --reviews 1000000 \\
        --against /tmp/old/reviewtools/duplicates.py --rounds 9

Each round runs both (order swapped every round), CPU seconds (``time.process_time``) per side; the states'
arrays (``by_when``, ``when_rank``, ``author``, ``plat_code``, ``rule_of``) must be equal (exit status 1 if not).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_duplicates as bd  # noqa: E402
from reviewtools import duplicates as now  # noqa: E402


def _rules(mod):
    ex, nr = {}, {}
    for r in mod._select_rules(None):
        t = ex if r.detector == "duplicate_exact" else nr if r.detector == "duplicate_near" else None
        if t is not None:
            for p in r.platforms:
                t.setdefault(p, r)
    return ex, nr


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reviews", type=int, default=1000000)
    ap.add_argument("--against", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=9)
    a = ap.parse_args()
    print("code:", now.__file__)
    frame = bd._frame(a.reviews, None)
    spec = importlib.util.spec_from_file_location("reviewtools._duplicates_before", a.against)
    before = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(before)
    sides = {"before": before, "now": now}
    cpu: dict[str, list[float]] = {"before": [], "now": []}
    same = True
    for i in range(a.rounds):
        got = {}
        for name in (("before", "now") if i % 2 == 0 else ("now", "before")):
            mod = sides[name]
            ex, nr = _rules(mod)
            t = time.process_time()
            got[name] = mod._Duplicates(frame, ex, nr)
            cpu[name].append(time.process_time() - t)
        b, n = got["before"], got["now"]
        for f in ("by_when", "when_rank", "author", "plat_code", "undated"):
            same &= np.array_equal(getattr(b, f), getattr(n, f)) and getattr(b, f).dtype == getattr(n, f).dtype
        same &= all(np.array_equal(x, y) for x, y in zip(b.rule_of, n.rule_of))
        print(f"round {i}: before {cpu['before'][-1]:.3f} now {cpu['now'][-1]:.3f}", flush=True)
    for k, v in cpu.items():
        print(f"{k}: min {min(v):.3f} median {statistics.median(v):.3f}")
    print("states", "equal" if same else "DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
