"""``_dupcore.text_ranks`` with short rows sorted by counting (the default: rows of 128 ranks or fewer, AVX2)
against the RankSet bitmaps alone (its optional last argument 0: every row as before cfccb5a), interleaved in one
process on the inputs ``find_duplicates`` hands it (recorded in one run first).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates_text_ranks_ab.py --reviews 1000000 --rounds 7

Each round runs both on fresh copies (the ranks are written in place) and asserts their outputs equal. CPU
seconds per round, min and median. ``--small N`` sets the counting path's longest row (at most 128).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_duplicates as bd  # noqa: E402

import reviewtools.duplicates as d  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--small", type=int, default=128)
    a = ap.parse_args()
    print("code:", d.__file__)
    core = d._dupcore
    seen: list[tuple[np.ndarray, ...]] = []

    class Rec:
        def __getattr__(self, name):
            f = getattr(core, name)
            if name != "text_ranks":
                return f

            def g(slot_of, n_sh, rank_of, off, t_rank):
                seen.append((slot_of.copy(), n_sh.copy(), rank_of.copy(), off.copy()))
                return f(slot_of, n_sh, rank_of, off, t_rank)
            return g

    d._dupcore = Rec()
    d.find_duplicates(bd._frame(a.reviews, None))
    d._dupcore = core
    slot0, n_sh, rank_of, off = seen[0]
    print(f"texts {len(n_sh):,}, occurrences {len(slot0):,}, shared entries {int(off[-1]):,}")
    times: dict[str, list[float]] = {"rankset": [], "counting": []}
    for k in range(a.rounds):
        got = {}
        for name in (("rankset", "counting") if k % 2 == 0 else ("counting", "rankset")):
            slot = slot0.copy()
            out = slot.view(np.uint32)[:int(off[-1])]
            t = time.process_time()
            core.text_ranks(slot, n_sh, rank_of, off, out, 0 if name == "rankset" else a.small)
            times[name].append(time.process_time() - t)
            got[name] = out
        assert np.array_equal(got["rankset"], got["counting"])
    for name, v in times.items():
        s = sorted(v)
        print(f"{name}: min {s[0]:.3f} median {s[len(s) // 2]:.3f}  " + " ".join(f"{x:.3f}" for x in v))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
