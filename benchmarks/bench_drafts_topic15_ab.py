"""``respond.primary_topic`` as the decision loop calls it (issue 8, fifteenth session): once per review with a
complaint, over a generator of its complaint topics. The topics per review of ``--ref``'s ``matches.pkl``
(complaint rows; the 150k slice: ~60k reviews), this tree's respond.py against another's (``--old FILE``, loaded as
a second module), interleaved; answers asserted equal; CPU seconds (``time.process_time``) per round, min and median.

    PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_drafts_topic15_ab.py --old $OLD/reviewtools/respond.py \\
        --ref /tmp/lint_work/ref150s --rounds 15
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import pickle
import sys
import time


def _load(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", required=True)
    ap.add_argument("--ref", default="/tmp/lint_work/ref150s")
    ap.add_argument("--rounds", type=int, default=15)
    a = ap.parse_args(argv)
    import reviewtools.respond as NEW

    OLD = _load(a.old, "reviewtools.respond_old")
    print("code:", NEW.__file__, "old:", OLD.__file__)
    m = pickle.load(open(f"{a.ref}/matches.pkl", "rb"))
    if "complaint" in m.columns:
        m = m[m["complaint"].fillna(False).astype(bool)]
    comps: dict[str, list[tuple[str, str]]] = {}
    for rid, topic, ev in zip(m["review_id"].astype(str), m["topic"].astype(str), m["evidence"].astype(str)):
        comps.setdefault(rid, []).append((topic, ev))
    lists = list(comps.values())
    n = len(lists)
    mods = {"old": OLD, "new": NEW}

    def run(k: str) -> tuple[float, list]:
        f = mods[k].primary_topic
        gc.collect()
        c = time.process_time()
        out = [f(t for t, _ in comp) for comp in lists]
        return time.process_time() - c, out

    want = run("old")[1]
    res: dict[str, list[float]] = {"old": [], "new": []}
    for r in range(a.rounds):
        for k in ("old", "new") if r % 2 == 0 else ("new", "old"):
            t, got = run(k)
            assert got == want, k
            res[k].append(t)
    lower = sum(nw < od for od, nw in zip(res["old"], res["new"]))
    for k, v in res.items():
        s = sorted(v)
        print(f"{k}: min {1e6 * s[0] / n:.3f} median {1e6 * s[len(s) // 2] / n:.3f} CPU us/call ({n:,} reviews)")
    print(f"new lower in {lower}/{a.rounds} rounds; load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
