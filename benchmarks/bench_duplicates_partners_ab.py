"""The duplicate check's partner notes (``_hit_block``: each flagged row's first partners' review ids joined by
", ") by ``duplicates._partner_ids`` (native ``_dupcore.join_ids`` where built) against the previous way (five
masked takes from the id column and ``binary_join_element_wise``), interleaved in one process.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates_partners_ab.py --reviews 1000000 --rounds 7

The partner matrices are the ones ``find_duplicates`` hands ``_hit_block`` on the benchmark corpus (one run
first, recorded); the outputs are asserted equal each round. CPU seconds per round, min and median.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_duplicates as bd  # noqa: E402

import reviewtools.duplicates as d  # noqa: E402


def _old(ids: pa.Array, partners: np.ndarray) -> pa.Array:
    cols = [ids.take(pa.array(partners[:, j], mask=partners[:, j] < 0)) for j in range(partners.shape[1])]
    return pc.binary_join_element_wise(*cols, d._ls(", "), null_handling="skip")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    print("code:", d.__file__)
    frame = bd._frame(a.reviews, None)
    seen: list[np.ndarray] = []
    orig = d._Duplicates._hit_block
    holder: list[pa.Array] = []

    def rec(self, rows, rule, what, partners, *args, **kw):
        seen.append(np.array(partners, dtype=np.int64))
        if not holder:
            holder.append(self.ids())
        return orig(self, rows, rule, what, partners, *args, **kw)

    d._Duplicates._hit_block = rec
    d.find_duplicates(frame)
    d._Duplicates._hit_block = orig
    ids = holder[0]
    print("blocks:", [p.shape for p in seen])
    times: dict[str, list[float]] = {"old": [], "new": []}
    for k in range(a.rounds):
        got = {}
        for name in (("old", "new") if k % 2 == 0 else ("new", "old")):
            fn = _old if name == "old" else d._partner_ids
            d._release()
            t = time.process_time()
            got[name] = [fn(ids, p) for p in seen]
            times[name].append(time.process_time() - t)
        for x, y in zip(got["old"], got["new"]):
            assert x.equals(y)
    for name, v in times.items():
        s = sorted(v)
        print(f"{name}: min {s[0]:.3f} median {s[len(s) // 2]:.3f}  " + " ".join(f"{x:.3f}" for x in v))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
