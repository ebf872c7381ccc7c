"""Lint misses, this tree's respond.py against another's (``--old FILE``, loaded as a second module), interleaved:
the distinct (text, platform, name, ...) keys ``respond._lint_cached`` sees for captured lint calls, linted with the
cache's wrapped function, the pieces' cache (``_segment_found``) cleared before each round (``--cold``, default)
or kept (``--warm``). Findings asserted equal. CPU seconds (``time.process_time``), min and median per tree.

    PYTHONPATH=$NEW .venv/bin/python benchmarks/bench_lint_scan_ab.py --old /tmp/old/reviewtools/respond.py \\
        --cap /tmp/lint_work/cap150s.pkl --rounds 9

``--cap``: a pickle whose ``"lint"`` entry is a list of ``(text, platform, kwargs)`` of ``lint_draft`` calls; without
it, the reply drafts of ``--ref DIR`` (``bench_stages.py save`` outputs: ``decided.pkl``'s ``draft`` column with
its platform) are used.
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


def _keys(R, calls):
    orig = R._lint_cached
    got: dict = {}

    def spy(*k):
        got[k] = None
        return orig(*k)

    R._lint_cached = spy
    try:
        for t, p, kw in calls:
            R.lint_draft(t, p, **kw)
    finally:
        R._lint_cached = orig
    return list(got)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", type=Path, required=True)
    ap.add_argument("--cap", type=Path)
    ap.add_argument("--ref", type=Path)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--warm", action="store_true")
    a = ap.parse_args(argv)
    import reviewtools.respond as NEW

    spec = importlib.util.spec_from_file_location("reviewtools.respond_old", a.old)
    OLD = importlib.util.module_from_spec(spec)
    sys.modules["reviewtools.respond_old"] = OLD
    spec.loader.exec_module(OLD)
    print("code:", NEW.__file__, "old:", OLD.__file__)
    if a.cap:
        calls = pickle.load(open(a.cap, "rb"))["lint"]
    else:
        d = pickle.load(open(a.ref / "decided.pkl", "rb"))
        d = d[d["draft"].notna() & (d["draft_kind"].astype(str) != "removal_request")]
        calls = [(t, str(p), {}) for t, p in zip(d["draft"].astype(str), d["platform"].astype(str))]
    keys = _keys(NEW, calls)
    print(f"{len(calls):,} lint calls, {len(keys):,} distinct keys; {'warm' if a.warm else 'cold'} pieces' cache")
    res: dict[str, list[float]] = {"old": [], "new": []}
    outs = {}
    for r in range(a.rounds):
        for name, R in (("old", OLD), ("new", NEW)) if r % 2 == 0 else (("new", NEW), ("old", OLD)):
            work = R._lint_cached.__wrapped__
            if a.warm:
                [work(*k) for k in keys]
            else:
                R._segment_found.cache_clear()
            gc.collect()
            c = time.process_time()
            out = [work(*k) for k in keys]
            res[name].append(time.process_time() - c)
            outs[name] = out
    same = repr(outs["old"]) == repr(outs["new"])
    for name in ("old", "new"):
        ts = sorted(res[name])
        print(f"{name}: min {ts[0]:.4f} median {ts[len(ts) // 2]:.4f} CPU s ({1e6 * ts[0] / len(keys):.1f} / "
              f"{1e6 * ts[len(ts) // 2] / len(keys):.1f} us a miss)")
    wins = sum(x > y for x, y in zip(res["old"], res["new"]))
    print(f"new lower in {wins}/{a.rounds} rounds; load {os.getloadavg()[0]:.2f};",
          "findings identical" if same else "FINDINGS DIFFER")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
