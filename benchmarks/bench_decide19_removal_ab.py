"""A/B of the decision workers' blocks (``_decide_block(..., packed=True)``, what ``_decide_task`` runs before the
priority) with an old tree's ``pipeline.py`` against this tree's, on 1M-scale stage outputs held as run_triage
holds them.

    PYTHONPATH=$TREE python benchmarks/bench_decide19_removal_ab.py --ref REF --old OLD/reviewtools/pipeline.py \\
        --step 6 --reps 9 [--sample new]

``REF`` holds ``tagged.pkl``, ``matches.pkl``, ``hits.pkl`` (``bench_decisions.py --capture``); the frames are cut
into ``--partitions`` row slices concatenated again (Arrow columns of that many chunks, as the pool returns them),
the long frames dictionary-encoded (``pipeline._encode``), the decision state and block index made as ``recommend``
makes them before its pool forks. Every ``--step``-th block is decided with the old module and with the new one in
turn (interleaved, new first in even rounds; respond's tables shared, warmed by a first pass of each), CPU seconds
(``time.process_time``) per pass, the packed columns and redo rows asserted equal. Prints min/median per side, the
rounds where new is lower, the load average and the estimate for all blocks. ``--sample SIDE``: after the rounds, a
SIGPROF (CPU time) stack sample of one more pass of that side, inclusive per function.
"""

from __future__ import annotations

import argparse
import collections
import gc
import importlib.util
import os
import pickle
import signal
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd


def _load(ref: Path, name: str, parts: int) -> pd.DataFrame:
    with (ref / f"{name}.pkl").open("rb") as fh:
        frame = pickle.load(fh)
    size = -(-len(frame) // parts)
    return pd.concat([frame.iloc[i : i + size] for i in range(0, len(frame), size)], ignore_index=True)


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.n == b.n and list(a.columns) == list(b.columns), (list(a.columns), list(b.columns))
    for c in a.columns:
        x, y = a.columns[c], b.columns[c]
        assert x.dtype == y.dtype and x._pa_array.type == y._pa_array.type, c
        assert x._pa_array.equals(y._pa_array), c
    assert a.redo == b.redo


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", type=Path, required=True)
    ap.add_argument("--old", type=Path, required=True, help="the old tree's reviewtools/pipeline.py")
    ap.add_argument("--partitions", type=int, default=40)
    ap.add_argument("--step", type=int, default=6)
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--sample", choices=("old", "new"), default=None)
    ap.add_argument("--lines", default="", help="with --sample: CPU per line of these functions (comma separated)")
    args = ap.parse_args()

    import reviewtools.pipeline as P
    from reviewtools.respond import ReplySettings, _normalise

    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", args.old)
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)  # type: ignore[union-attr]
    old._BlockRows = P._BlockRows  # the state (this tree's) gives this tree's class
    mods = {"old": old, "new": P}

    P._warm_worker()
    tagged = _load(args.ref, "tagged", args.partitions)
    hits = P._encode(_load(args.ref, "hits", args.partitions))
    matches = P._encode(_load(args.ref, "matches", args.partitions))
    out = P.coerce(tagged)
    n = len(out)
    settings = ReplySettings()
    existing = frozenset(_normalise(t) for t in out["reply_text"].dropna().astype(str) if t.strip())
    recs = out[[c for c in P.DECISION_COLUMNS if c in out.columns]]
    state = P._decision_state(settings, hits, matches, True, (), existing)
    size = min(-(-n // (2 * P.CHUNKS_PER_PROCESS)), P.DECISION_MAX_BLOCK)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    index = P._block_index(recs, state, bounds)
    assert index is not None
    state = replace(state, blocks=index)
    P._warm_drafting(out, settings)
    sel = bounds[:: args.step]
    del tagged, out
    gc.collect()
    gc.freeze()

    def one(which: str) -> tuple[float, list]:  # type: ignore[type-arg]
        mod = mods[which]
        got = []
        gc.disable()
        c = time.process_time()
        for a, b in sel:
            got.append(mod._decide_block(recs.iloc[a:b], state, whole=False, start=a, packed=True))
        t = time.process_time() - c
        gc.enable()
        return t, got

    one("old"), one("new")  # warm
    times: dict[str, list[float]] = {"old": [], "new": []}
    load0 = Path("/proc/loadavg").read_text().split()[:3]
    for r in range(args.reps):
        order = ("new", "old") if r % 2 == 0 else ("old", "new")
        res = {}
        for w in order:
            t, res[w] = one(w)
            times[w].append(t)
        for x, y in zip(res["old"], res["new"]):
            _same(x, y)
        del res
    lower = sum(b < a for a, b in zip(times["old"], times["new"]))
    scale = len(bounds) / len(sel)
    print(f"{P.__file__}: {n:,} reviews, {len(bounds)} blocks, {len(sel)} timed, {args.reps} rounds; load {load0} -> "
          f"{Path('/proc/loadavg').read_text().split()[:3]}")
    for w in ("old", "new"):
        print(f"  {w}: min {min(times[w]):.4f} median {statistics.median(times[w]):.4f} CPU s "
              f"(all blocks ~{min(times[w]) * scale:.2f} / {statistics.median(times[w]) * scale:.2f})")
    print(f"  new lower in {lower}/{args.reps} rounds; outputs equal")
    print(f"  rounds old: {' '.join(f'{t:.3f}' for t in times['old'])}")
    print(f"  rounds new: {' '.join(f'{t:.3f}' for t in times['new'])}")
    if args.sample:
        incl: collections.Counter[tuple[str, str]] = collections.Counter()
        total = [0]
        funcs = set(filter(None, args.lines.split(",")))
        lines: collections.Counter[tuple[str, int]] = collections.Counter()

        def handler(sig, frame):  # type: ignore[no-untyped-def]
            total[0] += 1
            seen = set()
            while frame is not None:
                key = (os.path.basename(frame.f_code.co_filename), frame.f_code.co_name)
                if key not in seen:
                    seen.add(key)
                    incl[key] += 1
                    if key[1] in funcs:
                        lines[(key[1], frame.f_lineno)] += 1
                frame = frame.f_back

        signal.signal(signal.SIGPROF, handler)
        signal.setitimer(signal.ITIMER_PROF, 0.001, 0.001)
        t, _ = one(args.sample)
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        print(f"  sample of {args.sample}: {t:.3f} CPU s, {total[0]} samples; inclusive CPU s (x{scale:.1f} at 1M):")
        for k, v in incl.most_common(40):
            print(f"    {t * v / total[0]:7.3f} {t * v / total[0] * scale:7.2f}  {k[0]}:{k[1]}")
        for (f, ln), v in sorted(lines.items()):
            print(f"    {t * v / total[0] * scale:7.2f}  {f}:{ln}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
