"""The duplicate check's gather of the flagged rows' texts (``_hit_block``: the texts, their lengths in
characters and the strip test) by ``duplicates._flagged_texts`` (native ``_dupcore.take`` where built) against
the previous way (``_take_rows`` + ``pc.utf8_length`` + a numpy test of the ends), interleaved in one process.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_duplicates_flagged_ab.py --reviews 1000000 --rounds 7

The rows are the ones ``find_duplicates`` hands ``_hit_block`` on the benchmark corpus (one run first, the rows
recorded); the three outputs are asserted equal each round. CPU seconds per round, min and median.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_duplicates as bd  # noqa: E402

import reviewtools.duplicates as d  # noqa: E402


def _old(chunks, rows):
    texts = d._take_rows(chunks, rows)
    m = len(rows)
    _, off_buf, data_buf = texts.buffers()
    off = np.frombuffer(off_buf, dtype=np.int64)[texts.offset:texts.offset + m + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, dtype=np.uint8)
    plain = off[1:] > off[:-1]
    if plain.any():
        lo, hi = data[off[:-1][plain]], data[off[1:][plain] - 1]
        plain[plain] = (lo > 32) & (lo < 127) & (hi > 32) & (hi < 127)
    return texts, pc.utf8_length(texts).to_numpy(zero_copy_only=False).astype(np.int64), plain


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reviews", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    print("code:", d.__file__)
    frame = bd._frame(a.reviews, None)
    seen: list[np.ndarray] = []
    orig = d._Duplicates._hit_block

    def rec(self, rows, *args, **kw):
        seen.append(np.array(rows, dtype=np.int64))
        return orig(self, rows, *args, **kw)

    d._Duplicates._hit_block = rec
    d.find_duplicates(frame)
    d._Duplicates._hit_block = orig
    print("blocks:", [len(r) for r in seen])
    times: dict[str, list[float]] = {"old": [], "new": []}
    for k in range(a.rounds):
        for name in (("old", "new") if k % 2 == 0 else ("new", "old")):
            fn = _old if name == "old" else d._flagged_texts
            d._release()  # (no memory kept in Arrow's pool from the last round: the check releases it between steps)
            t = time.process_time()
            got = [fn(d._text_chunks(frame["text"]), rows) for rows in seen]
            times[name].append(time.process_time() - t)
            if name == "old":
                want = got
            else:
                new = got
        for (t1, e1, p1), (t2, e2, p2) in zip(want, new):
            assert t1.equals(t2) and np.array_equal(e1, e2) and np.array_equal(p1, p2)
    for name, v in times.items():
        s = sorted(v)
        print(f"{name}: min {s[0]:.3f} median {s[len(s) // 2]:.3f}  " + " ".join(f"{x:.3f}" for x in v))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
