"""A/B of ``pipeline._concat_arrays`` (the parent joining the decided blocks' columns in ``_assemble``, and
``_priority``'s) with an old tree's function against this tree's, on the calls ``_assemble`` makes at 1M.

    # record the calls: 1M stage outputs (bench_decisions.py --capture), state and block index as recommend makes
    # them, every --step-th block decided in process (_decide_task), then _assemble over them
    PYTHONPATH=$TREE python benchmarks/bench_decide18_concat_ab.py record --ref REF --out calls.pkl --step 3
    PYTHONPATH=$TREE python benchmarks/bench_decide18_concat_ab.py ab --calls calls.pkl \\
        --old OLD/reviewtools/pipeline.py --reps 11 [--blocks 125]

``ab`` runs every recorded call (each column's arrays repeated to ``--blocks`` arrays, as many as the 1M run's
blocks) with the old function and with the new one in turn (interleaved, new first in even rounds), CPU seconds
(``time.process_time``) per pass, the results asserted equal (type, dtype, values); prints min/median per side,
the rounds where new is lower and the load average.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import pickle
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd


def _record(ref: Path, out: Path, step: int, parts: int) -> None:
    import reviewtools.pipeline as P
    from reviewtools.respond import ReplySettings, _normalise

    def load(name: str) -> pd.DataFrame:
        with (ref / f"{name}.pkl").open("rb") as fh:
            frame = pickle.load(fh)
        size = -(-len(frame) // parts)
        return pd.concat([frame.iloc[i : i + size] for i in range(0, len(frame), size)], ignore_index=True)

    P._warm_worker()
    tagged, hits, matches = load("tagged"), P._encode(load("hits")), P._encode(load("matches"))
    settings = ReplySettings()
    frame = P.coerce(tagged)
    n = len(frame)
    existing = frozenset(_normalise(t) for t in frame["reply_text"].dropna().astype(str) if t.strip())
    recs = frame[[c for c in P.DECISION_COLUMNS if c in frame.columns]]
    state = P._decision_state(settings, hits, matches, True, (), existing)
    size = min(-(-n // (2 * P.CHUNKS_PER_PROCESS)), P.DECISION_MAX_BLOCK)
    bounds = [(i, min(n, i + size)) for i in range(0, n, size)]
    state = replace(state, blocks=P._block_index(recs, state, bounds))
    P._FORKED["decisions"] = (recs, state, P._priority_inputs(frame, None))
    P._FORKED["shared"] = None
    blocks = [P._decide_task(b) for b in bounds[::step]]
    calls = []
    real = P._concat_arrays

    def recording(arrays, dtype):  # type: ignore[no-untyped-def]
        calls.append((list(arrays), dtype))
        return real(arrays, dtype)

    P._concat_arrays = recording
    P._assemble(iter(blocks), recs, settings, existing, {})
    with out.open("wb") as fh:
        pickle.dump(calls, fh, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"{len(calls)} calls of {len(calls[0][0]) if calls else 0} arrays -> {out}")


def _ab(calls_path: Path, old_path: Path, reps: int, blocks: int) -> None:
    import reviewtools.pipeline as P

    spec = importlib.util.spec_from_file_location("reviewtools._pipeline_old", old_path)
    old = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = old
    spec.loader.exec_module(old)  # type: ignore[union-attr]
    with calls_path.open("rb") as fh:
        calls = pickle.load(fh)
    calls = [((arrays * (-(-blocks // len(arrays))))[:blocks], dtype) for arrays, dtype in calls]
    funcs = {"old": old._concat_arrays, "new": P._concat_arrays}

    def one(which: str) -> tuple[float, list]:  # type: ignore[type-arg]
        fn = funcs[which]
        gc.disable()
        c = time.process_time()
        got = [fn(arrays, dtype) for arrays, dtype in calls]
        t = time.process_time() - c
        gc.enable()
        return t, got

    one("old"), one("new")
    times: dict[str, list[float]] = {"old": [], "new": []}
    load0 = Path("/proc/loadavg").read_text().split()[:3]
    for r in range(reps):
        res = {}
        for w in (("new", "old") if r % 2 == 0 else ("old", "new")):
            t, res[w] = one(w)
            times[w].append(t)
        for a, b in zip(res["old"], res["new"]):
            assert type(a) is type(b) and a.dtype == b.dtype and len(a) == len(b)
            assert pd.Series(a, copy=False).equals(pd.Series(b, copy=False))
        del res
    lower = sum(b < a for a, b in zip(times["old"], times["new"]))
    print(f"{P.__file__}: {len(calls)} calls of {blocks} arrays, {reps} rounds; load {load0} -> "
          f"{Path('/proc/loadavg').read_text().split()[:3]}")
    for w in ("old", "new"):
        print(f"  {w}: min {min(times[w]):.4f} median {statistics.median(times[w]):.4f} CPU s")
    print(f"  new lower in {lower}/{reps} rounds; results equal")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("record", "ab"))
    ap.add_argument("--ref", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--step", type=int, default=3)
    ap.add_argument("--partitions", type=int, default=40)
    ap.add_argument("--calls", type=Path)
    ap.add_argument("--old", type=Path)
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--blocks", type=int, default=125)
    args = ap.parse_args()
    if args.what == "record":
        _record(args.ref, args.out, args.step, args.partitions)
    else:
        _ab(args.calls, args.old, args.reps, args.blocks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
